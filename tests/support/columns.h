/*
 * Test support: whether a table written as preformatted text lines up on
 * a terminal.  The rule under the header ("----  ---") says where each
 * column starts, in display columns; in every other line each column must
 * start there exactly: a character boundary at that width, a space before
 * it and text after it.  Header-only; needs cmocka.h first.
 */
#ifndef CAPSULED_TESTS_SUPPORT_COLUMNS_H
#define CAPSULED_TESTS_SUPPORT_COLUMNS_H

#include <stdint.h>
#include <string.h>

#include "util/text.h"

#define COLUMNS_MAX 16

/* A table of CJK, emoji (the rocket included), a combining accent, Hangul
 * and fullwidth letters as every reader writes it: the HTML and Markdown
 * readers' tests give it in their own syntax. */
#define WIDE_TABLE_ALIGNED \
	"Name  City   Note\n" \
	"----  -----  ---------\n" \
	"\xe6\x9d\x8e\xe9\x9b\xb7  \xe5\x8c\x97\xe4\xba\xac   \xf0\x9f\x9a\x80 launch\n" \
	"Ann   \xf0\x9f\x9a\x80     ok\n" \
	"Jose\xcc\x81  Paris  caf\xc3\xa9\n" \
	"\xf0\x9f\x98\x80    \xec\x84\x9c\xec\x9a\xb8   " \
	"\xef\xbc\xa6\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c"

/* The display columns at which the columns of rule start; their count. */
static inline size_t
columns_of_rule(const char *rule, size_t len, size_t *starts)
{
	size_t i, n = 0;

	for (i = 0; i < len && n < COLUMNS_MAX; i++)
		if (rule[i] == '-' && (i == 0 || rule[i - 1] == ' '))
			starts[n++] = i;
	return n;
}

/* Whether line[0..len) has a column starting at display column at. */
static inline int
column_starts_at(const char *line, size_t len, size_t at)
{
	size_t i = 0, width = 0, n;
	uint32_t cp;

	while (i < len && width < at) {
		n = utf8_next_lossy(line + i, len - i, &cp);
		width += display_width_char(cp);
		i += n;
	}
	if (i == len)
		return 1; /* the line ends before: nothing to align */
	return width == at && i > 0 && line[i - 1] == ' ' && line[i] != ' ';
}

static inline void
assert_columns_align(const char *table)
{
	const char *line = table, *end, *rule = strstr(table, "\n-");
	size_t starts[COLUMNS_MAX], ncols, k;

	assert_non_null(rule);
	rule++;
	ncols = columns_of_rule(rule, strcspn(rule, "\n"), starts);
	assert_true(ncols >= 2);
	for (; *line != '\0'; line = *end == '\n' ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		if (line == rule)
			continue;
		for (k = 1; k < ncols; k++)
			if (!column_starts_at(line, (size_t)(end - line), starts[k]))
				fail_msg("column %zu does not start at %zu in \"%.*s\"", k, starts[k],
				    (int)(end - line), line);
	}
}

#endif
