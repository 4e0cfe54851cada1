/* The Gopher writer of pages: menus from the same page as Gemini's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "archive/pages.h"
#include "gopher/page.h"
#include "util/text.h"

#define TAIL "\tgopher.test\t70\r\n"

static char
by_path(void *arg, const char *selector)
{
	(void)arg;
	return selector[strlen(selector) - 1] == '/' ? '1' : '0';
}

static void
test_every_kind(void **state)
{
	struct buf out = BUF_INIT;
	struct menu m = { &out, "gopher.test", 70, 67 };
	struct page p = PAGE_INIT;

	(void)state;
	page_heading(&p, 1, "Title");
	page_blank(&p);
	page_text(&p, "Some text");
	page_article(&p, "/a.md", "2014-02-03", "A title", "a snippet");
	page_link(&p, "/tags/x/", "2", "Older articles");
	page_add(&p, PAGE_PARENT, NULL, "/");
	page_add(&p, PAGE_FOLDER, "sub/", "/sub/");
	page_add(&p, PAGE_FILE, "big.bin", "/big.bin");
	page_last(&p)->size = 1048575;
	page_add(&p, PAGE_SEARCH, "Search the archive", "/search");
	page_add(&p, PAGE_FEED, "Atom feed", "/atom.xml");
	assert_int_equal(gopher_write_page(&m, &p, by_path, NULL), 0);
	assert_string_equal(out.data,
	    "iTitle\t" TAIL
	    "i=====\t" TAIL
	    "i\t" TAIL
	    "iSome text\t" TAIL
	    "02014-02-03 A title\t/a.md" TAIL
	    "i> a snippet\t" TAIL
	    "0Older articles\t/tags/x/?2" TAIL
	    "1.. (up)\t/" TAIL
	    "1sub/\t/sub/" TAIL
	    "0big.bin (1.0 MiB)\t/big.bin" TAIL
	    "7Search the archive\t/search" TAIL
	    "1Newest articles\t/atom.xml" TAIL);
	buf_free(&out);
	page_free(&p);
}

/* A headline wider than the menu is never cut: it goes on on info lines. */
static void
test_long_title_continues(void **state)
{
	const char *title = "Regional transport authority publishes a detailed twelve-point plan "
	    "to restore night ferry services across the whole harbour by the end of the "
	    "summer after \xf0\x9f\x9a\x80 years of debate";
	struct buf out = BUF_INIT, words = BUF_INIT;
	struct menu m = { &out, "gopher.test", 70, 67 };
	struct page p = PAGE_INIT;
	const char *line, *end;
	size_t lines = 0, skip;

	(void)state;
	page_article(&p, "/x.html", "2019-07-18", title, NULL);
	assert_int_equal(gopher_write_page(&m, &p, by_path, NULL), 0);
	assert_null(strstr(out.data, "\xe2\x80\xa6"));  /* no ellipsis */
	for (line = out.data; (end = strstr(line, "\r\n")) != NULL; line = end + 2, lines++) {
		size_t display = strcspn(line, "\t");

		assert_true(display_width(line + 1, display - 1) <= 67);
		assert_true(line[0] == (lines == 0 ? '0' : 'i'));
		/* Continuations are indented under the item's text. */
		skip = strspn(line + 1, " ");
		buf_append(&words, line + 1 + skip, display - 1 - skip);
		buf_append_char(&words, ' ');
	}
	assert_true(lines >= 2);
	/* Every word of the date and title, in order. */
	assert_non_null(strstr(words.data, "2019-07-18 Regional transport authority"));
	assert_non_null(strstr(words.data, "across the whole harbour"));
	assert_non_null(strstr(words.data, "after \xf0\x9f\x9a\x80 years of debate"));
	buf_free(&words);
	buf_free(&out);
	page_free(&p);
}

/* The home page's about text (gemtext of the tree) becomes menu lines
 * in place; tags are menus; a byline links its month. */
static void
test_gemtext_tags_and_byline(void **state)
{
	struct buf out = BUF_INIT;
	struct menu m = { &out, "gopher.test", 70, 67 };
	struct page p = PAGE_INIT;

	(void)state;
	page_add(&p, PAGE_GEMTEXT, "# About\nSaved news.\n=> articles/ The articles\n"
	    "=> https://example.org/ Our site\n", "/about.gmi");
	page_add(&p, PAGE_BYLINE, "3 February 2014", "/archive/2014/02/");
	page_add(&p, PAGE_BYLINE, "2 min read", NULL);
	page_add(&p, PAGE_TAG, "news/politics", "/tags/news~2Fpolitics/");
	assert_int_equal(gopher_write_page(&m, &p, by_path, NULL), 0);
	assert_string_equal(out.data,
	    "iAbout\t" TAIL
	    "i=====\t" TAIL
	    "iSaved news.\t" TAIL
	    "1The articles\t/articles/" TAIL
	    "hOur site\tURL:https://example.org/" TAIL
	    "13 February 2014\t/archive/2014/02/" TAIL
	    "i2 min read\t" TAIL
	    "1Tag: news/politics\t/tags/news~2Fpolitics/" TAIL);
	buf_free(&out);
	page_free(&p);
}

/* The archive's word while its index is built, or rebuilt after damage,
 * reaches Gopher through the same page as Gemini. */
static void
test_index_being_rebuilt(void **state)
{
	struct buf out = BUF_INIT;
	struct menu m = { &out, "gopher.test", 70, 67 };
	struct page_context ctx = { .building = 7, .rebuilding = 1 };
	struct page p = PAGE_INIT;

	(void)state;
	pages_building(&p, &ctx);
	ctx.rebuilding = 0;
	pages_building(&p, &ctx);
	ctx.building = -1;
	pages_building(&p, &ctx);
	assert_int_equal(gopher_write_page(&m, &p, by_path, NULL), 0);
	assert_string_equal(out.data,
	    "iThe index is being rebuilt (7 articles so far)\t" TAIL
	    "i\t" TAIL
	    "iThe index is being built (7 articles so far)\t" TAIL
	    "i\t" TAIL);
	buf_free(&out);
	page_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_long_title_continues),
		cmocka_unit_test(test_gemtext_tags_and_byline),
		cmocka_unit_test(test_index_being_rebuilt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
