/* The Gemini writer of pages: one gemtext line per line of the page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gemini/page.h"

static void
test_every_kind(void **state)
{
	struct page p = PAGE_INIT;
	struct buf out = BUF_INIT;

	(void)state;
	page_heading(&p, 1, "Title\nwith a break");
	page_blank(&p);
	page_text(&p, "Some text");
	page_article(&p, "/a/caf\xc3\xa9 x.md", "2014-02-03T10:00", "A title", NULL);
	page_article(&p, "/s.txt", "", "Undated", "a snippet\n=> not a link");
	page_link(&p, "/search/2", "two words", "Next page");
	page_add(&p, PAGE_SEARCH, "Search the archive", "/search");
	page_add(&p, PAGE_FEED, "Atom feed", "/atom.xml");
	assert_int_equal(gemini_write_page(&out, &p, NULL), 0);
	assert_string_equal(out.data,
	    "# Title with a break\n"
	    "\n"
	    "Some text\n"
	    "=> /a/caf%C3%A9%20x.md 2014-02-03 A title\n"
	    "=> /s.txt Undated\n"
	    "> a snippet => not a link\n"
	    "=> /search/2?two%20words Next page\n"
	    "=> /search Search the archive\n"
	    "=> /atom.xml Atom feed\n");
	buf_free(&out);
	page_free(&p);
}

static void
test_listing_links_are_relative(void **state)
{
	struct page p = PAGE_INIT;
	struct buf out = BUF_INIT;

	(void)state;
	page_heading(&p, 1, "Docs");
	page_add(&p, PAGE_PARENT, NULL, "/");
	page_add(&p, PAGE_FOLDER, "sub dir/", "/docs/sub dir/");
	page_article(&p, "/docs/caf\xc3\xa9.md", "2021-03-14", "Caf\xc3\xa9 notes", NULL);
	page_add(&p, PAGE_FILE, "big.bin", "/docs/big.bin");
	page_last(&p)->size = 1048575;
	assert_int_equal(gemini_write_page(&out, &p, "/docs/"), 0);
	assert_string_equal(out.data,
	    "# Docs\n"
	    "=> ../ Parent directory\n"
	    "=> sub%20dir/ sub dir/\n"
	    "=> caf\xc3\xa9.md 2021-03-14 Caf\xc3\xa9 notes\n"
	    "=> big.bin big.bin (1.0 MiB)\n");
	buf_free(&out);
	page_free(&p);
}

/* An article's page around its body, and the home page's about text. */
static void
test_article_frame_and_gemtext(void **state)
{
	struct page p = PAGE_INIT;
	struct buf out = BUF_INIT;

	(void)state;
	page_heading(&p, 1, "A title");
	page_add(&p, PAGE_BYLINE, "3 February 2014 \xc2\xb7 By Jo \xc2\xb7 2 min read",
	    "/archive/2014/02/");
	page_add(&p, PAGE_BYLINE, "2 min read", NULL);
	page_add(&p, PAGE_TAG, "news/politics", "/tags/news~2Fpolitics/");
	page_add(&p, PAGE_TAG, "caf\xc3\xa9 society", "/tags/caf\xc3\xa9 society/");
	page_link(&p, "/archive/2014/02/", "before=2014-02-03.3011214949", "Older articles");
	page_add(&p, PAGE_GEMTEXT, "# About\n=> /x.gmi X\n```\nopen block", "/about.gmi");
	page_add(&p, PAGE_GEMTEXT, "Ends with its line\n", "/about.gmi");
	page_text(&p, "After");
	assert_int_equal(gemini_write_page(&out, &p, NULL), 0);
	assert_string_equal(out.data,
	    "# A title\n"
	    "=> /archive/2014/02/ 3 February 2014 \xc2\xb7 By Jo \xc2\xb7 2 min read\n"
	    "2 min read\n"
	    "=> /tags/news~2Fpolitics/ Tag: news/politics\n"
	    "=> /tags/caf%C3%A9%20society/ Tag: caf\xc3\xa9 society\n"
	    /* "key=value" queries stay readable. */
	    "=> /archive/2014/02/?before=2014-02-03.3011214949 Older articles\n"
	    /* The tree's gemtext as written; a block left open is closed. */
	    "# About\n=> /x.gmi X\n```\nopen block\n```\n"
	    "Ends with its line\n"
	    "After\n");
	buf_free(&out);
	page_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_listing_links_are_relative),
		cmocka_unit_test(test_article_frame_and_gemtext),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
