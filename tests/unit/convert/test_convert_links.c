/*
 * Where links point (issue 10): relative links of a saved page resolve
 * against its web address, protocol-relative ones get https (or the
 * page's http), capsule paths appear only where the caller finds
 * something, archived articles become their capsule paths, and every
 * link has a label.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/convert.h"
#include "convert/html.h"
#include "convert/links.h"

static const char *
archive_stub(void *arg, const char *url)
{
	(void)arg;
	if (strcmp(url, "https://news.example/2019/11/18/other-story") == 0)
		return "/articles/2019/11/other-story.html";
	if (strcmp(url, "/articles/2019/11/files/map.png") == 0)
		return url;
	return NULL;
}

static void
assert_resolves(const struct link_resolver *lr, const char *href, const char *expected)
{
	char *target;

	assert_int_equal(link_resolve(lr, href, &target), 0);
	if (expected == NULL) {
		assert_null(target);
		return;
	}
	assert_non_null(target);
	assert_string_equal(target, expected);
	free(target);
}

static void
test_web_page(void **state)
{
	struct convert_options opt = { .base_url = "https://news.example/2019/11/19/story" };
	struct link_resolver lr;

	(void)state;
	link_resolver_init(&lr, &opt, 0);
	assert_resolves(&lr, "/people/kristi-noem", "https://news.example/people/kristi-noem");
	assert_resolves(&lr, "//s3.media.example/a.jpg", "https://s3.media.example/a.jpg");
	assert_resolves(&lr, "#top", NULL);
	assert_resolves(&lr, "javascript:void(0)", NULL);
	/* An http page's protocol-relative links stay http, as a browser would. */
	opt.base_url = "http://news.example/story";
	link_resolver_init(&lr, &opt, 0);
	assert_resolves(&lr, "//s3.media.example/a.jpg", "http://s3.media.example/a.jpg");
}

static void
test_saved_page_in_the_capsule(void **state)
{
	struct convert_options opt = { .base_url = "/articles/2019/11/story.html" };
	struct link_resolver lr;

	(void)state;
	/* No web address known: a relative link has nowhere to point. */
	link_resolver_init(&lr, &opt, 0);
	assert_resolves(&lr, "/story/euromillions", NULL);
	assert_resolves(&lr, "//s3.media.example/a.jpg", "https://s3.media.example/a.jpg");
	assert_resolves(&lr, "https://other.example/x", "https://other.example/x");
	/* Unless the caller finds something at that capsule path. */
	opt.local_path = archive_stub;
	link_resolver_init(&lr, &opt, 0);
	assert_resolves(&lr, "files/map.png", "/articles/2019/11/files/map.png");
	assert_resolves(&lr, "files/gone.png", NULL);
	assert_resolves(&lr, "https://news.example/2019/11/18/other-story",
	    "/articles/2019/11/other-story.html");
	assert_resolves(&lr, "https://news.example/not-archived", "https://news.example/not-archived");
}

static void
test_written_for_the_capsule(void **state)
{
	struct convert_options opt = { .base_url = "/articles/2019/11/post.md" };
	struct link_resolver lr;

	(void)state;
	link_resolver_init(&lr, &opt, 1);
	assert_resolves(&lr, "../10/earlier.md", "/articles/2019/10/earlier.md");
	assert_resolves(&lr, "//host.example/x", "https://host.example/x");
	/* Written for the capsule: kept whatever the caller finds there. */
	opt.local_path = archive_stub;
	link_resolver_init(&lr, &opt, 1);
	assert_resolves(&lr, "../10/earlier.md", "/articles/2019/10/earlier.md");
	assert_resolves(&lr, "files/map.png", "/articles/2019/11/files/map.png");
}

static void
assert_label(const char *url, const char *expected)
{
	char *label = link_label(url);

	assert_non_null(label);
	assert_string_equal(label, expected);
	free(label);
}

static void
test_labels(void **state)
{
	(void)state;
	assert_label("https://www.example.com/a/b?utm=x#f", "example.com/a/b");
	assert_label("https://edition.news.example/2019/11/18/tech/some-long-story-name/index.html",
	    "edition.news.example/…/some-long-story-name");
	assert_label("/articles/x.html", "/articles/x.html");
	assert_label("https://example.com/", "example.com");
}

/* Through the HTML reader: <base href> relative to og:url, and an
 * anchor without text labelled by its address. */
static void
test_html_page(void **state)
{
	static const char page[] = "<html><head><base href=\"/uk/\">"
	    "<meta property=\"og:url\" content=\"https://news.example/uk/story-1\"></head><body>"
	    "<article><p>The council met on Tuesday to discuss the budget, the schedule, and the "
	    "plans for next year, which everyone agreed were ambitious. <a href=\"../world/x\">"
	    "World</a> <a href=\"https://news.example/2019/11/18/other-story\"></a></p></article>"
	    "</body></html>";
	struct convert_options opt = { .base_url = "/articles/2019/11/story-1.html",
	    .local_path = archive_stub };
	struct document *doc = html_read(page, strlen(page), &opt);
	const struct doc_block *b;

	(void)state;
	assert_non_null(doc);
	assert_true(doc->nblocks >= 1);
	b = &doc->blocks[0];
	assert_int_equal(b->nlinks, 2);
	assert_string_equal(b->links[0].url, "https://news.example/world/x");
	assert_string_equal(b->links[1].url, "/articles/2019/11/other-story.html");
	assert_string_equal(b->links[1].label, "/articles/2019/11/other-story.html");
	assert_string_equal(doc->meta.source_url, "https://news.example/uk/story-1");
	document_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_web_page),
		cmocka_unit_test(test_saved_page_in_the_capsule),
		cmocka_unit_test(test_written_for_the_capsule),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_html_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
