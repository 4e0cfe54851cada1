/*
 * Bylines and tags as publishers write them (issue 10): the name only,
 * people told from organisations; tags without CMS codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/byline.h"
#include "convert/tags.h"

/* What clean makes of raw: expected, or NULL. */
static void
assert_cleaned(char *(*clean)(const char *), const char *raw, const char *expected)
{
	char *out = clean(raw);

	if (expected == NULL) {
		assert_null(out);
		return;
	}
	assert_non_null(out);
	assert_string_equal(out, expected);
	free(out);
}

static void
assert_byline(const char *text, const char *expected)
{
	assert_cleaned(byline_clean, text, expected);
}

static void
test_names_only(void **state)
{
	(void)state;
	assert_byline("By Jane Doe", "Jane Doe");
	assert_byline("Tech Industry by Steven Musil @stevenmusil", "Steven Musil");
	assert_byline("Текст: Лида Буслаева", "Лида Буслаева");
	assert_byline("Carrie Arnold\nNovember 15, 2019", "Carrie Arnold");
	assert_byline("Ben Silverman Games Editor", "Ben Silverman");
	assert_byline("By Daniel Kahn Gillmor, Senior Staff Technologist, ACLU Speech, "
	    "Privacy, and Technology Project", "Daniel Kahn Gillmor");
	assert_byline("Aleš Vávra před 2 hodinami", "Aleš Vávra");
	assert_byline("Par Jean Dupont\nSuivre", "Jean Dupont");
	assert_byline("Von Anna Schmidt, Korrespondentin", "Anna Schmidt");
	assert_byline("Ursula von der Leyen", "Ursula von der Leyen");
	assert_byline("By Priya Natarajan, transport correspondent", "Priya Natarajan");
	assert_byline("Martin Untersinger\n(avec Damien Leloup et Morgane Tual)",
	    "Martin Untersinger, Damien Leloup and Morgane Tual");
	assert_byline("By Brenda Goodman, MA\nWebMD Health News", "Brenda Goodman");
	assert_byline("Follow Author", NULL);
	assert_byline("Written by Dana Whitfield, Oskar Lindqvist, MD and Priya Raman on "
	    "November 14, 2019", "Dana Whitfield, Oskar Lindqvist and Priya Raman");
	assert_byline("Written by Rob Ewaschuk\nEdited by Betsy Beyer", "Rob Ewaschuk");
	assert_byline("April 28, 2019 at 6:01 am Updated April 29, 2019 at 3:33 pm", NULL);
}

static void
test_several_people(void **state)
{
	(void)state;
	assert_byline("By Jane Doe and John Roe", "Jane Doe and John Roe");
	assert_byline("By Jane Doe, John Roe and Ann Lee", "Jane Doe, John Roe and Ann Lee");
	assert_byline("Por Juan Pérez y María López", "Juan Pérez and María López");
	assert_byline("Jane Doe | Follow\nJohn Roe | Follow", "Jane Doe and John Roe");
}

static void
test_organisations(void **state)
{
	(void)state;
	/* Nothing names a person: the organisation, as the last resort. */
	assert_byline("Telegraph Sport Follow", "Telegraph Sport");
	assert_byline("JERUSALEM POST STAFF NOVEMBER 20, 2019 10:43", "JERUSALEM POST");
	assert_byline("By Jane Doe, The Associated Press", "Jane Doe");
	assert_false(byline_is_person("BBC News", 1));
	assert_false(byline_is_person("The Associated Press", 0));
	assert_true(byline_is_person("Tom Gillespie", 1));
	assert_true(byline_is_person("김철수", 1));
}

static void
assert_name(const char *field, const char *expected)
{
	assert_cleaned(byline_clean_name, field, expected);
}

/* Names in structured fields are names already: kept as written. */
static void
test_field_names(void **state)
{
	(void)state;
	assert_name("Bruno (Henrique Zecchin) Rodrigues ", "Bruno (Henrique Zecchin) Rodrigues");
	assert_name("Bradley M. Kuhn (http://ebb.org/bkuhn/)", "Bradley M. Kuhn");
	assert_name("By Jane Doe @janedoe", "Jane Doe");
	assert_name("Daniel Kahn Gillmor, Senior Staff Technologist", "Daniel Kahn Gillmor");
	assert_name("By Jonas Berg, Transport Editor", "Jonas Berg");
	assert_name("Jong, Michiel de", "Jong, Michiel de");
	assert_name("Mac & i", "Mac & i");
	assert_name("2019-11-20", NULL);
	assert_true(byline_is_person("Dublin Core property author", 0));
	assert_false(byline_is_person("Dublin Core property author", 1));
	assert_false(byline_is_person("CC7567", 0));
	assert_true(byline_is_person("Jane Doe, John Roe and Ann Lee", 1));
}

/* A lead line that is nothing but its byline goes from the body. */
static void
test_whole_byline_lines(void **state)
{
	(void)state;
	assert_true(byline_is_whole_line("Von Anna Schmidt, Korrespondentin Mittwoch, 20. November "
	    "2019, 10:43 Uhr Aktualisiert am 21.11.2019", "Anna Schmidt"));
	assert_true(byline_is_whole_line("By Jane Doe | Follow", "Jane Doe"));
	assert_false(byline_is_whole_line("By Jane Doe, who covered the trial for us", "Jane Doe"));
}

static void
test_byline_lines(void **state)
{
	char *a;

	(void)state;
	a = byline_from_line("By Jane Doe");
	assert_string_equal(a, "Jane Doe");
	free(a);
	a = byline_from_line("by John Smith and Ann Lee ");
	assert_string_equal(a, "John Smith and Ann Lee");
	free(a);
	a = byline_from_line("Autor: Karel Novák");
	assert_string_equal(a, "Karel Novák");
	free(a);
	assert_null(byline_from_line("By the time the talks began, nothing was left of the plan."));
	assert_null(byline_from_line("By then it was late"));
	assert_null(byline_from_line("Bystanders"));
}

static void
assert_tag(const char *raw, const char *expected)
{
	assert_cleaned(tag_clean, raw, expected);
}

static void
test_tags(void **state)
{
	static const char *const junk[] = { "&quot", "/article", "6758.to", "@post-id:1913719",
	    "_no-apple-news", "adnode:culture/wide_angle", "channel_other", "type_news",
	    "Lite:true", "section-Articles", "i8150406", "2019", "N:DJN", "", NULL };
	size_t k;

	(void)state;
	for (k = 0; junk[k] != NULL; k++)
		assert_tag(junk[k], NULL);
	assert_tag(" Climate change ", "Climate change");
	assert_tag("AT&amp;T", "AT&T");
	assert_tag("COVID-19", "COVID-19");
	assert_tag("#Brexit", "Brexit");
	assert_tag("Node.js", "Node.js");
	assert_tag("G20", "G20");
	assert_tag("WSJ-PRO-WSJ.com", NULL);
	assert_tag("NEWS1", NULL);
	assert_tag("MP3", "MP3");
}

static void
test_tag_list(void **state)
{
	struct document *doc = document_new();
	size_t k;

	(void)state;
	assert_int_equal(tags_add_list(doc, "Climate, climate, CLIMATE,type_news, Energy", ','), 0);
	assert_int_equal(doc->meta.ntags, 2);
	assert_string_equal(doc->meta.tags[0], "Climate");
	assert_string_equal(doc->meta.tags[1], "Energy");
	assert_int_equal(tags_add_list(doc, "a1\nb2\nc3\nd4\ne5\nf6\ng7\nh8\ni9\nj10\n", '\n'), 0);
	assert_int_equal(doc->meta.ntags, TAGS_MAX);
	for (k = 0; k < doc->meta.ntags; k++)
		assert_non_null(doc->meta.tags[k]);
	document_free(doc);
	/* In a dump of codes, a lone word in capitals is a code; in a short
	 * list, a name ("NASA"). */
	doc = document_new();
	assert_int_equal(tags_add_list(doc, "SYND,c:ccat,SNE,R:JP,N:DJN,NYSE:SNE,TOKYO:6758,i8150406,"
	    "6758.T,WSJ-PRO-WSJ.com,Earnings,Japan", ','), 0);
	assert_int_equal(doc->meta.ntags, 2);
	assert_string_equal(doc->meta.tags[0], "Earnings");
	document_free(doc);
	doc = document_new();
	assert_int_equal(tags_add_list(doc, "NASA,Space", ','), 0);
	assert_int_equal(doc->meta.ntags, 2);
	document_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_only),
		cmocka_unit_test(test_several_people),
		cmocka_unit_test(test_organisations),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_whole_byline_lines),
		cmocka_unit_test(test_byline_lines),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_tag_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
