#include "server/worker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "util/log.h"

/* Accept at most this many sockets per wake-up, so one busy listener
 * cannot starve the connections already open on this loop. */
#define ACCEPT_BURST 32

struct accept_source {
	struct worker *worker;
	const struct listener *listener;
};

static void
worker_on_accept(evutil_socket_t fd, short what, void *arg)
{
	struct accept_source *src = arg;
	struct worker *w = src->worker;
	struct worker_shared *s = w->shared;
	struct sockaddr_storage peer;
	socklen_t len;
	unsigned open_now;
	int client, i;

	(void)what;
	for (i = 0; i < ACCEPT_BURST; i++) {
		len = sizeof(peer);
		client = accept4(fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (client == -1) {
			if (errno == EMFILE || errno == ENFILE)
				log_warn("accept on %s: %s", src->listener->name, strerror(errno));
			return;
		}
		open_now = atomic_fetch_add(&s->connections, 1) + 1;
		if (open_now > atomic_load(&s->max_connections)) {
			atomic_fetch_sub(&s->connections, 1);
			close(client);
			log_warn("connection limit (%u) reached: new connection on %s closed",
			    atomic_load(&s->max_connections), src->listener->name);
			continue;
		}
		if (open_now > atomic_load(&s->peak_connections))
			atomic_store(&s->peak_connections, open_now);
		conn_start(&w->loop, client, src->listener,
		    &generation_current(s->generations)->net, &peer);
	}
}

/* A stopping worker ends when its last connection closed. */
static void
worker_maybe_finish(void *arg)
{
	struct worker *w = arg;

	if (w->stopping && w->loop.nconns == 0)
		event_base_loopbreak(w->loop.base);
}

static void
worker_on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	if (w->loop.nconns > 0)
		log_warn("shutdown: %u connection(s) still open after the deadline, closing",
		    w->loop.nconns);
	event_base_loopbreak(w->loop.base);
}

/* Runs on the worker's loop: stop accepting, let responses finish. */
static void
worker_on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct generation *g = generation_current(w->shared->generations);
	struct timeval tv = { (time_t)g->config->shutdown_timeout, 0 };
	size_t i;

	(void)fd;
	(void)what;
	generation_unref(g);
	w->stopping = 1;
	for (i = 0; i < w->shared->nlisteners; i++)
		event_del(w->accept_events[i]);
	evtimer_add(w->deadline_event, &tv);
	worker_maybe_finish(w);
}

static void *
worker_thread(void *arg)
{
	struct worker *w = arg;

	tls_sign_channel_bind(w->sign);
	event_base_dispatch(w->loop.base);
	tls_sign_channel_bind(NULL);
	return NULL;
}

unsigned
worker_count(const struct config *c)
{
	long cores;

	if (c->workers != 0)
		return c->workers;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores > 0 ? (unsigned)cores : 1;
}

/* How often requests out are checked for an answer too late. */
static const struct timeval sign_check = { 1, 0 };

static void
worker_on_sign_reply(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	if (tls_sign_channel_receive(w->sign) == -1)
		event_del(w->sign_read);
}

/* After every connection ready in this pass has run: one send for all
 * the signatures they asked for. */
static void
worker_on_sign_flush(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	tls_sign_channel_flush(w->sign);
	if (!evtimer_pending(w->sign_timer, NULL))
		evtimer_add(w->sign_timer, &sign_check);
}

static void
worker_flush_soon(void *arg)
{
	struct worker *w = arg;

	event_active(w->sign_flush, 0, 0);
}

static void
worker_on_sign_timer(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	if (tls_sign_channel_expire(w->sign))
		evtimer_add(w->sign_timer, &sign_check);
}

static void
worker_on_sign_renew(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	int next = atomic_exchange(&w->sign_next_fd, -1);

	(void)fd;
	(void)what;
	if (next == -1)
		return;
	event_del(w->sign_read);
	tls_sign_channel_replace(w->sign, next);
	event_assign(w->sign_read, w->loop.base, next, EV_READ | EV_PERSIST, worker_on_sign_reply, w);
	event_add(w->sign_read, NULL);
}

void
worker_renew_signing(struct worker *w, int fd)
{
	if (w->sign == NULL) {
		close(fd);
		return;
	}
	if ((fd = atomic_exchange(&w->sign_next_fd, fd)) != -1)
		close(fd);
	event_active(w->sign_renew, 0, 0);
}

/* The worker's channel to the key process and its events.  0, or -1. */
static int
worker_init_signing(struct worker *w, int fd)
{
	struct event_base *base = w->loop.base;

	atomic_init(&w->sign_next_fd, -1);
	if (fd == -1)
		return 0;
	if ((w->sign = tls_sign_channel_new(fd, worker_flush_soon, w)) == NULL) {
		close(fd);
		return -1;
	}
	if ((w->sign_read = event_new(base, fd, EV_READ | EV_PERSIST, worker_on_sign_reply, w)) ==
	    NULL || (w->sign_flush = event_new(base, -1, 0, worker_on_sign_flush, w)) == NULL ||
	    (w->sign_timer = evtimer_new(base, worker_on_sign_timer, w)) == NULL ||
	    (w->sign_renew = event_new(base, -1, 0, worker_on_sign_renew, w)) == NULL)
		return -1;
	return event_add(w->sign_read, NULL);
}

int
worker_init(struct worker *w, struct worker_shared *s, int sign_fd)
{
	struct accept_source *src;
	struct event_base *base;
	size_t i;

	memset(w, 0, sizeof(*w));
	w->shared = s;
	if ((base = event_base_new()) == NULL)
		return -1;
	w->loop.base = base;
	w->loop.pool = s->pool;
	w->loop.limits = s->limits;
	w->loop.connections = &s->connections;
	w->loop.closed = worker_maybe_finish;
	w->loop.closed_arg = w;
	if (worker_init_signing(w, sign_fd) == -1)
		return -1;
	if ((w->accept_events = calloc(s->nlisteners, sizeof(*w->accept_events))) == NULL ||
	    (w->stop_event = event_new(base, -1, 0, worker_on_stop, w)) == NULL ||
	    (w->deadline_event = evtimer_new(base, worker_on_deadline, w)) == NULL)
		return -1;
	for (i = 0; i < s->nlisteners; i++) {
		if ((src = malloc(sizeof(*src))) == NULL)
			return -1;
		src->worker = w;
		src->listener = &s->listeners[i];
		w->accept_events[i] = event_new(base, s->listeners[i].fd, EV_READ | EV_PERSIST,
		    worker_on_accept, src);
		if (w->accept_events[i] == NULL) {
			free(src);
			return -1;
		}
		event_add(w->accept_events[i], NULL);
	}
	return 0;
}

int
worker_start(struct worker *w)
{
	return pthread_create(&w->thread, NULL, worker_thread, w) == 0 ? 0 : -1;
}

void
worker_stop(struct worker *w)
{
	event_active(w->stop_event, 0, 0);
}

void
worker_join(struct worker *w)
{
	pthread_join(w->thread, NULL);
}

void
worker_free(struct worker *w)
{

	struct event *sign_events[] = { w->sign_read, w->sign_flush, w->sign_timer, w->sign_renew };
	size_t i;
	int fd;

	if ((fd = atomic_exchange(&w->sign_next_fd, -1)) != -1)
		close(fd);
	if (w->loop.base == NULL)
		return;
	/* First: the handshakes waiting for a signature fail, and can end. */
	tls_sign_channel_free(w->sign);
	w->sign = NULL;
	for (i = 0; i < sizeof(sign_events) / sizeof(sign_events[0]); i++)
		if (sign_events[i] != NULL)
			event_free(sign_events[i]);
	net_loop_close_all(&w->loop);
	if (w->accept_events != NULL) {
		for (i = 0; i < w->shared->nlisteners; i++) {
			if (w->accept_events[i] == NULL)
				continue;
			free(event_get_callback_arg(w->accept_events[i]));
			event_free(w->accept_events[i]);
		}
		free(w->accept_events);
	}
	if (w->stop_event != NULL)
		event_free(w->stop_event);
	if (w->deadline_event != NULL)
		event_free(w->deadline_event);
	event_base_free(w->loop.base);
	w->loop.base = NULL;
}
