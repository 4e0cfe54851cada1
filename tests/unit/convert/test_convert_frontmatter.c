#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/document.h"
#include "convert/frontmatter.h"
#include "convert/markdown.h"
#include "util/buf.h"

/* Front matter read into a fresh document; *consumed gets the result. */
static struct document *
read_fm(const char *text, size_t *consumed)
{
	struct document *doc = document_new();

	assert_non_null(doc);
	*consumed = front_matter_read(doc, text, strlen(text));
	return doc;
}

static void
test_yaml_block_scalars(void **state)
{
	static const char text[] = "---\ntitle: >\n  Folded\n  title\ndescription: |\n"
	    "  Literal\n  lines\n\nlang: en\n---\nBody\n";
	size_t consumed;
	struct document *doc = read_fm(text, &consumed);

	(void)state;
	assert_int_equal(consumed, strlen(text) - strlen("Body\n"));
	assert_string_equal(doc->meta.title, "Folded title");
	assert_string_equal(doc->meta.description, "Literal lines");
	assert_string_equal(doc->meta.lang, "en");
	document_free(doc);
}

static void
test_yaml_quoted_escapes(void **state)
{
	static const char text[] = "---\ntitle: \"A \\\"quoted\\\"\\ttitle \\u00e9\\x41\"\n"
	    "author: 'It''s me'\ndate: \"2021-03-14T09:30:00Z\"\n---\n";
	size_t consumed;
	struct document *doc = read_fm(text, &consumed);

	(void)state;
	assert_int_equal(consumed, strlen(text));
	assert_string_equal(doc->meta.title, "A \"quoted\" title \xc3\xa9" "A");
	assert_string_equal(doc->meta.author, "It's me");
	assert_string_equal(doc->meta.date, "2021-03-14T09:30:00Z");
	document_free(doc);
}

static void
test_yaml_sequences(void **state)
{
	static const char text[] = "---\ntags: [a, \"b, c\", ~]\ncategories:\n  - d\n  - [nested]\n"
	    "  - e\nkeywords: f, g ,\nauthors:\n- Ada\n- Alan\ntitle: [First, Second]\n---\n";
	size_t consumed;
	struct document *doc = read_fm(text, &consumed);
	static const char *const tags[] = { "a", "b", "c", "d", "e", "f", "g" };
	size_t i;

	(void)state;
	assert_int_equal(consumed, strlen(text));
	/* Every tag key adds, a comma string names several, null adds none. */
	assert_int_equal(doc->meta.ntags, 7);
	for (i = 0; i < 7; i++)
		assert_string_equal(doc->meta.tags[i], tags[i]);
	assert_string_equal(doc->meta.author, "Ada and Alan");
	assert_string_equal(doc->meta.title, "First");
	document_free(doc);
}

/* Front matter follows the HTML rules (issue 10): names only, three
 * authors as "A, B and C", tags without CMS codes and at most ten. */
static void
test_yaml_cleaned_like_html(void **state)
{
	static const char text[] = "---\nauthors:\n- By Jane Doe, Staff Writer\n- John Roe @jroe\n"
	    "- Ann Lee\ntags: [type_news, \"adnode:culture/x\", Climate, climate, a1, a2, a3, a4, "
	    "a5, a6, a7, a8, a9, a10]\ndate: Published on November 19, 2019\n---\n";
	size_t consumed;
	struct document *doc = read_fm(text, &consumed);

	(void)state;
	assert_string_equal(doc->meta.author, "Jane Doe, John Roe and Ann Lee");
	assert_string_equal(doc->meta.date, "2019-11-19");
	assert_int_equal(doc->meta.ntags, 10);
	assert_string_equal(doc->meta.tags[0], "Climate");
	assert_string_equal(doc->meta.tags[1], "a1");
	document_free(doc);
}

static void
test_yaml_nested_and_odd_nodes(void **state)
{
	static const char text[] = "---\nparams:\n  title: Inner\n  tags: [x]\n"
	    "author: {name: Nobody}\n? [complex, key]\n: value\nanchor: &a Anchored\n"
	    "description: *a\nurl: /posts/x/\ncanonical: \"https://news.example/a b\"\ntitle: Outer\n"
	    "lang: null\nsummary:\n...\n";
	size_t consumed;
	struct document *doc = read_fm(text, &consumed);

	(void)state;
	assert_int_equal(consumed, strlen(text));
	assert_string_equal(doc->meta.title, "Outer");
	assert_null(doc->meta.author);
	assert_int_equal(doc->meta.ntags, 0);
	/* Aliases are not followed, nulls are no value, a path is not a source. */
	assert_null(doc->meta.description);
	assert_null(doc->meta.lang);
	assert_string_equal(doc->meta.source_url, "https://news.example/a%20b");
	document_free(doc);
}

static void
test_yaml_broken_is_absent(void **state)
{
	static const char *const broken[] = {
		"---\ntitle: [unclosed\n---\nBody\n",
		"---\ntitle: \"open\n---\nBody\n",
		"---\ntitle: a\n bad: indent: here\n---\nBody\n",
		"---\ntitle: T\n\tx: tab\n---\nBody\n",
		"---\ntitle: T\x01\n---\nBody\n",
	};
	struct document *doc;
	size_t i, consumed;

	(void)state;
	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		doc = read_fm(broken[i], &consumed);
		assert_int_equal(consumed, 0);
		assert_null(doc->meta.title);
		document_free(doc);
	}
	/* Broken front matter stays in the body; nothing is lost. */
	doc = markdown_read(broken[0], strlen(broken[0]), NULL);
	assert_non_null(doc);
	assert_null(doc->meta.title);
	assert_true(doc->nblocks >= 2);
	assert_string_equal(doc->blocks[doc->nblocks - 1].text, "Body");
	document_free(doc);
}

/* 10,000 levels of flow and of block nesting: the reader walks events and
 * never recurses, so the stack stays flat; the keys after still count. */
static void
test_yaml_deep_nesting(void **state)
{
	struct buf b = BUF_INIT;
	struct document *doc;
	size_t i, consumed;

	(void)state;
	buf_append_str(&b, "---\nflow: ");
	for (i = 0; i < 10000; i++)
		buf_append_str(&b, i % 2 ? "[" : "{a: ");
	for (i = 10000; i > 0; i--)
		buf_append_str(&b, (i - 1) % 2 ? "]" : "}");
	buf_append_str(&b, "\nblock:\n");
	for (i = 0; i < 10000; i++)
		buf_append_str(&b, "- ");
	buf_append_str(&b, "leaf\ntitle: After the deep part\n---\nBody\n");
	assert_false(b.failed);
	doc = read_fm(b.data, &consumed);
	assert_int_equal(consumed, b.len - strlen("Body\n"));
	assert_string_equal(doc->meta.title, "After the deep part");
	document_free(doc);
	buf_free(&b);
}

static void
test_empty_and_absent(void **state)
{
	size_t consumed;
	struct document *doc;

	(void)state;
	doc = read_fm("---\n---\nBody\n", &consumed);
	assert_int_equal(consumed, 8);
	assert_null(doc->meta.title);
	document_free(doc);
	doc = read_fm("\xef\xbb\xbf---\r\n\r\n...\r\nBody\n", &consumed);
	assert_int_equal(consumed, 15);
	document_free(doc);
	doc = read_fm("+++\n+++\n", &consumed);
	assert_int_equal(consumed, 8);
	document_free(doc);
	/* A top-level list or scalar is sound YAML without our keys. */
	doc = read_fm("---\n- title\n---\n", &consumed);
	assert_int_equal(consumed, 16);
	assert_null(doc->meta.title);
	document_free(doc);
	doc = read_fm("---\ntitle: never closed\n", &consumed);
	assert_int_equal(consumed, 0);
	assert_null(doc->meta.title);
	document_free(doc);
	doc = read_fm("Body only\n", &consumed);
	assert_int_equal(consumed, 0);
	document_free(doc);
}

static void
test_toml(void **state)
{
	static const char text[] = "+++\n# comment\ntitle = \"Say \\\"hi\\\" \\u00e9\"  # trailing\n"
	    "author = 'C:\\path'\ndate = 2020-05-06T07:08:09Z\ntags = [\n  \"a, b\", # one\n"
	    "  'c',\n]\ncategories = [\"d\", [\"nested\"]]\nsummary = \"\"\"\nTwo\nlines\"\"\"\n"
	    "lang = \"unclosed\nsource = \"https://news.example/t\"\n[params]\nkeywords = e\n+++\n";
	size_t consumed;
	struct document *doc = read_fm(text, &consumed);

	(void)state;
	assert_int_equal(consumed, strlen(text));
	assert_string_equal(doc->meta.title, "Say \"hi\" \xc3\xa9");
	assert_string_equal(doc->meta.author, "C:\\path");
	assert_string_equal(doc->meta.date, "2020-05-06T07:08:09Z");
	assert_string_equal(doc->meta.description, "Two lines");
	/* A malformed line is skipped, the next one still read. */
	assert_null(doc->meta.lang);
	assert_string_equal(doc->meta.source_url, "https://news.example/t");
	/* The array holding an array is malformed: none of its items count. */
	assert_int_equal(doc->meta.ntags, 4);
	assert_string_equal(doc->meta.tags[0], "a");
	assert_string_equal(doc->meta.tags[1], "b");
	assert_string_equal(doc->meta.tags[2], "c");
	assert_string_equal(doc->meta.tags[3], "e");
	document_free(doc);
}

/* An escape that names no character (a surrogate, past U+10FFFF, cut
 * short) is one U+FFFD: never the bytes of a surrogate, which are no
 * UTF-8 and came out as three replacement characters. */
static void
test_toml_escapes_of_no_character(void **state)
{
	static const char text[] = "+++\ntitle = \"a\\uD800b\\U00110000c\\u12x\\U0001F680\"\n+++\n";
	size_t consumed;
	struct document *doc = read_fm(text, &consumed);

	(void)state;
	assert_int_equal(consumed, strlen(text));
	assert_string_equal(doc->meta.title,
	    "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbdx\xf0\x9f\x9a\x80");
	document_free(doc);
}

/* Unterminated strings, arrays and escapes at the very end: every step
 * of the TOML reader moves forward and stays inside its input. */
static void
test_toml_truncated(void **state)
{
	static const char *const bodies[] = {
		"title = \"abc\\", "title = \"\\u12", "tags = [\"a\",", "tags = [", "tags = [,]",
		"title = '''x", "= 1", "title =", "title", "tags = [ \"a\" \"b\" ]",
	};
	struct buf b = BUF_INIT;
	struct document *doc;
	size_t i, consumed;

	(void)state;
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		buf_truncate(&b, 0);
		buf_printf(&b, "+++\n%s\n+++\n", bodies[i]);
		assert_false(b.failed);
		doc = read_fm(b.data, &consumed);
		assert_int_equal(consumed, b.len);
		assert_null(doc->meta.title);
		assert_int_equal(doc->meta.ntags, 0);
		document_free(doc);
	}
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_block_scalars),
		cmocka_unit_test(test_yaml_quoted_escapes),
		cmocka_unit_test(test_yaml_sequences),
		cmocka_unit_test(test_yaml_cleaned_like_html),
		cmocka_unit_test(test_yaml_nested_and_odd_nodes),
		cmocka_unit_test(test_yaml_broken_is_absent),
		cmocka_unit_test(test_yaml_deep_nesting),
		cmocka_unit_test(test_empty_and_absent),
		cmocka_unit_test(test_toml),
		cmocka_unit_test(test_toml_truncated),
		cmocka_unit_test(test_toml_escapes_of_no_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
