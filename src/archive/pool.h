/*
 * A small pool of read-only connections (readers, with their prepared
 * statements) shared by the handler threads.  In WAL mode readers never
 * wait for the indexer's writes; a thread waits here only when POOL_MAX
 * renders are already running.  A reader of an older database file
 * (another generation: the file was replaced) is closed, not handed out.
 */
#ifndef CAPSULED_ARCHIVE_POOL_H
#define CAPSULED_ARCHIVE_POOL_H

#include <pthread.h>
#include <stddef.h>

#include "archive/reader.h"

#define POOL_MAX 8

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t returned;
	char *db_path;
	int root_fd;        /* the content tree, for the readers (not owned) */
	struct reader *idle[POOL_MAX];
	size_t nidle;
	size_t nopen;       /* idle plus taken */
};

/* Readers of db_path, of the tree at root_fd (which outlives the pool). */
int pool_init(struct pool *p, const char *db_path, int root_fd);
/* Close every connection; none may be taken. */
void pool_destroy(struct pool *p);
/* A reader of the database file of this generation, for this thread
 * alone, opened on first need; NULL when it cannot be opened (logged). */
struct reader *pool_take(struct pool *p, unsigned long generation);
/* Give r back; its statements must all be reset (reader_done()). */
void pool_give(struct pool *p, struct reader *r);

#endif
