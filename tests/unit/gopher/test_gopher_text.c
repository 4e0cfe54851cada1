/* Display width, reflow, dot-stuffing and the menu line format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gopher/menu.h"
#include "gopher/reflow.h"
#include "util/text.h"

/* Every CRLF-terminated line of out, checked by a callback. */
static size_t
count_lines(const char *s)
{
	size_t n = 0;

	while ((s = strstr(s, "\r\n")) != NULL) {
		n++;
		s += 2;
	}
	return n;
}

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(display_width("abc", 3), 3);
	assert_int_equal(display_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4);   /* 日本 */
	assert_int_equal(display_width("e\xcc\x81", 3), 1);                  /* e + combining acute */
	assert_int_equal(display_width("\xef\xbc\xa1", 3), 2);               /* fullwidth A */
	assert_int_equal(display_width("\xff", 1), 1);
	assert_int_equal(display_width("\xe2\x80\x99", 3), 1);               /* ’ */
}

static void
test_utf8_decode_rejects_bad_forms(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(utf8_next("\xc0\xaf", 2, &cp), 0);      /* overlong */
	assert_int_equal(utf8_next("\xed\xa0\x80", 3, &cp), 0);  /* surrogate */
	assert_int_equal(utf8_next("\xe2\x80", 2, &cp), 0);      /* cut */
	assert_int_equal(utf8_next("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
}

static void
check_text_body(const char *out, size_t width, int allow_long_words)
{
	const char *line = out;

	while (*line != '\0') {
		const char *end = strstr(line, "\r\n");
		size_t i;

		assert_non_null(end);
		for (i = 0; line + i < end; i++)
			assert_true(line[i] != '\r' && line[i] != '\n');
		if (!allow_long_words || memchr(line, ' ', (size_t)(end - line)) != NULL)
			assert_true(display_width(line, (size_t)(end - line)) <= width);
		assert_true(end == line || end[-1] != ' ');
		line = end + 2;
	}
}

/* Words of s in order, separated by single spaces. */
static char *
words_of(const char *s)
{
	char *copy = strdup(s), *out = calloc(1, strlen(s) + 1), *tok, *save = NULL;

	for (tok = strtok_r(copy, " \r\n", &save); tok != NULL; tok = strtok_r(NULL, " \r\n", &save)) {
		if (*out != '\0')
			strcat(out, " ");
		strcat(out, tok);
	}
	free(copy);
	return out;
}

static void
test_reflow_long_line(void **state)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	char *a, *b;
	size_t i;

	(void)state;
	for (i = 0; i < 500; i++)
		buf_append_str(&in, i % 7 == 0 ? "caf\xc3\xa9s " : i % 5 == 0 ?
		    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e " : "word ");
	assert_true(in.len >= 2500);
	assert_int_equal(reflow_text(&out, in.data, in.len, 67), 0);
	check_text_body(out.data, 67, 0);
	assert_true(count_lines(out.data) > 30);
	a = words_of(in.data);
	b = words_of(out.data);
	assert_string_equal(a, b);
	free(a);
	free(b);
	buf_free(&in);
	buf_free(&out);
}

static void
test_reflow_5000_bytes_utf8(void **state)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	const char *p;

	(void)state;
	while (in.len < 5000)
		buf_append_str(&in, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "); /* Привет */
	assert_int_equal(reflow_text(&out, in.data, in.len, 67), 0);
	check_text_body(out.data, 67, 0);
	/* Every line is valid UTF-8: nothing was cut inside a character. */
	for (p = out.data; *p != '\0';) {
		uint32_t cp;
		size_t n = utf8_next(p, strlen(p), &cp);

		assert_true(n > 0);
		p += n;
	}
	buf_free(&in);
	buf_free(&out);
}

static void
test_reflow_keeps_short_lines_and_long_words(void **state)
{
	struct buf out = BUF_INIT, word = BUF_INIT;
	size_t i;

	(void)state;
	assert_int_equal(reflow_text(&out, "Title\n\nFebruary 3, 2014 at 10:12 am   \n", 38, 67), 0);
	assert_string_equal(out.data, "Title\r\n\r\nFebruary 3, 2014 at 10:12 am\r\n");
	buf_truncate(&out, 0);
	buf_append_str(&word, "short ");
	for (i = 0; i < 100; i++)
		buf_append_char(&word, 'x');
	buf_append_str(&word, " tail");
	assert_int_equal(reflow_text(&out, word.data, word.len, 67), 0);
	assert_int_equal(count_lines(out.data), 3);
	assert_true(strncmp(out.data, "short\r\nxxxx", 11) == 0);
	assert_non_null(strstr(out.data, "x\r\ntail\r\n"));
	buf_free(&out);
	buf_free(&word);
}

static void
test_reflow_wide_characters(void **state)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 40; i++)
		buf_append_str(&in, "\xe6\x97\xa5\xe6\x9c\xac "); /* 2 chars, 4 columns, + space */
	assert_int_equal(reflow_text(&out, in.data, in.len, 67), 0);
	check_text_body(out.data, 67, 0);
	/* 13 words of 4 columns + 12 spaces = 64 columns fit; 14 would not. */
	assert_int_equal(display_width(out.data, (size_t)(strstr(out.data, "\r\n") - out.data)), 64);
	buf_free(&in);
	buf_free(&out);
}

static void
test_dot_stuffing_and_tabs(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(reflow_text(&out, ".\n..x\na\tb\r\nnot.\n", 16, 67), 0);
	assert_int_equal(reflow_end(&out), 0);
	assert_string_equal(out.data, "..\r\n...x\r\na       b\r\nnot.\r\n.\r\n");
	buf_free(&out);
}

static void
test_control_characters_dropped(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(reflow_clean_line(&out, "a\x1b[31mb\xffz", 10), 0);
	assert_string_equal(out.data, "a[31mb\xef\xbf\xbdz");
	buf_free(&out);
}

/* Four fields, CRLF, nothing else. */
static void
assert_menu_line(const char *line, size_t len)
{
	size_t tabs = 0, i;

	assert_true(len >= 2 && line[len - 2] == '\r' && line[len - 1] == '\n');
	for (i = 0; i < len - 2; i++) {
		assert_true(line[i] != '\r' && line[i] != '\n');
		tabs += line[i] == '\t';
	}
	assert_int_equal(tabs, 3);
}

static void
test_menu_format(void **state)
{
	struct buf out = BUF_INIT;
	struct menu m = { &out, "example.org", 7070, 67 };
	const char *p, *end;

	(void)state;
	assert_int_equal(menu_item(&m, '1', "Sub\tdir\r\n", 9, "/sub/", 5, NULL, 0), 0);
	assert_int_equal(menu_info_str(&m, "hello"), 0);
	assert_int_equal(menu_item(&m, '0', "x", 1, "/a\tb", 4, NULL, 0), 0);
	assert_int_equal(menu_item(&m, '1', "Far", 3, "/", 1, "other.org", 70), 0);
	assert_int_equal(menu_end(&m), 0);
	assert_string_equal(out.data,
	    "1Sub dir\t/sub/\texample.org\t7070\r\n"
	    "ihello\t\texample.org\t7070\r\n"
	    "ix\t\texample.org\t7070\r\n"
	    "1Far\t/\tother.org\t70\r\n"
	    ".\r\n");
	for (p = out.data; (end = strstr(p, "\r\n")) != NULL && strcmp(p, ".\r\n") != 0; p = end + 2)
		assert_menu_line(p, (size_t)(end - p) + 2);
	buf_free(&out);
}

static void
test_display_width_cut(void **state)
{
	struct buf out = BUF_INIT, text = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 40; i++)
		buf_append_str(&text, "\xe6\x97\xa5");
	assert_int_equal(menu_append_display(&out, text.data, text.len, 67), 0);
	/* 33 wide characters (66 columns) and the ellipsis: 67 columns. */
	assert_int_equal(display_width(out.data, out.len), 67);
	assert_int_equal(out.len, 33 * 3 + 3);
	assert_string_equal(out.data + 99, "\xe2\x80\xa6");
	buf_truncate(&out, 0);
	assert_int_equal(menu_append_display(&out, text.data, text.len, 40), 0);
	assert_true(display_width(out.data, out.len) <= 40);
	buf_truncate(&out, 0);
	assert_int_equal(menu_append_display(&out, "short", 5, 67), 0);
	assert_string_equal(out.data, "short");
	buf_free(&out);
	buf_free(&text);
}

static void
test_error_item(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(menu_error(&out, "Not found"), 0);
	assert_string_equal(out.data, "3Not found\t\terror.host\t1\r\n.\r\n");
	buf_free(&out);
}

static int
collect(void *arg, const char *piece, size_t len)
{
	struct buf *b = arg;

	buf_append(b, piece, len);
	return buf_append_char(b, '|');
}

static void
test_wrap_break_words(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(reflow_wrap_line("ab abcdefgh c", 13, 4, WRAP_BREAK_WORDS, collect, &out), 0);
	assert_string_equal(out.data, "ab|abcd|efgh|c|");
	buf_truncate(&out, 0);
	assert_int_equal(reflow_wrap_line("ab abcdefgh c", 13, 4, WRAP_KEEP_WORDS, collect, &out), 0);
	assert_string_equal(out.data, "ab|abcdefgh|c|");
	buf_truncate(&out, 0);
	assert_int_equal(reflow_wrap_line("  indented text here", 20, 10, WRAP_KEEP_WORDS, collect, &out), 0);
	assert_string_equal(out.data, "  indented|text here|");
	buf_free(&out);
}

/* A line cleaning would not change is used in place; any other is
 * cleaned into the scratch buffer, exactly as reflow_clean_line() does. */
static void
test_clean_view(void **state)
{
	static const char *const dirty[] = {
		"trailing  ", "a\tb", "bell\a", "bad \xff byte", "c1 \xc2\x85 control",
	};
	static const char clean_utf8[] = "caf\xc3\xa9 \xe4\xb8\xad e\xcc\x81";
	struct buf scratch = BUF_INIT, expected = BUF_INIT;
	const char *out;
	size_t len, i;

	(void)state;
	assert_int_equal(reflow_clean_view(&scratch, clean_utf8, strlen(clean_utf8), &out, &len), 0);
	assert_ptr_equal(out, clean_utf8);
	assert_int_equal(len, strlen(clean_utf8));
	for (i = 0; i < sizeof(dirty) / sizeof(dirty[0]); i++) {
		buf_truncate(&expected, 0);
		assert_int_equal(reflow_clean_line(&expected, dirty[i], strlen(dirty[i])), 0);
		assert_int_equal(reflow_clean_view(&scratch, dirty[i], strlen(dirty[i]), &out,
		    &len), 0);
		assert_ptr_not_equal(out, dirty[i]);
		assert_int_equal(len, expected.len);
		assert_memory_equal(out, expected.data, len);
	}
	assert_string_equal(expected.data, "c1  control");
	buf_free(&scratch);
	buf_free(&expected);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_utf8_decode_rejects_bad_forms),
		cmocka_unit_test(test_reflow_long_line),
		cmocka_unit_test(test_reflow_5000_bytes_utf8),
		cmocka_unit_test(test_reflow_keeps_short_lines_and_long_words),
		cmocka_unit_test(test_reflow_wide_characters),
		cmocka_unit_test(test_dot_stuffing_and_tabs),
		cmocka_unit_test(test_control_characters_dropped),
		cmocka_unit_test(test_menu_format),
		cmocka_unit_test(test_display_width_cut),
		cmocka_unit_test(test_error_item),
		cmocka_unit_test(test_wrap_break_words),
		cmocka_unit_test(test_clean_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
