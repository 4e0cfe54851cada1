/*
 * Handing work to the handler pool (net.h has the pool's life).  A task
 * is embedded in what it works for, so submitting allocates nothing; it
 * must stay in place until fn has run or the pool is freed.
 */
#ifndef CAPSULED_NET_POOL_H
#define CAPSULED_NET_POOL_H

#include "net/net.h"

struct pool_task {
	void (*fn)(void *arg);
	void *arg;
	struct pool_task *next; /* the pool's */
};

/* Run task->fn(task->arg) on a pool thread.  0, or -1 when the pool is
 * stopping. */
int handler_pool_submit(struct handler_pool *p, struct pool_task *task);

#endif
