#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/convert.h"
#include "util/buf.h"
#include "source_file.h"

/* Each input in tests/golden/ converts to the .gmi next to it, as served
 * at its archive path. */
static const struct golden {
	const char *input;
	const char *base_url;
	const char *expected;
} goldens[] = {
	{ "russia-america-ceasefires.txt", "/articles/2014/02/russia-america-ceasefires.txt",
	    "russia-america-ceasefires.gmi" },
	{ "running-a-small-archive.md", "/articles/2021/03/running-a-small-archive.md",
	    "running-a-small-archive.gmi" },
	{ "river-festival-draws-crowds.txt", "/articles/2018/05/river-festival-draws-crowds.txt",
	    "river-festival-draws-crowds.gmi" },
};

static void
read_golden(const char *name, struct buf *b)
{
	char path[256];

	snprintf(path, sizeof(path), "tests/golden/%s", name);
	source_file_read(path, b);
}

static void
test_goldens(void **state)
{
	struct buf input = BUF_INIT, expected = BUF_INIT;
	struct convert_options opt = { 0 };
	struct document *doc;
	char *out;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		read_golden(goldens[i].input, &input);
		read_golden(goldens[i].expected, &expected);
		opt.base_url = goldens[i].base_url;
		out = convert_article(article_format_of(goldens[i].input), input.data, input.len, &opt,
		    &doc, &len);
		assert_non_null(out);
		assert_string_equal(out, expected.data);
		free(out);
		document_free(doc);
		buf_free(&input);
		buf_free(&expected);
	}
}

/* The seed, checked rule by rule so a bad golden file cannot hide a regression. */
static void
test_seed_rules(void **state)
{
	struct buf input = BUF_INIT;
	struct convert_options opt = { .base_url = "/articles/2014/02/russia-america-ceasefires.txt" };
	struct document *doc;
	char *out;
	size_t len;

	(void)state;
	read_golden("russia-america-ceasefires.txt", &input);
	out = convert_article(ARTICLE_TEXT, input.data, input.len, &opt, &doc, &len);
	assert_non_null(out);
	assert_int_equal(strncmp(out, "# Russia and America discuss local ceasefires in Syria\n2014-02-03\n\n", 67), 0);
	assert_string_equal(doc->meta.date, "2014-02-03T10:12:00");
	assert_null(strstr(out, "\nclear\n"));
	assert_null(strstr(out, "Creating new perspectives"));
	assert_null(strstr(out, "February 3, 2014"));
	assert_non_null(strstr(out, "\n\xe2\x80\x9cWe talked today about the possibility"));
	assert_non_null(strstr(out, "\xe2\x80\x9c" "Assad has no future in Syria\xe2\x80\x9d.\n"));
	assert_int_equal(doc->nblocks, 7);
	free(out);
	document_free(doc);
	buf_free(&input);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goldens),
		cmocka_unit_test(test_seed_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
