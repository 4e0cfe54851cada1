/*
 * The index database: schema, the writer (used by the indexer thread
 * only) and read-only connections for the page renderers.
 *
 * articles holds one row per article (path is its URL path in the tree)
 * and bodies what the index keeps of its text, compressed (packed.h):
 * the text itself only when the file is HTML (costly to convert again,
 * and many times the size of its text) or larger than
 * ARTICLE_READ_BACK_MAX; of any other article only its words
 * (words_removal()), which FTS5 needs to take the row out again, the
 * text being the file's own, cheap to read back.  The FTS5 table
 * "search" indexes body and title with the view article_text as its
 * external content, which unpacks a kept body or reads the file again
 * (STORE_TREE_TEXT_FN, which readers have: reader.h) when FTS5 wants
 * the text: the snippets of the rows a page shows, nothing else (the
 * writer hands FTS5 the text of every row it puts in or takes out).
 * Triggers keep tags, heads, bodies and the per-month and per-tag counts
 * in step, so index pages never scan the whole table (tag_counts also by
 * use, for the most used tags first); the writer keeps "search" in step
 * itself: FTS5 builds an index fastest from rows in rowid order, so its
 * inserts and deletes wait in memory and go in sorted, once per
 * transaction (or every STORE_PENDING_BYTES).  words holds every word any article ever
 * held (never pruned), so that a prefix is searched as the words it
 * stands for (words.h).
 *
 * An article's id (and so its FTS5 rowid) grows with its date: the day
 * number times STORE_IDS_PER_DAY, plus the next free number of that day
 * (a full day gives the next id after every other).  The newest matches
 * of a search are then a descending rowid scan that FTS5 does without
 * looking at older ones.  Days are counted, not YYYYMMDD, and the
 * per-day room is modest: FTS5 stores rowid gaps, so smaller ids keep
 * the index small.
 *
 * heads holds the first lines of every .txt article and chrome the lines
 * learned from them (chrome.h); sources the original web address of the
 * articles that state one.
 *
 * Faults: the first statement that fails makes the store's fault sticky
 * (store_fault()) until store_recover(); the caller gives up the batch,
 * and logs once.  The dictionary bodies are packed with (packed.h) is
 * learned from the first kept texts put while building in bulk; the caller
 * hands it to its packers (store_dict_taken()).  A database built from
 * nothing is built in bulk mode
 * (no fsync, larger transactions, FTS5 merging less often) until
 * store_bulk_done(); the mode is recorded in the file, so a build cut
 * short by a crash resumes in it.
 */
#ifndef CAPSULED_ARCHIVE_STORE_H
#define CAPSULED_ARCHIVE_STORE_H

#include <stddef.h>
#include <sqlite3.h>

#include "archive/idset.h"
#include "archive/packed.h"
#include "archive/pending.h"
#include "archive/words.h"

/* Bump when the schema changes: an older database is then rebuilt. */
#define STORE_SCHEMA_VERSION 8
/* bm25's column weights, body then title: a title match counts ten
 * times a body match. */
#define STORE_RANK_WEIGHTS "1.0, 10.0"
/* The SQL function tree_text(path) → the body of the article at path as
 * the indexer converted it, read again from the tree (reader.h). */
#define STORE_TREE_TEXT_FN "tree_text"
/* The column of "search" snippets come from. */
#define STORE_BODY_COLUMN "0"
/* Articles a day holds in date order. */
#define STORE_IDS_PER_DAY (1LL << 12)
/* Text waiting for FTS5 in the open transaction before it goes in early. */
#define STORE_PENDING_BYTES (24 * 1024 * 1024)

struct article_row {
	const char *path;    /* "/2014/02/x.txt" */
	long long mtime;     /* nanoseconds, to skip unchanged files on restart */
	long long size;
	const char *date;    /* "YYYY-MM-DD" */
	const char *updated; /* RFC 3339, for the feed */
	const char *title;
	const char *author;  /* may be NULL */
	const char *summary;
	const char *body;    /* plain text for search */
	const char *source;  /* article_source_key() of its original address, or NULL */
	int whole;           /* the index keeps the body itself, not only its words
	                      * (see above) */
	const void *packed;  /* what the index keeps of the body (words_pack_kept());
	                      * NULL: the store packs it */
	size_t packed_len;
	const char *words;   /* distinct words of title and body, each NUL-terminated;
	                      * NULL: the store lists them */
	size_t words_len;
	const char *const *tags;       /* keys (article_tag_key()) */
	const char *const *tags_shown; /* the same as the article spells them (NULL: the keys) */
	size_t ntags;
	char *const *heads;  /* .txt only: first lines (chrome.h), NULL-terminated; may be NULL */
};

/* What went wrong with the database, from the first failed statement. */
enum store_fault {
	STORE_OK,
	STORE_DAMAGED,    /* SQLITE_CORRUPT, SQLITE_NOTADB, a body that does not unpack */
	STORE_UNWRITABLE, /* the disk is full or read-only, or I/O failed */
	STORE_FAILED,     /* anything else (memory, a bug) */
};

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *touch;
	sqlite3_stmt *insert;
	sqlite3_stmt *insert_body;
	sqlite3_stmt *insert_tag;
	sqlite3_stmt *insert_head;
	sqlite3_stmt *insert_source;
	sqlite3_stmt *insert_word;
	sqlite3_stmt *find;
	sqlite3_stmt *old_text;
	sqlite3_stmt *same_text;
	sqlite3_stmt *remove;
	sqlite3_stmt *fts_insert;
	sqlite3_stmt *fts_delete;
	int changed;         /* pages changed since the last commit (not by touches) */
	int bulk;            /* built from nothing: bulk mode (see above) */
	int created;         /* this open made (or remade) the database */
	int recovered;       /* ...after moving a damaged one aside */
	enum store_fault fault;
	int fault_code;      /* the SQLite error code of the fault */
	char fault_message[256];
	struct idset seen;   /* ids seen by the walk under way, for the sweep */
	int walking;
	struct pending pending; /* FTS5 work of the open transaction */
	struct words_filter known; /* words stored */
	struct packer *packer;     /* for rows put without their packed body */
	struct words_tokenizer *tokenizer; /* ...or without their words */
	struct unpacker *unpacker; /* bodies of rows taken out of FTS5 */
	struct packed_dict *dict;  /* the dictionary bodies are packed with, or NULL */
	int dict_learned;          /* ...learned since the last store_dict_taken() */
	int dict_tried;            /* learning it was tried (it is tried once) */
	struct buf samples;        /* the start of the first kept texts, to learn it from */
	size_t *sample_sizes;
	unsigned nsamples;
};

/* The class of an SQLite result code. */
enum store_fault store_fault_of(int sqlite_code);

/* Open the database as its writer: create it when missing; delete and
 * recreate it when it has another schema version; move it aside (to
 * "<path>.damaged") and recreate it when it is damaged.  On failure
 * returns -1 with a malloc'd message naming the path in *error and the
 * class in *fault. */
int store_open(struct store *s, const char *db_path, char **error, enum store_fault *fault);
void store_close(struct store *s);
/* Close the store and move its database aside as "<path>.damaged"
 * (replacing an older one), so that the next store_open() builds anew. */
void store_discard(struct store *s);

int store_begin(struct store *s);
/* Hand FTS5 its pending work and commit; s->changed is cleared once
 * committed.  On failure the transaction is rolled back. */
int store_commit(struct store *s);
/* Give up the open transaction and its pending work. */
void store_rollback(struct store *s);
/* The first fault since the last store_recover(). */
enum store_fault store_fault(const struct store *s);
void store_recover(struct store *s);
/* The dictionary was learned (s->dict_learned): the caller now packs
 * with s->dict. */
void store_dict_taken(struct store *s);
/* Leave bulk mode: the first walk is in.  Merges the FTS5 index. */
int store_bulk_done(struct store *s);

/* Start a walk: rows not touched or put before store_sweep() are
 * deleted by it.  Remembers ids in memory, never writes. */
void store_walk_start(struct store *s);
int store_sweep(struct store *s);
/* Forget the walk under way (stopped, or failed). */
void store_walk_abandon(struct store *s);

/* 1 when path is indexed with this mtime and size (and counts it as seen
 * by the walk under way), 0 when it must be (re)indexed, -1 on error. */
int store_touch(struct store *s, const char *path, long long mtime, long long size);
/* Insert or replace the article at row->path (packing its body and
 * listing its words when the row comes without them). */
int store_put(struct store *s, const struct article_row *row);
/* 1 when the article at path was removed, 0 when there was none, -1. */
int store_remove(struct store *s, const char *path);
/* Remove every article under the directory path dir ("/2014"); the
 * number removed, or -1. */
long long store_remove_tree(struct store *s, const char *dir);
/* Articles in the index (committed), or -1. */
long long store_count(struct store *s);
/* "ok", or what is wrong, from SQLite's quick_check: malloc'd, NULL on
 * error (the fault is set). */
char *store_check(struct store *s);

/* 1 when the article at row->path is indexed with the same title,
 * summary and body (a new conversion changed nothing), else 0. */
int store_same_text(struct store *s, const struct article_row *row);

/* The chrome lines the heads now support (sorted; NULL when none) in
 * *lines, and the number of .txt articles they were learned from in
 * *text_files.  Returns -1 on error. */
int store_learn_chrome(struct store *s, char ***lines, long long *text_files);
/* Replace the stored chrome lines. */
int store_set_chrome(struct store *s, char *const *lines);
/* The paths of the .txt articles headed by any of lines, sorted, in
 * *paths (NULL when none).  Returns -1 on error. */
int store_paths_headed_by(struct store *s, char *const *lines, char ***paths);
/* The stored chrome lines of any connection to the index: sorted, NULL
 * when none (or on error, logged). */
char **store_chrome(sqlite3 *db);
/* The same from st, a statement of store_chrome_sql on db (reset). */
extern const char store_chrome_sql[];
char **store_chrome_lines(sqlite3 *db, sqlite3_stmt *st);

/* A read-only connection for page rendering, or NULL (logged). */
sqlite3 *store_open_reader(const char *db_path);

/* The date ("YYYY-MM-DD") of the day an article id belongs to; "" for
 * the ids of undated articles. */
void store_date_of_id(long long id, char date[11]);

#endif
