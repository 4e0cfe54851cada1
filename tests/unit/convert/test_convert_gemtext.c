#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/convert.h"
#include "convert/gemtext.h"

#define ZWSP "\xe2\x80\x8b"

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
	assert_written(doc, "# A title\nBy Jane Doe · 2014-02-03\n\nBody.\n\n"
	    "=> https://news.example/a Original article\n");
	document_free(doc);
}

static void
test_empty_document(void **state)
{
	struct document *doc = document_new();

	(void)state;
	assert_written(doc, "");
	document_set_meta(&doc->meta.author, "Only Author");
	assert_written(doc, "By Only Author\n");
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
	    "```sh\n" ZWSP "```inside\n\tkept\n```\n\n* # item\n");
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
	    "=> https://a.example/my%20map the map\n\n=> / Home\n=> /about About\n\n=> /img.png\n");
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
	    "> and that\n\nend  of it\n");
	document_free(doc);
}

static struct document *
read_gmi(const char *text, const char *base)
{
	struct convert_options opt = { .base_url = base };

	return gemtext_read(text, strlen(text), &opt);
}

static void
test_reader(void **state)
{
	struct document *doc;

	(void)state;
	doc = read_gmi("\xef\xbb\xbf# Native post\r\nBy Kim · 2021-05-01\n\nHello\n=>  other.gmi  Other page\n"
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
	static const char text[] = "# Round trip\nBy Lee · 2020-01-02\n\nPara\n=> https://x.example/ X\n\n"
	    "* a\n* b\n\n> q\n\n```c\ncode\n```\n";
	struct document *doc;
	char *out;
	size_t len;

	(void)state;
	doc = read_gmi(text, NULL);
	out = convert_write_gemtext(doc, &len);
	assert_string_equal(out, text);
	document_free(doc);
	free(out);
}

/* Read, write, read, write: the second output is the first (the property
 * fuzz_convert_gemtext checks).  Returns the first
 * output for the caller to inspect. */
static char *
round_trip_stable(const char *data, size_t size)
{
	struct document *doc, *again;
	char *out, *out2;
	size_t len, len2;

	doc = gemtext_read(data, size, NULL);
	assert_non_null(doc);
	out = convert_write_gemtext(doc, &len);
	assert_non_null(out);
	again = gemtext_read(out, len, NULL);
	assert_non_null(again);
	out2 = convert_write_gemtext(again, &len2);
	assert_non_null(out2);
	assert_int_equal(len2, len);
	assert_string_equal(out, out2);
	document_free(doc);
	document_free(again);
	free(out2);
	return out;
}

/* Fuzz finding: "=>\x05\r#M\x1a" has the target "\x05\r#M\x1a".  Its
 * control characters hid that it is fragment-only, so it was kept, written
 * as "=> #M" and dropped when read back. */
static void
test_round_trip_control_in_link(void **state)
{
	static const char crash[] = "=>\x05\r#M\x1a";
	static const char hidden[] = "=> \x01java\vscript:alert(1) x\n=> \x7f#top y\n=> \x02/ok\x03 ok\n";
	char *out;

	(void)state;
	out = round_trip_stable(crash, sizeof(crash) - 1);
	assert_string_equal(out, "");
	free(out);
	out = round_trip_stable(hidden, sizeof(hidden) - 1);
	assert_string_equal(out, "=> /ok ok\n");
	free(out);
}

/* Fuzz finding: a target with an invisible or space character ("=>" BOM "a")
 * is its own label, and reading the label back cleaned it, so the second
 * write differed.  Such characters are percent-encoded in targets. */
static void
test_round_trip_invisible_in_link(void **state)
{
	static const char bom[] = "=>\xef\xbb\xbf" "a";
	static const char spaces[] = "=> a\xc2\xa0" "b\xe2\x80\x8b" "c\xc2\xad\n";
	char *out;

	(void)state;
	out = round_trip_stable(bom, sizeof(bom) - 1);
	assert_string_equal(out, "=> %EF%BB%BFa %EF%BB%BFa\n");
	free(out);
	out = round_trip_stable(spaces, sizeof(spaces) - 1);
	assert_string_equal(out, "=> a%C2%A0b%E2%80%8Bc%C2%AD a%C2%A0b%E2%80%8Bc%C2%AD\n");
	free(out);
}

/* Fuzz finding: in "=>\xc2\x0f\x8f#" dropping the control character
 * joined the two stray bytes into U+008F, itself dropped later, leaving a
 * fragment-only "#" that the linkability check had not seen. */
static void
test_round_trip_stray_bytes_in_link(void **state)
{
	static const char joined[] = "=>\xc2\x0f\x8f#";
	char *out;

	(void)state;
	out = round_trip_stable(joined, sizeof(joined) - 1);
	assert_string_equal(out, "=> %C2%8F# %C2%8F#\n");
	free(out);
}

/* Fuzz finding: "=>/\x0f/\x8f#" is "//%8F#" once its control character
 * goes, a protocol-relative link that a second reading made https://.  A
 * gemtext article's "//host" is left to the Gemini client. */
static void
test_round_trip_protocol_relative(void **state)
{
	static const char hidden[] = "=>/\x0f/\x8f#";
	static const char plain[] = "=> //host.example/x There\n";
	char *out;

	(void)state;
	out = round_trip_stable(hidden, sizeof(hidden) - 1);
	assert_string_equal(out, "=> //%8F# //%8F#\n");
	free(out);
	out = round_trip_stable(plain, sizeof(plain) - 1);
	assert_string_equal(out, plain);
	free(out);
}

/* Fuzz findings: an empty "#" was taken as the title, so a later "#a"
 * became an h1 block, written "# a" and read back as the title; and a
 * date-like paragraph after a blank line was read back as the date line. */
static void
test_round_trip_title_rules(void **state)
{
	static const char empty_title[] = "#\na\n#a";
	static const char far_date[] = "# T\n## \n2014-02-03\n";
	char *out;

	(void)state;
	out = round_trip_stable(empty_title, sizeof(empty_title) - 1);
	assert_string_equal(out, "# a\n\na\n");
	free(out);
	out = round_trip_stable(far_date, sizeof(far_date) - 1);
	assert_string_equal(out, "# T\n\n2014-02-03\n");
	free(out);
}

/* Fuzz finding: "#a\n#a\n#a" gave the title and two headings repeating it;
 * only the first was dropped, so the second came first and went on the
 * next round.  Every heading repeating the title before any text goes. */
static void
test_round_trip_repeated_title(void **state)
{
	static const char repeated[] = "#a\n#a\n## \n#a\n=> /x\n## A!\nText\n# a";
	char *out;

	(void)state;
	out = round_trip_stable(repeated, sizeof(repeated) - 1);
	assert_string_equal(out, "# a\n\n=> /x /x\n\n## A!\n\nText\n\n## a\n");
	free(out);
}

/* Fuzz crash: a byline holding the separator twice was read as author
 * "Ki · By Kim", which the writer could not give back the same way. */
static void
test_round_trip_two_separators(void **state)
{
	static const char line[] = "# Native post\r\n2021-05-01 \xc2\xb7 By Ki \xc2\xb7 By Kim\n\nHello\n";
	char *out;

	(void)state;
	out = round_trip_stable(line, sizeof(line) - 1);
	assert_non_null(strstr(out, "2021-05-01 \xc2\xb7 By Ki \xc2\xb7 By Kim\n"));
	free(out);
}

/* Fuzz crash: a stray middle dot at the end of the byline ended up inside
 * the author, which the writer gave back with two dots. */
static void
test_round_trip_stray_middle_dot(void **state)
{
	static const char crash[] =
	    "\x23\x20\x4e\x61\x74\x69\x76\x65\x0d\x0a\x32\x30\x34\x31\x2d\x30\x35\x2d\x30\x31\x20\xc2\xb7\x20"
	    "\x42\x79\x20\x4b\x35\x2d\x30\x23\x20\x4e\x61\x73\x69\x76\x65\x20\x70\x6f\xd9\xfe\xff\xff\xff\xff"
	    "\xff\x7f\x2d\x30\x35\x2d\x30\x31\x20\xc2\xb7\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x1f\x1f"
	    "\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x0a\x23\x61\x6f\x74\x68\x6c";
	char *out;

	(void)state;
	out = round_trip_stable(crash, sizeof(crash) - 1);
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
		cmocka_unit_test(test_round_trip_control_in_link),
		cmocka_unit_test(test_round_trip_invisible_in_link),
		cmocka_unit_test(test_round_trip_stray_bytes_in_link),
		cmocka_unit_test(test_round_trip_protocol_relative),
		cmocka_unit_test(test_round_trip_title_rules),
		cmocka_unit_test(test_round_trip_repeated_title),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_two_separators),
		cmocka_unit_test(test_round_trip_stray_middle_dot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
