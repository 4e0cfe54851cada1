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
	" summary TEXT NOT NULL,"
	" body TEXT NOT NULL,"
	" walk INTEGER NOT NULL);"
	"CREATE INDEX articles_by_date ON articles(date);"
	"CREATE INDEX articles_by_walk ON articles(walk);"
	"CREATE TABLE tags("
	" tag TEXT NOT NULL, date TEXT NOT NULL, article INTEGER NOT NULL,"
	" PRIMARY KEY(tag, date, article)) WITHOUT ROWID;"
	"CREATE INDEX tags_by_article ON tags(article);"
	"CREATE TABLE months(month TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE tag_counts(tag TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX tag_counts_by_use ON tag_counts(count DESC, tag);"
	"CREATE TABLE heads(line TEXT NOT NULL, article INTEGER NOT NULL,"
	" PRIMARY KEY(line, article)) WITHOUT ROWID;"
	"CREATE INDEX heads_by_article ON heads(article);"
	"CREATE TABLE chrome(line TEXT PRIMARY KEY) WITHOUT ROWID;"
	/* Where articles were first published (article_source_key()): a
	 * link to one of those addresses is a link to the article here. */
	"CREATE TABLE sources(url TEXT PRIMARY KEY, article INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sources_by_article ON sources(article);"
	"CREATE VIRTUAL TABLE search USING fts5(title, body,"
	" content='articles', content_rowid='id',"
	" tokenize='unicode61 remove_diacritics 2');"
	"INSERT INTO search(search, rank) VALUES('rank', 'bm25(" STORE_RANK_WEIGHTS ")');"
	"CREATE TRIGGER articles_added AFTER INSERT ON articles BEGIN"
	" INSERT INTO search(rowid, title, body) VALUES(new.id, new.title, new.body);"
	" INSERT INTO months SELECT substr(new.date, 1, 7), 1 WHERE new.date <> ''"
	"  ON CONFLICT(month) DO UPDATE SET count = count + 1;"
	" END;"
	"CREATE TRIGGER articles_removed AFTER DELETE ON articles BEGIN"
	" INSERT INTO search(search, rowid, title, body)"
	"  VALUES('delete', old.id, old.title, old.body);"
	" UPDATE months SET count = count - 1 WHERE month = substr(old.date, 1, 7);"
	" DELETE FROM months WHERE month = substr(old.date, 1, 7) AND count <= 0;"
	" DELETE FROM tags WHERE article = old.id;"
	" DELETE FROM heads WHERE article = old.id;"
	" DELETE FROM sources WHERE article = old.id;"
	" END;"
	"CREATE TRIGGER tags_added AFTER INSERT ON tags BEGIN"
	" INSERT INTO tag_counts VALUES(new.tag, 1)"
	"  ON CONFLICT(tag) DO UPDATE SET count = count + 1;"
	" END;"
	"CREATE TRIGGER tags_removed AFTER DELETE ON tags BEGIN"
	" UPDATE tag_counts SET count = count - 1 WHERE tag = old.tag;"
	" DELETE FROM tag_counts WHERE tag = old.tag AND count <= 0;"
	" END;";

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
	sqlite3_busy_timeout(db, 5000);
	/* Temporary tables in memory: the sandbox leaves /var/tmp out of reach. */
	return sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
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
		log_error("archive: cannot create the index schema: %s", sqlite3_errmsg(db));
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

/* Open db_path, recreating it once if it is unusable. */
static sqlite3 *
open_writer(const char *db_path, char **error)
{
	sqlite3 *db = NULL;
	int attempt, version;

	for (attempt = 0; attempt < 2; attempt++) {
		if (archive_vfs_register() != SQLITE_OK ||
		    sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		    SQLITE_OPEN_NOMUTEX, ARCHIVE_VFS_NAME) != SQLITE_OK) {
			*error = format_error("open the index", db_path,
			    db ? sqlite3_errmsg(db) : "out of memory");
			sqlite3_close(db);
			return NULL;
		}
		version = configure(db) == SQLITE_OK ? schema_version(db) : -1;
		if (version == STORE_SCHEMA_VERSION)
			return db;
		if (version == 0 && create_schema(db) == 0)
			return db;
		if (sqlite3_errcode(db) == SQLITE_READONLY ||
		    sqlite3_errcode(db) == SQLITE_CANTOPEN || attempt == 1) {
			*error = format_error("use the index", db_path,
			    sqlite3_errmsg(db));
			sqlite3_close(db);
			return NULL;
		}
		log_warn("archive: index %s is unusable or outdated, rebuilding it", db_path);
		sqlite3_close(db);
		remove_db_files(db_path);
	}
	return NULL;
}

static int
prepare_all(struct store *s)
{
	static const struct {
		size_t offset;
		const char *sql;
	} statements[] = {
		{ offsetof(struct store, touch),
		  "UPDATE articles SET walk = ?1 WHERE path = ?2 AND mtime = ?3 AND size = ?4" },
		{ offsetof(struct store, remove), "DELETE FROM articles WHERE path = ?1" },
		/* ?11 is the first id of the date, ?12 STORE_IDS_PER_DAY; a
		 * NULL id (the day is full) is the next after every other. */
		{ offsetof(struct store, insert),
		  "INSERT INTO articles(id, path, mtime, size, date, updated, title, author,"
		  " summary, body, walk) VALUES((SELECT CASE WHEN next < ?11 + ?12 THEN next END"
		  "  FROM (SELECT coalesce((SELECT id + 1 FROM articles"
		  "   WHERE id >= ?11 AND id < ?11 + ?12 ORDER BY id DESC LIMIT 1), ?11) AS next)),"
		  " ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)" },
		{ offsetof(struct store, insert_tag),
		  "INSERT OR IGNORE INTO tags(tag, date, article) VALUES(?1, ?2, ?3)" },
		/* '0' follows '/': the range is exactly the paths under dir/. */
		{ offsetof(struct store, remove_tree),
		  "DELETE FROM articles WHERE path > ?1 || '/' AND path < ?1 || '0'" },
		{ offsetof(struct store, sweep), "DELETE FROM articles WHERE walk <> ?1" },
		{ offsetof(struct store, insert_source),
		  "INSERT OR REPLACE INTO sources(url, article) VALUES(?1, ?2)" },
		{ offsetof(struct store, insert_head),
		  "INSERT OR IGNORE INTO heads(line, article) VALUES(?1, ?2)" },
		{ offsetof(struct store, same_text),
		  "SELECT title = ?2 AND summary = ?3 AND body = ?4 FROM articles WHERE path = ?1" },
	};
	size_t i;
	sqlite3_stmt **slot;

	for (i = 0; i < sizeof(statements) / sizeof(statements[0]); i++) {
		slot = (sqlite3_stmt **)((char *)s + statements[i].offset);
		if (sqlite3_prepare_v3(s->db, statements[i].sql, -1, SQLITE_PREPARE_PERSISTENT,
		    slot, NULL) != SQLITE_OK) {
			log_error("archive: cannot prepare \"%s\": %s", statements[i].sql,
			    sqlite3_errmsg(s->db));
			return -1;
		}
	}
	return 0;
}

static long long
last_walk(sqlite3 *db)
{
	sqlite3_stmt *st;
	long long walk = 0;

	if (sqlite3_prepare_v2(db, "SELECT max(walk) FROM articles", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		walk = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return walk;
}

int
store_open(struct store *s, const char *db_path, char **error)
{
	memset(s, 0, sizeof(*s));
	*error = NULL;
	if ((s->db = open_writer(db_path, error)) == NULL)
		return -1;
	if (prepare_all(s) == -1) {
		*error = format_error("prepare the index", db_path,
		    sqlite3_errmsg(s->db));
		store_close(s);
		return -1;
	}
	s->walk = last_walk(s->db);
	return 0;
}

void
store_close(struct store *s)
{
	sqlite3_finalize(s->touch);
	sqlite3_finalize(s->remove);
	sqlite3_finalize(s->insert);
	sqlite3_finalize(s->insert_tag);
	sqlite3_finalize(s->remove_tree);
	sqlite3_finalize(s->sweep);
	sqlite3_finalize(s->insert_head);
	sqlite3_finalize(s->insert_source);
	sqlite3_finalize(s->same_text);
	sqlite3_close(s->db);
	memset(s, 0, sizeof(*s));
}

static int
exec_simple(struct store *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		log_error("archive: %s failed: %s", sql, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int
store_begin(struct store *s)
{
	return exec_simple(s, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *s)
{
	if (exec_simple(s, "COMMIT") == -1)
		return -1;
	s->changed = 0;
	return 0;
}

/* Run a prepared statement to completion and reset it. */
static int
run(struct store *s, sqlite3_stmt *st)
{
	int rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		log_error("archive: index update failed: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
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

void
store_walk_start(struct store *s)
{
	s->walk++;
}

int
store_sweep(struct store *s)
{
	sqlite3_bind_int64(s->sweep, 1, s->walk);
	return run_changing(s, s->sweep);
}

int
store_touch(struct store *s, const char *path, long long mtime, long long size)
{
	sqlite3_bind_int64(s->touch, 1, s->walk);
	sqlite3_bind_text(s->touch, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->touch, 3, mtime);
	sqlite3_bind_int64(s->touch, 4, size);
	if (run(s, s->touch) == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

static int
put_tags(struct store *s, const struct article_row *row, long long id)
{
	size_t i;

	for (i = 0; i < row->ntags; i++) {
		sqlite3_bind_text(s->insert_tag, 1, row->tags[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(s->insert_tag, 2, row->date, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->insert_tag, 3, id);
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

static int
put_source(struct store *s, const struct article_row *row, long long id)
{
	if (row->source == NULL)
		return 0;
	sqlite3_bind_text(s->insert_source, 1, row->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->insert_source, 2, id);
	return run(s, s->insert_source);
}

int
store_put(struct store *s, const struct article_row *row)
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
	sqlite3_bind_text(st, 9, row->body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, s->walk);
	sqlite3_bind_int64(st, 11, first_id_of(row->date));
	sqlite3_bind_int64(st, 12, STORE_IDS_PER_DAY);
	if (run_changing(s, st) == -1)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);
	return put_tags(s, row, id) == 0 && put_heads(s, row, id) == 0 &&
	    put_source(s, row, id) == 0 ? 0 : -1;
}

int
store_remove(struct store *s, const char *path)
{
	sqlite3_bind_text(s->remove, 1, path, -1, SQLITE_STATIC);
	return run_changing(s, s->remove);
}

int
store_remove_tree(struct store *s, const char *dir)
{
	sqlite3_bind_text(s->remove_tree, 1, dir, -1, SQLITE_STATIC);
	return run_changing(s, s->remove_tree);
}

int
store_same_text(struct store *s, const struct article_row *row)
{
	sqlite3_stmt *st = s->same_text;
	int same;

	sqlite3_bind_text(st, 1, row->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, row->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, row->summary, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, row->body, -1, SQLITE_STATIC);
	same = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return same;
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

static sqlite3_stmt *
prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_error("archive: cannot prepare \"%s\": %s", sql, sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

/* The number of .txt articles, or -1. */
static long long
text_articles(sqlite3 *db)
{
	sqlite3_stmt *st;
	long long n = -1;

	/* LIKE ignores ASCII case, as article_format_of() does. */
	if ((st = prepare(db, "SELECT count(*) FROM articles WHERE path LIKE '%.txt'")) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
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
	if ((files = text_articles(s->db)) == -1 ||
	    (st = prepare(s->db, "SELECT line FROM heads GROUP BY line"
	    " HAVING count(*) >= ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, chrome_threshold(files));
	if (collect(s->db, st, &found) == -1) {
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
	if (exec_simple(s, "DELETE FROM chrome") == -1 ||
	    (st = prepare(s->db, "INSERT OR IGNORE INTO chrome(line) VALUES(?1)")) == NULL)
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
	if ((st = prepare(s->db, "SELECT a.path FROM heads h"
	    " JOIN articles a ON a.id = h.article WHERE h.line = ?1")) == NULL)
		return -1;
	for (; lines != NULL && *lines != NULL && rc == 0; lines++) {
		sqlite3_bind_text(st, 1, *lines, -1, SQLITE_STATIC);
		rc = collect(s->db, st, &found);
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

	if ((st = prepare(db, store_chrome_sql)) == NULL)
		return NULL;
	lines = store_chrome_lines(db, st);
	sqlite3_finalize(st);
	return lines;
}

sqlite3 *
store_open_reader(const char *db_path)
{
	sqlite3 *db;

	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	    ARCHIVE_VFS_NAME) != SQLITE_OK) {
		log_error("archive: cannot open %s for reading: %s", db_path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	sqlite3_exec(db, "PRAGMA temp_store = MEMORY;", NULL, NULL, NULL);
	return db;
}
