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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_listing_links_are_relative),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
