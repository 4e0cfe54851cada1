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
 * is produced on the pool; "body N" reads N bytes of body first (a '#' in
 * a piece of it stops the reading); anything else is answered on the
 * loop. */
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

struct toy_job {
	char *word;     /* "pool X": X */
	size_t body;    /* "body N": N */
	struct buf got; /* the body received */
};

static int
toy_answer(const void *ctx, const struct request_info *req, struct response *resp, void **out)
{
	struct toy_job *job;

	(void)ctx;
	/* A page composed around a shared body: head, body, foot. */
	if (req->len == 6 && memcmp(req->line, "shared", 6) == 0) {
		memset(shared_body, 's', sizeof(shared_body));
		buf_append_str(&resp->head, "head\n");
		response_set_shared(resp, shared_body, sizeof(shared_body), NULL, NULL);
		buf_append_str(&resp->foot, "foot\n");
		return 1;
	}
	if (req->len > 5 && (memcmp(req->line, "pool ", 5) == 0 ||
	    memcmp(req->line, "body ", 5) == 0)) {
		job = calloc(1, sizeof(*job));
		assert_non_null(job);
		if (req->line[0] == 'p')
			job->word = strndup(req->line + 5, req->len - 5);
		else
			job->body = strtoul(req->line + 5, NULL, 10);
		*out = job;
		return 0;
	}
	buf_printf(&resp->head, "loop:%.*s sni=%s fp=%s\n", (int)req->len, req->line, req->sni,
	    req->fingerprint);
	return 1;
}

static struct toy toy_state;

static void
toy_job_drop(struct toy_job *job)
{
	free(job->word);
	buf_free(&job->got);
	free(job);
}

static void
toy_produce(void *arg, struct response *resp)
{
	struct toy_job *job = arg;

	if (job->word != NULL)
		buf_printf(&resp->head, "pool:%s\n", job->word);
	else
		buf_printf(&resp->head, "body:%zu:%s\n", job->got.len, job->got.data);
	atomic_fetch_add(&toy_state.produced, 1);
	toy_job_drop(job);
}

static void
toy_job_free(void *job)
{
	atomic_fetch_add(&toy_state.freed, 1);
	toy_job_drop(job);
}

static size_t
toy_body_length(const void *job)
{
	return ((const struct toy_job *)job)->body;
}

static int
toy_body(void *arg, const char *data, size_t len)
{
	struct toy_job *job = arg;

	buf_append(&job->got, data, len);
	return memchr(data, '#', len) != NULL ? -1 : 0;
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
	.body_length = toy_body_length,
	.body = toy_body,
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

/* Send request (then shut the sending side if shut is set), read the
 * answer until the server closes; the loop runs until the connection is
 * gone.  The answer's length. */
static size_t
exchange_then(struct fixture *f, const char *request, int shut, char *reply, size_t cap)
{
	long long deadline = monotonic_ms() + 10000;
	size_t len = 0;
	ssize_t n;
	int sv[2], open = 1;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	assert_int_equal(write(sv[1], request, strlen(request)), (ssize_t)strlen(request));
	if (shut)
		shutdown(sv[1], SHUT_WR);
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

static size_t
exchange(struct fixture *f, const char *request, char *reply, size_t cap)
{
	return exchange_then(f, request, 0, reply, cap);
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

/* The body comes whole to the job before the pool produces it: what was
 * read with the line first, then the rest chunk by chunk. */
static void
test_body_read_before_the_pool(void **state)
{
	struct fixture *f = fixture_new(0);
	char request[6000], reply[6200], want[6200];

	(void)state;
	exchange(f, "body 10\n0123456789and what follows is ignored", reply, sizeof(reply));
	assert_string_equal(reply, "body:10:0123456789\n");
	memset(request, 0, sizeof(request));
	snprintf(request, sizeof(request), "body 5000\n");
	memset(request + strlen(request), 'x', 5000);
	exchange(f, request, reply, sizeof(reply));
	snprintf(want, sizeof(want), "body:5000:%s\n", request + strlen("body 5000\n"));
	assert_string_equal(reply, want);
	assert_int_equal(atomic_load(&toy_state.produced), 2);
	assert_int_equal(atomic_load(&toy_state.freed), 0);
	fixture_free(f);
}

/* A body cut short, by the client closing or by the deadline, is never
 * produced: the job is freed and nothing is answered. */
static void
test_short_body_drops_the_job(void **state)
{
	struct fixture *f = fixture_new(0);
	char reply[256];
	long long started = monotonic_ms();

	(void)state;
	assert_int_equal(exchange_then(f, "body 10\n01234", 1, reply, sizeof(reply)), 0);
	assert_true(monotonic_ms() - started < 900);
	assert_int_equal(exchange(f, "body 10\n01234", reply, sizeof(reply)), 0);
	assert_true(monotonic_ms() - started >= 900);
	assert_int_equal(atomic_load(&toy_state.produced), 0);
	assert_int_equal(atomic_load(&toy_state.freed), 2);
	fixture_free(f);
}

/* The job may stop the reading: produce() answers with what it has. */
static void
test_body_stopped_by_the_job(void **state)
{
	struct fixture *f = fixture_new(0);
	char request[3000], reply[3200];

	(void)state;
	memset(request, 0, sizeof(request));
	snprintf(request, sizeof(request), "body 100000\n#");
	memset(request + strlen(request), 'y', 2000);
	exchange(f, request, reply, sizeof(reply));
	assert_true(strncmp(reply, "body:", 5) == 0);
	assert_true(strtoul(reply + 5, NULL, 10) < 2001);
	assert_int_equal(atomic_load(&toy_state.produced), 1);
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
		cmocka_unit_test(test_body_read_before_the_pool),
		cmocka_unit_test(test_short_body_drops_the_job),
		cmocka_unit_test(test_body_stopped_by_the_job),
	};

	evthread_use_pthreads();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
