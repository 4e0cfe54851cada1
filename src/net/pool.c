#include "net/pool.h"

#include <pthread.h>
#include <stdlib.h>

struct handler_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct pool_task *head, *tail;
	int stopping;
	unsigned nthreads;
	pthread_t *threads;
};

static void *
pool_thread(void *arg)
{
	struct handler_pool *p = arg;
	struct pool_task *t;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->head == NULL && !p->stopping)
			pthread_cond_wait(&p->wake, &p->lock);
		if (p->stopping) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		t = p->head;
		p->head = t->next;
		if (p->head == NULL)
			p->tail = NULL;
		pthread_mutex_unlock(&p->lock);
		t->fn(t->arg);
	}
}

struct handler_pool *
handler_pool_new(unsigned threads)
{
	struct handler_pool *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->threads = calloc(threads, sizeof(*p->threads))) == NULL) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	for (; p->nthreads < threads; p->nthreads++)
		if (pthread_create(&p->threads[p->nthreads], NULL, pool_thread, p) != 0)
			break;
	if (p->nthreads == 0) {
		handler_pool_free(p);
		return NULL;
	}
	return p;
}

int
handler_pool_submit(struct handler_pool *p, struct pool_task *task)
{
	task->next = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->stopping) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	if (p->tail != NULL)
		p->tail->next = task;
	else
		p->head = task;
	p->tail = task;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void
handler_pool_free(struct handler_pool *p)
{
	unsigned i;

	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}
