/*
 * Workers: one thread and one event loop each, accepting on every
 * listener and running net/'s connections on that loop.  Workers share
 * only what struct worker_shared holds (owned by the server).  Each has
 * its own channel to the key process (the first ones: there are at most
 * TLS_KEY_CHANNELS_MAX - 1), through which its handshakes are signed
 * without blocking the loop; one without signs through the shared one.
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
	struct tls_sign_channel *sign; /* NULL: signs through the shared channel */
	struct event *sign_read;       /* answers from the key process */
	struct event *sign_flush;      /* sends the batch of requests, once per loop pass */
	struct event *sign_timer;      /* gives up on requests unanswered */
	struct event *sign_renew;      /* a new key process's channel, from the main thread */
	atomic_int sign_next_fd;
};

/* Event-loop threads for c (its workers, or one per core). */
unsigned worker_count(const struct config *c);
/* sign_fd: the worker's channel to the key process (taken), or -1. */
int worker_init(struct worker *w, struct worker_shared *shared, int sign_fd);
int worker_start(struct worker *w);
/* Ask the worker (from another thread) to stop accepting and finish. */
void worker_stop(struct worker *w);
/* From another thread: a new key process's channel for this worker (fd
 * taken); the requests out on the old one fail. */
void worker_renew_signing(struct worker *w, int fd);
void worker_join(struct worker *w);
/* After the loop ended and the handler pool is gone: close what is left. */
void worker_free(struct worker *w);

#endif
