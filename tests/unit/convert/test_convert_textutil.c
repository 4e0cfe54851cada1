#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/textutil.h"

static void
assert_resolves(const char *base, const char *ref, const char *expected)
{
	char *url = url_resolve(base, ref);

	assert_non_null(url);
	assert_string_equal(url, expected);
	free(url);
}

static void
test_url_resolve(void **state)
{
	(void)state;
	assert_resolves("http://fakehost/test/page.html", "img/a.png", "http://fakehost/test/img/a.png");
	assert_resolves("http://fakehost/test/page.html", "../up.html", "http://fakehost/up.html");
	assert_resolves("http://fakehost/test/page.html", "/root", "http://fakehost/root");
	assert_resolves("http://fakehost/test/page.html", "//cdn.example/x", "http://cdn.example/x");
	assert_resolves("http://fakehost/test/page.html", "?q=1", "http://fakehost/test/page.html?q=1");
	assert_resolves("http://fakehost", "a", "http://fakehost/a");
	assert_resolves("/articles/2014/02/x.txt", "y.txt", "/articles/2014/02/y.txt");
	assert_resolves("/articles/2014/02/x.txt", "../../../../../etc", "/etc");
	assert_resolves("/articles/2014/02/x.txt", "./a/./b/../c", "/articles/2014/02/a/c");
	assert_resolves("gemini://h/a/b", "https://other.example/p q", "https://other.example/p%20q");
	assert_resolves(NULL, " rel/a b ", "rel/a%20b");
	assert_resolves(NULL, "/caf\xc3\xa9\xff\x7f", "/caf\xc3\xa9%FF");
}

/* Link lines keep what a reader can read (RFC 3987 IRIs) and encode what
 * shows as a space or as nothing; control characters go, after stray
 * bytes are encoded, so that dropping one joins nothing. */
static void
test_url_encoding_for_links(void **state)
{
	(void)state;
	assert_resolves(NULL, "/a\xc2\xa0" "b\xe2\x80\x8b" "c\xc2\xad" "d\xe3\x80\x80" "e\xef\xbb\xbf" "f",
	    "/a%C2%A0b%E2%80%8Bc%C2%ADd%E3%80%80e%EF%BB%BFf");
	assert_resolves(NULL, "/x\xc3\x01\xa9", "/x%C3%A9");
	assert_resolves(NULL, "/x\xc2\x85y\x7f", "/xy");
	assert_resolves(NULL, "/caf\xc3\xa9/\xe6\x97\xa5?q=%41 b", "/caf\xc3\xa9/\xe6\x97\xa5?q=%41%20b");
	assert_resolves("http://h/a\x01/b.html", "c", "http://h/a/c");
	assert_resolves("http://h/d\xff/b.html", "c d", "http://h/d%FF/c%20d");
	assert_false(url_is_linkable("\x01java\xc2\x85script:x"));
	assert_false(url_is_linkable(" \x02#top"));
	assert_int_equal(url_scheme_len("https://x"), 6);
	assert_int_equal(url_scheme_len("a+b.c-d:x"), 8);
	assert_int_equal(url_scheme_len("/a:b"), 0);
	assert_int_equal(url_scheme_len("1a:b"), 0);
	assert_int_equal(url_scheme_len("noscheme"), 0);
}

static void
test_url_is_linkable(void **state)
{
	(void)state;
	assert_false(url_is_linkable("#top"));
	assert_false(url_is_linkable(""));
	assert_false(url_is_linkable("  JavaScript:void(0)"));
	assert_false(url_is_linkable("data:image/png;base64,xx"));
	assert_true(url_is_linkable("page.html#top"));
}

static char *
running(const char *s, size_t len)
{
	struct buf b = BUF_INIT;

	text_append_running(&b, s, len);
	text_trim_lines(&b);
	buf_append(&b, "", 0);
	return buf_release(&b, NULL);
}

static void
test_running_text_cleaning(void **state)
{
	char *s;

	(void)state;
	/* NBSP, thin space, soft hyphen, zero-width space, tab, NUL, invalid UTF-8. */
	s = running("  a\xc2\xa0\xc2\xa0" "b\xe2\x80\x89" "c\xc2\xad" "d\xe2\x80\x8b" "e\t\x01" "f\xff" "g", 24);
	assert_string_equal(s, "a b cde f\xef\xbf\xbdg");
	free(s);
	s = running("\xe0\x80\x80x\xed\xa0\x80", 7);  /* overlong, surrogate */
	assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
}

static void
test_verbatim_expands_tabs(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	text_append_verbatim(&b, "a\tb\r\n\tc", 7);
	buf_append(&b, "", 0);
	assert_string_equal(b.data, "a       b\n        c");
	buf_free(&b);
}

static void
test_prefix_in_list(void **state)
{
	static const char *const marks[] = { "\xc2\xb7", "\xe2\x80\x94", "--", NULL };

	(void)state;
	assert_int_equal(text_prefix_in_list("\xe2\x80\x94 x", marks), 3);
	assert_int_equal(text_prefix_in_list("\xc2\xb7", marks), 2);
	assert_int_equal(text_prefix_in_list("--x", marks), 2);
	assert_int_equal(text_prefix_in_list("-x", marks), 0);
	assert_int_equal(text_prefix_in_list("\xc2", marks), 0);
	assert_int_equal(text_prefix_in_list("", marks), 0);
}

static void
test_cut_words(void **state)
{
	char *s;

	(void)state;
	s = text_cut_words("one two three four", 10);
	assert_string_equal(s, "one two…");
	free(s);
	/* No space to cut at: between two characters, never inside one. */
	s = text_cut_words("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 5);
	assert_string_equal(s, "\xc3\xa9\xc3\xa9…");
	free(s);
	s = text_cut_words("short", 10);
	assert_string_equal(s, "short");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_resolve),
		cmocka_unit_test(test_url_is_linkable),
		cmocka_unit_test(test_url_encoding_for_links),
		cmocka_unit_test(test_running_text_cleaning),
		cmocka_unit_test(test_verbatim_expands_tabs),
		cmocka_unit_test(test_prefix_in_list),
		cmocka_unit_test(test_cut_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
