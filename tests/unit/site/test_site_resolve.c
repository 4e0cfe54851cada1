/* The site layer: what a request path names (every target kind), the rule
 * of what is an article (formats, article_paths, well-known files), MIME
 * types and directory listings as pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content/types.h"
#include "site/site.h"
#include "site_fixture.h"
#include "tree.h"

struct fixture {
	char root[64];
	struct site site;
};

static void
put(const struct fixture *f, const char *path, const char *data)
{
	char full[256];
	FILE *out;

	snprintf(full, sizeof(full), "%s/%s", f->root, path);
	assert_non_null(out = fopen(full, "w"));
	fputs(data, out);
	fclose(out);
}

static void
dir(const struct fixture *f, const char *path)
{
	char full[256];

	snprintf(full, sizeof(full), "%s/%s", f->root, path);
	assert_int_equal(mkdir(full, 0755), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->root, "/tmp/site-test-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	dir(f, "articles");
	dir(f, "articles/2014");
	dir(f, "articles/2014/02");
	dir(f, "docs");
	dir(f, "withindex");
	dir(f, ".well-known");
	put(f, "articles/2014/02/story.txt", "A story\n\nFebruary 3, 2014\n\nIt happened.\n");
	put(f, "articles/2014/02/page.html", "<html><head><title>A page</title></head>"
	    "<body><article><h1>A page</h1><p>Text of the page.</p></article></body></html>");
	put(f, "docs/notes.md", "# Notes\n\nSome notes.\n");
	put(f, "docs/plain.txt", "plain\n");
	put(f, "docs/data.bin", "\x01\x02");
	put(f, "robots.txt", "User-agent: *\n");
	put(f, "favicon.txt", "\xf0\x9f\x9a\x80\n");
	put(f, "docs/humans.txt", "us\n");
	put(f, ".well-known/security.txt", "Contact: x\n");
	put(f, ".well-known/thing.md", "# x\n");
	put(f, "withindex/index.gmi", "# Index\n");
	put(f, "page.gmi", "# Page\n");
	site_fixture_open(&f->site, f->root);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	site_fixture_close(&f->site);
	assert_int_equal(tree_remove(f->root), 0);
	free(f);
	return 0;
}

static enum site_kind
kind_of(const struct fixture *f, const char *path, const char *query)
{
	struct site_target t;
	enum site_kind kind;

	site_resolve(&f->site, path, query, &t);
	kind = t.kind;
	if (kind == SITE_FILE || kind == SITE_ARTICLE || kind == SITE_RAW ||
	    kind == SITE_DIRECTORY)
		assert_true(t.fd >= 0);
	else
		assert_int_equal(t.fd, -1);
	site_target_free(&t);
	return kind;
}

static void
test_every_kind(void **state)
{
	struct fixture *f = *state;
	struct site_target t;

	assert_int_equal(kind_of(f, "/articles/2014/02/story.txt", NULL), SITE_ARTICLE);
	assert_int_equal(kind_of(f, "/articles/2014/02/story.txt", "raw"), SITE_RAW);
	assert_int_equal(kind_of(f, "/docs/data.bin", NULL), SITE_FILE);
	assert_int_equal(kind_of(f, "/docs/data.bin", "raw"), SITE_RAW);
	assert_int_equal(kind_of(f, "/page.gmi", NULL), SITE_FILE);
	assert_int_equal(kind_of(f, "/nope.txt", NULL), SITE_NOT_FOUND);
	/* The tree's robots.txt is a file; without one, the generated one. */
	assert_int_equal(kind_of(f, "/robots.txt", NULL), SITE_FILE);
	assert_int_equal(unlinkat(f->site.root_fd, "robots.txt", 0), 0);
	assert_int_equal(kind_of(f, "/robots.txt", NULL), SITE_ROBOTS);
	assert_int_equal(kind_of(f, "/docs/robots.txt", NULL), SITE_NOT_FOUND);
	assert_int_equal(kind_of(f, "/.hidden", NULL), SITE_REFUSED);
	assert_int_equal(kind_of(f, "/a/../b", NULL), SITE_REFUSED);
	/* No archive: no generated pages, "/" is the tree's. */
	assert_int_equal(kind_of(f, "/search", NULL), SITE_NOT_FOUND);
	assert_int_equal(kind_of(f, "/", NULL), SITE_DIRECTORY);
	site_resolve(&f->site, "/docs", NULL, &t);
	assert_int_equal(t.kind, SITE_DIRECTORY);
	assert_true(t.slash_missing);
	assert_int_equal(t.index_fd, -1);
	site_target_free(&t);
	site_resolve(&f->site, "/withindex/", NULL, &t);
	assert_int_equal(t.kind, SITE_DIRECTORY);
	assert_false(t.slash_missing);
	assert_true(t.index_fd >= 0);
	assert_int_equal(t.index_st.st_size, 8);
	site_target_free(&t);
	assert_int_equal(t.fd, -1);
	assert_int_equal(t.index_fd, -1);
}

static void
test_robots_text(void **state)
{
	struct buf text = BUF_INIT;
	const char *line;

	(void)state;
	assert_int_equal(site_robots_text(&text), 0);
	/* Prefix Disallow lines only (the Gemini companion specification),
	 * each line short enough for a Gopher text. */
	assert_non_null(strstr(text.data, "\nUser-agent: *\nDisallow: /search\n"));
	for (line = text.data; *line != '\0'; line += strcspn(line, "\n") + 1) {
		size_t len = strcspn(line, "\n");

		assert_true(len <= 67);
		assert_true(line[0] == '#' || strncmp(line, "User-agent: ", 12) == 0 ||
		    strncmp(line, "Disallow: /", 11) == 0);
		if (strncmp(line, "Disallow: ", 10) == 0)
			assert_true(strcspn(line, "*$") >= len);
	}
	buf_free(&text);
}

static void
test_listing_policy(void **state)
{
	struct fixture *f = *state;

	f->site.directory_listing = 0;
	assert_int_equal(kind_of(f, "/docs/", NULL), SITE_NOT_FOUND);
	assert_int_equal(kind_of(f, "/docs", NULL), SITE_NOT_FOUND);
	/* An index.gmi is no listing: still served. */
	assert_int_equal(kind_of(f, "/withindex/", NULL), SITE_DIRECTORY);
	f->site.directory_listing = 1;
	assert_int_equal(kind_of(f, "/docs/", NULL), SITE_DIRECTORY);
}

static void
test_article_rule(void **state)
{
	(void)state;
	assert_int_equal(site_article_format(NULL, "/a/b.html"), ARTICLE_HTML);
	assert_int_equal(site_article_format("/", "/a/b.HTM"), ARTICLE_HTML);
	assert_int_equal(site_article_format("", "/a/b.md"), ARTICLE_MARKDOWN);
	assert_int_equal(site_article_format(NULL, "/a/b.txt"), ARTICLE_TEXT);
	assert_int_equal(site_article_format(NULL, "/a/b.gmi"), ARTICLE_GEMTEXT);
	assert_int_equal(site_article_format(NULL, "/a/b.png"), ARTICLE_NONE);
	/* Well-known plain files, wherever they are. */
	assert_int_equal(site_article_format(NULL, "/robots.txt"), ARTICLE_NONE);
	assert_int_equal(site_article_format(NULL, "/favicon.txt"), ARTICLE_NONE);
	assert_int_equal(site_article_format(NULL, "/x/Humans.txt"), ARTICLE_NONE);
	assert_int_equal(site_article_format(NULL, "/security.txt"), ARTICLE_NONE);
	assert_int_equal(site_article_format(NULL, "/.well-known/notes.md"), ARTICLE_NONE);
	assert_int_equal(site_article_format(NULL, "/my-robots.txt"), ARTICLE_TEXT);
	/* article_paths: folders and files, spaces or commas. */
	assert_int_equal(site_article_format("/articles/", "/articles/x.txt"), ARTICLE_TEXT);
	assert_int_equal(site_article_format("/articles/", "/docs/x.txt"), ARTICLE_NONE);
	assert_int_equal(site_article_format("/articles", "/articles/2014/x.md"), ARTICLE_MARKDOWN);
	assert_int_equal(site_article_format("/articles", "/articles-old/x.md"), ARTICLE_NONE);
	assert_int_equal(site_article_format("/a/ ,/about.md", "/about.md"), ARTICLE_MARKDOWN);
	assert_int_equal(site_article_format("/a/,/about.md", "/about.md.txt"), ARTICLE_NONE);
	assert_int_equal(site_article_format("/a/ /b/", "/b/c/d.html"), ARTICLE_HTML);
}

static void
test_article_paths_and_well_known_resolve_as_files(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(kind_of(f, "/robots.txt", NULL), SITE_FILE);
	assert_int_equal(kind_of(f, "/favicon.txt", NULL), SITE_FILE);
	assert_int_equal(kind_of(f, "/docs/humans.txt", NULL), SITE_FILE);
	assert_int_equal(kind_of(f, "/.well-known/security.txt", NULL), SITE_FILE);
	assert_int_equal(kind_of(f, "/.well-known/thing.md", NULL), SITE_FILE);
	assert_int_equal(kind_of(f, "/docs/plain.txt", NULL), SITE_ARTICLE);
	f->site.article_paths = "/articles/";
	assert_int_equal(kind_of(f, "/docs/plain.txt", NULL), SITE_FILE);
	assert_int_equal(kind_of(f, "/docs/notes.md", NULL), SITE_FILE);
	assert_int_equal(kind_of(f, "/articles/2014/02/page.html", NULL), SITE_ARTICLE);
	f->site.article_paths = "/";
}

static void
test_mime_types(void **state)
{
	struct fixture *f = *state;
	struct site_target t;

	site_resolve(&f->site, "/favicon.txt", NULL, &t);
	assert_non_null(site_mime(&f->site, &t, 1));
	assert_int_equal(strncmp(site_mime(&f->site, &t, 1), "text/plain", 10), 0);
	site_target_free(&t);
	site_resolve(&f->site, "/page.gmi", NULL, &t);
	assert_int_equal(strncmp(site_mime(&f->site, &t, 1), "text/gemini", 11), 0);
	site_target_free(&t);
}

static void
test_article_converted_once_then_peeked(void **state)
{
	struct fixture *f = *state;
	const struct cached_article *a;
	struct site_target t;

	site_resolve(&f->site, "/articles/2014/02/page.html", NULL, &t);
	assert_int_equal(t.kind, SITE_ARTICLE);
	assert_null(t.article);              /* not converted yet: for the pool */
	assert_non_null(a = site_article(&f->site, &t));
	assert_string_equal(a->doc->meta.title, "A page");
	assert_non_null(strstr(a->gemtext, "Text of the page."));
	article_cache_release(a);
	site_target_free(&t);
	site_resolve(&f->site, "/articles/2014/02/page.html", NULL, &t);
	assert_non_null(t.article);          /* a cache peek on the loop */
	assert_non_null(a = site_article(&f->site, &t));
	assert_ptr_equal(a, t.article);
	article_cache_release(a);
	site_target_free(&t);
}

static void
test_listing_page(void **state)
{
	struct fixture *f = *state;
	struct page page = PAGE_INIT;
	char *hidden[] = { (char *)"story.txt" };
	size_t i;

	assert_int_equal(site_listing(&f->site, "/articles/2014/02/", NULL, NULL, 0, &page), 0);
	assert_int_equal(page.lines[0].kind, PAGE_HEADING);
	assert_string_equal(page.lines[0].text, "Articles - February 2014");
	assert_int_equal(page.lines[1].kind, PAGE_BLANK);
	assert_int_equal(page.lines[2].kind, PAGE_PARENT);
	assert_string_equal(page.lines[2].path, "/articles/2014/");
	assert_int_equal(page.lines[3].kind, PAGE_ARTICLE);
	assert_string_equal(page.lines[3].path, "/articles/2014/02/page.html");
	assert_string_equal(page.lines[3].text, "A page");
	assert_int_equal(page.lines[4].kind, PAGE_ARTICLE);
	assert_string_equal(page.lines[4].date, "2014-02-03");
	assert_int_equal(page.n, 5);
	page_free(&page);
	assert_int_equal(site_listing(&f->site, "/articles/2014/02/", NULL, hidden, 1, &page), 0);
	assert_int_equal(page.n, 4);
	page_free(&page);
	f->site.article_paths = "/articles/";
	assert_int_equal(site_listing(&f->site, "/", NULL, NULL, 0, &page), 0);
	assert_string_equal(page.lines[0].text, "Files");
	for (i = 0; i < page.n; i++)
		assert_int_not_equal(page.lines[i].kind, PAGE_PARENT);
	for (i = 0; i < page.n && strcmp(page.lines[i].text != NULL ? page.lines[i].text : "",
	    "robots.txt") != 0; i++)
		continue;
	assert_true(i < page.n);
	assert_int_equal(page.lines[i].kind, PAGE_FILE);
	assert_int_equal(page.lines[i].size, 14);
	page_free(&page);
	f->site.article_paths = "/";
}

static size_t
count_kind(const struct page *page, enum page_line_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < page->n; i++)
		n += page->lines[i].kind == kind;
	return n;
}

/* A folder of many files is listed SITE_LISTING_SIZE entries a page. */
static void
test_listing_in_pages(void **state)
{
	struct fixture *f = *state;
	struct page page = PAGE_INIT;
	char name[64], *hidden[] = { (char *)"f000.bin" };
	const struct page_line *last;
	int i;

	dir(f, "many");
	for (i = 0; i < 2 * SITE_LISTING_SIZE + 51; i++) {
		snprintf(name, sizeof(name), "many/f%03d.bin", i);
		put(f, name, "x");
	}
	assert_int_equal(site_listing(&f->site, "/many/", NULL, hidden, 1, &page), 0);
	assert_int_equal(count_kind(&page, PAGE_FILE), SITE_LISTING_SIZE);
	assert_string_equal(page.lines[3].path, "/many/f001.bin");
	last = &page.lines[page.n - 1];
	assert_int_equal(last->kind, PAGE_LINK);
	assert_string_equal(last->path, "/many/");
	assert_string_equal(last->query, "page=2");
	assert_string_equal(last->text, "More entries");
	page_free(&page);
	assert_int_equal(site_listing(&f->site, "/many/", "page=3", hidden, 1, &page), 0);
	assert_int_equal(count_kind(&page, PAGE_FILE), 50);
	last = &page.lines[page.n - 1];
	assert_string_equal(last->query, "page=2");
	assert_string_equal(last->text, "Previous entries");
	page_free(&page);
	assert_int_equal(site_listing(&f->site, "/many/", "page=2", NULL, 0, &page), 0);
	assert_string_equal(page.lines[3].path, "/many/f200.bin");
	assert_int_equal(count_kind(&page, PAGE_LINK), 2);
	page_free(&page);
	assert_int_equal(site_listing(&f->site, "/many/", "page=4", hidden, 1, &page),
	    SITE_NO_SUCH_PAGE);
	page_free(&page);
	assert_int_equal(site_listing(&f->site, "/many/", "page=0", NULL, 0, &page),
	    SITE_NO_SUCH_PAGE);
	page_free(&page);
	/* Any other query is the first page, as no query is. */
	assert_int_equal(site_listing(&f->site, "/many/", "raw", NULL, 0, &page), 0);
	assert_string_equal(page.lines[3].path, "/many/f000.bin");
	page_free(&page);
	/* A folder that fits has no links. */
	assert_int_equal(site_listing(&f->site, "/docs/", NULL, NULL, 0, &page), 0);
	assert_int_equal(count_kind(&page, PAGE_LINK), 0);
	page_free(&page);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listing_policy, setup, teardown),
		cmocka_unit_test(test_robots_text),
		cmocka_unit_test(test_article_rule),
		cmocka_unit_test_setup_teardown(test_article_paths_and_well_known_resolve_as_files,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_mime_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_article_converted_once_then_peeked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_listing_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listing_in_pages, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
