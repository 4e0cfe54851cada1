#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/date.h"

static void
assert_date(const char *s, const char *expected)
{
	char out[DATE_MAX];

	assert_int_equal(date_parse(s, out), 0);
	assert_string_equal(out, expected);
}

static void
assert_not_date(const char *s)
{
	char out[DATE_MAX];

	assert_int_equal(date_parse(s, out), -1);
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
	char out[DATE_MAX];

	(void)state;
	assert_int_equal(date_from_path("/articles/2014/02/x.txt", out), 0);
	assert_string_equal(out, "2014-02");
	assert_int_equal(date_from_path("gemini://h/news/2019/07/21/story.html", out), 0);
	assert_string_equal(out, "2019-07-21");
	assert_int_equal(date_from_path("/2019/07", out), 0);
	assert_string_equal(out, "2019-07");
	assert_int_equal(date_from_path("/articles/2014/13/x.txt", out), -1);
	assert_int_equal(date_from_path("/articles/12345/02/x", out), -1);
	assert_int_equal(date_from_path("x.txt", out), -1);
}

/* Dates as metadata writes them, with their offsets kept (the date is
 * the one the publication states). */
static void
test_machine_dates(void **state)
{
	(void)state;
	assert_date("2019-11-19T10:43:00+0000", "2019-11-19T10:43:00+00:00");
	assert_date("2019-11-20T10:43Z", "2019-11-20T10:43:00Z");
	assert_date("2019-11-19T23:30:00-05:00", "2019-11-19T23:30:00-05:00");
	assert_date("2015-10-15T02:19:15.607Z", "2015-10-15T02:19:15Z");
	assert_date("2019-11-19 10:43:00 +0100", "2019-11-19T10:43:00+01:00");
	assert_date("Sat Dec 07 2024 01:36:41 GMT+0000 (UTC)", "2024-12-07T01:36:41+00:00");
	assert_date("Tue, 19 Nov 2019 10:43:00 +0000", "2019-11-19T10:43:00+00:00");
	assert_date("20191119", "2019-11-19");
	assert_date("2019/11/19", "2019-11-19");
	assert_date("November 19, 2019 10:43 AM EST", "2019-11-19T10:43:00");
	assert_not_date("2019-11-19T10:43:00+2500");
	assert_not_date("2019-02-29");
	assert_date("2020-02-29", "2020-02-29");
}

/* Datelines as pages show them, in the languages of the sites. */
static void
test_languages(void **state)
{
	(void)state;
	assert_date("20. November 2019", "2019-11-20");
	assert_date("Mittwoch, 20. November 2019, 10:43 Uhr", "2019-11-20T10:43:00");
	assert_date("mercredi 20 novembre 2019 à 10h43", "2019-11-20T10:43:00");
	assert_date("20 de noviembre de 2019", "2019-11-20");
	assert_date("20 novembre 2019", "2019-11-20");
	assert_date("20 de novembro de 2019", "2019-11-20");
	assert_date("20 ноября 2019 г.", "2019-11-20");
	assert_date("20. listopadu 2019", "2019-11-20");
	assert_date("19.11.2019 10:43", "2019-11-19T10:43:00");
	assert_date("2019.11.19.", "2019-11-19");
	assert_date("2019年11月19日", "2019-11-19");
	assert_date("2019년 11월 19일", "2019-11-19");
	assert_date("5 déc. 2019", "2019-12-05");
	assert_date("NOVEMBER 20, 2019", "2019-11-20");
	/* A slash date that reads both ways is no date; one that cannot is. */
	assert_not_date("05/11/2019");
	assert_date("11/19/2019", "2019-11-19");
	assert_date("19/11/2019", "2019-11-19");
	/* "jui" is the start of juin and of juillet. */
	assert_not_date("3 jui 2019");
}

/* Month names: the English ones are util's table (month_name()), read in
 * any case, whole or cut after three letters or more; the other
 * languages' beside them, an abbreviation of two months naming none. */
static void
test_calendar_words(void **state)
{
	(void)state;
	assert_true(date_word_is_calendar("january"));
	assert_true(date_word_is_calendar("sept"));
	assert_true(date_word_is_calendar("dec"));
	assert_true(date_word_is_calendar("may"));
	assert_true(date_word_is_calendar("juillet"));
	assert_true(date_word_is_calendar("ноября"));
	assert_true(date_word_is_calendar("mrt"));
	assert_true(date_word_is_calendar("tuesday"));
	assert_false(date_word_is_calendar("ja"));
	assert_false(date_word_is_calendar("jui"));
	assert_false(date_word_is_calendar("marching"));
	assert_false(date_word_is_calendar("maj"));
	assert_date("3 MAY 2014", "2014-05-03");
	assert_date("Feb. 3, 2014", "2014-02-03");
	assert_date("3 mars 2014", "2014-03-03");
}

static void
assert_found(const char *text, const char *expected, int updated)
{
	char out[DATE_MAX];
	int was_update = -1;

	assert_int_equal(date_find(text, out, &was_update), 0);
	assert_string_equal(out, expected);
	assert_int_equal(was_update, updated);
}

static void
test_find_in_text(void **state)
{
	char out[DATE_MAX];

	(void)state;
	assert_found("Published on: June 25, 2024", "2024-06-25", 0);
	assert_found("JERUSALEM POST STAFF NOVEMBER 20, 2019 10:43", "2019-11-20T10:43:00", 0);
	assert_found("Carrie Arnold November 15, 2019", "2019-11-15", 0);
	assert_found("April 28, 2019 at 6:01 am Updated April 29, 2019 at 3:33 pm",
	    "2019-04-28T06:01:00", 0);
	assert_found("Updated April 29, 2019 Published April 28, 2019", "2019-04-28", 0);
	assert_found("Aktualisiert am 21.11.2019", "2019-11-21", 1);
	assert_int_equal(date_find("před 2 hodinami", out, NULL), -1);
	assert_int_equal(date_find("3 hours ago", out, NULL), -1);
}

static void
test_plausible(void **state)
{
	(void)state;
	assert_true(date_is_plausible("2019-11-19", 0));
	assert_false(date_is_plausible("1989-12-31", 0));
	/* Saved on 2019-11-20 12:00 UTC: the next day passes, a later one not. */
	assert_true(date_is_plausible("2019-11-21T08:00:00", 1574251200));
	assert_false(date_is_plausible("2025-01-07T09:08:22+00:00", 1574251200));
	assert_true(date_is_plausible("2019-11", 1574251200));
}

static void
test_url_dates(void **state)
{
	char out[DATE_MAX];

	(void)state;
	assert_int_equal(date_from_path("https://x.example/story/20191119-title", out), 0);
	assert_string_equal(out, "2019-11-19");
	assert_int_equal(date_from_path("https://x.example/a/2019-11-18/b", out), 0);
	assert_string_equal(out, "2019-11-18");
	assert_int_equal(date_from_path("https://x.example/a/2019111912345/b", out), -1);
	assert_int_equal(date_from_path("https://x.example/a?id=20191119", out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written_dates),
		cmocka_unit_test(test_iso_dates),
		cmocka_unit_test(test_not_dates),
		cmocka_unit_test(test_path_dates),
		cmocka_unit_test(test_machine_dates),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_calendar_words),
		cmocka_unit_test(test_find_in_text),
		cmocka_unit_test(test_plausible),
		cmocka_unit_test(test_url_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
