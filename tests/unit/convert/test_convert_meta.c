#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/meta.h"

static void
assert_date(const char *s, const char *expected)
{
	char out[META_DATE_MAX];

	assert_int_equal(meta_parse_date(s, out), 0);
	assert_string_equal(out, expected);
}

static void
assert_not_date(const char *s)
{
	char out[META_DATE_MAX];

	assert_int_equal(meta_parse_date(s, out), -1);
}

static void
test_written_dates(void **state)
{
	(void)state;
	assert_date("February 3, 2014 at 10:12 am", "2014-02-03T10:12:00");
	assert_date("February 3, 2014 at 12:05 pm", "2014-02-03T12:05:00");
	assert_date("February 3, 2014 at 12:05 a.m.", "2014-02-03T00:05:00");
	assert_date("3 Feb 2014", "2014-02-03");
	assert_date("3 Feb. 2014 14:30", "2014-02-03T14:30:00");
	assert_date("Monday, February 3rd, 2014", "2014-02-03");
	assert_date("Mon, 3 Feb 2014 10:12 GMT", "2014-02-03T10:12:00Z");
	assert_date("  Sept 30, 2019  ", "2019-09-30");
}

static void
test_iso_dates(void **state)
{
	(void)state;
	assert_date("2014-02-03", "2014-02-03");
	assert_date("2014-02-03T10:12:00Z", "2014-02-03T10:12:00Z");
	assert_date("2014-02-03T10:12:30.123+0100", "2014-02-03T10:12:30+01:00");
	assert_date("2014-02-03 10:12", "2014-02-03T10:12:00");
	/* <meta name="date"> as some sites write it. */
	assert_date("2010-01-01 09:32:17 UTC", "2010-01-01T09:32:17Z");
	assert_date("2010-01-01T09:32:17 gmt", "2010-01-01T09:32:17Z");
	assert_not_date("2010-01-01 09:32:17 UTCX");
}

static void
test_not_dates(void **state)
{
	(void)state;
	assert_not_date("");
	assert_not_date("Russia and America discuss local ceasefires in Syria");
	assert_not_date("February 30, 2014");
	assert_not_date("2014-13-01");
	assert_not_date("May I say something, 2014 people");
	assert_not_date("February 3, 2014 at 13:12 pm");
	assert_not_date("3 Feb 2014 and more words");
	assert_not_date("2014");
}

static void
test_path_dates(void **state)
{
	char out[META_DATE_MAX];

	(void)state;
	assert_int_equal(meta_date_from_path("/articles/2014/02/x.txt", out), 0);
	assert_string_equal(out, "2014-02");
	assert_int_equal(meta_date_from_path("gemini://h/news/2019/07/21/story.html", out), 0);
	assert_string_equal(out, "2019-07-21");
	assert_int_equal(meta_date_from_path("/2019/07", out), 0);
	assert_string_equal(out, "2019-07");
	assert_int_equal(meta_date_from_path("/articles/2014/13/x.txt", out), -1);
	assert_int_equal(meta_date_from_path("/articles/12345/02/x", out), -1);
	assert_int_equal(meta_date_from_path("x.txt", out), -1);
}

static void
test_byline(void **state)
{
	char *a;

	(void)state;
	a = meta_byline_author("By Jane Doe");
	assert_string_equal(a, "Jane Doe");
	free(a);
	a = meta_byline_author("by John Smith and Ann Lee ");
	assert_string_equal(a, "John Smith and Ann Lee");
	free(a);
	assert_null(meta_byline_author("By the time the talks began, nothing was left of the plan."));
	assert_null(meta_byline_author("Bystanders"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written_dates),
		cmocka_unit_test(test_iso_dates),
		cmocka_unit_test(test_not_dates),
		cmocka_unit_test(test_path_dates),
		cmocka_unit_test(test_byline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
