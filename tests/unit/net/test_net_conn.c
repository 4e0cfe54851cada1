/* A connection driven through a protocol table alone: a toy protocol over
 * a socket pair, on a real event loop and handler pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "net/net.h"
#include "util/buf.h"
#include "util/clock.h"

/* The toy protocol: a line ends at LF; '!' can never be framed; "pool X"
 * is produced on the pool, anything else answered on the loop. */
struct toy {
	int answer_timeouts; /* timed_out() answers */
	int slow_answers;    /* slow_down() answers, else the answer waits */
	atomic_int produced, freed;
};

static enum frame
toy_frame(const char *data, size_t len, size_t *line_len)
{
	const char *end = memchr(data, '\n', len);

	if (memchr(data, '!', end != NULL ? (size_t)(end - data) : len) != NULL)
		return FRAME_BAD;
	if (end == NULL)
		return FRAME_NEED_MORE;
	*line_len = (size_t)(end - data);
	return FRAME_COMPLETE;
}

/* A body too large to coalesce into one write. */
#define SHARED_BODY 20000
static char shared_body[SHARED_BODY];

static int
toy_answer(const void *ctx, const struct request_info *req, struct response *resp, void **job)
{
	(void)ctx;
	/* A page composed around a shared body: head, body, foot. */
	if (req->len == 6 && memcmp(req->line, "shared", 6) == 0) {
		memset(shared_body, 's', sizeof(shared_body));
		buf_append_str(&resp->head, "head\n");
		response_set_shared(resp, shared_body, sizeof(shared_body), NULL, NULL);
		buf_append_str(&resp->foot, "foot\n");
		return 1;
	}
	if (req->len > 5 && memcmp(req->line, "pool ", 5) == 0) {
		*job = strndup(req->line + 5, req->len - 5);
		return 0;
	}
	buf_printf(&resp->head, "loop:%.*s sni=%s fp=%s\n", (int)req->len, req->line, req->sni,
	    req->fingerprint);
	return 1;
}

static struct toy toy_state;

static void
toy_produce(void *job, struct response *resp)
{
	buf_printf(&resp->head, "pool:%s\n", (char *)job);
	atomic_fetch_add(&toy_state.produced, 1);
	free(job);
}

static void
toy_job_free(void *job)
{
	atomic_fetch_add(&toy_state.freed, 1);
	free(job);
}

static int
toy_bad_request(const void *ctx, const char *reason, struct response *resp)
{
	(void)ctx;
	buf_printf(&resp->head, "bad:%s\n", reason != NULL ? reason : "(frame)");
	return 1;
}

static int
toy_timed_out(const void *ctx, struct response *resp)
{
	const struct toy *t = ctx;

	if (t->answer_timeouts)
		buf_printf(&resp->head, "timeout\n");
	return t->answer_timeouts;
}

static int
toy_slow_down(const void *ctx, unsigned seconds, struct response *resp)
{
	const struct toy *t = ctx;

	if (t->slow_answers)
		buf_printf(&resp->head, "slow:%u\n", seconds);
	return t->slow_answers;
}

static const struct protocol toy_protocol = {
	.name = "toy",
	.tls_always = 0,
	.frame = toy_frame,
	.answer = toy_answer,
	.produce = toy_produce,
	.job_free = toy_job_free,
	.bad_request = toy_bad_request,
	.timed_out = toy_timed_out,
	.slow_down = toy_slow_down,
};

struct fixture {
	struct config config;
	struct net_generation gen;
	int released;
	atomic_uint connections;
	struct net_loop loop;
	struct listener listener;
	struct sockaddr_storage peer;
};

static void
release(struct net_generation *g)
{
	struct fixture *f = (struct fixture *)((char *)g - offsetof(struct fixture, gen));

	f->released = 1;
}

static struct fixture *
fixture_new(unsigned per_minute)
{
	struct address_limits_config limits = { 0, per_minute, 1, 1 };
	struct sockaddr_in *four;
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	memset(&toy_state, 0, sizeof(toy_state));
	f->config.request_timeout = 1;
	f->config.write_timeout = 5;
	f->config.write_min_rate = 1024;
	atomic_init(&f->gen.refs, 1);
	f->gen.config = &f->config;
	f->gen.services[0] = (struct net_service){ &toy_protocol, &toy_state, 0 };
	f->gen.nservices = 1;
	f->gen.release = release;
	f->loop.base = event_base_new();
	f->loop.pool = handler_pool_new(2);
	f->loop.limits = address_limits_new(&limits);
	f->loop.connections = &f->connections;
	assert_non_null(f->loop.base);
	assert_non_null(f->loop.pool);
	assert_non_null(f->loop.limits);
	f->listener.fd = -1;
	f->listener.protocol = &toy_protocol;
	four = (struct sockaddr_in *)&f->peer;
	four->sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &four->sin_addr);
	return f;
}

/* Every connection has closed and given its reference back. */
static void
fixture_free(struct fixture *f)
{
	assert_int_equal(f->loop.nconns, 0);
	assert_int_equal(atomic_load(&f->connections), 0);
	assert_int_equal(atomic_load(&f->gen.refs), 1);
	assert_int_equal(f->released, 0);
	net_generation_unref(&f->gen);
	assert_int_equal(f->released, 1);
	handler_pool_free(f->loop.pool);
	address_limits_free(f->loop.limits);
	event_base_free(f->loop.base);
	free(f);
}

/* Send request, read the answer until the server closes; the loop runs
 * until the connection is gone.  The answer's length. */
static size_t
exchange(struct fixture *f, const char *request, char *reply, size_t cap)
{
	long long deadline = monotonic_ms() + 10000;
	size_t len = 0;
	ssize_t n;
	int sv[2], open = 1;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	assert_int_equal(write(sv[1], request, strlen(request)), (ssize_t)strlen(request));
	atomic_fetch_add(&f->connections, 1);
	conn_start(&f->loop, sv[0], &f->listener, net_generation_ref(&f->gen), &f->peer);
	while ((open || f->loop.nconns > 0) && monotonic_ms() < deadline) {
		event_base_loop(f->loop.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		if (open && (n = read(sv[1], reply + len, cap - 1 - len)) > 0)
			len += (size_t)n;
		else if (open && n == 0 && close(sv[1]) == 0)
			open = 0;
		else
			usleep(1000);
	}
	assert_int_equal(open, 0);
	reply[len] = '\0';
	return len;
}

static void
test_answered_on_the_loop(void **state)
{
	struct fixture *f = fixture_new(0);
	char reply[256];

	(void)state;
	exchange(f, "hello\n", reply, sizeof(reply));
	assert_string_equal(reply, "loop:hello sni= fp=\n");
	assert_int_equal(atomic_load(&toy_state.produced), 0);
	fixture_free(f);
}

static void
test_produced_on_the_pool(void **state)
{
	struct fixture *f = fixture_new(0);
	char reply[256];

	(void)state;
	exchange(f, "pool work\n", reply, sizeof(reply));
	assert_string_equal(reply, "pool:work\n");
	assert_int_equal(atomic_load(&toy_state.produced), 1);
	assert_int_equal(atomic_load(&toy_state.freed), 0);
	exchange(f, "pool more\n", reply, sizeof(reply));
	assert_string_equal(reply, "pool:more\n");
	assert_int_equal(atomic_load(&toy_state.produced), 2);
	fixture_free(f);
}

/* The foot of a response leaves after its shared body. */
static void
test_head_shared_body_and_foot(void **state)
{
	struct fixture *f = fixture_new(0);
	static char reply[SHARED_BODY + 64];

	(void)state;
	assert_int_equal(exchange(f, "shared\n", reply, sizeof(reply)), 5 + SHARED_BODY + 5);
	assert_int_equal(strncmp(reply, "head\nsss", 8), 0);
	assert_string_equal(reply + 5 + SHARED_BODY, "foot\n");
	assert_int_equal(strspn(reply + 5, "s"), SHARED_BODY);
	fixture_free(f);
}

static void
test_bad_frame_is_answered_at_once(void **state)
{
	struct fixture *f = fixture_new(0);
	char reply[256];

	(void)state;
	exchange(f, "a!b\n", reply, sizeof(reply));
	assert_string_equal(reply, "bad:(frame)\n");
	fixture_free(f);
}

/* A line that never ends fills the buffer: the connection says why. */
static void
test_overlong_line_is_answered(void **state)
{
	struct fixture *f = fixture_new(0);
	char request[2000], reply[256];

	(void)state;
	memset(request, 'x', sizeof(request) - 1);
	request[sizeof(request) - 1] = '\0';
	exchange(f, request, reply, sizeof(reply));
	assert_string_equal(reply, "bad:request line too long\n");
	fixture_free(f);
}

static void
test_timeout_answered_or_closed(void **state)
{
	struct fixture *f = fixture_new(0);
	char reply[256];

	(void)state;
	toy_state.answer_timeouts = 1;
	exchange(f, "no line end", reply, sizeof(reply));
	assert_string_equal(reply, "timeout\n");
	toy_state.answer_timeouts = 0;
	assert_int_equal(exchange(f, "no line end", reply, sizeof(reply)), 0);
	fixture_free(f);
}

static void
test_over_the_rate_slow_down_answers(void **state)
{
	struct fixture *f = fixture_new(1);
	char reply[256];

	(void)state;
	toy_state.slow_answers = 1;
	exchange(f, "first\n", reply, sizeof(reply));
	assert_string_equal(reply, "loop:first sni= fp=\n");
	exchange(f, "second\n", reply, sizeof(reply));
	assert_string_equal(reply, "slow:60\n");
	fixture_free(f);
}

/* Without a slow-down answer the answer waits for the bucket (one request
 * a second here), then comes. */
static void
test_over_the_rate_the_answer_waits(void **state)
{
	struct fixture *f = fixture_new(60);
	char reply[256];
	long long started;

	(void)state;
	exchange(f, "first\n", reply, sizeof(reply));
	started = monotonic_ms();
	exchange(f, "pool second\n", reply, sizeof(reply));
	assert_string_equal(reply, "pool:second\n");
	assert_true(monotonic_ms() - started >= 900);
	fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answered_on_the_loop),
		cmocka_unit_test(test_produced_on_the_pool),
		cmocka_unit_test(test_head_shared_body_and_foot),
		cmocka_unit_test(test_bad_frame_is_answered_at_once),
		cmocka_unit_test(test_overlong_line_is_answered),
		cmocka_unit_test(test_timeout_answered_or_closed),
		cmocka_unit_test(test_over_the_rate_slow_down_answers),
		cmocka_unit_test(test_over_the_rate_the_answer_waits),
	};

	evthread_use_pthreads();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
