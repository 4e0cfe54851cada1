#include "archive/pool.h"

#include <stdlib.h>
#include <string.h>

int
pool_init(struct pool *p, const char *db_path, int root_fd)
{
	memset(p, 0, sizeof(*p));
	p->root_fd = root_fd;
	if ((p->db_path = strdup(db_path)) == NULL)
		return -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->returned, NULL);
	return 0;
}

void
pool_destroy(struct pool *p)
{
	while (p->nidle > 0)
		reader_close(p->idle[--p->nidle]);
	pthread_cond_destroy(&p->returned);
	pthread_mutex_destroy(&p->lock);
	free(p->db_path);
}

struct reader *
pool_take(struct pool *p, unsigned long generation)
{
	struct reader *r = NULL;

	pthread_mutex_lock(&p->lock);
	while (p->nidle == 0 && p->nopen == POOL_MAX)
		pthread_cond_wait(&p->returned, &p->lock);
	if (p->nidle > 0)
		r = p->idle[--p->nidle];
	else
		p->nopen++;
	pthread_mutex_unlock(&p->lock);
	if (r != NULL && r->generation == generation)
		return r;
	/* Closed and opened outside the lock: other threads need not wait. */
	reader_close(r);
	if ((r = reader_open(p->db_path, generation, p->root_fd)) == NULL) {
		pthread_mutex_lock(&p->lock);
		p->nopen--;
		pthread_cond_signal(&p->returned);
		pthread_mutex_unlock(&p->lock);
	}
	return r;
}

void
pool_give(struct pool *p, struct reader *r)
{
	pthread_mutex_lock(&p->lock);
	p->idle[p->nidle++] = r;
	pthread_cond_signal(&p->returned);
	pthread_mutex_unlock(&p->lock);
}
