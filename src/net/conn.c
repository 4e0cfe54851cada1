/* One client connection from accept to close (net/net.h), in phases run by
 * conn_step() until one has to wait. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "net/limits.h"
#include "net/net.h"
#include "net/pool.h"
#include "net/proxy.h"
#include "util/clock.h"
#include "util/log.h"

/* The longest request line a protocol frames (1024 bytes) and its CRLF. */
#define REQUEST_MAX (1024 + 2)
#define FILE_CHUNK (16 * 1024)
#define LINGER_SECONDS 2
#define SHUTDOWN_SECONDS 5

enum conn_phase {
	PHASE_PROXY,     /* reading a PROXY protocol header (behind a balancer) */
	PHASE_HANDSHAKE, /* TLS handshake */
	PHASE_REQUEST,   /* reading the request line */
	PHASE_THROTTLED, /* over its address's rate, the answer waits */
	PHASE_BODY,      /* reading the body the request announced (an upload) */
	PHASE_HANDLING,  /* the protocol produces the answer on the pool */
	PHASE_WRITING,   /* sending the response */
	PHASE_SHUTDOWN,  /* sending close_notify */
	PHASE_LINGER,    /* our side is shut; draining until the peer closes */
};

struct conn {
	struct net_loop *loop;
	struct net_generation *gen;        /* the generation it was accepted under */
	const struct net_service *service; /* its protocol, in gen */
	struct conn *prev, *next;
	enum conn_phase phase;
	int fd;
	SSL *ssl;
	struct event *io;
	struct event *timer;
	struct event *handled; /* activated by the pool thread when the answer is produced */
	void *job;             /* the protocol's, from answer() until produced */
	struct pool_task task;
	char request[REQUEST_MAX];
	size_t request_len;     /* also the PROXY header bytes read so far */
	size_t proxy_skip;      /* PROXY v2 TLV bytes still to discard */
	size_t line_len;
	int have_request;      /* a request (or a framing error) will be logged */
	struct address_key client; /* for the per-address limits */
	int counted;           /* in the per-address connection count */
	struct response response;
	size_t head_sent, shared_sent, foot_sent;
	off_t file_sent;
	size_t body_len, body_left; /* PHASE_BODY: bytes announced, bytes still to come */
	int timed_out;              /* closed by its deadline */
	char *chunk;           /* file streaming or body buffer, only while in use */
	size_t chunk_len, chunk_sent;
	size_t bytes_sent;
	long long write_credit;    /* bytes the client may still fall behind by */
	long long write_credit_ms; /* when write_credit was last brought up to date */
	const char *cut;           /* why a response was cut short, for its log line */
	struct timespec started;
	char peer[INET6_ADDRSTRLEN];
	char sni[256];
	char fingerprint[96];
};

/* Lines a flood of clients could repeat are rate-limited. */
static struct log_limit handshake_failures = LOG_LIMIT_INIT;
static struct log_limit bad_proxy_headers = LOG_LIMIT_INIT;

static void conn_on_io(evutil_socket_t fd, short what, void *arg);
static void conn_step(struct conn *c);

static void
peer_to_string(const struct sockaddr_storage *ss, char *out, size_t len)
{
	const struct sockaddr_in6 *six = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *four = (const struct sockaddr_in *)ss;

	if (ss->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&six->sin6_addr))
		inet_ntop(AF_INET, &six->sin6_addr.s6_addr[12], out, len);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &six->sin6_addr, out, len);
	else if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &four->sin_addr, out, len);
	else
		snprintf(out, len, "-");
}

/* One line per request: the protocol's note about it (if any) goes last,
 * in TSV as an eighth column, with what became of a body cut short. */
static void
log_access(struct conn *c)
{
	const struct config *cfg = c->gen->config;
	const struct response *r = &c->response;
	char url[1200], note[1400];
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - c->started.tv_sec) * 1000 + (now.tv_nsec - c->started.tv_nsec) / 1000000;
	if (r->log_request != NULL)
		log_escape(url, sizeof(url), r->log_request, strlen(r->log_request));
	else
		log_escape(url, sizeof(url), c->request, c->line_len);
	snprintf(note, sizeof(note), "%s", r->log_note != NULL ? r->log_note : "");
	if (c->phase == PHASE_BODY)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
		    "%sbody cut short: %zu of %zu bytes, %s", note[0] ? ": " : "",
		    c->body_len - c->body_left, c->body_len, c->timed_out ? "timed out" : "closed");
	if (c->cut != NULL)
		snprintf(note + strlen(note), sizeof(note) - strlen(note), "%s%s", note[0] ? " " : "",
		    c->cut);
	if (cfg->log_format == LOG_FORMAT_TSV)
		log_info("%s\t%s\t%s\t%s\t%d\t%zu\t%ld%s%s", c->service->protocol->name,
		    cfg->log_addresses ? c->peer : "-", c->sni[0] ? c->sni : "-", url,
		    r->status, c->bytes_sent, ms, note[0] ? "\t" : "", note);
	else
		log_info("%s %s %s \"%s\" %d %zu %ldms%s%s", c->service->protocol->name,
		    cfg->log_addresses ? c->peer : "-", c->sni[0] ? c->sni : "-", url,
		    r->status, c->bytes_sent, ms, note[0] ? " " : "", note);
}

static void
conn_close(struct conn *c)
{
	struct net_loop *loop = c->loop;

	if (c->have_request)
		log_access(c);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		loop->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	loop->nconns--;
	atomic_fetch_sub(loop->connections, 1);
	if (c->counted)
		address_limits_disconnect(loop->limits, &c->client);
	if (c->job != NULL)
		c->service->protocol->job_free(c->job);
	event_free(c->io);
	event_free(c->timer);
	event_free(c->handled);
	SSL_free(c->ssl);
	close(c->fd);
	response_reset(&c->response);
	free(c->chunk);
	net_generation_unref(c->gen);
	free(c);
	if (loop->closed != NULL)
		loop->closed(loop->closed_arg);
}

static void
conn_wait(struct conn *c, short what)
{
	/* The event persists: re-arm (an epoll_ctl call) only on a change. */
	if (event_pending(c->io, EV_READ | EV_WRITE, NULL) && event_get_events(c->io) ==
	    (what | EV_PERSIST))
		return;
	event_del(c->io);
	event_assign(c->io, c->loop->base, c->fd, what | EV_PERSIST, conn_on_io, c);
	event_add(c->io, NULL);
}

static void
conn_deadline(struct conn *c, time_t seconds)
{
	struct timeval tv = { seconds, 0 };

	evtimer_add(c->timer, &tv);
}

/*
 * The progress rule for responses: the client must take at least
 * write_min_rate bytes a second, averaged over write_timeout seconds.  A
 * credit of at most write_min_rate × write_timeout bytes drains at
 * write_min_rate a second and what the client takes refills it; at zero
 * the connection is closed.  A reader that stops is closed within
 * write_timeout seconds however large the file; a slow but steady one
 * gets it whole.
 */
static long long
write_rate(const struct config *cfg)
{
	return cfg->write_min_rate > 0 ? (long long)cfg->write_min_rate : 1;
}

static void
write_credit_add(struct conn *c, size_t bytes)
{
	const struct config *cfg = c->gen->config;
	long long now = monotonic_ms(), cap = write_rate(cfg) * (long long)cfg->write_timeout;

	c->write_credit -= write_rate(cfg) * (now - c->write_credit_ms) / 1000;
	c->write_credit += (long long)bytes;
	if (c->write_credit > cap)
		c->write_credit = cap;
	c->write_credit_ms = now;
}

/* The timer fires when the credit would be spent if nothing moved: 1
 * when it is spent, else the timer is set again for what is left. */
static int
write_credit_spent(struct conn *c)
{
	long long ms;
	struct timeval tv;

	write_credit_add(c, 0);
	if (c->write_credit <= 0)
		return 1;
	ms = c->write_credit * 1000 / write_rate(c->gen->config) + 1;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(c->timer, &tv);
	return 0;
}

static void conn_answered_whole(struct conn *c);
static int conn_answer(struct conn *c);
static void conn_throttle(struct conn *c);

/* Count the connection against its address (c->client) once that is
 * known: after the PROXY header, behind a balancer.  0 when over the cap:
 * then it is closed, with a log line. */
static int
conn_admit(struct conn *c)
{
	const struct config *cfg = c->gen->config;
	int rc;

	if ((rc = address_limits_connect(c->loop->limits, &c->client, monotonic_ms())) != 0) {
		c->counted = rc == 1;
		return 1;
	}
	log_warn("per-address connection limit (%u) reached: connection from %s closed",
	    cfg->max_connections_per_ip, cfg->log_addresses ? c->peer : "-");
	conn_close(c);
	return 0;
}

static void
conn_on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (c->phase == PHASE_THROTTLED) {
		conn_throttle(c);
		return;
	}
	if (c->phase == PHASE_WRITING) {
		if (!write_credit_spent(c))
			return;
		log_info("%s %s: response stalled (under %u bytes/s over %us), closed after %zu of "
		    "%zu bytes", c->service->protocol->name, c->gen->config->log_addresses ?
		    c->peer : "-", c->gen->config->write_min_rate, c->gen->config->write_timeout,
		    c->bytes_sent, response_size(&c->response));
		c->cut = "cut: stalled";
	}
	/* A body's deadline is told by its request's own log line. */
	c->timed_out = 1;
	if (c->phase <= PHASE_REQUEST)
		log_info("%s %s: %s timed out, closed", c->service->protocol->name,
		    c->gen->config->log_addresses ? c->peer : "-",
		    c->phase == PHASE_PROXY ? "PROXY header" :
		    c->phase == PHASE_HANDSHAKE ? "handshake" : "request");
	/* Some protocols' clients expect an answer rather than a silent close. */
	if (c->phase == PHASE_REQUEST &&
	    c->service->protocol->timed_out(c->service->ctx, &c->response)) {
		conn_answered_whole(c);
		conn_step(c);
		return;
	}
	conn_close(c);
}

/* I/O results: > 0 bytes; 0 the peer closed; -1 error; -2 wait (c->want set). */
static ssize_t
conn_tls_result(struct conn *c, int ret, short *want)
{
	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		*want = EV_READ;
		return -2;
	case SSL_ERROR_WANT_WRITE:
		*want = EV_WRITE;
		return -2;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	default:
		ERR_clear_error();
		return -1;
	}
}

static ssize_t
conn_read(struct conn *c, void *data, size_t len, short *want)
{
	ssize_t n;
	int ret;

	if (c->ssl != NULL) {
		ERR_clear_error();
		if ((ret = SSL_read(c->ssl, data, (int)len)) > 0)
			return ret;
		return conn_tls_result(c, ret, want);
	}
	if ((n = read(c->fd, data, len)) >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR) {
		*want = EV_READ;
		return -2;
	}
	return -1;
}

static ssize_t
conn_write(struct conn *c, const void *data, size_t len, short *want)
{
	ssize_t n;
	int ret;

	if (len == 0)
		return 0;
	if (c->ssl != NULL) {
		ERR_clear_error();
		if ((ret = SSL_write(c->ssl, data, (int)(len > INT_MAX ? INT_MAX : len))) > 0)
			return ret;
		return conn_tls_result(c, ret, want);
	}
	if ((n = send(c->fd, data, len, MSG_NOSIGNAL)) >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR) {
		*want = EV_WRITE;
		return -2;
	}
	return -1;
}

/* Runs on a pool thread: producing may block on disk or conversion. */
static void
conn_produce(void *arg)
{
	struct conn *c = arg;

	c->service->protocol->produce(c->job, &c->response);
	c->job = NULL;
	event_active(c->handled, 0, 0);
}

static void
conn_start_writing(struct conn *c)
{
	const struct config *cfg = c->gen->config;

	response_coalesce(&c->response, FILE_CHUNK);
	c->phase = PHASE_WRITING;
	c->write_credit = write_rate(cfg) * (long long)cfg->write_timeout;
	c->write_credit_ms = monotonic_ms();
	conn_deadline(c, (time_t)cfg->write_timeout);
}

static void
conn_on_handled(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	conn_start_writing(c);
	conn_step(c);
}

/* A whole request line.  Over its address's rate: the protocol's slow
 * down answer (1, writing next) or, when it has none, a wait (0).  Else
 * conn_answer(). */
static int
conn_got_line(struct conn *c, size_t line_len)
{
	unsigned wait;

	c->line_len = line_len;
	c->have_request = 1;
	evtimer_del(c->timer);
	if ((wait = address_limits_request(c->loop->limits, &c->client, monotonic_ms())) > 0) {
		if (c->service->protocol->slow_down(c->service->ctx, wait, &c->response)) {
			conn_start_writing(c);
			return 1;
		}
		c->phase = PHASE_THROTTLED;
		event_del(c->io);
		conn_deadline(c, wait);
		return 0;
	}
	return conn_answer(c);
}

/* A protocol without a "slow down" answer: over the rate, the answer
 * waits instead, so that a mirroring client gets the file late rather
 * than an error in its place.  Runs when the wait is over. */
static void
conn_throttle(struct conn *c)
{
	unsigned wait;

	if ((wait = address_limits_request(c->loop->limits, &c->client, monotonic_ms())) > 0) {
		conn_deadline(c, wait);
		return;
	}
	if (conn_answer(c))
		conn_step(c);
}

/* Hand the job to the pool, where produce() answers it. */
static void
conn_submit(struct conn *c)
{
	c->phase = PHASE_HANDLING;
	event_del(c->io);
	evtimer_del(c->timer);
	free(c->chunk);
	c->chunk = NULL;
	c->task.fn = conn_produce;
	c->task.arg = c;
	if (handler_pool_submit(c->loop->pool, &c->task) == -1)
		conn_close(c);
}

/* A piece of the body to the job.  1: go on reading; 0: the body is
 * whole, or the job wants no more: handed to the pool. */
static int
conn_take_body(struct conn *c, const char *data, size_t len)
{
	if (len > c->body_left)
		len = c->body_left;
	c->body_left -= len;
	if (len > 0 && c->service->protocol->body(c->job, data, len) == -1) {
		conn_submit(c);
		return 0;
	}
	if (c->body_left == 0) {
		conn_submit(c);
		return 0;
	}
	return 1;
}

/* The job wants the body its request announced: under a deadline that
 * grows with its length, first what came with the line (after its CRLF
 * or LF), then the rest in PHASE_BODY.  1: reading next; 0: handed to
 * the pool. */
static int
conn_begin_body(struct conn *c)
{
	const struct config *cfg = c->gen->config;
	size_t start = c->line_len + (c->request[c->line_len] == '\r' ? 2 : 1);

	c->body_left = c->body_len;
	c->phase = PHASE_BODY;
	conn_deadline(c, (time_t)cfg->request_timeout +
	    (time_t)(c->body_len / (cfg->write_min_rate ? cfg->write_min_rate : 1)));
	if (start < c->request_len && !conn_take_body(c, c->request + start, c->request_len - start))
		return 0;
	return 1;
}

/* The protocol answers the request line on the loop when it can (a
 * static file costs two context switches more on the pool, which is most
 * of its cost), else it makes a job produced on the pool, after reading
 * the body the request announced, if any.  1: answered, writing next, or
 * reading the body; 0: handed to the pool, or closed. */
static int
conn_answer(struct conn *c)
{
	const struct protocol *p = c->service->protocol;
	struct request_info req = { c->request, c->line_len, c->sni, c->fingerprint,
		c->ssl != NULL ? tls_peer_certificate(c->ssl) : NULL };

	if (p->answer(c->service->ctx, &req, &c->response, &c->job)) {
		conn_start_writing(c);
		return 1;
	}
	if (p->body_length != NULL && (c->body_len = p->body_length(c->job)) > 0)
		return conn_begin_body(c);
	conn_submit(c);
	return 0;
}

/* The rest of the body, at most one chunk at a time.  0: waiting, handed
 * to the pool, or closed (the client went away: the job is dropped). */
static int
conn_read_body(struct conn *c)
{
	short want = EV_READ;
	ssize_t n;

	if (c->chunk == NULL && (c->chunk = malloc(FILE_CHUNK)) == NULL) {
		conn_close(c);
		return 0;
	}
	for (;;) {
		n = conn_read(c, c->chunk, c->body_left < FILE_CHUNK ? c->body_left : FILE_CHUNK,
		    &want);
		if (n == -2) {
			conn_wait(c, want);
			return 0;
		}
		if (n <= 0) {
			conn_close(c);
			return 0;
		}
		if (!conn_take_body(c, c->chunk, (size_t)n))
			return 0;
	}
}

/* What was read so far is the request of the answer now in c->response
 * (bad framing, a timeout): log it whole and send the answer. */
static void
conn_answered_whole(struct conn *c)
{
	c->line_len = c->request_len;
	c->have_request = 1;
	conn_start_writing(c);
}

/* Bytes that cannot be framed are answered at once, without the pool.
 * reason NULL: the protocol's frame() said FRAME_BAD. */
static void
conn_bad_frame(struct conn *c, const char *reason)
{
	c->service->protocol->bad_request(c->service->ctx, reason, &c->response);
	conn_answered_whole(c);
}

/* The server side of a TLS handshake, next.  0, or -1 (closed). */
static int
conn_begin_tls(struct conn *c)
{
	if (c->gen->tls == NULL || (c->ssl = SSL_new(tls_default_context(c->gen->tls))) == NULL) {
		conn_close(c);
		return -1;
	}
	SSL_set_fd(c->ssl, c->fd);
	SSL_set_accept_state(c->ssl);
	c->phase = PHASE_HANDSHAKE;
	return 0;
}

/* A plain protocol may share its port with TLS: a TLS record starts with
 * 0x16, which no request line does.  1: TLS started; 0: plain; -1:
 * waiting or closed. */
static int
conn_sniff_tls(struct conn *c)
{
	unsigned char first;
	ssize_t n;

	n = recv(c->fd, &first, 1, MSG_PEEK);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		conn_wait(c, EV_READ);
		return -1;
	}
	if (n <= 0) {
		conn_close(c);
		return -1;
	}
	if (first != 0x16 || c->gen->tls == NULL)
		return 0;
	return conn_begin_tls(c) == 0 ? 1 : -1;
}

/* 1: answered at once (bad framing, or answered on the loop), or TLS to
 * handshake first: go on; 0: waiting, handed to the pool, or closed. */
static int
conn_read_request(struct conn *c)
{
	size_t line_len = 0;
	ssize_t n;
	short want = EV_READ;
	int tls;

	if (c->service->tls_sniff && c->ssl == NULL && c->request_len == 0) {
		if ((tls = conn_sniff_tls(c)) != 0)
			return tls == 1;
	}
	for (;;) {
		if (c->request_len == sizeof(c->request)) {
			conn_bad_frame(c, "request line too long");
			return 1;
		}
		n = conn_read(c, c->request + c->request_len, sizeof(c->request) - c->request_len, &want);
		if (n == -2) {
			conn_wait(c, want);
			return 0;
		}
		if (n <= 0) {
			conn_close(c);
			return 0;
		}
		c->request_len += (size_t)n;
		switch (c->service->protocol->frame(c->request, c->request_len, &line_len)) {
		case FRAME_COMPLETE:
			return conn_got_line(c, line_len);
		case FRAME_BAD:
			conn_bad_frame(c, NULL);
			return 1;
		case FRAME_NEED_MORE:
			break;
		}
	}
}

/* Discard the rest of a long PROXY v2 header.  1 done, 0 waiting/closed. */
static int
conn_skip_proxy_tlvs(struct conn *c)
{
	char sink[512];
	ssize_t n;

	while (c->proxy_skip > 0) {
		n = read(c->fd, sink, c->proxy_skip < sizeof(sink) ? c->proxy_skip : sizeof(sink));
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			conn_wait(c, EV_READ);
			return 0;
		}
		if (n <= 0) {
			conn_close(c);
			return 0;
		}
		c->proxy_skip -= (size_t)n;
	}
	return 1;
}

/*
 * Read the PROXY header without reading past it: what follows belongs to
 * TLS or to the request.  Peek, then consume exactly the header's bytes
 * (or all peeked bytes while the header is still incomplete).
 * 1: the header is read; 0: waiting or closed.
 */
static int
conn_read_proxy_header(struct conn *c)
{
	struct sockaddr_storage peer;
	enum proxy_result res;
	size_t consumed, want;
	ssize_t n;

	for (;;) {
		n = recv(c->fd, c->request + c->request_len, sizeof(c->request) - c->request_len,
		    MSG_PEEK);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			conn_wait(c, EV_READ);
			return 0;
		}
		if (n <= 0) {
			log_limited(&bad_proxy_headers, "%s %s: connection closed in its PROXY header",
			    c->service->protocol->name, c->gen->config->log_addresses ? c->peer : "-");
			conn_close(c);
			return 0;
		}
		res = proxy_header_parse((unsigned char *)c->request, c->request_len + (size_t)n,
		    &consumed, &peer);
		if (res == PROXY_BAD || (res == PROXY_NEED_MORE &&
		    c->request_len + (size_t)n == sizeof(c->request))) {
			log_limited(&bad_proxy_headers, "%s %s: bad PROXY protocol header (%s), closed",
			    c->service->protocol->name, c->gen->config->log_addresses ? c->peer : "-",
			    res == PROXY_BAD ? "malformed" : "too long");
			conn_close(c);
			return 0;
		}
		want = res == PROXY_DONE ? consumed - c->request_len : (size_t)n;
		if (want > (size_t)n) {
			c->proxy_skip = want - (size_t)n;
			want = (size_t)n;
		}
		if (read(c->fd, c->request + c->request_len, want) != (ssize_t)want) {
			conn_close(c);
			return 0;
		}
		c->request_len += want;
		if (res == PROXY_DONE) {
			/* LOCAL (no address): the balancer's own check, not limited. */
			memset(&c->client, 0, sizeof(c->client));
			if (peer.ss_family != AF_UNSPEC) {
				peer_to_string(&peer, c->peer, sizeof(c->peer));
				address_key_of(c->loop->limits, &peer, &c->client);
			}
			c->request_len = 0;
			return 1;
		}
	}
}

static int
conn_read_proxy(struct conn *c)
{
	if (c->proxy_skip == 0 && !conn_read_proxy_header(c))
		return 0;
	if (c->proxy_skip > 0 && !conn_skip_proxy_tlvs(c))
		return 0;
	if (!conn_admit(c))
		return 0;
	c->phase = c->ssl != NULL ? PHASE_HANDSHAKE : PHASE_REQUEST;
	return 1;
}

/* One rate-limited line: what OpenSSL said, or how the client left. */
static void
conn_handshake_failed(struct conn *c, int ret)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
	int err = SSL_get_error(c->ssl, ret);

	if (reason == NULL)
		reason = err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN ?
		    "the client closed the connection" : "no reason given";
	log_limited(&handshake_failures, "%s %s: TLS handshake failed: %s",
	    c->service->protocol->name, c->gen->config->log_addresses ? c->peer : "-", reason);
}

static int
conn_handshake(struct conn *c)
{
	const char *name;
	short want = EV_READ;
	int ret;

	ERR_clear_error();
	if ((ret = SSL_do_handshake(c->ssl)) != 1) {
		if (SSL_get_error(c->ssl, ret) == SSL_ERROR_WANT_READ ||
		    SSL_get_error(c->ssl, ret) == SSL_ERROR_WANT_WRITE) {
			conn_tls_result(c, ret, &want);
			conn_wait(c, want);
			return 0;
		}
		conn_handshake_failed(c, ret);
		ERR_clear_error();
		conn_close(c);
		return 0;
	}
	if ((name = SSL_get_servername(c->ssl, TLSEXT_NAMETYPE_host_name)) != NULL)
		snprintf(c->sni, sizeof(c->sni), "%s", name);
	tls_peer_fingerprint(c->ssl, c->fingerprint);
	c->phase = PHASE_REQUEST;
	return 1;
}

/* Send pending bytes of [data, data+len) from *sent.  1 done, 0 waiting/closed. */
static int
conn_send(struct conn *c, const char *data, size_t len, size_t *sent)
{
	short want = EV_WRITE;
	ssize_t n;

	while (*sent < len) {
		n = conn_write(c, data + *sent, len - *sent, &want);
		if (n == -2) {
			conn_wait(c, want);
			return 0;
		}
		if (n <= 0) {
			conn_close(c);
			return 0;
		}
		*sent += (size_t)n;
		c->bytes_sent += (size_t)n;
		write_credit_add(c, (size_t)n);
	}
	return 1;
}

static int
conn_send_file(struct conn *c)
{
	struct response *r = &c->response;
	ssize_t n;

	while (c->chunk_sent < c->chunk_len || c->file_sent < r->file_size) {
		if (c->chunk_sent == c->chunk_len) {
			if (c->chunk == NULL && (c->chunk = malloc(FILE_CHUNK)) == NULL) {
				conn_close(c);
				return 0;
			}
			n = pread(r->fd, c->chunk, FILE_CHUNK, c->file_sent);
			if (n <= 0) {
				/* The file shrank or failed under us: the response
				 * cannot be completed, so it must not look complete. */
				log_warn("file read failed mid-response, connection closed");
				conn_close(c);
				return 0;
			}
			if ((off_t)n > r->file_size - c->file_sent)
				n = (ssize_t)(r->file_size - c->file_sent);
			c->chunk_len = (size_t)n;
			c->chunk_sent = 0;
			c->file_sent += n;
		}
		if (!conn_send(c, c->chunk, c->chunk_len, &c->chunk_sent))
			return 0;
	}
	free(c->chunk);
	c->chunk = NULL;
	return 1;
}

static int
conn_write_response(struct conn *c)
{
	struct response *r = &c->response;

	if (!conn_send(c, r->head.data, r->head.len, &c->head_sent))
		return 0;
	if (!conn_send(c, r->shared, r->shared_len, &c->shared_sent))
		return 0;
	if (r->fd != -1 && !conn_send_file(c))
		return 0;
	if (!conn_send(c, r->foot.data, r->foot.len, &c->foot_sent))
		return 0;
	/* Logged once the whole response is out; a connection that dies
	 * before is logged by conn_close() with the bytes it got. */
	log_access(c);
	c->have_request = 0;
	c->phase = c->ssl != NULL ? PHASE_SHUTDOWN : PHASE_LINGER;
	if (c->ssl == NULL)
		shutdown(c->fd, SHUT_WR);
	evtimer_del(c->timer);
	conn_deadline(c, c->ssl != NULL ? SHUTDOWN_SECONDS : LINGER_SECONDS);
	return 1;
}

/* close_notify tells the client the body is complete; the peer's own
 * alert is not waited for beyond the linger time. */
static int
conn_shutdown_tls(struct conn *c)
{
	short want = EV_WRITE;
	int ret;

	ERR_clear_error();
	ret = SSL_shutdown(c->ssl);
	if (ret < 0) {
		if (conn_tls_result(c, ret, &want) == -2) {
			conn_wait(c, want);
			return 0;
		}
		conn_close(c);
		return 0;
	}
	shutdown(c->fd, SHUT_WR);
	c->phase = PHASE_LINGER;
	evtimer_del(c->timer);
	conn_deadline(c, LINGER_SECONDS);
	return 1;
}

/* Drain what the client still sends so that closing does not reset the
 * connection and destroy the tail of the response in its receive queue. */
static void
conn_linger(struct conn *c)
{
	char sink[4096];
	ssize_t n;

	for (;;) {
		n = read(c->fd, sink, sizeof(sink));
		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			conn_wait(c, EV_READ);
			return;
		}
		conn_close(c);
		return;
	}
}

/* Run the connection's phases until one has to wait (or closed it).  Each
 * phase function returns 1 when it finished and set the next phase, 0 when
 * it is waiting for the socket or the connection is gone. */
static void
conn_step(struct conn *c)
{
	int advanced;

	do {
		switch (c->phase) {
		case PHASE_PROXY:
			advanced = conn_read_proxy(c);
			break;
		case PHASE_HANDSHAKE:
			advanced = conn_handshake(c);
			break;
		case PHASE_REQUEST:
			advanced = conn_read_request(c);
			break;
		case PHASE_BODY:
			advanced = conn_read_body(c);
			break;
		case PHASE_THROTTLED:
		case PHASE_HANDLING:
			advanced = 0;
			break;
		case PHASE_WRITING:
			advanced = conn_write_response(c);
			break;
		case PHASE_SHUTDOWN:
			advanced = conn_shutdown_tls(c);
			break;
		case PHASE_LINGER:
		default:
			conn_linger(c);
			advanced = 0;
			break;
		}
	} while (advanced);
}

static void
conn_on_io(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_step(arg);
}

/* The service of the listener's protocol in the generation. */
static const struct net_service *
service_of(const struct net_generation *gen, const struct protocol *protocol)
{
	size_t i;

	for (i = 0; i < gen->nservices; i++)
		if (gen->services[i].protocol == protocol)
			return &gen->services[i];
	return NULL;
}

void
conn_start(struct net_loop *loop, int fd, const struct listener *l, struct net_generation *gen,
    const struct sockaddr_storage *peer)
{
	struct conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		atomic_fetch_sub(loop->connections, 1);
		net_generation_unref(gen);
		return;
	}
	c->loop = loop;
	c->fd = fd;
	c->gen = gen;
	c->service = service_of(gen, l->protocol);
	c->phase = PHASE_REQUEST;
	response_init(&c->response);
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	peer_to_string(peer, c->peer, sizeof(c->peer));
	c->io = event_new(loop->base, fd, EV_READ, conn_on_io, c);
	c->timer = evtimer_new(loop->base, conn_on_timeout, c);
	c->handled = event_new(loop->base, -1, 0, conn_on_handled, c);
	c->next = loop->conns;
	if (loop->conns != NULL)
		loop->conns->prev = c;
	loop->conns = c;
	loop->nconns++;
	if (c->io == NULL || c->timer == NULL || c->handled == NULL || c->service == NULL) {
		conn_close(c);
		return;
	}
	if (c->service->protocol->tls_always && conn_begin_tls(c) == -1)
		return;
	if (gen->config->proxy_protocol)
		c->phase = PHASE_PROXY;
	address_key_of(loop->limits, peer, &c->client);
	if (c->phase != PHASE_PROXY && !conn_admit(c))
		return;
	conn_deadline(c, (time_t)gen->config->request_timeout);
	/* The listener defers accept until the client has sent data, so read
	 * at once rather than waiting for the loop to say so. */
	conn_step(c);
}

void
net_loop_close_all(struct net_loop *loop)
{
	while (loop->conns != NULL) {
		loop->conns->cut = "cut: shutdown deadline";
		conn_close(loop->conns);
	}
}
