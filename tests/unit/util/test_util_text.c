/* Text primitives: UTF-8, display width, spaces and invisible characters,
 * percent-encoding, hex digits, sizes, months. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/text.h"

static void
test_utf8_next(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(utf8_next("a", 1, &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(utf8_next("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(utf8_next("\xf0\x9f\x9a\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f680);
	assert_int_equal(utf8_next("\xc0\xaf", 2, &cp), 0);         /* overlong */
	assert_int_equal(utf8_next("\xe0\x80\xaf", 3, &cp), 0);     /* overlong */
	assert_int_equal(utf8_next("\xed\xa0\x80", 3, &cp), 0);     /* surrogate */
	assert_int_equal(utf8_next("\xf4\x90\x80\x80", 4, &cp), 0); /* past U+10FFFF */
	assert_int_equal(utf8_next("\xe2\x80", 2, &cp), 0);         /* cut short */
	assert_int_equal(utf8_next("\x80", 1, &cp), 0);             /* stray continuation */
	assert_true(utf8_valid("caf\xc3\xa9", 5));
	assert_false(utf8_valid("caf\xc3", 4));
}

static void
test_utf8_lossy_prefix_ascii(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(utf8_next_lossy("\xff", 1, &cp), 1);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(utf8_next_lossy("\xe2\x82", 2, &cp), 1);       /* cut short */
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(utf8_next_lossy("\xef\xbf\xbd", 3, &cp), 3);   /* a real U+FFFD */
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(utf8_next_lossy("\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(utf8_prefix_len("a\xc3\xa9", 3, 2), 1);
	assert_int_equal(utf8_prefix_len("a\xc3\xa9", 3, 3), 3);
	assert_int_equal(utf8_prefix_len("a\xc3\xa9", 3, 9), 3);
	assert_int_equal(utf8_prefix_len("\xe2\x82\xac!", 4, 2), 0);
	assert_int_equal(utf8_ascii_len("abcdefghij\xc3\xa9", 12), 10);
	assert_int_equal(utf8_ascii_len("abc", 3), 3);
	/* Past the eight-byte steps of the ASCII run. */
	assert_true(utf8_valid("abcdefghijklmnop\xc3\xa9q", 19));
	assert_false(utf8_valid("abcdefghijklmnop\xc3", 17));
	assert_false(utf8_valid("abcdefgh\xed\xa0\x80", 11));
}

static void
expect_char(uint32_t cp, const char *want)
{
	struct buf b = BUF_INIT;

	assert_int_equal(utf8_append_char(&b, cp), 0);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void
test_utf8_append_char(void **state)
{
	(void)state;
	expect_char('a', "a");
	expect_char(0xe9, "\xc3\xa9");
	expect_char(0x20ac, "\xe2\x82\xac");
	expect_char(0x1f680, "\xf0\x9f\x9a\x80");
	expect_char(0xd800, "\xef\xbf\xbd");      /* a surrogate is no character */
	expect_char(0x110000, "\xef\xbf\xbd");
}

static void
test_utf8_append_clean(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	utf8_append_clean(&b, "a\xffz\xc3\xa9\xc3", 6);
	assert_string_equal(b.data, "a\xef\xbf\xbdz\xc3\xa9\xef\xbf\xbd");
	buf_free(&b);
}

static void
test_display_width(void **state)
{
	(void)state;
	assert_int_equal(display_width("abc", 3), 3);
	assert_int_equal(display_width("\xf0\x9f\x9a\x80", 4), 2);         /* rocket */
	assert_int_equal(display_width("\xf0\x9f\x98\x80", 4), 2);         /* grinning face */
	assert_int_equal(display_width("\xe6\x97\xa5", 3), 2);             /* CJK */
	assert_int_equal(display_width("\xe6\x9d\x8e\xe9\x9b\xb7", 6), 4);  /* 李雷 */
	assert_int_equal(display_width("\xef\xbc\xa1", 3), 2);             /* fullwidth A */
	assert_int_equal(display_width("\xea\xb0\x80", 3), 2);             /* Hangul syllable */
	assert_int_equal(display_width("e\xcc\x81", 3), 1);                /* combining acute */
	assert_int_equal(display_width("\xe2\x80\x8d", 3), 0);             /* ZWJ */
	assert_int_equal(display_width("\xe2\x80\x99", 3), 1);             /* ’ */
	assert_int_equal(display_width("\xe2\x98\x83", 3), 1);             /* snowman: text presentation */
	assert_int_equal(display_width("\xe2\x9a\xa1", 3), 2);             /* high voltage: emoji */
	assert_int_equal(display_width("\xff", 1), 1);
	assert_int_equal(display_width_char(0x07), 0);
	assert_int_equal(display_width_char(0x85), 0);
	assert_int_equal(display_width_char(0xad), 1);                     /* soft hyphen shows */
}

static void
test_spaces_and_invisibles(void **state)
{
	(void)state;
	assert_true(char_is_space(' '));
	assert_true(char_is_space('\t'));
	assert_true(char_is_space(0xa0));
	assert_true(char_is_space(0x2009));
	assert_true(char_is_space(0x3000));
	assert_false(char_is_space('a'));
	assert_false(char_is_space(0x200b));
	assert_true(char_is_invisible(0x01));
	assert_true(char_is_invisible(0x85));
	assert_true(char_is_invisible(0xad));
	assert_true(char_is_invisible(0x200b));
	assert_true(char_is_invisible(0xfeff));
	assert_false(char_is_invisible(' '));
	assert_false(char_is_invisible(0x200d));  /* ZWJ joins emoji: kept */
	assert_false(char_is_invisible(0xe9));
}

static void
expect_encoded(const char *in, const char *keep, enum percent_policy policy, const char *want)
{
	struct buf b = BUF_INIT;

	assert_int_equal(percent_encode(&b, in, strlen(in), keep, policy), 0);
	assert_string_equal(b.data != NULL ? b.data : "", want);
	buf_free(&b);
}

static void
test_percent_encode(void **state)
{
	(void)state;
	expect_encoded("a b/c%", "", PERCENT_IRI, "a%20b%2Fc%25");
	expect_encoded("/a b/c", PERCENT_KEEP_PATH, PERCENT_ASCII, "/a%20b/c");
	expect_encoded("caf\xc3\xa9", "", PERCENT_IRI, "caf\xc3\xa9");
	expect_encoded("caf\xc3\xa9", "", PERCENT_ASCII, "caf%C3%A9");
	expect_encoded("\xc3x", "", PERCENT_IRI, "%C3x");
	/* No C1 control or bidi override stays: a link shows where it leads. */
	expect_encoded("a\xc2\x85" "b\xe2\x80\xae" "c\xe2\x81\xa6" "d", "", PERCENT_IRI,
	    "a%C2%85b%E2%80%AEc%E2%81%A6d");
	expect_encoded("q?#", "?", PERCENT_ASCII, "q?%23");
	expect_encoded("", "", PERCENT_ASCII, "");
	/* Exactly the unreserved characters stay without a keep. */
	expect_encoded("AMZamz059-._~", "", PERCENT_ASCII, "AMZamz059-._~");
	expect_encoded("@[`{/:!", "", PERCENT_ASCII, "%40%5B%60%7B%2F%3A%21");
	expect_encoded("\x7f\x01", "", PERCENT_ASCII, "%7F%01");
	/* keep NULL: every ASCII byte stays, the policy speaks for the rest. */
	expect_encoded("a b%\x01\xff\xc3\xa9\xc3", NULL, PERCENT_IRI, "a b%\x01%FF\xc3\xa9%C3");
	expect_encoded("a b\xc3\xa9", NULL, PERCENT_ASCII, "a b%C3%A9");
	/* Characters that show as a space or as nothing are encoded whole. */
	expect_encoded("a\xc2\xa0" "b\xe2\x80\x8b" "c\xc2\xad" "d\xc3\xa9\xe6\x97\xa5 \xff", "%",
	    PERCENT_IRI_VISIBLE, "a%C2%A0b%E2%80%8Bc%C2%ADd\xc3\xa9\xe6\x97\xa5%20%FF");
	expect_encoded("\xe3\x80\x80\xef\xbb\xbf\xc2\x85", "", PERCENT_IRI_VISIBLE,
	    "%E3%80%80%EF%BB%BF%C2%85");
	expect_encoded("\xe3\x80\x80", "", PERCENT_IRI, "\xe3\x80\x80");
}

static void
test_hex_digit_value(void **state)
{
	(void)state;
	assert_int_equal(hex_digit_value('0'), 0);
	assert_int_equal(hex_digit_value('9'), 9);
	assert_int_equal(hex_digit_value('a'), 10);
	assert_int_equal(hex_digit_value('F'), 15);
	assert_int_equal(hex_digit_value('g'), -1);
	assert_int_equal(hex_digit_value('G'), -1);
	assert_int_equal(hex_digit_value(' '), -1);
	assert_int_equal(hex_digit_value(-1), -1);
	assert_int_equal(hex_digit_value((char)0xc1), -1);
}

static void
test_percent_decode(void **state)
{
	char out[32];
	struct buf b = BUF_INIT;
	size_t n;

	(void)state;
	n = percent_decode("a%20b%zz%4", 10, out);
	assert_int_equal(n, 8);
	assert_memory_equal(out, "a b%zz%4", 8);
	n = percent_decode("%C3%A9%2f", 9, out);
	assert_memory_equal(out, "\xc3\xa9/", n);
	percent_decode_buf(&b, "x%00y", 5);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "x\0y", 3);
	buf_free(&b);
	assert_true(percent_well_formed("a%20", 4));
	assert_false(percent_well_formed("a%2", 3));
	assert_false(percent_well_formed("a%g0", 4));
}

static void
expect_size(long long size, const char *want)
{
	char out[FORMAT_SIZE_MAX];

	format_size(out, sizeof(out), size);
	assert_string_equal(out, want);
}

static void
test_format_size(void **state)
{
	(void)state;
	expect_size(0, "0 B");
	expect_size(1023, "1023 B");
	expect_size(1024, "1.0 KiB");
	expect_size(19968, "19.5 KiB");
	expect_size(1048575, "1.0 MiB");
	expect_size(1048576, "1.0 MiB");
	expect_size(3355443, "3.2 MiB");
}

static void
test_month_name(void **state)
{
	(void)state;
	assert_string_equal(month_name(1), "January");
	assert_string_equal(month_name(12), "December");
	assert_null(month_name(0));
	assert_null(month_name(13));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_next),
		cmocka_unit_test(test_utf8_lossy_prefix_ascii),
		cmocka_unit_test(test_utf8_append_char),
		cmocka_unit_test(test_utf8_append_clean),
		cmocka_unit_test(test_display_width),
		cmocka_unit_test(test_spaces_and_invisibles),
		cmocka_unit_test(test_percent_encode),
		cmocka_unit_test(test_hex_digit_value),
		cmocka_unit_test(test_percent_decode),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_month_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
