/*
 * The protocol tables server/ wires to listeners, against one list of
 * expectations: name, TLS, framing, and the answers to bytes that cannot
 * be framed, to a request line that never came and to a client over its
 * rate.  (What each answers to a request is in its handler's tests.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gemini/handler.h"
#include "gopher/handler.h"

struct expected {
	const struct protocol *protocol;
	const void *ctx;
	const char *name;
	int tls_always;
	const char *complete, *bad; /* framed whole; never framed */
	size_t complete_len, line_len;
	const char *bad_answer;     /* to a bad frame */
	const char *timeout_answer; /* NULL: closed without one */
	const char *slow_answer;    /* to 7 seconds over the rate; NULL: the answer waits */
};

static const struct gemini_context gemini_ctx;
static const struct gopher_context gopher_ctx;

static const struct expected protocols[] = {
	{ &gemini_protocol, &gemini_ctx, "gemini", 1, "gemini://h/\r\n", "gemini://h/\n", 13, 11,
	    "59 request must be a URL of at most 1024 bytes ending in CRLF\r\n", NULL, "44 7\r\n" },
	{ &gopher_protocol, &gopher_ctx, "gopher", 0, "/a\n", "/a\0\n", 3, 2,
	    "3selector too long or malformed\t\terror.host\t1\r\n.\r\n",
	    "3request timed out\t\terror.host\t1\r\n.\r\n", NULL },
};

static void
assert_answer(int answered, struct response *resp, const char *expected)
{
	if (expected == NULL) {
		assert_false(answered);
		assert_int_equal(resp->head.len, 0);
	} else {
		assert_true(answered);
		assert_string_equal(resp->head.data, expected);
	}
	response_reset(resp);
}

static void
test_tables(void **state)
{
	struct response resp;
	size_t i, len;

	(void)state;
	response_init(&resp);
	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++) {
		const struct expected *e = &protocols[i];
		const struct protocol *p = e->protocol;

		assert_string_equal(p->name, e->name);
		assert_int_equal(p->tls_always, e->tls_always);
		len = 0;
		assert_int_equal(p->frame(e->complete, e->complete_len, &len), FRAME_COMPLETE);
		assert_int_equal(len, e->line_len);
		assert_int_equal(p->frame(e->complete, e->line_len, &len), FRAME_NEED_MORE);
		assert_int_equal(p->frame(e->bad, e->complete_len, &len), FRAME_BAD);
		assert_answer(p->bad_request(e->ctx, NULL, &resp), &resp, e->bad_answer);
		assert_answer(p->timed_out(e->ctx, &resp), &resp, e->timeout_answer);
		assert_answer(p->slow_down(e->ctx, 7, &resp), &resp, e->slow_answer);
	}
}

/* The reason the connection gives, when it has one, is the answer's. */
static void
test_bad_request_with_a_reason(void **state)
{
	struct response resp;

	(void)state;
	response_init(&resp);
	assert_true(gemini_protocol.bad_request(&gemini_ctx, "request line too long", &resp));
	assert_string_equal(resp.head.data, "59 request line too long\r\n");
	response_reset(&resp);
	assert_true(gopher_protocol.bad_request(&gopher_ctx, "request line too long", &resp));
	assert_string_equal(resp.head.data, "3request line too long\t\terror.host\t1\r\n.\r\n");
	assert_int_equal(resp.status, 3);
	response_reset(&resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_bad_request_with_a_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
