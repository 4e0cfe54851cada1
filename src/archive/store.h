/*
 * The index database: schema, the writer (used by the indexer thread
 * only) and read-only connections for the page renderers.
 *
 * articles holds one row per article (path is its URL path in the tree);
 * the FTS5 table "search" indexes its title and body as external content;
 * triggers keep search, tags, heads and the per-month and per-tag counts
 * in step, so index pages never scan the whole table (tag_counts also
 * by use, for the most used tags first).
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
 */
#ifndef CAPSULED_ARCHIVE_STORE_H
#define CAPSULED_ARCHIVE_STORE_H

#include <stddef.h>
#include <sqlite3.h>

/* Bump when the schema changes: an older database is then rebuilt. */
#define STORE_SCHEMA_VERSION 5
/* bm25's column weights: a title match counts ten times a body match. */
#define STORE_RANK_WEIGHTS "10.0, 1.0"
/* Articles a day holds in date order. */
#define STORE_IDS_PER_DAY (1LL << 12)

struct article_row {
	const char *path;    /* "/2014/02/x.txt" */
	long long mtime;     /* seconds, to skip unchanged files on restart */
	long long size;
	const char *date;    /* "YYYY-MM-DD" */
	const char *updated; /* RFC 3339, for the feed */
	const char *title;
	const char *author;  /* may be NULL */
	const char *summary;
	const char *body;    /* plain text for search */
	const char *source;  /* article_source_key() of its original address, or NULL */
	const char *const *tags;
	size_t ntags;
	char *const *heads;  /* .txt only: first lines (chrome.h), NULL-terminated; may be NULL */
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *touch;
	sqlite3_stmt *remove;
	sqlite3_stmt *insert;
	sqlite3_stmt *insert_tag;
	sqlite3_stmt *remove_tree;
	sqlite3_stmt *sweep;
	sqlite3_stmt *insert_head;
	sqlite3_stmt *insert_source;
	sqlite3_stmt *same_text;
	long long walk;      /* generation stamped on rows seen by the current walk */
	int changed;         /* pages changed since the last commit (not by touches) */
};

/* Open the database as its writer: create it, or delete and recreate it
 * when it is corrupt or has another schema version.  On failure returns
 * -1 with a malloc'd message naming the path in *error. */
int store_open(struct store *s, const char *db_path, char **error);
void store_close(struct store *s);

int store_begin(struct store *s);
/* Commit; s->changed is cleared once committed. */
int store_commit(struct store *s);

/* Start a new walk generation: rows not touched or put before
 * store_sweep() are deleted by it. */
void store_walk_start(struct store *s);
int store_sweep(struct store *s);

/* 1 when path is indexed with this mtime and size (and stamps it as seen
 * by the current walk), 0 when it must be (re)indexed, -1 on error. */
int store_touch(struct store *s, const char *path, long long mtime, long long size);
/* Insert or replace the article at row->path. */
int store_put(struct store *s, const struct article_row *row);
int store_remove(struct store *s, const char *path);
/* Remove every article under the directory path dir ("/2014"). */
int store_remove_tree(struct store *s, const char *dir);

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

#endif
