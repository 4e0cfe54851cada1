/*
 * loadgen: a closed-loop Gemini/Gopher load generator.
 *
 * C connection slots each loop: connect, (TLS handshake, full or resumed),
 * send one request line, read until the server closes, record the latency,
 * start again.  One thread and one epoll set, so the client needs one core
 * and the server can be pinned to another.  Prints one line of key=value.
 *
 * --idle N instead opens N connections, completes the handshakes, prints
 * "idle_ready=N" and holds them for --hold seconds before closing: the
 * server's memory per idle connection is read meanwhile.
 */

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAX_EVENTS	256
#define TICK_MS		50

enum proto {
	PROTO_GEMINI,
	PROTO_GOPHER,
};

enum slot_state {
	SLOT_FREE,
	SLOT_CONNECTING,
	SLOT_HANDSHAKE,
	SLOT_SENDING,
	SLOT_READING,
	SLOT_IDLE,
};

enum outcome {
	OUTCOME_OK,
	OUTCOME_TRUNCATED,
	OUTCOME_ERROR,
};

struct options {
	enum proto	 proto;
	const char	*host;
	int		 port;
	char		 request[1100];
	char		 sni[256];
	int		 conns;
	double		 duration;
	uint64_t	 max_requests;
	bool		 resume;
	int		 idle;
	double		 hold;
	double		 timeout;
};

struct slot {
	enum slot_state	 state;
	int		 fd;
	SSL		*ssl;
	uint32_t	 events;
	double		 started;
	size_t		 sent;
	uint64_t	 bytes;
	char		 first;		/* first response byte: the status */
};

struct latencies {
	uint32_t	*us;
	size_t		 len;
	size_t		 cap;
};

struct stats {
	uint64_t	 requests;
	uint64_t	 errors;
	uint64_t	 truncated;
	uint64_t	 resumed;
	uint64_t	 bad_status;
	uint64_t	 bytes;
	uint64_t	 idle_ready;
	uint64_t	 idle_dropped;
	struct latencies lat;
};

/* A TLS 1.3 client spends a ticket when it resumes with it (OpenSSL marks
 * the session not resumable, as RFC 8446 advises): keep the unused ones and
 * give each connection its own, newest first, as a real client would. */
#define TICKETS_MAX	4096

struct loadgen {
	const struct options	*opts;
	struct sockaddr_in	 addr;
	SSL_CTX			*ctx;
	SSL_SESSION		*tickets[TICKETS_MAX]; /* unused ones, for --resume */
	int			 ntickets;
	int			 epfd;
	struct slot		*slots;
	int			 nslots;
	uint64_t		 started;	/* connections begun */
	bool			 stopping;	/* no new connections */
	struct stats		 stats;
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu_seconds(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: loadgen --proto gemini|gopher [--host IP] --port N\n"
	    "               [--url URL | --selector SEL] [-c CONNS]\n"
	    "               [-d SECONDS | -n REQUESTS] [--resume]\n"
	    "               [--idle N [--hold SECONDS]] [--sni NAME]\n"
	    "               [--timeout SECONDS]\n");
	exit(2);
}

/* The SNI name defaults to the host of a gemini:// URL. */
static void
sni_from_url(const char *url, char *sni, size_t size)
{
	const char	*host = strstr(url, "://");
	size_t		 len;

	if (host == NULL)
		return;
	host += 3;
	len = strcspn(host, ":/");
	if (len == 0 || len >= size)
		return;
	memcpy(sni, host, len);
	sni[len] = '\0';
}

static void
parse_options(int argc, char **argv, struct options *opts)
{
	static const struct option longopts[] = {
		{ "proto",	required_argument,	NULL, 'P' },
		{ "host",	required_argument,	NULL, 'H' },
		{ "port",	required_argument,	NULL, 'p' },
		{ "url",	required_argument,	NULL, 'u' },
		{ "selector",	required_argument,	NULL, 's' },
		{ "sni",	required_argument,	NULL, 'S' },
		{ "resume",	no_argument,		NULL, 'r' },
		{ "idle",	required_argument,	NULL, 'i' },
		{ "hold",	required_argument,	NULL, 'h' },
		{ "timeout",	required_argument,	NULL, 't' },
		{ NULL,		0,			NULL, 0 },
	};
	const char	*target = NULL;
	int		 ch, n;

	*opts = (struct options){
		.proto = PROTO_GEMINI, .host = "127.0.0.1", .conns = 1,
		.duration = 5, .hold = 3, .timeout = 10,
	};
	while ((ch = getopt_long(argc, argv, "c:d:n:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'P':
			if (strcmp(optarg, "gemini") == 0)
				opts->proto = PROTO_GEMINI;
			else if (strcmp(optarg, "gopher") == 0)
				opts->proto = PROTO_GOPHER;
			else
				usage();
			break;
		case 'H':
			opts->host = optarg;
			break;
		case 'p':
			opts->port = atoi(optarg);
			break;
		case 'u':
		case 's':
			target = optarg;
			break;
		case 'S':
			snprintf(opts->sni, sizeof(opts->sni), "%s", optarg);
			break;
		case 'r':
			opts->resume = true;
			break;
		case 'i':
			opts->idle = atoi(optarg);
			break;
		case 'h':
			opts->hold = atof(optarg);
			break;
		case 't':
			opts->timeout = atof(optarg);
			break;
		case 'c':
			opts->conns = atoi(optarg);
			break;
		case 'd':
			opts->duration = atof(optarg);
			break;
		case 'n':
			opts->max_requests = strtoull(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || opts->port <= 0 || opts->port > 65535 ||
	    opts->conns <= 0 || opts->idle < 0 || opts->timeout <= 0)
		usage();
	if (target == NULL)
		target = opts->proto == PROTO_GEMINI ? "gemini://localhost/" : "";
	n = snprintf(opts->request, sizeof(opts->request), "%s\r\n", target);
	if (n < 0 || (size_t)n >= sizeof(opts->request))
		usage();
	if (opts->sni[0] == '\0' && opts->proto == PROTO_GEMINI)
		sni_from_url(target, opts->sni, sizeof(opts->sni));
}

/* Idle mode holds one descriptor per connection: lift the soft limit. */
static void
raise_fd_limit(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* TLS 1.3 tickets arrive after the handshake: keep them for later
 * connections, dropping the oldest when full. */
static int
on_new_session(SSL *ssl, SSL_SESSION *session)
{
	struct loadgen	*lg = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));

	if (lg->ntickets == TICKETS_MAX) {
		SSL_SESSION_free(lg->tickets[0]);
		memmove(lg->tickets, lg->tickets + 1,
		    (TICKETS_MAX - 1) * sizeof(lg->tickets[0]));
		lg->ntickets--;
	}
	lg->tickets[lg->ntickets++] = session;
	return 1;
}

/* The newest unused ticket (the caller owns it), or NULL. */
static SSL_SESSION *
take_ticket(struct loadgen *lg)
{
	SSL_SESSION	*session;

	while (lg->ntickets > 0) {
		session = lg->tickets[--lg->ntickets];
		if (SSL_SESSION_is_resumable(session))
			return session;
		SSL_SESSION_free(session);
	}
	return NULL;
}

static SSL_CTX *
tls_context(struct loadgen *lg)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	/* Gemini trusts on first use: the benchmark checks no chain. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_app_data(ctx, lg);
	if (lg->opts->resume) {
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
		    SSL_SESS_CACHE_NO_INTERNAL_STORE);
		SSL_CTX_sess_set_new_cb(ctx, on_new_session);
	} else
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	return ctx;
}

static void
latency_add(struct latencies *lat, double seconds)
{
	uint32_t	*grown;
	size_t		 cap;

	if (lat->len == lat->cap) {
		cap = lat->cap ? lat->cap * 2 : 4096;
		if ((grown = realloc(lat->us, cap * sizeof(*grown))) == NULL)
			return;
		lat->us = grown;
		lat->cap = cap;
	}
	lat->us[lat->len++] = seconds * 1e6 > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)(seconds * 1e6);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile in milliseconds of sorted latencies. */
static double
percentile_ms(const struct latencies *lat, double p)
{
	size_t	rank;

	if (lat->len == 0)
		return 0;
	rank = (size_t)(p / 100 * lat->len + 0.999999);
	if (rank == 0)
		rank = 1;
	if (rank > lat->len)
		rank = lat->len;
	return lat->us[rank - 1] / 1e3;
}

static void
slot_watch(struct loadgen *lg, struct slot *s, uint32_t events)
{
	struct epoll_event	ev = { .events = events, .data.ptr = s };

	if (s->events == events)
		return;
	if (epoll_ctl(lg->epfd, s->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
	    s->fd, &ev) == 0)
		s->events = events;
}

static void
slot_close(struct loadgen *lg, struct slot *s)
{
	if (s->ssl != NULL) {
		/* Answer close_notify as a polite client does; never wait. */
		if (s->state == SLOT_READING || s->state == SLOT_IDLE)
			SSL_shutdown(s->ssl);
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->fd != -1) {
		epoll_ctl(lg->epfd, EPOLL_CTL_DEL, s->fd, NULL);
		close(s->fd);
		s->fd = -1;
	}
	s->state = SLOT_FREE;
	s->events = 0;
}

static void
slot_finish(struct loadgen *lg, struct slot *s, enum outcome outcome)
{
	struct stats	*st = &lg->stats;

	if (s->state == SLOT_IDLE)
		st->idle_dropped++;
	else if (outcome == OUTCOME_ERROR)
		st->errors++;
	else {
		st->requests++;
		st->bytes += s->bytes;
		if (outcome == OUTCOME_TRUNCATED)
			st->truncated++;
		if (s->bytes == 0 ||
		    (lg->opts->proto == PROTO_GEMINI && s->first != '2'))
			st->bad_status++;
		latency_add(&st->lat, now() - s->started);
	}
	slot_close(lg, s);
}

static bool
may_start(const struct loadgen *lg)
{
	if (lg->stopping)
		return false;
	return lg->opts->max_requests == 0 ||
	    lg->started < lg->opts->max_requests;
}

static void
slot_start(struct loadgen *lg, struct slot *s)
{
	int	fd, one = 1;

	*s = (struct slot){ .state = SLOT_CONNECTING, .fd = -1 };
	s->started = now();
	lg->started++;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		slot_finish(lg, s, OUTCOME_ERROR);
		return;
	}
	s->fd = fd;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&lg->addr, sizeof(lg->addr)) == -1 &&
	    errno != EINPROGRESS) {
		slot_finish(lg, s, OUTCOME_ERROR);
		return;
	}
	slot_watch(lg, s, EPOLLOUT);
}

static void slot_step(struct loadgen *, struct slot *);

static void
tls_begin(struct loadgen *lg, struct slot *s)
{
	SSL_SESSION	*session;

	if ((s->ssl = SSL_new(lg->ctx)) == NULL ||
	    SSL_set_fd(s->ssl, s->fd) != 1) {
		slot_finish(lg, s, OUTCOME_ERROR);
		return;
	}
	if (lg->opts->sni[0] != '\0')
		SSL_set_tlsext_host_name(s->ssl, lg->opts->sni);
	if (lg->opts->resume && (session = take_ticket(lg)) != NULL) {
		SSL_set_session(s->ssl, session);
		SSL_SESSION_free(session);
	}
	s->state = SLOT_HANDSHAKE;
}

/* Map an OpenSSL would-block to epoll interest; false on a real failure. */
static bool
tls_wait(struct loadgen *lg, struct slot *s, int ret)
{
	switch (SSL_get_error(s->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		slot_watch(lg, s, EPOLLIN);
		return true;
	case SSL_ERROR_WANT_WRITE:
		slot_watch(lg, s, EPOLLOUT);
		return true;
	default:
		return false;
	}
}

static void
step_connecting(struct loadgen *lg, struct slot *s)
{
	int		err = 0;
	socklen_t	len = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
	    err != 0) {
		slot_finish(lg, s, OUTCOME_ERROR);
		return;
	}
	if (lg->opts->proto == PROTO_GEMINI)
		tls_begin(lg, s);
	else
		s->state = SLOT_SENDING;
	if (s->state != SLOT_FREE)
		slot_step(lg, s);
}

static void
step_handshake(struct loadgen *lg, struct slot *s)
{
	int	ret;

	ERR_clear_error();
	if ((ret = SSL_connect(s->ssl)) != 1) {
		if (!tls_wait(lg, s, ret))
			slot_finish(lg, s, OUTCOME_ERROR);
		return;
	}
	if (SSL_session_reused(s->ssl))
		lg->stats.resumed++;
	if (lg->opts->idle > 0) {
		s->state = SLOT_IDLE;
		lg->stats.idle_ready++;
		slot_watch(lg, s, EPOLLIN);
		return;
	}
	s->state = SLOT_SENDING;
	slot_step(lg, s);
}

static void
step_sending(struct loadgen *lg, struct slot *s)
{
	const char	*req = lg->opts->request + s->sent;
	size_t		 left = strlen(req);
	ssize_t		 n;
	int		 ret;

	if (s->ssl != NULL) {
		ERR_clear_error();
		if ((ret = SSL_write(s->ssl, req, left)) <= 0) {
			if (!tls_wait(lg, s, ret))
				slot_finish(lg, s, OUTCOME_ERROR);
			return;
		}
		n = ret;
	} else if ((n = write(s->fd, req, left)) == -1) {
		if (errno == EAGAIN)
			slot_watch(lg, s, EPOLLOUT);
		else
			slot_finish(lg, s, OUTCOME_ERROR);
		return;
	}
	s->sent += n;
	if ((size_t)n < left) {
		slot_watch(lg, s, EPOLLOUT);
		return;
	}
	s->state = SLOT_READING;
	slot_watch(lg, s, EPOLLIN);
}

static void
got_bytes(struct slot *s, const char *buf, size_t n)
{
	if (s->bytes == 0 && n > 0)
		s->first = buf[0];
	s->bytes += n;
}

/* End of a TLS stream: clean only if the server sent close_notify. */
static void
tls_read_end(struct loadgen *lg, struct slot *s, int ret)
{
	int	err = SSL_get_error(s->ssl, ret);

	if (err == SSL_ERROR_ZERO_RETURN)
		slot_finish(lg, s, OUTCOME_OK);
	else if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
		tls_wait(lg, s, ret);
	else if (s->bytes > 0)
		slot_finish(lg, s, OUTCOME_TRUNCATED);
	else
		slot_finish(lg, s, OUTCOME_ERROR);
}

static void
step_reading(struct loadgen *lg, struct slot *s)
{
	char	buf[16384];
	ssize_t	n;
	int	ret;

	for (;;) {
		if (s->ssl != NULL) {
			ERR_clear_error();
			if ((ret = SSL_read(s->ssl, buf, sizeof(buf))) <= 0) {
				tls_read_end(lg, s, ret);
				return;
			}
			got_bytes(s, buf, ret);
			continue;
		}
		if ((n = read(s->fd, buf, sizeof(buf))) > 0) {
			got_bytes(s, buf, n);
			continue;
		}
		if (n == -1 && errno == EAGAIN)
			return;
		slot_finish(lg, s, n == 0 ? OUTCOME_OK : OUTCOME_ERROR);
		return;
	}
}

/* An idle connection should stay silent; anything but tickets drops it. */
static void
step_idle(struct loadgen *lg, struct slot *s)
{
	char	buf[512];
	int	ret;

	ERR_clear_error();
	while ((ret = SSL_read(s->ssl, buf, sizeof(buf))) > 0)
		continue;
	if (SSL_get_error(s->ssl, ret) != SSL_ERROR_WANT_READ)
		slot_finish(lg, s, OUTCOME_ERROR);
}

static void
slot_step(struct loadgen *lg, struct slot *s)
{
	switch (s->state) {
	case SLOT_CONNECTING:
		step_connecting(lg, s);
		break;
	case SLOT_HANDSHAKE:
		step_handshake(lg, s);
		break;
	case SLOT_SENDING:
		step_sending(lg, s);
		break;
	case SLOT_READING:
		step_reading(lg, s);
		break;
	case SLOT_IDLE:
		step_idle(lg, s);
		break;
	case SLOT_FREE:
		break;
	}
}

/* Fail slots past the per-request timeout; refill free ones. */
static int
sweep(struct loadgen *lg, double t)
{
	struct slot	*s;
	int		 busy = 0, i;

	for (i = 0; i < lg->nslots; i++) {
		s = &lg->slots[i];
		if (s->state != SLOT_FREE && s->state != SLOT_IDLE &&
		    t - s->started > lg->opts->timeout)
			slot_finish(lg, s, OUTCOME_ERROR);
		if (s->state == SLOT_FREE && may_start(lg))
			slot_start(lg, s);
		busy += s->state != SLOT_FREE;
	}
	return busy;
}

static void
dispatch(struct loadgen *lg, int timeout_ms)
{
	struct epoll_event	events[MAX_EVENTS];
	struct slot		*s;
	int			 i, n;

	n = epoll_wait(lg->epfd, events, MAX_EVENTS, timeout_ms);
	for (i = 0; i < n; i++) {
		s = events[i].data.ptr;
		slot_step(lg, s);
		if (s->state == SLOT_FREE && may_start(lg))
			slot_start(lg, s);
	}
}

static double
run_load(struct loadgen *lg)
{
	double	begin = now(), t;

	for (;;) {
		t = now();
		if (lg->opts->max_requests == 0 &&
		    t - begin >= lg->opts->duration)
			lg->stopping = true;
		if (sweep(lg, t) == 0 && !may_start(lg))
			break;
		dispatch(lg, TICK_MS);
	}
	return now() - begin;
}

static int
count_state(const struct loadgen *lg, enum slot_state state)
{
	int	i, n = 0;

	for (i = 0; i < lg->nslots; i++)
		n += lg->slots[i].state == state;
	return n;
}

/* Open every idle connection, C handshakes in flight at a time. */
static void
run_idle(struct loadgen *lg)
{
	double	deadline, begin = now();
	int	next = 0, inflight;

	lg->stopping = true;
	for (;;) {
		inflight = count_state(lg, SLOT_CONNECTING) +
		    count_state(lg, SLOT_HANDSHAKE);
		while (inflight < lg->opts->conns && next < lg->nslots) {
			slot_start(lg, &lg->slots[next++]);
			inflight++;
		}
		if ((inflight == 0 && next == lg->nslots) ||
		    now() - begin > lg->opts->timeout)
			break;
		dispatch(lg, TICK_MS);
	}
	printf("idle_ready=%" PRIu64 "\n", lg->stats.idle_ready);
	fflush(stdout);
	deadline = now() + lg->opts->hold;
	while (now() < deadline)
		dispatch(lg, TICK_MS);
}

/*
 * client_cpu near 1 means this client, not the server, limited the rate:
 * compare servers by their CPU per request then.
 */
static void
report(struct loadgen *lg, double elapsed, double cpu)
{
	struct stats	*st = &lg->stats;

	if (st->lat.len > 0)
		qsort(st->lat.us, st->lat.len, sizeof(*st->lat.us), cmp_u32);
	printf("requests=%" PRIu64 " errors=%" PRIu64 " truncated=%" PRIu64
	    " resumed=%" PRIu64 " bad_status=%" PRIu64
	    " rps=%.1f p50_ms=%.3f p99_ms=%.3f bytes=%" PRIu64
	    " elapsed_s=%.3f client_cpu=%.2f",
	    st->requests, st->errors, st->truncated, st->resumed,
	    st->bad_status, elapsed > 0 ? st->requests / elapsed : 0,
	    percentile_ms(&st->lat, 50), percentile_ms(&st->lat, 99),
	    st->bytes, elapsed, elapsed > 0 ? cpu / elapsed : 0);
	if (lg->opts->idle > 0)
		printf(" idle_ready=%" PRIu64 " idle_dropped=%" PRIu64,
		    st->idle_ready, st->idle_dropped);
	printf("\n");
}

static int
loadgen_init(struct loadgen *lg, const struct options *opts)
{
	int	i;

	*lg = (struct loadgen){ .opts = opts, .epfd = -1 };
	lg->addr.sin_family = AF_INET;
	lg->addr.sin_port = htons(opts->port);
	if (inet_pton(AF_INET, opts->host, &lg->addr.sin_addr) != 1) {
		fprintf(stderr, "loadgen: %s: not an IPv4 address\n",
		    opts->host);
		return -1;
	}
	if (opts->proto == PROTO_GEMINI && (lg->ctx = tls_context(lg)) == NULL)
		return -1;
	if ((lg->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return -1;
	lg->nslots = opts->idle > 0 ? opts->idle : opts->conns;
	if ((lg->slots = calloc(lg->nslots, sizeof(*lg->slots))) == NULL)
		return -1;
	for (i = 0; i < lg->nslots; i++)
		lg->slots[i].fd = -1;
	return 0;
}

static void
loadgen_free(struct loadgen *lg)
{
	int	i;

	for (i = 0; lg->slots != NULL && i < lg->nslots; i++)
		slot_close(lg, &lg->slots[i]);
	free(lg->slots);
	free(lg->stats.lat.us);
	while (lg->ntickets > 0)
		SSL_SESSION_free(lg->tickets[--lg->ntickets]);
	SSL_CTX_free(lg->ctx);
	if (lg->epfd != -1)
		close(lg->epfd);
}

int
main(int argc, char **argv)
{
	struct options	opts;
	struct loadgen	lg;
	double		elapsed = 0, cpu;
	int		rc = 0;

	parse_options(argc, argv, &opts);
	raise_fd_limit();
	cpu = cpu_seconds();
	if (loadgen_init(&lg, &opts) == -1) {
		perror("loadgen");
		rc = 1;
	} else if (opts.idle > 0)
		run_idle(&lg);
	else
		elapsed = run_load(&lg);
	if (rc == 0)
		report(&lg, elapsed, cpu_seconds() - cpu);
	loadgen_free(&lg);
	return rc;
}
