/* Responses: sizes, coalescing small bodies into one write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "response/response.h"

static int released;

static void
count_release(void *owner)
{
	(void)owner;
	released++;
}

static int
temp_file(const char *content)
{
	char path[] = "/tmp/test_response.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd != -1);
	unlink(path);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	return fd;
}

static void
test_shared_body_coalesced(void **state)
{
	struct response r;

	(void)state;
	response_init(&r);
	response_gemini_header(&r, 20, "text/gemini");
	response_set_shared(&r, "# Hello\n", 8, count_release, NULL);
	assert_int_equal(response_size(&r), 16 + 8);
	released = 0;
	response_coalesce(&r, 16384);
	assert_int_equal(released, 1);
	assert_int_equal(r.shared_len, 0);
	assert_string_equal(r.head.data, "20 text/gemini\r\n# Hello\n");
	assert_int_equal(response_size(&r), 24);
	response_reset(&r);
}

static void
test_file_body_coalesced_or_left(void **state)
{
	struct response r;
	int fd;

	(void)state;
	response_init(&r);
	response_gemini_header(&r, 20, "text/plain");
	fd = temp_file("file body");
	response_set_file(&r, fd, 9);
	response_coalesce(&r, 16384);
	assert_int_equal(r.fd, -1);
	assert_string_equal(r.head.data, "20 text/plain\r\nfile body");
	response_reset(&r);

	response_gemini_header(&r, 20, "text/plain");
	fd = temp_file("file body");
	response_set_file(&r, fd, 9);
	response_coalesce(&r, 20); /* too large: streamed as before */
	assert_int_equal(r.fd, fd);
	assert_int_equal(response_size(&r), 15 + 9);
	response_reset(&r);

	response_gemini_header(&r, 20, "text/plain");
	fd = temp_file("short");
	response_set_file(&r, fd, 9); /* the file shrank: left for the streamer to notice */
	response_coalesce(&r, 16384);
	assert_int_equal(r.fd, fd);
	assert_string_equal(r.head.data, "20 text/plain\r\n");
	response_reset(&r);
}

/* A page composed around a shared body: the foot goes last, counted in
 * the size, coalesced after the body, freed with the response. */
static void
test_foot_after_the_body(void **state)
{
	struct response r;

	(void)state;
	response_init(&r);
	response_gemini_header(&r, 20, "text/gemini");
	buf_append_str(&r.head, "# Head\n");
	response_set_shared(&r, "Body\n", 5, count_release, NULL);
	buf_append_str(&r.foot, "=> /archive/ The archive\n");
	assert_int_equal(response_size(&r), 16 + 7 + 5 + 25);
	response_coalesce(&r, 10); /* too large: sent in three parts */
	assert_int_equal(r.foot.len, 25);
	released = 0;
	response_coalesce(&r, 16384);
	assert_int_equal(released, 1);
	assert_int_equal(r.foot.len, 0);
	assert_string_equal(r.head.data,
	    "20 text/gemini\r\n# Head\nBody\n=> /archive/ The archive\n");
	response_reset(&r);
	buf_append_str(&r.foot, "left behind");
	response_reset(&r);
	assert_null(r.foot.data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_body_coalesced),
		cmocka_unit_test(test_file_body_coalesced_or_left),
		cmocka_unit_test(test_foot_after_the_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
