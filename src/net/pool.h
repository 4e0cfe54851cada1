/*
 * The handler pool: threads that run protocol handlers (disk, conversion,
 * index queries) so that the event loops only ever do non-blocking I/O.
 */
#ifndef CAPSULED_NET_POOL_H
#define CAPSULED_NET_POOL_H

struct handler_pool;

struct handler_pool *handler_pool_new(unsigned threads);
/* Run fn(arg) on a pool thread.  0, or -1 when the pool is stopping. */
int handler_pool_submit(struct handler_pool *p, void (*fn)(void *), void *arg);
/* Finish the jobs already running, drop the queued ones (their owners
 * clean up), join the threads and free the pool. */
void handler_pool_free(struct handler_pool *p);

#endif
