/* The index database itself (store.h): bodies packed and unpacked, FTS5
 * kept in step through the work held for the end of a transaction, the
 * rows of which only the words are kept (their text read from the tree),
 * the walk's sweep, the original addresses of articles (sources) kept
 * with their rows, the classes of faults, a damaged file moved aside,
 * ids and their dates, and a search cut at its time budget. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "archive/article.h"
#include "archive/idset.h"
#include "archive/packed.h"
#include "archive/pages.h"
#include "archive/pending.h"
#include "archive/search.h"
#include "archive/store.h"
#include "archive/treetext.h"
#include "tree.h"

struct fixture {
	char dir[64];
	char db_path[96];
	struct store store;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	enum store_fault fault;
	char *error = NULL;

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_archive_store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db_path, sizeof(f->db_path), "%s/archive.db", f->dir);
	assert_int_equal(store_open(&f->store, f->db_path, &error, &fault), 0);
	/* FTS5's integrity check reads every row's text through the view. */
	assert_int_equal(tree_text_register(f->store.db, -1), SQLITE_OK);
	assert_true(f->store.created);
	assert_true(f->store.bulk);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(&f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
put(struct store *s, const char *path, const char *date, const char *title, const char *body)
{
	struct article_row row = {
		.path = path, .mtime = 1, .size = 1, .date = date, .updated = "2014-01-01T00:00:00Z",
		.title = title, .summary = "", .body = body, .whole = 1,
	};

	assert_int_equal(store_put(s, &row), 0);
}

static long long
query_number(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static long long
hits(struct store *s, const char *words)
{
	return query_number(s->db, "SELECT count(*) FROM search WHERE search MATCH ?1", words);
}

/* FTS5 holds exactly the words of what the tables hold. */
static void
assert_consistent(struct store *s)
{
	assert_int_equal(sqlite3_exec(s->db, "INSERT INTO search(search, rank)"
	    " VALUES('integrity-check', 1)", NULL, NULL, NULL), SQLITE_OK);
}

static void
test_packed_round_trip_and_damage(void **state)
{
	struct packer *p = packer_new();
	struct unpacker *u = unpacker_new(NULL);
	struct buf packed = BUF_INIT, text = BUF_INIT;
	char *out = NULL;
	size_t len;
	int i, damaged;

	(void)state;
	assert_non_null(p);
	for (i = 0; i < 200; i++)
		buf_printf(&text, "Paragraph %d of the harbour report, café and all.\n", i);
	assert_int_equal(packer_pack(p, text.data, text.len, &packed), 0);
	assert_true(packed.len < text.len / 3);
	assert_int_equal(unpacker_unpack(u, packed.data, packed.len, &out, &len, &damaged), 0);
	assert_int_equal(len, text.len);
	assert_string_equal(out, text.data);
	free(out);
	/* One byte changed anywhere is found, by the frame or its checksum. */
	packed.data[packed.len / 2] ^= 0x55;
	assert_int_equal(unpacker_unpack(u, packed.data, packed.len, &out, &len, &damaged), -1);
	assert_true(damaged);
	assert_int_equal(unpacker_unpack(u, "not zstd", 8, &out, &len, &damaged), -1);
	assert_true(damaged);
	packer_free(p);
	unpacker_free(u);
	buf_free(&packed);
	buf_free(&text);
}

static void
test_pending_in_rowid_order(void **state)
{
	struct pending p = PENDING_INIT;
	const long long want_ids[] = { 3, 5, 5, 9 };
	const int want_insert[] = { 1, 0, 1, 0 };
	size_t i;

	(void)state;
	assert_int_equal(pending_add(&p, 9, "t", "b", NULL, 0, 0), 0);
	assert_int_equal(pending_add(&p, 5, "t", "b", "z", 1, 0), 0);
	assert_int_equal(pending_add(&p, 7, "t", "b", "z", 1, 0), 0);
	assert_int_equal(pending_add(&p, 5, "t", "b", NULL, 0, 0), 0);
	assert_int_equal(pending_add(&p, 3, "t", "b", "z", 1, 0), 0);
	assert_int_equal(pending_drop_insert(&p, 7), 1);
	assert_int_equal(pending_drop_insert(&p, 7), 0);
	assert_int_equal(pending_drop_insert(&p, 9), 0);
	pending_sort(&p);
	assert_int_equal(p.n, 4);
	for (i = 0; i < p.n; i++) {
		assert_int_equal(p.ops[i].id, want_ids[i]);
		assert_int_equal(p.ops[i].insert, want_insert[i]);
	}
	pending_clear(&p);
	assert_int_equal(p.bytes, 0);
}

static void
test_idset(void **state)
{
	struct idset s = IDSET_INIT;
	long long i;

	(void)state;
	assert_false(idset_has(&s, 1));
	for (i = 10000; i > 0; i -= 2)
		assert_int_equal(idset_add(&s, i), 0);
	assert_true(idset_has(&s, 2));
	assert_true(idset_has(&s, 10000));
	assert_false(idset_has(&s, 3));
	assert_int_equal(idset_add(&s, 3), 0);
	assert_true(idset_has(&s, 3));
	idset_clear(&s);
}

/* Puts and removals of the same rows in one transaction reach FTS5 as
 * one sorted batch, and it stays consistent with the tables. */
static void
test_fts_in_step_within_a_transaction(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(store_begin(&f->store), 0);
	put(&f->store, "/b.md", "2014-02-10", "Bravo", "second harbour story");
	put(&f->store, "/a.md", "2014-02-10", "Alpha", "first harbour story");
	put(&f->store, "/a.md", "2014-02-10", "Alpha again", "rewritten quay story");
	put(&f->store, "/c.md", "2013-01-01", "Charlie", "older harbour story");
	assert_int_equal(store_remove(&f->store, "/b.md"), 1);
	assert_int_equal(store_remove(&f->store, "/b.md"), 0);
	assert_int_equal(store_commit(&f->store), 0);
	assert_consistent(&f->store);
	assert_int_equal(hits(&f->store, "harbour"), 1);
	assert_int_equal(hits(&f->store, "quay"), 1);
	assert_int_equal(hits(&f->store, "first"), 0);
	/* Rows FTS5 already has go out by the words of their packed bodies. */
	assert_int_equal(store_begin(&f->store), 0);
	put(&f->store, "/c.md", "2013-01-01", "Charlie", "older pier story");
	assert_int_equal(store_remove(&f->store, "/a.md"), 1);
	assert_int_equal(store_commit(&f->store), 0);
	assert_consistent(&f->store);
	assert_int_equal(hits(&f->store, "harbour"), 0);
	assert_int_equal(hits(&f->store, "pier"), 1);
	assert_int_equal(hits(&f->store, "quay"), 0);
	assert_int_equal(query_number(f->store.db, "SELECT count(*) FROM bodies", NULL), 1);
	assert_int_equal(query_number(f->store.db, "SELECT count(*) FROM words WHERE word = ?1",
	    "quay"), 1);
}

/* A walk writes nothing for rows it sees unchanged, and its sweep drops
 * the rows it did not see. */
static void
test_walk_and_sweep(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(store_begin(&f->store), 0);
	put(&f->store, "/keep.md", "2014-02-10", "Keep", "kept");
	put(&f->store, "/gone.md", "2014-02-11", "Gone", "gone");
	assert_int_equal(store_commit(&f->store), 0);
	assert_int_equal(store_begin(&f->store), 0);
	store_walk_start(&f->store);
	assert_int_equal(store_touch(&f->store, "/keep.md", 1, 1), 1);
	assert_int_equal(store_touch(&f->store, "/keep.md", 2, 1), 0);
	assert_int_equal(f->store.changed, 0);
	put(&f->store, "/new.md", "2014-02-12", "New", "new");
	assert_int_equal(store_sweep(&f->store), 0);
	assert_int_equal(store_commit(&f->store), 0);
	assert_consistent(&f->store);
	assert_int_equal(store_count(&f->store), 2);
	assert_int_equal(hits(&f->store, "gone"), 0);
	assert_int_equal(hits(&f->store, "kept"), 1);
}

static void
put_from(struct store *s, const char *path, const char *source)
{
	struct article_row row = {
		.path = path, .mtime = 1, .size = 1, .date = "2014-02-10",
		.updated = "2014-01-01T00:00:00Z", .title = "T", .summary = "", .body = "text", .whole = 1,
		.source = source,
	};

	assert_int_equal(store_put(s, &row), 0);
}

/* The article an original address leads to, as archive_source_path()
 * asks for it; "" when none. */
static const char *
source_path(struct store *s, const char *url, char *path, size_t size)
{
	sqlite3_stmt *st;

	*path = '\0';
	assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT a.path FROM sources s"
	    " JOIN articles a ON a.id = s.article WHERE s.url = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(path, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return path;
}

/* Sources follow their articles through puts again, removals, the
 * sweep and the removal of a folder. */
static void
test_sources_follow_their_articles(void **state)
{
	struct fixture *f = *state;
	char path[64];

	assert_int_equal(store_begin(&f->store), 0);
	put_from(&f->store, "/2014/a.md", "example.org/news/a");
	put_from(&f->store, "/2014/b.md", "example.org/news/b");
	put_from(&f->store, "/c.md", "example.org/news/c");
	put_from(&f->store, "/d.md", NULL);
	assert_int_equal(store_commit(&f->store), 0);
	assert_string_equal(source_path(&f->store, "example.org/news/a", path, sizeof(path)),
	    "/2014/a.md");
	assert_string_equal(source_path(&f->store, "example.org/news/c", path, sizeof(path)),
	    "/c.md");
	/* Put again under another address: the old one leads nowhere. */
	assert_int_equal(store_begin(&f->store), 0);
	put_from(&f->store, "/c.md", "example.org/news/c2");
	assert_int_equal(store_remove(&f->store, "/2014/b.md"), 1);
	assert_int_equal(store_commit(&f->store), 0);
	assert_string_equal(source_path(&f->store, "example.org/news/c", path, sizeof(path)), "");
	assert_string_equal(source_path(&f->store, "example.org/news/c2", path, sizeof(path)),
	    "/c.md");
	assert_string_equal(source_path(&f->store, "example.org/news/b", path, sizeof(path)), "");
	assert_int_equal(store_begin(&f->store), 0);
	assert_int_equal(store_remove_tree(&f->store, "/2014"), 1);
	store_walk_start(&f->store);
	assert_int_equal(store_touch(&f->store, "/d.md", 1, 1), 1);
	assert_int_equal(store_sweep(&f->store), 0);
	assert_int_equal(store_commit(&f->store), 0);
	assert_int_equal(query_number(f->store.db, "SELECT count(*) FROM sources", NULL), 0);
	assert_int_equal(store_count(&f->store), 1);
}

static void
test_ids_and_their_dates(void **state)
{
	struct fixture *f = *state;
	static const char *const dates[] = { "2014-02-10", "2000-02-29", "1999-12-31",
		"2024-03-01", "1970-01-01", "2100-12-31" };
	char path[32], date[11];
	size_t i;

	assert_int_equal(store_begin(&f->store), 0);
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		snprintf(path, sizeof(path), "/%zu.md", i);
		put(&f->store, path, dates[i], "T", "b");
		store_date_of_id(sqlite3_last_insert_rowid(f->store.db), date);
		assert_string_equal(date, dates[i]);
	}
	put(&f->store, "/undated.md", "", "T", "b");
	store_date_of_id(sqlite3_last_insert_rowid(f->store.db), date);
	assert_string_equal(date, "");
	assert_int_equal(store_commit(&f->store), 0);
}

static void
test_fault_classes(void **state)
{
	(void)state;
	assert_int_equal(store_fault_of(SQLITE_OK), STORE_OK);
	assert_int_equal(store_fault_of(SQLITE_DONE), STORE_OK);
	assert_int_equal(store_fault_of(SQLITE_CORRUPT), STORE_DAMAGED);
	assert_int_equal(store_fault_of(SQLITE_CORRUPT_VTAB), STORE_DAMAGED);
	assert_int_equal(store_fault_of(SQLITE_NOTADB), STORE_DAMAGED);
	assert_int_equal(store_fault_of(SQLITE_FULL), STORE_UNWRITABLE);
	assert_int_equal(store_fault_of(SQLITE_READONLY), STORE_UNWRITABLE);
	assert_int_equal(store_fault_of(SQLITE_IOERR_WRITE), STORE_UNWRITABLE);
	assert_int_equal(store_fault_of(SQLITE_BUSY), STORE_FAILED);
	assert_int_equal(store_fault_of(SQLITE_NOMEM), STORE_FAILED);
}

/* The first failure sticks: later calls do nothing until recovered. */
static void
test_fault_sticks(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sqlite3_exec(f->store.db, "DROP TABLE bodies", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(store_begin(&f->store), 0);
	put(&f->store, "/a.md", "2014-02-10", "A", "first");
	assert_int_equal(store_commit(&f->store), -1);
	assert_int_equal(store_fault(&f->store), STORE_FAILED);
	assert_non_null(strstr(f->store.fault_message, "bodies"));
	assert_int_equal(store_begin(&f->store), -1);
	store_recover(&f->store);
	assert_int_equal(store_fault(&f->store), STORE_OK);
}

static void
test_damaged_file_moved_aside(void **state)
{
	struct fixture *f = *state;
	enum store_fault fault;
	char *error = NULL, aside[128];
	struct stat st;
	FILE *fp;

	assert_int_equal(store_begin(&f->store), 0);
	put(&f->store, "/a.md", "2014-02-10", "A", "first");
	assert_int_equal(store_commit(&f->store), 0);
	store_close(&f->store);
	assert_non_null(fp = fopen(f->db_path, "r+"));
	fputs("this is no SQLite header at all, only garbage", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(store_open(&f->store, f->db_path, &error, &fault), 0);
	assert_true(f->store.recovered);
	assert_int_equal(store_count(&f->store), 0);
	snprintf(aside, sizeof(aside), "%s.damaged", f->db_path);
	assert_int_equal(stat(aside, &st), 0);
	/* Discarding moves the file aside the same way, replacing the older. */
	store_discard(&f->store);
	assert_int_equal(stat(f->db_path, &st), -1);
	assert_int_equal(store_open(&f->store, f->db_path, &error, &fault), 0);
	assert_false(f->store.recovered);
}

/* Every article holds both words, none of them side by side: checking the
 * phrase reads every article, and a budget of a millisecond cuts it. */
static void
test_search_cut_at_its_budget(void **state)
{
	struct fixture *f = *state;
	struct page_context ctx = { .title = "T", .base_url = "gemini://x", .default_lang = "en",
	    .feed_entries = 3, .building = -1, .search_budget_ms = 1 };
	struct archive_page page = { PAGE_INIT, BUF_INIT, NULL, NULL };
	struct reader *r;
	char path[32], date[11], body[200];
	const char *text = NULL;
	size_t i;

	assert_int_equal(store_begin(&f->store), 0);
	for (i = 0; i < 20000; i++) {
		snprintf(path, sizeof(path), "/%zu.md", i);
		snprintf(date, sizeof(date), "%04zu-%02zu-%02zu", 2000 + i % 20, i % 12 + 1,
		    i % 28 + 1);
		snprintf(body, sizeof(body), "alpha then some other words and beta %zu", i);
		put(&f->store, path, date, "T", body);
	}
	assert_int_equal(store_commit(&f->store), 0);
	assert_non_null(r = reader_open(f->db_path, 1, -1));
	assert_int_equal(pages_render(r, &ctx, "/search", "\"alpha beta\"", &page), ARCHIVE_OK);
	for (i = 0; i < page.page.n && text == NULL; i++)
		if (page.page.lines[i].kind == PAGE_TEXT)
			text = page.page.lines[i].text;
	assert_non_null(text);
	assert_non_null(strstr(text, "the search ran out of time"));
	archive_page_free(&page);
	/* With time enough, all of them are read: none matches. */
	ctx.search_budget_ms = 60000;
	memset(&page, 0, sizeof(page));
	assert_int_equal(pages_render(r, &ctx, "/search", "\"alpha beta\"", &page), ARCHIVE_OK);
	assert_string_equal(page.page.lines[2].text, "No articles match.");
	archive_page_free(&page);
	reader_close(r);
}

/* The file name in the tree at root_fd put as the indexer puts it. */
static void
put_file(struct store *s, int root_fd, const char *name)
{
	struct article a;
	char path[64];

	snprintf(path, sizeof(path), "/%s", name);
	assert_int_equal(article_load(&a, root_fd, name, path, NULL), 0);
	assert_int_equal(store_put(s, &a.row), 0);
	article_free(&a);
}

/* The first snippet of a search for word, marked [like this]; "" for none. */
static void
first_snippet(struct reader *r, const char *word, char *out, size_t size)
{
	static const char sql[] = "SELECT snippet(search, " STORE_BODY_COLUMN ", '[', ']', '...', 6)"
	    " FROM search WHERE search MATCH ?1";
	sqlite3_stmt *st = reader_statement(r, sql);

	assert_non_null(st);
	sqlite3_bind_text(st, 1, word, -1, SQLITE_STATIC);
	snprintf(out, size, "%s", sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL ? (const char *)sqlite3_column_text(st, 0) : "");
	reader_done(st);
}

/* Of a Markdown or text article the index keeps only the words; its
 * snippets come from the file, and changing or removing it takes out of
 * FTS5 exactly what went in (FTS5's integrity check reads every row's
 * text again: from the tree, or the kept body of the HTML one and of a
 * Markdown one too long to read back). */
static void
test_words_only_rows_read_from_the_tree(void **state)
{
	struct fixture *f = *state;
	enum store_fault fault;
	char tree[96], snippet[256], *error = NULL;
	struct buf big = BUF_INIT;
	struct reader *r;
	int root_fd, i;

	snprintf(tree, sizeof(tree), "%s/tree", f->dir);
	assert_int_equal(mkdir(tree, 0755), 0);
	assert_int_equal(tree_write_text(tree, "a.md",
	    "# Harbour\n\nThe harbour report: boats, nets and café tables.\n"), 0);
	assert_int_equal(tree_write_text(tree, "b.txt",
	    "Ceasefire talks\n\nThe ceasefire held in Aleppo overnight.\n"), 0);
	assert_int_equal(tree_write_text(tree, "c.html",
	    "<html><head><title>Mill</title></head><body><article>"
	    "<h1>Mill</h1><p>The old mill grinds flour by the river.</p></article></body></html>"), 0);
	for (i = 0; big.len <= ARTICLE_READ_BACK_MAX; i++)
		buf_printf(&big, "Paragraph %d of a long report on the granary.\n\n", i);
	assert_int_equal(tree_write_text(tree, "d.md", big.data), 0);
	buf_free(&big);
	assert_int_not_equal(root_fd = open(tree, O_RDONLY | O_DIRECTORY), -1);
	store_close(&f->store);
	assert_int_equal(store_open(&f->store, f->db_path, &error, &fault), 0);
	assert_int_equal(tree_text_register(f->store.db, root_fd), SQLITE_OK);
	assert_int_equal(store_begin(&f->store), 0);
	put_file(&f->store, root_fd, "a.md");
	put_file(&f->store, root_fd, "b.txt");
	put_file(&f->store, root_fd, "c.html");
	put_file(&f->store, root_fd, "d.md");
	assert_int_equal(store_commit(&f->store), 0);
	/* The HTML page and the long Markdown one keep their text. */
	assert_int_equal(query_number(f->store.db, "SELECT sum(whole) FROM bodies", NULL), 2);
	assert_consistent(&f->store);
	assert_non_null(r = reader_open(f->db_path, 1, root_fd));
	first_snippet(r, "nets", snippet, sizeof(snippet));
	assert_non_null(strstr(snippet, "[nets]"));
	first_snippet(r, "flour", snippet, sizeof(snippet));
	assert_non_null(strstr(snippet, "[flour]"));
	first_snippet(r, "granary", snippet, sizeof(snippet));
	assert_non_null(strstr(snippet, "[granary]"));

	assert_int_equal(tree_write_text(tree, "a.md",
	    "# Harbour\n\nThe ferry now docks where the nets dried.\n"), 0);
	put_file(&f->store, root_fd, "a.md");
	assert_consistent(&f->store);
	assert_int_equal(hits(&f->store, "boats"), 0);
	first_snippet(r, "ferry", snippet, sizeof(snippet));
	assert_non_null(strstr(snippet, "[ferry]"));
	assert_int_equal(unlinkat(root_fd, "b.txt", 0), 0);
	assert_int_equal(store_remove(&f->store, "/b.txt"), 1);
	assert_consistent(&f->store);
	assert_int_equal(hits(&f->store, "ceasefire"), 0);
	reader_close(r);
	close(root_fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packed_round_trip_and_damage),
		cmocka_unit_test(test_pending_in_rowid_order),
		cmocka_unit_test(test_idset),
		cmocka_unit_test_setup_teardown(test_fts_in_step_within_a_transaction, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_walk_and_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sources_follow_their_articles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_and_their_dates, setup, teardown),
		cmocka_unit_test(test_fault_classes),
		cmocka_unit_test_setup_teardown(test_fault_sticks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_file_moved_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_cut_at_its_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_words_only_rows_read_from_the_tree, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
