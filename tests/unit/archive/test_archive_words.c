/* Words as the index sees them (words.h): distinct folded words of a
 * text, the words that take a text out of FTS5 again, the filter of
 * words stored, and prefixes rewritten as the words they stand for,
 * joined to the rest of an FTS5 expression it accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "archive/query.h"
#include "archive/words.h"

struct fixture {
	struct words_tokenizer t;
	sqlite3 *db;             /* a words table and an FTS5 table over the same words */
	sqlite3_stmt *range;
	struct buf out;
};

static const char *const vocabulary[] = {
	"human", "humane", "humanitarian", "humanitarians", "humid", "foreign", "minister",
	"ministry", "mint", "zebra",
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char sql[128];
	size_t i;

	assert_non_null(f);
	assert_int_equal(words_tokenizer_open(&f->t), 0);
	assert_int_equal(sqlite3_open(":memory:", &f->db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(f->db, "CREATE TABLE words(word TEXT PRIMARY KEY) WITHOUT ROWID;"
	    "CREATE VIRTUAL TABLE s USING fts5(body, tokenize='" WORDS_TOKENIZER " "
	    WORDS_TOKENIZER_ARG1 " " WORDS_TOKENIZER_ARG2 "');"
	    "INSERT INTO s VALUES('the foreign minister spoke of humanitarian aid');"
	    "INSERT INTO s VALUES('a humid day at the ministry of zebra affairs')", NULL, NULL,
	    NULL), SQLITE_OK);
	for (i = 0; i < sizeof(vocabulary) / sizeof(vocabulary[0]); i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO words VALUES('%s')", vocabulary[i]);
		assert_int_equal(sqlite3_exec(f->db, sql, NULL, NULL, NULL), SQLITE_OK);
	}
	assert_int_equal(sqlite3_prepare_v2(f->db, words_range_sql, -1, &f->range, NULL),
	    SQLITE_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	buf_free(&f->out);
	sqlite3_finalize(f->range);
	sqlite3_close(f->db);
	words_tokenizer_close(&f->t);
	free(f);
	return 0;
}

/* The rows of s the expansion in f->out matches; the test fails when
 * FTS5 refuses it. */
static int
expansion_matches(struct fixture *f)
{
	sqlite3_stmt *st;
	int n;

	assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT count(*) FROM s WHERE s MATCH ?1", -1,
	    &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, f->out.data, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("FTS5 refuses %s: %s", f->out.data, sqlite3_errmsg(f->db));
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The expansion of fts, checked to be an expression FTS5 accepts. */
static const char *
expand(struct fixture *f, const char *fts, int *capped)
{
	buf_truncate(&f->out, 0);
	assert_int_equal(words_expand(&f->t, f->range, fts, &f->out, capped), 0);
	expansion_matches(f);
	return f->out.data;
}

/* The rows a reader's search (query.h) matches once expanded. */
static int
search(struct fixture *f, const char *words)
{
	struct buf fts = BUF_INIT;
	int capped;

	assert_true(query_to_fts(words, &fts) > 0);
	expand(f, fts.data, &capped);
	buf_free(&fts);
	return expansion_matches(f);
}

static void
test_distinct_words_are_folded(void **state)
{
	struct fixture *f = *state;
	const char *texts[2] = { "Café CAFE café Über", "über alles, café!" };
	struct buf out = BUF_INIT;
	const char *w;
	int n = 0;

	assert_int_equal(words_distinct(&f->t, texts, 2, &out), 0);
	for (w = out.data; w < out.data + out.len; w += strlen(w) + 1, n++)
		assert_true(strcmp(w, "cafe") == 0 || strcmp(w, "uber") == 0 ||
		    strcmp(w, "alles") == 0);
	assert_int_equal(n, 3);
	buf_free(&out);
}

static void
test_prefix_becomes_its_words(void **state)
{
	struct fixture *f = *state;
	int capped;

	assert_string_equal(expand(f, "\"humanit\"*", &capped),
	    "(\"humanitarian\" OR \"humanitarians\")");
	assert_false(capped);
	/* Folded as FTS5 folds the query. */
	assert_string_equal(expand(f, "\"HUMANÏT\"*", &capped),
	    "(\"humanitarian\" OR \"humanitarians\")");
	/* Shortest first. */
	assert_string_equal(expand(f, "\"hum\"*", &capped),
	    "(\"human\" OR \"humid\" OR \"humane\" OR \"humanitarian\" OR \"humanitarians\")");
	/* A prefix no word has stays FTS5's, which finds nothing at once. */
	assert_string_equal(expand(f, "\"qqq\"*", &capped), "\"qqq\"*");
	/* Strings without a star are left alone. */
	assert_string_equal(expand(f, "\"humid\" \"day\"", &capped), "\"humid\" \"day\"");
}

static void
test_groups_are_joined_with_and(void **state)
{
	struct fixture *f = *state;
	int capped;

	assert_string_equal(expand(f, "\"foreign\" \"humanit\"*", &capped),
	    "\"foreign\" AND (\"humanitarian\" OR \"humanitarians\")");
	assert_string_equal(expand(f, "\"humanit\"* \"aid\"", &capped),
	    "(\"humanitarian\" OR \"humanitarians\") AND \"aid\"");
	assert_string_equal(expand(f, "\"zebra\" OR \"humanit\"*", &capped),
	    "\"zebra\" OR (\"humanitarian\" OR \"humanitarians\")");
	assert_string_equal(expand(f, "\"day\" NOT \"humanit\"*", &capped),
	    "\"day\" NOT (\"humanitarian\" OR \"humanitarians\")");
	assert_string_equal(expand(f, "\"humi\"* \"zeb\"*", &capped),
	    "(\"humid\") AND (\"zebra\")");
}

/* OR, -word and phrases as query.h writes them, with prefixes among
 * them: the expansion is what the reader meant. */
static void
test_reader_syntax_with_prefixes(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(search(f, "humanit*"), 1);
	assert_int_equal(search(f, "humanit* OR zebra"), 2);
	assert_int_equal(search(f, "zebra OR humanit* -foreign"), 1);
	assert_int_equal(search(f, "zebra OR humanit* -minis*"), 0);
	assert_int_equal(search(f, "hum* day"), 1);
	assert_int_equal(search(f, "\"foreign minis\"* OR zeb* -humid"), 1);
	assert_int_equal(search(f, "day -zeb* OR hum*"), 0);
}

static void
test_phrase_prefix(void **state)
{
	struct fixture *f = *state;
	int capped;

	assert_string_equal(expand(f, "\"foreign minis\"*", &capped),
	    "(\"foreign minister\" OR \"foreign ministry\")");
}

static void
test_prefix_of_too_many_words_is_capped(void **state)
{
	struct fixture *f = *state;
	const char *expanded;
	char sql[64];
	int i, capped, alternatives = 0;

	for (i = 0; i < WORDS_PREFIX_MAX + 10; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO words VALUES('cap%03d')", i);
		assert_int_equal(sqlite3_exec(f->db, sql, NULL, NULL, NULL), SQLITE_OK);
	}
	expanded = expand(f, "\"cap\"*", &capped);
	assert_true(capped);
	for (; (expanded = strstr(expanded, "\"cap")) != NULL; expanded++)
		alternatives++;
	assert_int_equal(alternatives, WORDS_PREFIX_MAX);
}

/* Texts FTS5's tokenizer folds, splits and counts in every way it does. */
static const char *const removal_texts[] = {
	"Café CAFE café Über über, alles! Don't stop: 10:12 on 2014-02-03.",
	"東京で会議 Ελλάδα ΕΛΛΆΔΑ straße İstanbul e\xcc\x81te \xf0\x9f\x9a\x80 rocket",
	"the the the the a a an",
	"...,;!? -- ***",
	"",
	/* One token longer than WORDS_MAX_BYTES. */
	("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b b"),
};

static void
exec_bound(sqlite3 *db, const char *sql, long long id, const char *text)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* Every text put into an external-content FTS5 table and taken out again
 * with its removal words leaves the index exactly as if it had never been
 * there: FTS5's integrity check (the words and the column totals against
 * what the content table holds) passes after each. */
static void
test_removal_takes_out_exactly_what_went_in(void **state)
{
	struct fixture *f = *state;
	size_t i, n = sizeof(removal_texts) / sizeof(removal_texts[0]);

	assert_int_equal(sqlite3_exec(f->db, "CREATE TABLE docs(id INTEGER PRIMARY KEY, body);"
	    "CREATE VIRTUAL TABLE r USING fts5(body, content='docs', content_rowid='id',"
	    " tokenize='" WORDS_TOKENIZER " " WORDS_TOKENIZER_ARG1 " " WORDS_TOKENIZER_ARG2 "')",
	    NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		exec_bound(f->db, "INSERT INTO docs VALUES(?1, ?2)", (long long)i + 1,
		    removal_texts[i]);
		exec_bound(f->db, "INSERT INTO r(rowid, body) VALUES(?1, ?2)", (long long)i + 1,
		    removal_texts[i]);
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(words_removal(&f->t, removal_texts[i], &f->out), 0);
		exec_bound(f->db, "INSERT INTO r(r, rowid, body) VALUES('delete', ?1, ?2)",
		    (long long)i + 1, f->out.data != NULL ? f->out.data : "");
		exec_bound(f->db, "DELETE FROM docs WHERE id = ?1 AND ?2 IS NOT NULL",
		    (long long)i + 1, "");
		if (sqlite3_exec(f->db, "INSERT INTO r(r, rank) VALUES('integrity-check', 1)", NULL,
		    NULL, NULL) != SQLITE_OK)
			fail_msg("after taking out \"%s\" as \"%s\": %s", removal_texts[i],
			    f->out.data != NULL ? f->out.data : "", sqlite3_errmsg(f->db));
	}
}

static void
test_filter_remembers_words(void **state)
{
	struct words_filter filter = { NULL, 0 };
	char word[32];
	int i;

	(void)state;
	assert_int_equal(words_filter_seen(&filter, "aleppo", 6), 0);
	assert_int_equal(words_filter_seen(&filter, "aleppo", 6), 1);
	assert_int_equal(words_filter_seen(&filter, "alepp", 5), 0);
	/* Full: forgotten all at once, then remembered again. */
	for (i = 0; i < (int)(WORDS_FILTER_SLOTS / 4 * 3) + 1; i++) {
		snprintf(word, sizeof(word), "w%d", i);
		words_filter_seen(&filter, word, strlen(word));
	}
	assert_int_equal(words_filter_seen(&filter, "aleppo", 6), 0);
	assert_int_equal(words_filter_seen(&filter, "aleppo", 6), 1);
	words_filter_free(&filter);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_distinct_words_are_folded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_becomes_its_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_are_joined_with_and, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_syntax_with_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phrase_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_of_too_many_words_is_capped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_removal_takes_out_exactly_what_went_in, setup,
		    teardown),
		cmocka_unit_test(test_filter_remembers_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
