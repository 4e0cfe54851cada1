/* The FTS5 query sanitizer: user words in, quoted terms and the
 * operators readers type (OR, -word) out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "archive/query.h"

static void
expect_fts(const char *words, int terms, const char *fts)
{
	struct buf out = BUF_INIT;

	assert_int_equal(query_to_fts(words, &out), terms);
	assert_string_equal(out.data != NULL ? out.data : "", fts);
	buf_free(&out);
}

static void
test_plain_words_are_quoted(void **state)
{
	(void)state;
	expect_fts("cafe", 1, "\"cafe\"");
	expect_fts("  local   ceasefires ", 2, "\"local\" \"ceasefires\"");
	expect_fts("AND NOT", 2, "\"AND\" \"NOT\"");
	expect_fts("or and", 2, "\"or\" \"and\"");
	expect_fts("title:foo", 1, "\"title:foo\"");
	expect_fts("NEAR(a b)", 2, "\"NEAR(a\" \"b)\"");
}

static void
test_prefix_keeps_star(void **state)
{
	(void)state;
	expect_fts("croiss*", 1, "\"croiss\"*");
	expect_fts("croiss***", 1, "\"croiss\"*");
	expect_fts("\"local cease\"*", 1, "\"local cease\"*");
	expect_fts("* ** ***", 0, "");
}

static void
test_phrases(void **state)
{
	(void)state;
	expect_fts("\"local ceasefires\" syria", 2, "\"local ceasefires\" \"syria\"");
	expect_fts("\"unbalanced quote", 1, "\"unbalanced quote\"");
	expect_fts("a\"b", 2, "\"a\" \"b\"");
	expect_fts("\"\" \"\"\"", 0, "");
}

static void
test_terms_without_letters_dropped(void **state)
{
	(void)state;
	expect_fts("- ( ) + ^ :", 0, "");
	expect_fts("(((", 0, "");
	expect_fts("\x01\x02 word \x7f", 1, "\"word\"");
	expect_fts("café", 1, "\"café\"");
}

static void
test_terms_capped(void **state)
{
	struct buf words = BUF_INIT, out = BUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		buf_printf(&words, "w%d ", i);
	assert_int_equal(query_to_fts(words.data, &out), QUERY_MAX_TERMS);
	assert_non_null(strstr(out.data, "\"w15\""));
	assert_null(strstr(out.data, "\"w16\""));
	buf_free(&words);
	buf_free(&out);
}

static void
test_long_term_cut_on_utf8_boundary(void **state)
{
	struct buf words = BUF_INIT, out = BUF_INIT;
	int i;

	(void)state;
	buf_append_char(&words, 'x');
	for (i = 0; i < 200; i++)
		buf_append_str(&words, "é");
	assert_int_equal(query_to_fts(words.data, &out), 1);
	/* "x" + 63 two-byte letters fit in 128 bytes; the quotes frame them. */
	assert_int_equal(out.len, 2 + 1 + 63 * 2);
	assert_int_equal(out.data[out.len - 1], '"');
	buf_free(&words);
	buf_free(&out);
}

static void
test_or(void **state)
{
	(void)state;
	expect_fts("nasa OR plague", 2, "(\"nasa\" OR \"plague\")");
	/* OR binds two terms; every group must match. */
	expect_fts("kerry lavrov OR geneva", 3, "\"kerry\" AND (\"lavrov\" OR \"geneva\")");
	expect_fts("a OR b OR c d", 4, "(\"a\" OR \"b\" OR \"c\") AND \"d\"");
	expect_fts("\"local ceasefires\" OR aleppo*", 2,
	    "(\"local ceasefires\" OR \"aleppo\"*)");
	/* An OR with nothing on one side is no operator, nor a word. */
	expect_fts("OR nasa", 1, "\"nasa\"");
	expect_fts("nasa OR", 1, "\"nasa\"");
	expect_fts("OR OR", 0, "");
	expect_fts("\"OR\"", 1, "\"OR\"");
}

static void
test_negation(void **state)
{
	(void)state;
	expect_fts("syria -kerry", 2, "(\"syria\") NOT (\"kerry\")");
	expect_fts("syria -kerry -\"foreign minister\"", 3,
	    "(\"syria\") NOT (\"kerry\" OR \"foreign minister\")");
	expect_fts("a OR b -c", 3, "((\"a\" OR \"b\")) NOT (\"c\")");
	/* Leaving out alone searches nothing. */
	expect_fts("-syria", 0, "");
	expect_fts("-syria -kerry", 0, "");
	/* A dash inside a word, or alone, is no negation. */
	expect_fts("well-known", 1, "\"well-known\"");
	expect_fts("a - b", 2, "\"a\" \"b\"");
	/* OR does not join what is left out. */
	expect_fts("a OR -b", 2, "(\"a\") NOT (\"b\")");
}

static void
expect_without(const char *words, int i, const char *expected)
{
	struct buf out = BUF_INIT;
	struct query q;

	query_parse(words, &q);
	assert_int_equal(query_without(&q, i, &out), 0);
	assert_string_equal(out.data != NULL ? out.data : "", expected);
	buf_free(&out);
}

static void
test_without_a_term(void **state)
{
	(void)state;
	expect_without("kerry lavrov", 0, "lavrov");
	expect_without("kerry lavrov", 1, "kerry");
	expect_without("a OR b c", 1, "a c");
	expect_without("a OR b OR c", 1, "a OR c");
	expect_without("\"foreign minister\" pre* -x", 2, "\"foreign minister\" pre*");
	expect_without("\"foreign minister\" pre* -x", 0, "pre* -x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_words_are_quoted),
		cmocka_unit_test(test_prefix_keeps_star),
		cmocka_unit_test(test_phrases),
		cmocka_unit_test(test_terms_without_letters_dropped),
		cmocka_unit_test(test_terms_capped),
		cmocka_unit_test(test_long_term_cut_on_utf8_boundary),
		cmocka_unit_test(test_or),
		cmocka_unit_test(test_negation),
		cmocka_unit_test(test_without_a_term),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
