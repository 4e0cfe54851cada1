#include "archive/pool.h"

#include <stdlib.h>
#include <string.h>

#include "archive/store.h"

int
pool_init(struct pool *p, const char *db_path)
{
	memset(p, 0, sizeof(*p));
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
		sqlite3_close(p->idle[--p->nidle]);
	pthread_cond_destroy(&p->returned);
	pthread_mutex_destroy(&p->lock);
	free(p->db_path);
}

sqlite3 *
pool_take(struct pool *p)
{
	sqlite3 *db = NULL;

	pthread_mutex_lock(&p->lock);
	while (p->nidle == 0 && p->nopen == POOL_MAX)
		pthread_cond_wait(&p->returned, &p->lock);
	if (p->nidle > 0)
		db = p->idle[--p->nidle];
	else
		p->nopen++;
	pthread_mutex_unlock(&p->lock);
	if (db != NULL)
		return db;
	/* Opened outside the lock: other threads need not wait for it. */
	if ((db = store_open_reader(p->db_path)) == NULL) {
		pthread_mutex_lock(&p->lock);
		p->nopen--;
		pthread_cond_signal(&p->returned);
		pthread_mutex_unlock(&p->lock);
	}
	return db;
}

void
pool_give(struct pool *p, sqlite3 *db)
{
	pthread_mutex_lock(&p->lock);
	p->idle[p->nidle++] = db;
	pthread_cond_signal(&p->returned);
	pthread_mutex_unlock(&p->lock);
}
