/*
 * The server: listeners, worker threads each running one event loop, the
 * handler pool, signals (SIGTERM/SIGINT finish responses in flight and
 * exit; SIGHUP reloads configuration and certificates) and privileges.
 */
#ifndef CAPSULED_NET_SERVER_H
#define CAPSULED_NET_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "config/config.h"
#include "net/limits.h"
#include "net/listener.h"
#include "net/state.h"

struct event;
struct event_base;
struct conn;

struct worker {
	struct server *server;
	pthread_t thread;
	struct event_base *base;
	struct event **accept_events; /* one per listener */
	struct event *stop_event;     /* activated from the main thread */
	struct event *deadline_event; /* ends the loop when shutdown_timeout passes */
	struct conn *conns;           /* every open connection of this loop */
	unsigned nconns;
	int stopping;
};

struct server {
	char **argv; /* kept to reload the configuration */
	int argc;
	struct listener *listeners;
	size_t nlisteners;
	struct worker *workers;
	unsigned nworkers;
	struct handler_pool *pool;
	struct shared_services services;
	pthread_mutex_t state_lock;
	struct site_state *state;     /* the current generation */
	atomic_uint connections;      /* open connections, all workers */
	atomic_uint peak_connections; /* highest count since memory was last trimmed */
	unsigned max_connections;
	struct address_limits *limits; /* per client address, across reloads */
	int stop_requested;           /* main thread only: SIGTERM or SIGINT seen */
};

/* The current configuration generation, referenced for the caller. */
struct site_state *server_current_state(struct server *s);
/* The per-address limits a configuration asks for. */
void server_limits_config(const struct config *c, struct address_limits_config *out);
/* Called by a worker when its last connection closed while stopping. */
void worker_maybe_finish(struct worker *w);

/* Run the server until SIGTERM/SIGINT.  Takes ownership of config.
 * Returns the process exit status. */
int server_main(struct config *config, int argc, char **argv);

#endif
