#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/text.h"

static struct document *
read_text(const char *text, size_t len, const char *const *chrome)
{
	struct convert_options opt = { .base_url = "/articles/2014/02/x.txt", .chrome_lines = chrome };
	struct document *doc = text_read(text, len, &opt);

	assert_non_null(doc);
	return doc;
}

static void
test_dateline_and_chrome(void **state)
{
	static const char text[] = "clear\n\nA site tagline for all\n\nTalks resume in the capital today\r\n\r\n"
	    "By Ann Lee\n\nFebruary 3, 2014 at 10:12 am\n\nFirst paragraph, with \xe2\x80\x9cquotes\xe2\x80\x9d.\n\n\n\n"
	    "Second paragraph.\n";
	struct document *doc = read_text(text, sizeof(text) - 1, NULL);

	(void)state;
	assert_string_equal(doc->meta.title, "Talks resume in the capital today");
	assert_string_equal(doc->meta.date, "2014-02-03T10:12:00");
	assert_string_equal(doc->meta.author, "Ann Lee");
	assert_int_equal(doc->nblocks, 2);
	assert_int_equal(doc->blocks[0].type, BLOCK_PARAGRAPH);
	assert_string_equal(doc->blocks[0].text, "First paragraph, with \xe2\x80\x9cquotes\xe2\x80\x9d.");
	assert_string_equal(doc->blocks[1].text, "Second paragraph.");
	document_free(doc);
}

/* A text header follows the HTML rules (issue 10): a "Published:" line is
 * the dateline, the "By" line gives the name only. */
static void
test_labelled_header(void **state)
{
	static const char text[] = "Harbour council backs new ferry route\n"
	    "By Mara Quinn, Transport Correspondent @maraq\n"
	    "Published: November 19, 2019 at 10:43 am\n\nThe council voted on Tuesday.\n";
	struct document *doc = read_text(text, sizeof(text) - 1, NULL);

	(void)state;
	assert_string_equal(doc->meta.title, "Harbour council backs new ferry route");
	assert_string_equal(doc->meta.date, "2019-11-19T10:43:00");
	assert_string_equal(doc->meta.author, "Mara Quinn");
	assert_int_equal(doc->nblocks, 1);
	assert_string_equal(doc->blocks[0].text, "The council voted on Tuesday.");
	document_free(doc);
}

static void
test_without_dateline(void **state)
{
	static const char *const chrome[] = { "Example News: all the news", NULL };
	static const char text[] = "Menu\nExample News: all the news\nHome Page\n"
	    "Budget passes after a long night\nThe vote came at dawn.\n";
	struct document *doc = read_text(text, sizeof(text) - 1, chrome);

	(void)state;
	assert_string_equal(doc->meta.title, "Budget passes after a long night");
	assert_null(doc->meta.date);
	assert_int_equal(doc->nblocks, 1);
	assert_string_equal(doc->blocks[0].text, "The vote came at dawn.");
	document_free(doc);
}

static void
test_urls_lists_and_wrapping(void **state)
{
	static const char text[] = "Some headline for the story\n3 Feb 2014\n\n"
	    "Read it at https://example.org/report.pdf, or (http://b.example/x).\n\n"
	    "* first\n* second https://c.example/\n\n"
	    "This paragraph was wrapped at seventy-two columns by an old\n"
	    "mail client, so its lines must be joined back into one line\n"
	    "again.\n\nShort line\nAnother short line\n";
	struct document *doc = read_text(text, sizeof(text) - 1, NULL);

	(void)state;
	assert_int_equal(doc->nblocks, 5);
	assert_int_equal(doc->blocks[0].nlinks, 2);
	assert_string_equal(doc->blocks[0].links[0].url, "https://example.org/report.pdf");
	assert_string_equal(doc->blocks[0].links[1].url, "http://b.example/x");
	assert_int_equal(doc->blocks[1].type, BLOCK_LIST_ITEM);
	assert_string_equal(doc->blocks[1].text, "first");
	assert_int_equal(doc->blocks[2].nlinks, 1);
	assert_string_equal(doc->blocks[3].text, "This paragraph was wrapped at seventy-two columns by an old "
	    "mail client, so its lines must be joined back into one line again.");
	assert_string_equal(doc->blocks[4].text, "Short line\nAnother short line");
	document_free(doc);
}

static void
test_bad_input(void **state)
{
	static const char binary[] = "\x00\x01\xff\xfe\n\x00\x00 Hello \x00world\n\xc3";
	struct document *doc;

	(void)state;
	doc = read_text("", 0, NULL);
	assert_int_equal(doc->nblocks, 0);
	assert_null(doc->meta.title);
	document_free(doc);
	doc = read_text(binary, sizeof(binary) - 1, NULL);
	assert_int_equal(doc->nblocks, 1);
	assert_string_equal(doc->blocks[0].text, "\xef\xbf\xbd\xef\xbf\xbd\nHello world\n\xef\xbf\xbd");
	document_free(doc);
	doc = read_text("\n\n\r\r\n", 5, NULL);
	assert_int_equal(doc->nblocks, 0);
	document_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dateline_and_chrome),
		cmocka_unit_test(test_labelled_header),
		cmocka_unit_test(test_without_dateline),
		cmocka_unit_test(test_urls_lists_and_wrapping),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
