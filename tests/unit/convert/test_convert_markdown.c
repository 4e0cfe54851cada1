#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/convert.h"
#include "convert/markdown.h"
#include "util/buf.h"

#include "columns.h"

static struct document *
read_md(const char *text, size_t len)
{
	struct convert_options opt = { .base_url = "gemini://h/articles/2021/03/post.md" };
	struct document *doc = markdown_read(text, len, &opt);

	assert_non_null(doc);
	return doc;
}

/* The gemtext of text (no source URL: no footer). */
static void
assert_body(const char *text, const char *expected)
{
	struct document *doc = read_md(text, strlen(text));
	size_t len;
	char *out = convert_write_gemtext(doc, &len);

	assert_non_null(out);
	assert_int_equal(len, strlen(out));
	assert_string_equal(out, expected);
	free(out);
	document_free(doc);
}

static void
test_yaml_front_matter(void **state)
{
	static const char text[] = "---\ntitle: \"Spring: notes\"\ndate: 2021-03-14 09:30:00 +0100\n"
	    "authors:\n  - Ada\n  - Alan\ntags: [one, \"two\"]\ncategories:\n- three\nlang: fr\n"
	    "summary: 'Short.'\nignored: [x]\n---\n# Spring: notes\n\nBody.\n";
	struct document *doc = read_md(text, sizeof(text) - 1);

	(void)state;
	assert_string_equal(doc->meta.title, "Spring: notes");
	assert_string_equal(doc->meta.date, "2021-03-14T09:30:00+01:00");
	assert_string_equal(doc->meta.author, "Ada and Alan");
	assert_string_equal(doc->meta.lang, "fr");
	assert_string_equal(doc->meta.description, "Short.");
	assert_int_equal(doc->meta.ntags, 3);
	assert_string_equal(doc->meta.tags[2], "three");
	document_free(doc);
}

static void
test_toml_and_broken_front_matter(void **state)
{
	static const char toml[] = "+++\ntitle = \"Toml post\"\ndate = 2020-05-06T07:08:09Z\n"
	    "tags = [\"a\", \"b\"]\n[params]\nauthor = \"Kim\"\n+++\nText.\n";
	static const char broken[] = "---\ntitle: never closed\n\nText.\n";
	struct document *doc;

	(void)state;
	doc = read_md(toml, sizeof(toml) - 1);
	assert_string_equal(doc->meta.title, "Toml post");
	assert_string_equal(doc->meta.date, "2020-05-06T07:08:09Z");
	assert_string_equal(doc->meta.author, "Kim");
	assert_int_equal(doc->meta.ntags, 2);
	assert_int_equal(doc->nblocks, 1);
	document_free(doc);
	/* Unclosed: no front matter; "---" is a thematic break, the rest text. */
	doc = read_md(broken, sizeof(broken) - 1);
	assert_null(doc->meta.title);
	assert_int_equal(doc->nblocks, 2);
	assert_string_equal(doc->blocks[0].text, "title: never closed");
	document_free(doc);
}

static void
test_title_from_heading(void **state)
{
	(void)state;
	assert_body("# The title\n\nText *em* **strong** `code` ~~gone~~.\n\n# Second h1\n\n## h2\n\n#### h4\n",
	    "# The title\n\nText em strong code gone.\n\n## Second h1\n\n## h2\n\n### h4\n");
}

static void
test_links_and_entities(void **state)
{
	(void)state;
	assert_body("A [rel](../x.md \"t\"), [frag](#a), [abs](https://e.example/a%20b) and "
	    "https://auto.example/p. &amp; &copy; &#x263A; &bogus;\n",
	    "A rel, frag, abs and https://auto.example/p. & © ☺ &bogus;\n"
	    "=> gemini://h/articles/2021/x.md rel\n=> https://e.example/a%20b abs\n"
	    "=> https://auto.example/p https://auto.example/p\n");
}

static void
test_nested_lists(void **state)
{
	(void)state;
	assert_body("* one [a](http://a/)\n  * nested\n    1. deep\n    2. deeper [b](http://b/)\n* two\n\n"
	    "3. loose\n\n   second para\n4. next\n",
	    "* one a\n* nested\n* 1. deep\n* 2. deeper b\n* two\n=> http://a/ a\n=> http://b/ b\n"
	    "* 3. loose\n* second para\n* 4. next\n");
}

static void
test_list_of_links_and_quotes(void **state)
{
	(void)state;
	assert_body("- [One](http://x/1)\n- [Two](http://x/2)\n\n> Said [this](http://q/).\n>\n> > And more.\n",
	    "=> http://x/1 One\n=> http://x/2 Two\n\n> Said this.\n> And more.\n=> http://q/ this\n");
}

static void
test_tables(void **state)
{
	(void)state;
	assert_body("| Name | Age |\n|---|--:|\n| Ann | 3 |\n| 李雷 | [40](http://n/) |\n",
	    "```table\nName  Age\n----  ---\nAnn   3\n李雷  40\n```\n=> http://n/ 40\n");
	assert_body("| a | b | c | d | e | f | g |\n|---|---|---|---|---|---|---|\n| 1 | 2 | 3 | 4 | 5 | 6 | 7 |\n",
	    "a | b | c | d | e | f | g\n\n1 | 2 | 3 | 4 | 5 | 6 | 7\n");
}

/* The same table as the HTML reader's, lined up the same way (see
 * test_convert_html.c, which checks that it lines up). */
static void
test_tables_align_wide_characters(void **state)
{
	static const char table[] =
	    "| Name | City | Note |\n|---|---|---|\n"
	    "| \xe6\x9d\x8e\xe9\x9b\xb7 | \xe5\x8c\x97\xe4\xba\xac | \xf0\x9f\x9a\x80 launch |\n"
	    "| Ann | \xf0\x9f\x9a\x80 | ok |\n"
	    "| Jose\xcc\x81 | Paris | caf\xc3\xa9 |\n"
	    "| \xf0\x9f\x98\x80 | \xec\x84\x9c\xec\x9a\xb8 | "
	    "\xef\xbc\xa6\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c |\n";

	(void)state;
	assert_body(table, "```table\n" WIDE_TABLE_ALIGNED "\n```\n");
}

static void
test_code_images_html(void **state)
{
	(void)state;
	assert_body("```python\n\tx = 1\n```\n\n    indented\n\n![A cat](/img/cat.png)\n\n![](pics/my-dog_2.jpg)\n\n"
	    "<div class=\"x\"><p>Raw &lt;b&gt;</p><script>bad()</script></div>\n",
	    "```python\n    x = 1\n```\n\n```code\nindented\n```\n\n=> gemini://h/img/cat.png A cat\n\n"
	    "=> gemini://h/articles/2021/03/pics/my-dog_2.jpg Image\n\nRaw <b>\n");
}

static void
test_empty_and_binary(void **state)
{
	static const char binary[] = "\x00\xff# x\x00y\n\n\xc3\x28 text";
	struct document *doc;

	(void)state;
	doc = read_md("", 0);
	assert_int_equal(doc->nblocks, 0);
	document_free(doc);
	doc = read_md(binary, sizeof(binary) - 1);
	assert_int_equal(doc->nblocks, 2);
	assert_string_equal(doc->blocks[1].text, "\xef\xbf\xbd( text");
	document_free(doc);
}

static void
test_deep_nesting(void **state)
{
	struct buf b = BUF_INIT;
	struct document *doc;
	size_t i;

	(void)state;
	for (i = 0; i < 10000; i++)
		buf_append_str(&b, "> ");
	buf_append_str(&b, "deep quote\n\n");
	for (i = 0; i < 10000; i++) {
		buf_printf(&b, "%*s- item %zu\n", (int)(i * 2), "", i);
	}
	assert_false(b.failed);
	doc = read_md(b.data, b.len);
	assert_true(doc->nblocks >= 2);
	assert_int_equal(doc->blocks[0].type, BLOCK_QUOTE);
	assert_string_equal(doc->blocks[0].text, "deep quote");
	assert_int_equal(doc->blocks[1].type, BLOCK_LIST_ITEM);
	document_free(doc);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_front_matter),
		cmocka_unit_test(test_toml_and_broken_front_matter),
		cmocka_unit_test(test_title_from_heading),
		cmocka_unit_test(test_links_and_entities),
		cmocka_unit_test(test_nested_lists),
		cmocka_unit_test(test_list_of_links_and_quotes),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_tables_align_wide_characters),
		cmocka_unit_test(test_code_images_html),
		cmocka_unit_test(test_empty_and_binary),
		cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
