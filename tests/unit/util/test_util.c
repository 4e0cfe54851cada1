/* Utilities: the recency list, the buffer, log escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/lru.h"

struct item {
	int id;
	struct lru_link link;
};

static int
order(const struct lru_list *l, int *ids, int max)
{
	const struct lru_link *p;
	int n = 0;

	for (p = l->oldest; p != NULL && n < max; p = p->newer)
		ids[n++] = LRU_ENTRY(p, struct item, link)->id;
	return n;
}

static void
test_lru(void **state)
{
	struct item items[3] = { { 1, { 0 } }, { 2, { 0 } }, { 3, { 0 } } };
	struct lru_list l = { NULL, NULL };
	int ids[4];

	(void)state;
	for (int i = 0; i < 3; i++)
		lru_push_newest(&l, &items[i].link);
	assert_int_equal(order(&l, ids, 4), 3);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[2], 3);
	lru_touch(&l, &items[0].link);
	order(&l, ids, 4);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[2], 1);
	lru_remove(&l, &items[1].link);
	lru_remove(&l, &items[1].link); /* twice: nothing happens */
	assert_int_equal(order(&l, ids, 4), 2);
	assert_int_equal(ids[0], 3);
	lru_remove(&l, &items[2].link);
	lru_remove(&l, &items[0].link);
	assert_null(l.newest);
	assert_null(l.oldest);
}

static void
test_buf(void **state)
{
	struct buf b = BUF_INIT;
	size_t len;
	char *s;

	(void)state;
	s = buf_release(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	free(s);
	buf_append_str(&b, "ab");
	buf_printf(&b, "%d-%s", 42, "x");
	buf_append_char(&b, '!');
	assert_string_equal(b.data, "ab42-x!");
	buf_truncate(&b, 2);
	assert_string_equal(b.data, "ab");
	buf_free(&b);
	s = format_string("%s=%u", "n", 7u);
	assert_string_equal(s, "n=7");
	free(s);
}

static void
test_log_escape(void **state)
{
	static const char hostile[] = "a\x1b[31m\"q\"\\ caf\xc3\xa9 \xff";
	char out[64];

	(void)state;
	log_escape(out, sizeof(out), hostile, sizeof(hostile) - 1);
	assert_string_equal(out, "a\\x1b[31m\\x22q\\x22\\x5c caf\xc3\xa9 \\xff");
	log_escape(out, 8, "abcdefghijkl", 12);
	assert_string_equal(out, "abcd...");
	log_escape(out, 8, "ab\xc3\xa9\xc3\xa9\xc3\xa9", 8);
	assert_true(strlen(out) < 8);
	assert_non_null(strstr(out, "..."));
	/* Cut where the text written ends: what the buffer held before
	 * (here bytes that look like the tail of a UTF-8 sequence) is
	 * never read as part of it. */
	memset(out, 0x80, sizeof(out));
	log_escape(out, 16, "aaaaaaaaaaaa\x01", 13);
	assert_string_equal(out, "aaaaaaaaaaaa...");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lru),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_log_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
