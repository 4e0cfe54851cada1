#include "archive/store.h"
#include "archive/vfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/chrome.h"
#include "archive/strlist.h"
#include "util/log.h"
#include "util/text.h"

/* FTS5 merges segments once this many of a size are there: more while
 * building in bulk (fewer merges; the build ends with one), its default
 * after. */
#define AUTOMERGE_BULK "16"
#define AUTOMERGE "4"

/* The spelling of a tag (row NEW or OLD of a trigger) that most of its
 * articles use; ties go to the first in byte order. */
#define BEST_SPELLING(row) "(SELECT shown FROM tag_spellings WHERE tag = " row ".tag" \
	" ORDER BY count DESC, shown LIMIT 1)"

static const char schema[] =
	"CREATE TABLE articles("
	" id INTEGER PRIMARY KEY,"
	" path TEXT NOT NULL UNIQUE,"
	" mtime INTEGER NOT NULL,"
	" size INTEGER NOT NULL,"
	" date TEXT NOT NULL,"  /* YYYY-MM-DD, or '' when undated */
	" updated TEXT NOT NULL,"
	" title TEXT NOT NULL,"
	" author TEXT,"
	" summary TEXT NOT NULL);"
	"CREATE INDEX articles_by_date ON articles(date);"
	/* hash: text_hash64() of the body, to tell a new conversion changed it. */
	"CREATE TABLE bodies(id INTEGER PRIMARY KEY, body BLOB NOT NULL, whole INTEGER NOT NULL,"
	" hash INTEGER NOT NULL);"
	/* tag is the key (article_tag_key()), shown the article's spelling. */
	"CREATE TABLE tags("
	" tag TEXT NOT NULL, date TEXT NOT NULL, article INTEGER NOT NULL, shown TEXT NOT NULL,"
	" PRIMARY KEY(tag, date, article)) WITHOUT ROWID;"
	"CREATE INDEX tags_by_article ON tags(article);"
	"CREATE TABLE months(month TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;"
	/* shown: the spelling most of a tag's articles use. */
	"CREATE TABLE tag_counts(tag TEXT PRIMARY KEY, count INTEGER NOT NULL,"
	" shown TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE tag_spellings(tag TEXT NOT NULL, shown TEXT NOT NULL, count INTEGER NOT NULL,"
	" PRIMARY KEY(tag, shown)) WITHOUT ROWID;"
	"CREATE INDEX tag_counts_by_use ON tag_counts(count DESC, tag);"
	"CREATE TABLE heads(line TEXT NOT NULL, article INTEGER NOT NULL,"
	" PRIMARY KEY(line, article)) WITHOUT ROWID;"
	"CREATE INDEX heads_by_article ON heads(article);"
	"CREATE TABLE chrome(line TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE words(word TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE dictionaries(id INTEGER PRIMARY KEY, dict BLOB NOT NULL);"
	"CREATE TABLE state(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
	"INSERT INTO state VALUES('bulk', 1);"
	"CREATE VIEW article_text(id, body, title) AS SELECT a.id,"
	" CASE WHEN b.whole THEN " PACKED_UNPACK_FN "(b.body) ELSE " STORE_TREE_TEXT_FN "(a.path) END,"
	" a.title FROM articles a JOIN bodies b ON b.id = a.id;"
	/* Where articles were first published (article_source_key()): a
	 * link to one of those addresses is a link to the article here. */
	"CREATE TABLE sources(url TEXT PRIMARY KEY, article INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sources_by_article ON sources(article);"
	/* The body first: FTS5 marks every hit outside the first column with
	 * its column's number, two bytes more for each word of each row. */
	"CREATE VIRTUAL TABLE search USING fts5(body, title,"
	" content='article_text', content_rowid='id',"
	" tokenize='" WORDS_TOKENIZER " " WORDS_TOKENIZER_ARG1 " " WORDS_TOKENIZER_ARG2 "');"
	"INSERT INTO search(search, rank) VALUES('rank', 'bm25(" STORE_RANK_WEIGHTS ")');"
	/* FTS5 flushes what it holds in memory to a new segment once it
	 * passes this size: the writer's batches fit (STORE_PENDING_BYTES of
	 * text), so a batch makes one segment. */
	"INSERT INTO search(search, rank) VALUES('hashsize', 33554432);"
	"INSERT INTO search(search, rank) VALUES('automerge', " AUTOMERGE_BULK ");"
	"CREATE TRIGGER articles_added AFTER INSERT ON articles BEGIN"
	" INSERT INTO months SELECT substr(new.date, 1, 7), 1 WHERE new.date <> ''"
	"  ON CONFLICT(month) DO UPDATE SET count = count + 1;"
	" END;"
	"CREATE TRIGGER articles_removed AFTER DELETE ON articles BEGIN"
	" UPDATE months SET count = count - 1 WHERE month = substr(old.date, 1, 7);"
	" DELETE FROM months WHERE month = substr(old.date, 1, 7) AND count <= 0;"
	" DELETE FROM tags WHERE article = old.id;"
	" DELETE FROM heads WHERE article = old.id;"
	" DELETE FROM bodies WHERE id = old.id;"
	" DELETE FROM sources WHERE article = old.id;"
	" END;"
	"CREATE TRIGGER tags_added AFTER INSERT ON tags BEGIN"
	" INSERT INTO tag_spellings VALUES(new.tag, new.shown, 1)"
	"  ON CONFLICT(tag, shown) DO UPDATE SET count = count + 1;"
	" INSERT INTO tag_counts VALUES(new.tag, 1, new.shown)"
	"  ON CONFLICT(tag) DO UPDATE SET count = count + 1, shown = " BEST_SPELLING("new") ";"
	" END;"
	"CREATE TRIGGER tags_removed AFTER DELETE ON tags BEGIN"
	" UPDATE tag_spellings SET count = count - 1 WHERE tag = old.tag AND shown = old.shown;"
	" DELETE FROM tag_spellings WHERE tag = old.tag AND shown = old.shown AND count <= 0;"
	" UPDATE tag_counts SET count = count - 1, shown = coalesce(" BEST_SPELLING("old") ", shown)"
	"  WHERE tag = old.tag;"
	" DELETE FROM tag_counts WHERE tag = old.tag AND count <= 0;"
	" END;";

#define STORE_PAGE_SIZE "16384"
/* Page cache of the writer, KiB. */
#define CACHE_KIB 8192
#define CACHE_KIB_BULK 32768
/* Page cache of each reader, KiB: 256 pages of 16 KiB, what a page of a
 * long list reads (its 100 articles and the 100 newer ones walked for
 * the link back, each on a page of its own at worst).  SQLite's default
 * of 2000 KiB is 125 such pages: a deep tag page then read its pages
 * from the file again on every render (0.27 ms where 0.08 ms will do). */
#define READER_CACHE_KIB "4096"

enum store_fault
store_fault_of(int sqlite_code)
{
	switch (sqlite_code & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return STORE_DAMAGED;
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return STORE_UNWRITABLE;
	default:
		return STORE_FAILED;
	}
}

static void
forget_samples(struct store *s)
{
	buf_free(&s->samples);
	free(s->sample_sizes);
	s->sample_sizes = NULL;
	s->nsamples = 0;
}

/* Record code as the store's fault (the first one sticks); -1. */
static int
store_failed(struct store *s, int code)
{
	if (s->fault == STORE_OK) {
		s->fault = store_fault_of(code);
		if (s->fault == STORE_OK)
			s->fault = STORE_FAILED;
		s->fault_code = code;
		snprintf(s->fault_message, sizeof(s->fault_message), "%s",
		    s->db != NULL && sqlite3_errcode(s->db) == code ? sqlite3_errmsg(s->db) :
		    sqlite3_errstr(code));
	}
	return -1;
}

enum store_fault
store_fault(const struct store *s)
{
	return s->fault;
}

void
store_recover(struct store *s)
{
	s->fault = STORE_OK;
	s->fault_code = SQLITE_OK;
	s->fault_message[0] = '\0';
}

/* "archive: cannot <what> <path>: <why>", malloc'd. */
static char *
format_error(const char *what, const char *path, const char *why)
{
	char *msg;

	if (asprintf(&msg, "archive: cannot %s %s: %s", what, path, why) == -1)
		return NULL;
	return msg;
}

/* The schema version, 0 for an empty database, -1 when the file is not a
 * usable database (corrupt, foreign, or unreadable). */
static int
schema_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int version = -1, tables = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version != 0)
		return version;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		tables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return tables == 0 ? 0 : -1;
}

static int
configure(sqlite3 *db)
{
	int rc;

	sqlite3_busy_timeout(db, 5000);
	if ((rc = packed_register(db)) != SQLITE_OK)
		return rc;
	/* For a new database only (an existing one keeps what it has): pages
	 * of 16 KiB waste less room around packed bodies of a few KiB, and
	 * incremental vacuum gives back the pages FTS5's last merge of a
	 * build frees.  The WAL is cut back after a checkpoint.  Temporary
	 * tables in memory: the sandbox leaves /var/tmp out of reach. */
	return sqlite3_exec(db, "PRAGMA page_size = " STORE_PAGE_SIZE ";"
	    " PRAGMA auto_vacuum = INCREMENTAL;"
	    " PRAGMA journal_mode = WAL; PRAGMA journal_size_limit = 8388608;"
	    " PRAGMA temp_store = MEMORY;", NULL, NULL, NULL);
}

static int
create_schema(sqlite3 *db)
{
	char sql[64];

	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

static void
remove_db_files(const char *db_path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char name[4096];
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", db_path, suffixes[i]);
		if (unlink(name) == -1 && errno != ENOENT)
			log_warn("archive: cannot remove %s: %s", name, strerror(errno));
	}
}

/* Keep the damaged file for a look, in place of an older one; what
 * remains (its WAL) goes. */
static void
move_aside(const char *db_path)
{
	char damaged[4096];

	snprintf(damaged, sizeof(damaged), "%s.damaged", db_path);
	if (rename(db_path, damaged) == -1 && errno != ENOENT)
		log_warn("archive: cannot move %s aside: %s", db_path, strerror(errno));
	remove_db_files(db_path);
}

static int
prepare_all(struct store *s)
{
	static const struct {
		size_t offset;
		const char *sql;
	} statements[] = {
		{ offsetof(struct store, touch),
		  "SELECT id FROM articles WHERE path = ?1 AND mtime = ?2 AND size = ?3" },
		{ offsetof(struct store, find), "SELECT id FROM articles WHERE path = ?1" },
		/* ?9 is the first id of the date, ?10 STORE_IDS_PER_DAY; a
		 * NULL id (the day is full) is the next after every other. */
		{ offsetof(struct store, insert),
		  "INSERT INTO articles(id, path, mtime, size, date, updated, title, author,"
		  " summary) VALUES((SELECT CASE WHEN next < ?9 + ?10 THEN next END"
		  "  FROM (SELECT coalesce((SELECT id + 1 FROM articles"
		  "   WHERE id >= ?9 AND id < ?9 + ?10 ORDER BY id DESC LIMIT 1), ?9) AS next)),"
		  " ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" },
		{ offsetof(struct store, insert_body),
		  "INSERT INTO bodies(id, body, whole, hash) VALUES(?1, ?2, ?3, ?4)" },
		{ offsetof(struct store, insert_tag),
		  "INSERT OR IGNORE INTO tags(tag, date, article, shown) VALUES(?1, ?2, ?3, ?4)" },
		{ offsetof(struct store, insert_source),
		  "INSERT OR REPLACE INTO sources(url, article) VALUES(?1, ?2)" },
		{ offsetof(struct store, insert_head),
		  "INSERT OR IGNORE INTO heads(line, article) VALUES(?1, ?2)" },
		{ offsetof(struct store, insert_word), "INSERT OR IGNORE INTO words(word) VALUES(?1)" },
		{ offsetof(struct store, old_text),
		  "SELECT a.title, b.body FROM articles a LEFT JOIN bodies b ON b.id = a.id"
		  " WHERE a.id = ?1" },
		{ offsetof(struct store, same_text),
		  "SELECT a.title = ?2 AND a.summary = ?3 AND b.hash = ?4 FROM articles a"
		  " JOIN bodies b ON b.id = a.id WHERE a.path = ?1" },
		{ offsetof(struct store, remove), "DELETE FROM articles WHERE id = ?1" },
		{ offsetof(struct store, fts_insert),
		  "INSERT INTO search(rowid, title, body) VALUES(?1, ?2, ?3)" },
		{ offsetof(struct store, fts_delete),
		  "INSERT INTO search(search, rowid, title, body) VALUES('delete', ?1, ?2, ?3)" },
	};
	size_t i;
	sqlite3_stmt **slot;

	for (i = 0; i < sizeof(statements) / sizeof(statements[0]); i++) {
		slot = (sqlite3_stmt **)((char *)s + statements[i].offset);
		if (sqlite3_prepare_v3(s->db, statements[i].sql, -1, SQLITE_PREPARE_PERSISTENT,
		    slot, NULL) != SQLITE_OK)
			return -1;
	}
	return 0;
}

static void
finalize_all(struct store *s)
{
	sqlite3_stmt **all[] = { &s->touch, &s->find, &s->insert, &s->insert_body,
		&s->insert_tag, &s->insert_head, &s->insert_source, &s->insert_word, &s->old_text,
		&s->same_text, &s->remove, &s->fts_insert, &s->fts_delete };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
}

/* Whether the file was left in bulk mode; -1 on error. */
static int
read_bulk(sqlite3 *db)
{
	sqlite3_stmt *st;
	int bulk = -1, rc;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM state WHERE key = 'bulk'", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		bulk = sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	return bulk;
}

/* The settings of the mode: synchronous off while building in bulk
 * (a crash of the machine, not of the process, could damage the file,
 * which is then rebuilt; the build is lost either way).  Nothing is
 * written: a full disk does not keep the index from opening. */
static int
apply_mode(struct store *s)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "PRAGMA synchronous = %s; PRAGMA cache_size = -%d;",
	    s->bulk ? "OFF" : "NORMAL", s->bulk ? CACHE_KIB_BULK : CACHE_KIB);
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* The newest dictionary in the file, if any; and an unpacker for the
 * bodies.  -1 on error (or damage). */
static int
read_dict(struct store *s)
{
	sqlite3_stmt *st;
	int rc;

	if ((s->unpacker = unpacker_new(s->db)) == NULL ||
	    sqlite3_prepare_v2(s->db, "SELECT dict FROM dictionaries ORDER BY id DESC LIMIT 1",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		s->dict = packed_dict_load(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || (rc == SQLITE_ROW && s->dict != NULL) ? 0 : -1;
}

/* What one attempt at opening made of the file. */
enum opened { OPENED, OUTDATED, DAMAGED, FAILED };

/* A failure seen on db: damage, or the other classes. */
static enum opened
failure_of(sqlite3 *db)
{
	return store_fault_of(sqlite3_errcode(db)) == STORE_DAMAGED ? DAMAGED : FAILED;
}

/* The statements of a database at the right version: when they do not
 * prepare (FTS5's tables unreadable: "vtable constructor failed"), the
 * file is damaged, unless the cause is elsewhere (locked, memory). */
static enum opened
prepare_existing(struct store *s)
{
	int code;

	if (prepare_all(s) == 0)
		return OPENED;
	code = sqlite3_errcode(s->db) & 0xff;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_NOMEM ||
	    store_fault_of(code) == STORE_UNWRITABLE)
		return FAILED;
	return DAMAGED;
}

static enum opened
open_once(struct store *s)
{
	enum opened opened;
	int version;

	if (archive_vfs_register() != SQLITE_OK ||
	    sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, ARCHIVE_VFS_NAME) != SQLITE_OK)
		return FAILED;
	if (configure(s->db) != SQLITE_OK)
		return failure_of(s->db);
	version = schema_version(s->db);
	if (version == 0) {
		if (create_schema(s->db) == -1)
			return failure_of(s->db);
		s->created = 1;
	} else if (version == -1) {
		/* Tables, but not ours, or unreadable: never delete what might be
		 * someone's database; keep it aside. */
		return DAMAGED;
	} else if (version != STORE_SCHEMA_VERSION) {
		return OUTDATED;
	}
	if ((opened = prepare_existing(s)) != OPENED)
		return opened;
	if ((s->bulk = read_bulk(s->db)) == -1 || read_dict(s) == -1)
		return failure_of(s->db);
	return apply_mode(s) == 0 ? OPENED : failure_of(s->db);
}

static void
close_db(struct store *s)
{
	unpacker_free(s->unpacker);
	s->unpacker = NULL;
	packed_dict_free(s->dict);
	s->dict = NULL;
	finalize_all(s);
	sqlite3_close(s->db);
	s->db = NULL;
}

int
store_open(struct store *s, const char *db_path, char **error, enum store_fault *fault)
{
	enum opened opened = FAILED;
	int attempt;

	memset(s, 0, sizeof(*s));
	*error = NULL;
	*fault = STORE_FAILED;
	if ((s->path = strdup(db_path)) == NULL) {
		*error = format_error("open the index", db_path, "out of memory");
		return -1;
	}
	for (attempt = 0; attempt < 3; attempt++) {
		if ((opened = open_once(s)) == OPENED)
			return 0;
		if (opened == FAILED)
			break;
		log_warn(opened == OUTDATED ? "archive: index %s is from another version, rebuilding it" :
		    "archive: index %s is damaged (%s); moved aside to %s.damaged, rebuilding it",
		    db_path, sqlite3_errmsg(s->db), db_path);
		close_db(s);
		if (opened == OUTDATED) {
			remove_db_files(db_path);
		} else {
			move_aside(db_path);
			s->recovered = 1;
		}
	}
	*error = format_error("use the index", db_path,
	    s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
	*fault = s->db != NULL ? store_fault_of(sqlite3_errcode(s->db)) : STORE_FAILED;
	if (*fault == STORE_OK || opened == DAMAGED)
		*fault = opened == DAMAGED ? STORE_DAMAGED : STORE_FAILED;
	store_close(s);
	return -1;
}

void
store_close(struct store *s)
{
	pending_clear(&s->pending);
	idset_clear(&s->seen);
	words_filter_free(&s->known);
	packer_free(s->packer);
	if (s->tokenizer != NULL)
		words_tokenizer_close(s->tokenizer);
	free(s->tokenizer);
	forget_samples(s);
	close_db(s);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

void
store_discard(struct store *s)
{
	char *path = s->path;

	s->path = NULL;
	store_close(s);
	if (path != NULL)
		move_aside(path);
	free(path);
}

/* Run sql; 0, or -1 with the fault set. */
static int
store_exec(struct store *s, const char *sql)
{
	if (s->fault != STORE_OK)
		return -1;
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_failed(s, sqlite3_errcode(s->db));
	return 0;
}

/* Days from 0000-03-01 to y-m-d in the proleptic Gregorian calendar
 * (the year starts in March, so leap days come last). */
static long long
day_number(long long y, long long m, long long d)
{
	long long doy;

	if (m <= 2)
		y--;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return y * 365 + y / 4 - y / 100 + y / 400 + doy;
}

/* The first id of an article's date (store.h); 0 for a date that is
 * not YYYY-MM-DD. */
static long long
first_id_of(const char *date)
{
	static const int digit_at[] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	long long ymd = 0;
	size_t i;

	if (strnlen(date, 10) < 10)
		return 0;
	for (i = 0; i < sizeof(digit_at) / sizeof(digit_at[0]); i++) {
		if (date[digit_at[i]] < '0' || date[digit_at[i]] > '9')
			return 0;
		ymd = ymd * 10 + date[digit_at[i]] - '0';
	}
	return day_number(ymd / 10000, ymd / 100 % 100, ymd % 100) * STORE_IDS_PER_DAY;
}

static sqlite3_stmt *
prepare(struct store *s, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_failed(s, sqlite3_errcode(s->db));
		return NULL;
	}
	return st;
}

/* Run a prepared statement to completion and reset it; 0, or -1 with
 * the fault set. */
static int
run(struct store *s, sqlite3_stmt *st)
{
	int rc = s->fault == STORE_OK ? sqlite3_step(st) : SQLITE_MISUSE;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return s->fault != STORE_OK ? -1 : store_failed(s, rc);
}

/* run() for a statement that changes what pages show. */
static int
run_changing(struct store *s, sqlite3_stmt *st)
{
	if (run(s, st) == -1)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		s->changed = 1;
	return 0;
}

static int
put_body(struct store *s, const struct pending_op *op)
{
	sqlite3_bind_int64(s->insert_body, 1, op->id);
	sqlite3_bind_blob64(s->insert_body, 2, op->packed, op->packed_len, SQLITE_STATIC);
	sqlite3_bind_int(s->insert_body, 3, op->whole);
	sqlite3_bind_int64(s->insert_body, 4, (long long)text_hash64(op->body, strlen(op->body)));
	return run(s, s->insert_body);
}

/* Hand FTS5 the pending work, in rowid order. */
static int
flush_pending(struct store *s)
{
	const struct pending_op *op;
	sqlite3_stmt *st;
	size_t i;

	pending_sort(&s->pending);
	for (i = 0; i < s->pending.n && s->fault == STORE_OK; i++) {
		op = &s->pending.ops[i];
		if (op->insert && put_body(s, op) == -1)
			break;
		st = op->insert ? s->fts_insert : s->fts_delete;
		sqlite3_bind_int64(st, 1, op->id);
		sqlite3_bind_text(st, 2, op->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, op->body, -1, SQLITE_STATIC);
		run(s, st);
	}
	pending_clear(&s->pending);
	return s->fault == STORE_OK ? 0 : -1;
}

/* Outside a transaction every change is its own: FTS5 gets it now. */
static int
outside_transaction(struct store *s)
{
	return sqlite3_get_autocommit(s->db) ? flush_pending(s) : 0;
}

static int
add_pending(struct store *s, long long id, const char *title, const char *body,
    const void *packed, size_t packed_len, int whole)
{
	if (pending_add(&s->pending, id, title, body, packed, packed_len, whole) == -1)
		return store_failed(s, SQLITE_NOMEM);
	return s->pending.bytes > STORE_PENDING_BYTES ? flush_pending(s) : 0;
}

/* Count id as seen by the walk under way. */
static int
remember(struct store *s, long long id)
{
	if (s->walking && idset_add(&s->seen, id) == -1)
		return store_failed(s, SQLITE_NOMEM);
	return 0;
}

void
store_walk_start(struct store *s)
{
	idset_clear(&s->seen);
	s->walking = 1;
}

void
store_walk_abandon(struct store *s)
{
	idset_clear(&s->seen);
	s->walking = 0;
}

/* The title and unpacked body of the row id, for FTS5 to delete it. */
static int
old_text(struct store *s, long long id, char **title, char **body)
{
	const void *packed;
	size_t len;
	int rc, damaged = 0;

	*title = *body = NULL;
	sqlite3_bind_int64(s->old_text, 1, id);
	if ((rc = sqlite3_step(s->old_text)) == SQLITE_ROW &&
	    (*title = strdup((const char *)sqlite3_column_text(s->old_text, 0))) != NULL &&
	    (packed = sqlite3_column_blob(s->old_text, 1)) != NULL)
		unpacker_unpack(s->unpacker, packed, (size_t)sqlite3_column_bytes(s->old_text, 1),
		    body, &len, &damaged);
	sqlite3_reset(s->old_text);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_failed(s, rc);
	if (rc == SQLITE_ROW && (*title == NULL || *body == NULL))
		return store_failed(s, damaged || *title != NULL ? SQLITE_CORRUPT : SQLITE_NOMEM);
	return rc == SQLITE_ROW ? 1 : 0;
}

/* Take the row out of FTS5 (which needs the words of what it deletes,
 * unless it never saw the row) and out of the tables. */
static int
remove_id(struct store *s, long long id)
{
	char *title, *body;
	int rc = 0;

	if (!pending_drop_insert(&s->pending, id) && (rc = old_text(s, id, &title, &body)) == 1) {
		rc = add_pending(s, id, title, body, NULL, 0, 0);
		free(title);
		free(body);
	}
	if (rc == -1)
		return -1;
	sqlite3_bind_int64(s->remove, 1, id);
	return run_changing(s, s->remove);
}

/* The ids st gives (column 0), reset. */
static int
ids_of(struct store *s, sqlite3_stmt *st, struct idset *ids)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (idset_add(ids, sqlite3_column_int64(st, 0)) == -1)
			rc = SQLITE_NOMEM;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_failed(s, rc);
}

int
store_sweep(struct store *s)
{
	struct idset gone = IDSET_INIT, all = IDSET_INIT;
	sqlite3_stmt *st;
	size_t i;
	int rc = -1;

	if (s->fault != STORE_OK ||
	    (st = prepare(s, "SELECT id FROM articles ORDER BY id")) == NULL)
		return -1;
	if (ids_of(s, st, &all) == 0) {
		rc = 0;
		for (i = 0; i < all.n && rc == 0; i++)
			if (!idset_has(&s->seen, all.ids[i]))
				rc = idset_add(&gone, all.ids[i]) == 0 ? 0 : store_failed(s, SQLITE_NOMEM);
		for (i = 0; i < gone.n && rc == 0; i++)
			rc = remove_id(s, gone.ids[i]);
	}
	sqlite3_finalize(st);
	idset_clear(&all);
	idset_clear(&gone);
	store_walk_abandon(s);
	return rc;
}

int
store_touch(struct store *s, const char *path, long long mtime, long long size)
{
	sqlite3_stmt *st = s->touch;
	long long id = 0;
	int rc;

	if (s->fault != STORE_OK)
		return -1;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, mtime);
	sqlite3_bind_int64(st, 3, size);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_failed(s, rc);
	if (rc == SQLITE_DONE)
		return 0;
	return remember(s, id) == 0 ? 1 : -1;
}

static int
put_tags(struct store *s, const struct article_row *row, long long id)
{
	size_t i;

	for (i = 0; i < row->ntags; i++) {
		sqlite3_bind_text(s->insert_tag, 1, row->tags[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(s->insert_tag, 2, row->date, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->insert_tag, 3, id);
		sqlite3_bind_text(s->insert_tag, 4, row->tags_shown != NULL ? row->tags_shown[i] :
		    row->tags[i], -1, SQLITE_STATIC);
		if (run(s, s->insert_tag) == -1)
			return -1;
	}
	return 0;
}

static int
put_heads(struct store *s, const struct article_row *row, long long id)
{
	char *const *line;

	for (line = row->heads; line != NULL && *line != NULL; line++) {
		sqlite3_bind_text(s->insert_head, 1, *line, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->insert_head, 2, id);
		if (run(s, s->insert_head) == -1)
			return -1;
	}
	return 0;
}

static int
put_source(struct store *s, const struct article_row *row, long long id)
{
	if (row->source == NULL)
		return 0;
	sqlite3_bind_text(s->insert_source, 1, row->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->insert_source, 2, id);
	return run(s, s->insert_source);
}

/* The words not stored yet. */
static int
put_words(struct store *s, const struct article_row *row)
{
	const char *w, *end = row->words + row->words_len;
	size_t len;
	int seen;

	for (w = row->words; w != NULL && w < end; w += len + 1) {
		len = strlen(w);
		if ((seen = words_filter_seen(&s->known, w, len)) == -1)
			return store_failed(s, SQLITE_NOMEM);
		if (seen)
			continue;
		sqlite3_bind_text(s->insert_word, 1, w, (int)len, SQLITE_STATIC);
		if (run(s, s->insert_word) == -1)
			return -1;
	}
	return 0;
}

/* Learn the dictionary from the samples, and keep it. */
static int
learn_dict(struct store *s)
{
	sqlite3_stmt *st;
	const void *bytes;
	size_t size;

	s->dict = packed_dict_learn(s->samples.data, s->sample_sizes, s->nsamples);
	s->dict_tried = 1;
	forget_samples(s);
	if (s->dict == NULL)
		return 0;
	if ((st = prepare(s, "INSERT OR REPLACE INTO dictionaries(id, dict) VALUES(?1, ?2)")) ==
	    NULL)
		return -1;
	bytes = packed_dict_bytes(s->dict, &size);
	sqlite3_bind_int64(st, 1, packed_dict_id(s->dict));
	sqlite3_bind_blob64(st, 2, bytes, size, SQLITE_STATIC);
	if (run(s, st) == -1) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	s->dict_learned = 1;
	return 0;
}

/* The writer's own tokenizer, made on first need; NULL when it cannot be. */
static struct words_tokenizer *
writer_tokenizer(struct store *s)
{
	if (s->tokenizer == NULL && (s->tokenizer = calloc(1, sizeof(*s->tokenizer))) != NULL &&
	    words_tokenizer_open(s->tokenizer) == -1) {
		free(s->tokenizer);
		s->tokenizer = NULL;
	}
	return s->tokenizer;
}

/* Keep the start of what the index keeps of a row's body (its text or
 * its words) to learn the dictionary from; learn it once there is
 * enough. */
static int
gather_sample(struct store *s, const struct article_row *row)
{
	struct buf removal = BUF_INIT;
	const char *kept = row->body;
	size_t len, *grown;
	int rc = 0;

	if (s->samples.len >= PACKED_DICT_SAMPLE_BYTES)
		return 0;
	if (!row->whole) {
		if (writer_tokenizer(s) == NULL || words_removal(s->tokenizer, row->body, &removal) == -1)
			return store_failed(s, SQLITE_NOMEM);
		kept = removal.data != NULL ? removal.data : "";
	}
	len = strnlen(kept, PACKED_DICT_SAMPLE_MAX);
	if ((grown = reallocarray(s->sample_sizes, s->nsamples + 1, sizeof(*grown))) != NULL)
		s->sample_sizes = grown;
	if (grown == NULL || buf_append(&s->samples, kept, len) == -1)
		rc = store_failed(s, SQLITE_NOMEM);
	else
		s->sample_sizes[s->nsamples++] = len;
	buf_free(&removal);
	if (rc == 0 && s->samples.len >= PACKED_DICT_SAMPLE_BYTES)
		rc = learn_dict(s);
	return rc;
}

void
store_dict_taken(struct store *s)
{
	s->dict_learned = 0;
}

/* What the index keeps of a row's body (packed) and its words, for a row
 * that came without them, made here on the writer's thread. */
static int
complete(struct store *s, struct article_row *row, struct buf *packed, struct buf *words)
{
	const char *texts[2] = { row->title, row->body };

	if ((row->packed == NULL || row->words == NULL) && writer_tokenizer(s) == NULL)
		return store_failed(s, SQLITE_NOMEM);
	if (row->packed == NULL) {
		if ((s->packer == NULL && (s->packer = packer_new()) == NULL) ||
		    packer_use(s->packer, s->dict) == -1 ||
		    words_pack_kept(s->tokenizer, s->packer, row->body, row->whole, packed) == -1)
			return store_failed(s, SQLITE_NOMEM);
		row->packed = packed->data;
		row->packed_len = packed->len;
	}
	if (row->words == NULL) {
		if (words_distinct(s->tokenizer, texts, 2, words) == -1)
			return store_failed(s, SQLITE_NOMEM);
		row->words = words->data;
		row->words_len = words->len;
	}
	return 0;
}

static int
put_row(struct store *s, const struct article_row *row)
{
	sqlite3_stmt *st = s->insert;
	long long id;

	if (store_remove(s, row->path) == -1)
		return -1;
	sqlite3_bind_text(st, 1, row->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, row->mtime);
	sqlite3_bind_int64(st, 3, row->size);
	sqlite3_bind_text(st, 4, row->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, row->updated, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, row->title, -1, SQLITE_STATIC);
	if (row->author != NULL)
		sqlite3_bind_text(st, 7, row->author, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, row->summary, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, first_id_of(row->date));
	sqlite3_bind_int64(st, 10, STORE_IDS_PER_DAY);
	if (run_changing(s, st) == -1)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);
	if (put_tags(s, row, id) == -1 || put_heads(s, row, id) == -1 ||
	    put_source(s, row, id) == -1 ||
	    put_words(s, row) == -1 ||
	    add_pending(s, id, row->title, row->body, row->packed, row->packed_len,
	    row->whole) == -1)
		return -1;
	return remember(s, id);
}

int
store_put(struct store *s, const struct article_row *row)
{
	struct article_row full = *row;
	struct buf packed = BUF_INIT, words = BUF_INIT;
	int rc = -1;

	if (s->fault == STORE_OK && complete(s, &full, &packed, &words) == 0)
		rc = put_row(s, &full);
	if (rc == 0 && s->bulk && s->dict == NULL && !s->dict_tried)
		rc = gather_sample(s, row);
	buf_free(&packed);
	buf_free(&words);
	return rc == 0 ? outside_transaction(s) : -1;
}

int
store_remove(struct store *s, const char *path)
{
	long long id = 0;
	int rc;

	if (s->fault != STORE_OK)
		return -1;
	sqlite3_bind_text(s->find, 1, path, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s->find)) == SQLITE_ROW)
		id = sqlite3_column_int64(s->find, 0);
	sqlite3_reset(s->find);
	sqlite3_clear_bindings(s->find);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_failed(s, rc);
	if (rc == SQLITE_DONE)
		return 0;
	return remove_id(s, id) == 0 && outside_transaction(s) == 0 ? 1 : -1;
}

long long
store_remove_tree(struct store *s, const char *dir)
{
	struct idset ids = IDSET_INIT;
	sqlite3_stmt *st;
	size_t i;
	int rc = -1;

	/* '0' follows '/': the range is exactly the paths under dir/. */
	if (s->fault != STORE_OK || (st = prepare(s,
	    "SELECT id FROM articles WHERE path > ?1 || '/' AND path < ?1 || '0'")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, dir, -1, SQLITE_STATIC);
	if (ids_of(s, st, &ids) == 0)
		for (rc = 0, i = 0; i < ids.n && rc == 0; i++)
			rc = remove_id(s, ids.ids[i]);
	sqlite3_finalize(st);
	idset_clear(&ids);
	return rc == 0 && outside_transaction(s) == 0 ? (long long)i : -1;
}

int
store_same_text(struct store *s, const struct article_row *row)
{
	sqlite3_stmt *st = s->same_text;
	int same = 0;

	sqlite3_bind_text(st, 1, row->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, row->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, row->summary, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (long long)text_hash64(row->body, strlen(row->body)));
	if (s->fault == STORE_OK && sqlite3_step(st) == SQLITE_ROW)
		same = sqlite3_column_int(st, 0) == 1;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return same;
}

int
store_begin(struct store *s)
{
	return store_exec(s, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *s)
{
	if (flush_pending(s) == -1 || store_exec(s, "COMMIT") == -1) {
		store_rollback(s);
		return -1;
	}
	s->changed = 0;
	return 0;
}

void
store_rollback(struct store *s)
{
	pending_clear(&s->pending);
	if (s->db != NULL && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_bulk_done(struct store *s)
{
	if (!s->bulk)
		return 0;
	/* One segment from the many of the build: every search then reads one
	 * list per word. */
	if (store_exec(s, "INSERT INTO search(search) VALUES('optimize')") == -1 ||
	    store_exec(s, "INSERT INTO search(search, rank) VALUES('automerge', " AUTOMERGE
	    ")") == -1 ||
	    store_exec(s, "DELETE FROM state WHERE key = 'bulk'") == -1 ||
	    store_exec(s, "PRAGMA incremental_vacuum") == -1 ||
	    store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)") == -1)
		return -1;
	s->bulk = 0;
	/* What the build needed goes back: its cache, the words it knew. */
	words_filter_free(&s->known);
	if (apply_mode(s) == -1)
		return store_failed(s, sqlite3_errcode(s->db));
	sqlite3_db_release_memory(s->db);
	return 0;
}

long long
store_count(struct store *s)
{
	sqlite3_stmt *st;
	long long n = -1;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM articles", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_failed(s, sqlite3_errcode(s->db));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n >= 0 ? n : store_failed(s, rc);
}

char *
store_check(struct store *s)
{
	sqlite3_stmt *st;
	char *result = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK) {
		store_failed(s, sqlite3_errcode(s->db));
		return NULL;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		result = strdup((const char *)sqlite3_column_text(st, 0));
	else
		store_failed(s, sqlite3_errcode(s->db));
	sqlite3_finalize(st);
	return result;
}

/* Add column 0 of every row of st to out; resets st.  0 or -1. */
static int
collect(sqlite3 *db, sqlite3_stmt *st, struct strlist *out)
{
	const unsigned char *text;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((text = sqlite3_column_text(st, 0)) != NULL)
			strlist_add(out, (const char *)text, (size_t)sqlite3_column_bytes(st, 0));
	if (rc != SQLITE_DONE)
		log_error("archive: reading the index failed: %s", sqlite3_errmsg(db));
	sqlite3_reset(st);
	return rc == SQLITE_DONE && !out->failed ? 0 : -1;
}

/* The number of .txt articles, or -1. */
static long long
text_articles(struct store *s)
{
	sqlite3_stmt *st;
	long long n = -1;

	/* LIKE ignores ASCII case, as article_format_of() does. */
	if ((st = prepare(s, "SELECT count(*) FROM articles WHERE path LIKE '%.txt'")) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		store_failed(s, sqlite3_errcode(s->db));
	sqlite3_finalize(st);
	return n;
}

int
store_learn_chrome(struct store *s, char ***lines, long long *text_files)
{
	struct strlist found = STRLIST_INIT;
	sqlite3_stmt *st;
	long long files;

	*lines = NULL;
	*text_files = 0;
	if (s->fault != STORE_OK || (files = text_articles(s)) == -1 ||
	    (st = prepare(s, "SELECT line FROM heads GROUP BY line"
	    " HAVING count(*) >= ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, chrome_threshold(files));
	if (collect(s->db, st, &found) == -1) {
		store_failed(s, sqlite3_errcode(s->db));
		sqlite3_finalize(st);
		strlist_clear(&found);
		return -1;
	}
	sqlite3_finalize(st);
	strlist_sort_unique(&found);
	*lines = strlist_release(&found);
	*text_files = files;
	return 0;
}

int
store_set_chrome(struct store *s, char *const *lines)
{
	sqlite3_stmt *st;
	int rc = 0;

	s->changed = 1;
	if (store_exec(s, "DELETE FROM chrome") == -1 ||
	    (st = prepare(s, "INSERT OR IGNORE INTO chrome(line) VALUES(?1)")) == NULL)
		return -1;
	for (; lines != NULL && *lines != NULL && rc == 0; lines++) {
		sqlite3_bind_text(st, 1, *lines, -1, SQLITE_STATIC);
		rc = run(s, st);
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_paths_headed_by(struct store *s, char *const *lines, char ***paths)
{
	struct strlist found = STRLIST_INIT;
	sqlite3_stmt *st;
	int rc = 0;

	*paths = NULL;
	if (s->fault != STORE_OK || (st = prepare(s, "SELECT a.path FROM heads h"
	    " JOIN articles a ON a.id = h.article WHERE h.line = ?1")) == NULL)
		return -1;
	for (; lines != NULL && *lines != NULL && rc == 0; lines++) {
		sqlite3_bind_text(st, 1, *lines, -1, SQLITE_STATIC);
		if ((rc = collect(s->db, st, &found)) == -1)
			store_failed(s, sqlite3_errcode(s->db));
	}
	sqlite3_finalize(st);
	strlist_sort_unique(&found);
	if (rc == 0)
		*paths = strlist_release(&found);
	strlist_clear(&found);
	return rc;
}

const char store_chrome_sql[] = "SELECT line FROM chrome";

char **
store_chrome_lines(sqlite3 *db, sqlite3_stmt *st)
{
	struct strlist found = STRLIST_INIT;

	if (collect(db, st, &found) == -1)
		strlist_clear(&found);
	strlist_sort_unique(&found);
	return strlist_release(&found);
}

char **
store_chrome(sqlite3 *db)
{
	sqlite3_stmt *st;
	char **lines;

	if (sqlite3_prepare_v2(db, store_chrome_sql, -1, &st, NULL) != SQLITE_OK) {
		log_error("archive: cannot read the chrome: %s", sqlite3_errmsg(db));
		return NULL;
	}
	lines = store_chrome_lines(db, st);
	sqlite3_finalize(st);
	return lines;
}

sqlite3 *
store_open_reader(const char *db_path)
{
	sqlite3 *db = NULL;

	if (archive_vfs_register() != SQLITE_OK ||
	    sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	    ARCHIVE_VFS_NAME) != SQLITE_OK || packed_register(db) != SQLITE_OK) {
		log_error("archive: cannot open %s for reading: %s", db_path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	sqlite3_exec(db, "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -" READER_CACHE_KIB ";",
	    NULL, NULL, NULL);
	return db;
}

void
store_date_of_id(long long id, char date[11])
{
	long long days = id / STORE_IDS_PER_DAY, era, doe, yoe, doy, mp, y, m, d;

	if (days <= 0) {
		*date = '\0';
		return;
	}
	/* day_number() backwards, in 400-year eras. */
	era = days / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	snprintf(date, 11, "%04u-%02u-%02u", (unsigned)(y % 10000), (unsigned)m % 100u,
	    (unsigned)d % 100u);
}
