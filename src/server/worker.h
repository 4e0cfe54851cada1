/*
 * Workers: one thread and one event loop each, accepting on every
 * listener and running net/'s connections on that loop.  Workers share
 * only what struct worker_shared holds (owned by the server).
 */
#ifndef CAPSULED_SERVER_WORKER_H
#define CAPSULED_SERVER_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "net/net.h"
#include "server/generation.h"

struct event;

struct worker_shared {
	const struct listener *listeners;
	size_t nlisteners;
	struct handler_pool *pool;
	struct address_limits *limits; /* per client address, across reloads */
	struct generation_slot *generations;
	atomic_uint connections;       /* open connections, every worker */
	atomic_uint peak_connections;  /* highest count since memory was last trimmed */
	atomic_uint max_connections;   /* the current generation's cap */
};

struct worker {
	struct worker_shared *shared;
	pthread_t thread;
	struct net_loop loop;
	struct event **accept_events; /* one per listener */
	struct event *stop_event;     /* activated from the main thread */
	struct event *deadline_event; /* ends the loop when shutdown_timeout passes */
	int stopping;
};

int worker_init(struct worker *w, struct worker_shared *shared);
int worker_start(struct worker *w);
/* Ask the worker (from another thread) to stop accepting and finish. */
void worker_stop(struct worker *w);
void worker_join(struct worker *w);
/* After the loop ended and the handler pool is gone: close what is left. */
void worker_free(struct worker *w);

#endif
