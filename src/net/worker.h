/*
 * A worker: one thread, one event loop, accepting on every listener and
 * driving its own connections.  Workers share nothing but the listening
 * sockets, the handler pool and the current configuration generation.
 */
#ifndef CAPSULED_NET_WORKER_H
#define CAPSULED_NET_WORKER_H

struct server;
struct worker;

int worker_init(struct worker *w, struct server *s);
int worker_start(struct worker *w);
/* Ask the worker (from another thread) to stop accepting and finish. */
void worker_stop(struct worker *w);
void worker_join(struct worker *w);
/* After the loop ended and the handler pool is gone: close what is left. */
void worker_free(struct worker *w);

#endif
