/*
 * JSON-LD article records (conversion.md §4): where the article object
 * sits, the shapes author and keywords take, and broken input.
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
	assert_string_equal(a.author, "Jane Doe");
	assert_string_equal(a.published, "2014-02-03");
	assert_string_equal(a.modified, "2014-02-04");
	assert_string_equal(a.lang, "en-GB");
	assert_string_equal(a.description, "What happened.");
	assert_string_equal(a.keywords, "syria, diplomacy");
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
	assert_string_equal(a.author, "Jane Doe, John Roe");
	assert_string_equal(a.keywords, "syria, diplomacy");
	jsonld_free(&a);

	read_json("[{\"@type\":\"BreadcrumbList\"},{\"@type\":\"Article\","
	    "\"author\":{\"@type\":\"Person\",\"name\":\"Ann Lee\"}}]", &a);
	assert_string_equal(a.author, "Ann Lee");
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
	assert_string_equal(a.author, "B");
	jsonld_free(&a);
}

static void
test_not_an_article(void **state)
{
	struct jsonld_article a;

	(void)state;
	read_json("{\"@type\":\"Organization\",\"name\":\"Site\"}", &a);
	assert_null(a.name);
	read_json("{\"@type\":\"Article\",\"headline\":42,\"author\":null,\"keywords\":{}}", &a);
	assert_null(a.headline);
	assert_null(a.author);
	assert_null(a.keywords);
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
		cmocka_unit_test(test_broken_json_ignored),
		cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
