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

	event_base_dispatch(w->loop.base);
	return NULL;
}

int
worker_init(struct worker *w, struct worker_shared *s)
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
	size_t i;

	if (w->loop.base == NULL)
		return;
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
