/*
 * The pre-pass that drops never-shown content before parsing, and the
 * decoding of entities left in text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/html_entity.h"
#include "convert/html_strip.h"

static void
assert_stripped(const char *html, size_t max, const char *want)
{
	size_t len;
	char *out = html_strip_hidden(html, strlen(html), max, &len);

	assert_non_null(out);
	assert_int_equal(len, strlen(out));
	assert_string_equal(out, want);
	free(out);
}

static void
test_hidden_content_dropped(void **state)
{
	(void)state;
	assert_stripped("<p>a<!-- c <p>x</p> -->b<!-->c<!--->d</p>", 1000, "<p>abcd</p>");
	assert_stripped("<script>if (a<b) x = '</scriptx>';</SCRIPT >after", 1000,
	    "<script></SCRIPT >after");
	assert_stripped("<script type=\"application/ld+json\">{\"a\":\"<b>\"}</script>", 1000,
	    "<script type=\"application/ld+json\">{\"a\":\"<b>\"}</script>");
	assert_stripped("<style>p > a {}</style><svg><svg><text>x</text></svg>y</svg>z", 1000,
	    "<style></style><svg></svg>z");
	assert_stripped("<template><template>a</template>b</template><noscript><img src=x>"
	    "</noscript>c", 1000, "<template></template><noscript></noscript>c");
	/* Raw text is text: no tag or comment starts inside it. */
	assert_stripped("<title>a <!-- b</title><textarea><script>c</script></textarea>", 1000,
	    "<title>a <!-- b</title><textarea><script>c</script></textarea>");
	/* Quoted attributes may hold '>'. */
	assert_stripped("<a title=\"x > <script>\">l</a><!-- open", 1000,
	    "<a title=\"x > <script>\">l</a>");
	assert_stripped("a < b <3 <!doctype html></p>", 1000, "a < b <3 <!doctype html></p>");
	assert_stripped("<script>never closed", 1000, "<script>");
}

static void
test_cap(void **state)
{
	(void)state;
	/* A tag is never cut; text is cut between characters. */
	assert_stripped("<p>abc</p><div class=x>", 12, "<p>abc</p>");
	assert_stripped("<p>ab\xc3\xa9\xc3\xa9", 7, "<p>ab\xc3\xa9");
	assert_stripped("<p>ab\xc3\xa9\xc3\xa9", 6, "<p>ab");
	assert_stripped("<script>long script</script><p>x", 18, "<script></script>");
}

static void
test_entities(void **state)
{
	char *out;

	(void)state;
	assert_true(html_has_entity("a &amp; b", 9));
	assert_true(html_has_entity("&#x2019;", 8));
	assert_false(html_has_entity("AT&T & co; &#; &x", 17));
	out = html_decode_entities("&amp;amp; &percnt; &#8217; &#x41; &#150; &bogus; &copy <b>&lt;");
	assert_non_null(out);
	assert_string_equal(out, "&amp; % \xe2\x80\x99 A \xe2\x80\x93 &bogus; &copy <b><");
	free(out);
	out = html_decode_entities("plain text");
	assert_non_null(out);
	assert_string_equal(out, "plain text");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hidden_content_dropped),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_entities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
