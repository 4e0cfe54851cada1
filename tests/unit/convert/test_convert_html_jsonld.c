/*
 * JSON-LD article records (conversion.md §4, issue 10): where the record
 * sits, which object is the page's, the shapes authors, keywords, URLs
 * and images take, CDATA wrapping, and broken input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/html_jsonld.h"

static void
read_json(const char *json, struct jsonld_article *a)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(jsonld_read(json, strlen(json), a), 0);
}

static void
test_top_level_object(void **state)
{
	struct jsonld_article a;

	(void)state;
	read_json("{\"@type\":\"NewsArticle\",\"headline\":\"Talks \\u00e9 resume\","
	    "\"name\":\"Talks\",\"author\":\"Jane Doe\",\"datePublished\":\"2014-02-03\","
	    "\"dateModified\":\"2014-02-04\",\"inLanguage\":\"en-GB\","
	    "\"description\":\"What happened.\",\"keywords\":\"syria, diplomacy\"}", &a);
	assert_string_equal(a.headline, "Talks \xc3\xa9 resume");
	assert_string_equal(a.name, "Talks");
	assert_string_equal(a.people, "Jane Doe\n");
	assert_null(a.orgs);
	assert_string_equal(a.published, "2014-02-03");
	assert_string_equal(a.modified, "2014-02-04");
	assert_string_equal(a.lang, "en-GB");
	assert_string_equal(a.description, "What happened.");
	assert_string_equal(a.keywords, "syria\n diplomacy\n");
	assert_int_equal(a.rank, JSONLD_ARTICLE);
	jsonld_free(&a);
}

static void
test_graph_and_arrays(void **state)
{
	struct jsonld_article a;

	(void)state;
	read_json("{\"@context\":\"https://schema.org\",\"@graph\":["
	    "{\"@type\":\"WebSite\",\"name\":\"Site\"},"
	    "{\"@type\":[\"Thing\",\"BlogPosting\"],\"headline\":\"Post\","
	    "\"author\":[{\"@type\":\"Person\",\"name\":\"Jane Doe\"},\"John Roe\",{\"url\":\"x\"},[\"Nested\"]],"
	    "\"keywords\":[\"syria\",\"diplomacy\",7]}]}", &a);
	assert_string_equal(a.headline, "Post");
	assert_null(a.name);
	assert_string_equal(a.people, "Jane Doe\nJohn Roe\n");
	assert_string_equal(a.keywords, "syria\ndiplomacy\n");
	assert_string_equal(a.site_name, "Site");
	jsonld_free(&a);

	read_json("[{\"@type\":\"BreadcrumbList\"},{\"@type\":\"Article\","
	    "\"author\":{\"@type\":\"Person\",\"name\":\"Ann Lee\"}}]", &a);
	assert_string_equal(a.people, "Ann Lee\n");
	jsonld_free(&a);
}

static void
test_fields_kept_across_scripts(void **state)
{
	struct jsonld_article a;
	const char *second = "{\"@type\":\"Article\",\"headline\":\"Second\",\"author\":\"B\"}";

	(void)state;
	read_json("{\"@type\":\"Article\",\"headline\":\"First\"}", &a);
	assert_int_equal(jsonld_read(second, strlen(second), &a), 0);
	assert_string_equal(a.headline, "First");
	assert_string_equal(a.people, "B\n");
	jsonld_free(&a);
}

static void
test_not_an_article(void **state)
{
	struct jsonld_article a;

	(void)state;
	read_json("{\"@type\":\"Organization\",\"name\":\"Site\"}", &a);
	assert_null(a.name);
	assert_int_equal(a.rank, JSONLD_NONE);
	read_json("{\"@type\":\"Article\",\"headline\":42,\"author\":null,\"keywords\":{}}", &a);
	assert_null(a.headline);
	assert_null(a.people);
	assert_null(a.keywords);
	jsonld_free(&a);
}

/* The page's record is the best kind whatever the order: an article
 * before a page, a page before a video, whose dates are the video's. */
static void
test_best_record_wins(void **state)
{
	static const char *const scripts[] = {
		"{\"@type\":\"VideoObject\",\"name\":\"Clip\",\"datePublished\":\"2024-12-07\"}",
		"{\"@type\":\"MedicalWebPage\",\"name\":\"Page\",\"datePublished\":\"2024-12-05\"}",
		("{\"@context\":{\"@vocab\":\"http://schema.org\"},\"@type\":\"ReportageNewsArticle\","
		    "\"headline\":\"Story\",\"datePublished\":\"2024-12-06T22:00:40.000Z\"}"),
		"{\"@type\":\"ClaimReview\",\"name\":\"Claim\",\"datePublished\":\"2024-12-01\"}",
	};
	struct jsonld_article a;
	size_t k;

	(void)state;
	memset(&a, 0, sizeof(a));
	for (k = 0; k < 2; k++)
		assert_int_equal(jsonld_read(scripts[k], strlen(scripts[k]), &a), 0);
	assert_int_equal(a.rank, JSONLD_PAGE);
	assert_string_equal(a.published, "2024-12-05");
	for (k = 2; k < 4; k++)
		assert_int_equal(jsonld_read(scripts[k], strlen(scripts[k]), &a), 0);
	assert_int_equal(a.rank, JSONLD_ARTICLE);
	assert_string_equal(a.headline, "Story");
	assert_null(a.name);
	assert_string_equal(a.published, "2024-12-06T22:00:40.000Z");
	jsonld_free(&a);
}

/* Organisations and people are told apart; the publisher, the site, the
 * record's address and image are read in their usual shapes. */
static void
test_people_orgs_and_addresses(void **state)
{
	struct jsonld_article a;

	(void)state;
	read_json("{\"@type\":\"NewsArticle\",\"author\":[{\"@type\":\"Organization\","
	    "\"name\":\"Sky News\"},{\"@type\":\"Person\",\"givenName\":\"Tom\","
	    "\"familyName\":\"Gillespie\"}],\"publisher\":{\"@type\":\"NewsMediaOrganization\","
	    "\"name\":\"Sky\"},\"isPartOf\":{\"@type\":\"WebSite\",\"name\":\"Sky News\"},"
	    "\"mainEntityOfPage\":{\"@type\":\"WebPage\",\"@id\":\"https://news.example/story\"},"
	    "\"image\":[{\"@type\":\"ImageObject\",\"url\":\"https://img.example/a.jpg\"}]}", &a);
	assert_string_equal(a.people, "Tom Gillespie\n");
	assert_string_equal(a.orgs, "Sky News\n");
	assert_string_equal(a.publisher, "Sky");
	assert_string_equal(a.site_name, "Sky News");
	assert_string_equal(a.url, "https://news.example/story");
	assert_string_equal(a.image, "https://img.example/a.jpg");
	jsonld_free(&a);
	read_json("{\"@type\":\"BlogPosting\",\"creator\":[\"John C. Welch\"],"
	    "\"@id\":\"https://blog.example/p#article\",\"image\":\"//img.example/b.png\"}", &a);
	assert_string_equal(a.people, "John C. Welch\n");
	assert_string_equal(a.url, "https://blog.example/p#article");
	assert_string_equal(a.image, "//img.example/b.png");
	jsonld_free(&a);
}

/* Pages wrap the JSON in CDATA or comments and leave raw line breaks in
 * its strings; the record is read all the same. */
static void
test_wrapped_and_lenient(void **state)
{
	static const char *const wrapped[] = {
		"\n  <![CDATA[\n  {\"@type\":\"Article\",\"headline\":\"W\"}\n  ]]>\n",
		"//<![CDATA[\n{\"@type\":\"Article\",\"headline\":\"W\"}\n//]]>",
		"<!-- {\"@type\":\"Article\",\"headline\":\"W\"} -->",
		"{\"@type\":\"Article\",\"headline\":\"W\"};",
	};
	struct jsonld_article a;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(wrapped) / sizeof(wrapped[0]); k++) {
		read_json(wrapped[k], &a);
		assert_non_null(a.headline);
		assert_string_equal(a.headline, "W");
		jsonld_free(&a);
	}
	read_json("{\"@type\":\"Article\",\"headline\":\"Two\nlines\"}", &a);
	assert_string_equal(a.headline, "Two lines");
	jsonld_free(&a);
}

static void
test_broken_json_ignored(void **state)
{
	static const char *const broken[] = {
		"{\"@type\":\"Article\",\"headline\":\"Cut",
		"{\"@type\":\"Article\",\"headline\":\"x\",}",
		"\"Article\"",
		"",
		"{\"@type\":\"Article\",\"headline\":\"a\\ud800\"}",
		NULL,
	};
	struct jsonld_article a;
	size_t k;

	(void)state;
	for (k = 0; broken[k] != NULL; k++) {
		read_json(broken[k], &a);
		assert_null(a.headline);
	}
	/* Only len bytes are read: the text is not NUL-terminated in general. */
	memset(&a, 0, sizeof(a));
	assert_int_equal(jsonld_read("{\"@type\":\"Article\",\"name\":\"N\"} junk", 30, &a), 0);
	assert_string_equal(a.name, "N");
	jsonld_free(&a);
}

static void
test_deep_nesting(void **state)
{
	struct jsonld_article a;
	struct jsonld_article b;
	char *deep;
	size_t n = 100000, k;

	(void)state;
	deep = malloc(2 * n + 1);
	assert_non_null(deep);
	for (k = 0; k < n; k++) {
		deep[k] = '[';
		deep[n + k] = ']';
	}
	deep[2 * n] = '\0';
	read_json(deep, &a);
	assert_null(a.headline);
	free(deep);

	/* Past the search depth the article is not looked for. */
	read_json("[[[[[[[[[[[{\"@type\":\"Article\",\"headline\":\"Deep\"}]]]]]]]]]]]", &b);
	assert_null(b.headline);
	read_json("[[{\"@type\":\"Article\",\"headline\":\"Shallow\"}]]", &b);
	assert_string_equal(b.headline, "Shallow");
	jsonld_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_level_object),
		cmocka_unit_test(test_graph_and_arrays),
		cmocka_unit_test(test_fields_kept_across_scripts),
		cmocka_unit_test(test_not_an_article),
		cmocka_unit_test(test_best_record_wins),
		cmocka_unit_test(test_people_orgs_and_addresses),
		cmocka_unit_test(test_wrapped_and_lenient),
		cmocka_unit_test(test_broken_json_ignored),
		cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
