#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/convert.h"
#include "convert/gemtext.h"

#define ZWSP "\xe2\x80\x8b"
#define FOOTER "\n=> / Back to the archive\n"

static void
assert_written(const struct document *doc, const char *expected)
{
	size_t len;
	char *out = convert_write_gemtext(doc, &len);

	assert_non_null(out);
	assert_int_equal(len, strlen(out));
	assert_string_equal(out, expected);
	free(out);
}

static void
test_head_and_footer(void **state)
{
	struct document *doc = document_new();

	(void)state;
	document_set_meta(&doc->meta.title, "A title");
	document_set_meta(&doc->meta.date, "2014-02-03T10:12:00");
	document_set_meta(&doc->meta.author, "Jane Doe");
	document_set_meta(&doc->meta.source_url, "https://news.example/a");
	document_add_block(doc, BLOCK_HEADING, 1, "A title");
	document_add_block(doc, BLOCK_PARAGRAPH, 0, "Body.");
	assert_written(doc, "# A title\n2014-02-03 · By Jane Doe\n\nBody.\n\n"
	    "=> https://news.example/a Original article\n=> / Back to the archive\n");
	document_free(doc);
}

static void
test_empty_document(void **state)
{
	struct document *doc = document_new();

	(void)state;
	assert_written(doc, "=> / Back to the archive\n");
	document_set_meta(&doc->meta.author, "Only Author");
	assert_written(doc, "By Only Author\n\n=> / Back to the archive\n");
	document_free(doc);
}

static void
test_escaping(void **state)
{
	struct document *doc = document_new();
	struct doc_block *b;

	(void)state;
	document_add_block(doc, BLOCK_PARAGRAPH, 0, "=> not a link\n* not an item\n#not a heading\n"
	    ">not a quote\n```not a toggle\n*fine\n=fine");
	b = document_add_block(doc, BLOCK_PREFORMATTED, 0, "```inside\n\tkept\n");
	b->alt = strdup("sh");
	document_add_block(doc, BLOCK_LIST_ITEM, 0, "# item");
	assert_written(doc, ZWSP "=> not a link\n" ZWSP "* not an item\n" ZWSP "#not a heading\n"
	    ZWSP ">not a quote\n" ZWSP "```not a toggle\n*fine\n=fine\n\n"
	    "```sh\n" ZWSP "```inside\n\tkept\n```\n\n* # item\n" FOOTER);
	document_free(doc);
}

static void
test_links_follow_block(void **state)
{
	struct document *doc = document_new();
	struct doc_block *b;

	(void)state;
	b = document_add_block(doc, BLOCK_PARAGRAPH, 0, "See the report and the map.");
	document_add_link(b, "https://a.example/report", "report");
	document_add_link(b, "https://a.example/my map", "the\nmap");
	b = document_add_block(doc, BLOCK_PARAGRAPH, 0, "Home | About");
	document_add_link(b, "/", "Home");
	document_add_link(b, "/about", "About");
	b = document_add_block(doc, BLOCK_LINK, 0, NULL);
	document_add_link(b, "/img.png", "");
	assert_written(doc, "See the report and the map.\n=> https://a.example/report report\n"
	    "=> https://a.example/my%20map the map\n\n=> / Home\n=> /about About\n\n=> /img.png\n" FOOTER);
	/* Blocks of links stay apart: a reader could not tell them from one block. */
	document_free(doc);
}

static void
test_block_kinds(void **state)
{
	struct document *doc = document_new();

	(void)state;
	document_set_meta(&doc->meta.title, "T");
	document_add_block(doc, BLOCK_HEADING, 1, "Part one");
	document_add_block(doc, BLOCK_HEADING, 3, "Detail");
	document_add_block(doc, BLOCK_LIST_ITEM, 0, "one");
	document_add_block(doc, BLOCK_LIST_ITEM, 0, "two");
	document_add_block(doc, BLOCK_QUOTE, 0, "said\nthis");
	document_add_block(doc, BLOCK_QUOTE, 0, "and that");
	document_add_block(doc, BLOCK_PARAGRAPH, 0, "");
	document_add_block(doc, BLOCK_PARAGRAPH, 0, "end\t of it");
	assert_written(doc, "# T\n\n## Part one\n\n### Detail\n\n* one\n* two\n\n> said\n> this\n"
	    "> and that\n\nend  of it\n" FOOTER);
	document_free(doc);
}

static struct document *
read_gmi(const char *text, const char *base)
{
	struct convert_options opt = { base, NULL };

	return gemtext_read(text, strlen(text), &opt);
}

static void
test_reader(void **state)
{
	struct document *doc;

	(void)state;
	doc = read_gmi("\xef\xbb\xbf# Native post\r\n2021-05-01 · By Kim\n\nHello\n=>  other.gmi  Other page\n"
	    "=>\n* item\n> quote\n## Sub\n# Later h1\n```alt text\n# not heading\n=> not link\n```\n"
	    "```\nunclosed\n", "/articles/2021/05/post.gmi");
	assert_non_null(doc);
	assert_string_equal(doc->meta.title, "Native post");
	assert_string_equal(doc->meta.date, "2021-05-01");
	assert_string_equal(doc->meta.author, "Kim");
	/* The link line right under "Hello" belongs to it; "=>" alone is dropped. */
	assert_int_equal(doc->nblocks, 7);
	assert_int_equal(doc->blocks[0].type, BLOCK_PARAGRAPH);
	assert_int_equal(doc->blocks[0].nlinks, 1);
	assert_string_equal(doc->blocks[0].links[0].url, "/articles/2021/05/other.gmi");
	assert_string_equal(doc->blocks[0].links[0].label, "Other page");
	assert_int_equal(doc->blocks[1].type, BLOCK_LIST_ITEM);
	assert_string_equal(doc->blocks[2].text, "quote");
	assert_int_equal(doc->blocks[3].level, 2);
	assert_int_equal(doc->blocks[4].level, 1);
	assert_int_equal(doc->blocks[5].type, BLOCK_PREFORMATTED);
	assert_string_equal(doc->blocks[5].alt, "alt text");
	assert_string_equal(doc->blocks[5].text, "# not heading\n=> not link\n");
	assert_string_equal(doc->blocks[6].text, "unclosed\n");
	document_free(doc);
}

static void
test_reader_bad_bytes(void **state)
{
	static const char data[] = "# T\0itle\n\xff\xfe text\0\n";
	struct document *doc;

	(void)state;
	doc = gemtext_read(data, sizeof(data) - 1, NULL);
	assert_non_null(doc);
	assert_string_equal(doc->meta.title, "Title");
	assert_int_equal(doc->nblocks, 1);
	assert_string_equal(doc->blocks[0].text, "\xef\xbf\xbd\xef\xbf\xbd text");
	document_free(doc);
	doc = gemtext_read("", 0, NULL);
	assert_non_null(doc);
	assert_int_equal(doc->nblocks, 0);
	document_free(doc);
}

static void
test_round_trip(void **state)
{
	static const char text[] = "# Round trip\n2020-01-02 · By Lee\n\nPara\n=> https://x.example/ X\n\n"
	    "* a\n* b\n\n> q\n\n```c\ncode\n```\n" FOOTER;
	struct document *doc;
	char *out;
	size_t len;

	(void)state;
	doc = read_gmi(text, NULL);
	out = convert_write_gemtext(doc, &len);
	/* The footer is read back as a link block, and written once more. */
	assert_int_equal(strncmp(out, text, strlen(text)), 0);
	assert_string_equal(out + strlen(text), FOOTER);
	document_free(doc);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_and_footer),
		cmocka_unit_test(test_empty_document),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_links_follow_block),
		cmocka_unit_test(test_block_kinds),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_reader_bad_bytes),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
