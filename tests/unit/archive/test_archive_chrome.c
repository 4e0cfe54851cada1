/* The heads of text files and the chrome threshold (chrome.h), and the
 * string lists they are kept in (strlist.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "archive/chrome.h"
#include "archive/strlist.h"

static char **
heads_of(const char *text)
{
	struct strlist heads = STRLIST_INIT;

	assert_int_equal(chrome_heads(text, strlen(text), &heads), 0);
	return strlist_release(&heads);
}

static void
test_heads_are_cleaned_sorted_and_unique(void **state)
{
	char **heads;

	(void)state;
	heads = heads_of("\xef\xbb\xbf  clear \r\n\r\nTagline\tof the\xc2\xa0site\rclear\n\n");
	assert_non_null(heads);
	assert_string_equal(heads[0], "Tagline of the site");
	assert_string_equal(heads[1], "clear");
	assert_null(heads[2]);
	strlist_free(heads);
	assert_null(heads_of(""));
	assert_null(heads_of("\n \n\t\r\n"));
}

static void
test_heads_stop_after_ten_lines(void **state)
{
	char text[1024], longest[CHROME_LINE_MAX + 1], **heads;
	size_t len;
	int i;

	(void)state;
	/* A too long line counts as one of the ten, but is never kept. */
	memset(text, 'x', CHROME_LINE_MAX + 1);
	len = CHROME_LINE_MAX + 1;
	for (i = 1; i <= 12; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "\n\nline %02d", i);
	heads = heads_of(text);
	assert_int_equal(strlist_count(heads), CHROME_HEAD_LINES - 1);
	assert_string_equal(heads[0], "line 01");
	assert_string_equal(heads[CHROME_HEAD_LINES - 2], "line 09");
	strlist_free(heads);
	memset(longest, 'x', CHROME_LINE_MAX);
	longest[CHROME_LINE_MAX] = '\0';
	heads = heads_of(longest);
	assert_int_equal(strlist_count(heads), 1);
	strlist_free(heads);
}

static void
test_threshold(void **state)
{
	(void)state;
	assert_int_equal(chrome_threshold(0), CHROME_MIN_FILES);
	assert_int_equal(chrome_threshold(10), CHROME_MIN_FILES);
	assert_int_equal(chrome_threshold(16), 4);
	assert_int_equal(chrome_threshold(100), 20);
	assert_int_equal(chrome_threshold(101), 21);
	assert_int_equal(chrome_threshold(100000), 20000);
}

static void
test_strlist(void **state)
{
	struct strlist a = STRLIST_INIT, b = STRLIST_INIT;
	char **va, **vb;

	(void)state;
	assert_true(strlist_same(NULL, NULL));
	strlist_add(&a, "beta", 4);
	strlist_add(&a, "alphabet", 5);
	strlist_add(&a, "beta", 4);
	strlist_sort_unique(&a);
	assert_int_equal(a.n, 2);
	strlist_add(&b, "alpha", 5);
	strlist_add(&b, "beta", 4);
	va = strlist_release(&a);
	vb = strlist_release(&b);
	assert_string_equal(va[0], "alpha");
	assert_true(strlist_same(va, vb));
	assert_true(strlist_has(vb, "beta"));
	assert_false(strlist_has(vb, "bet"));
	assert_false(strlist_has(NULL, "beta"));
	assert_false(strlist_same(va, NULL));
	assert_false(strlist_same(va, vb + 1));
	assert_int_equal(strlist_count(va), 2);
	assert_int_equal(strlist_count(NULL), 0);
	strlist_free(va);
	strlist_free(vb);
	assert_null(strlist_release(&a));
	strlist_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heads_are_cleaned_sorted_and_unique),
		cmocka_unit_test(test_heads_stop_after_ten_lines),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_strlist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
