#include "gopher/rendercache.h"
#include "util/lru.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Answers larger than this share of the cache are not kept: one huge text
 * would push out everything else. */
#define MAX_SHARE 8
#define BYTES_PER_BUCKET 4096
#define MIN_BUCKETS 16
#define MAX_BUCKETS 65536

struct render_entry {
	atomic_uint refs;           /* the cache's own (while linked) + responses' */
	struct render_entry *chain; /* next in the hash bucket */
	struct lru_link lru;
	uint64_t hash;
	struct render_stamp stamp;
	char *data;
	size_t len;
	size_t cost;                /* bytes charged to the cache */
	size_t key_len;
	char key[];
};

struct gopher_render_cache {
	pthread_mutex_t lock;
	struct render_entry **buckets;
	size_t nbuckets;            /* a power of two */
	struct lru_list lru;
	size_t bytes, max_bytes;
};

void
render_stamp_init(struct render_stamp *stamp, size_t width, unsigned long generation)
{
	memset(stamp, 0, sizeof(*stamp));
	stamp->width = width;
	stamp->generation = generation;
}

void
render_stamp_file(struct render_stamp *stamp, size_t i, const struct stat *st)
{
	struct render_file_stamp *f = &stamp->files[i];

	memset(f, 0, sizeof(*f));
	if (st == NULL)
		return;
	f->present = 1;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = st->st_size;
	f->mtime = st->st_mtim;
	f->ctime = st->st_ctim;
}

static int
same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static int
same_stamp(const struct render_stamp *a, const struct render_stamp *b)
{
	size_t i;

	if (a->generation != b->generation || a->width != b->width)
		return 0;
	for (i = 0; i < RENDER_STAMP_FILES; i++) {
		const struct render_file_stamp *x = &a->files[i], *y = &b->files[i];

		if (x->present != y->present || x->dev != y->dev || x->ino != y->ino ||
		    x->size != y->size || !same_time(&x->mtime, &y->mtime) ||
		    !same_time(&x->ctime, &y->ctime))
			return 0;
	}
	return 1;
}

/* FNV-1a. */
static uint64_t
key_hash(const char *key, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void
entry_release(void *arg)
{
	struct render_entry *e = arg;

	if (atomic_fetch_sub(&e->refs, 1) != 1)
		return;
	free(e->data);
	free(e);
}

struct gopher_render_cache *
gopher_render_cache_new(size_t max_bytes)
{
	struct gopher_render_cache *c = calloc(1, sizeof(*c));
	size_t n = MIN_BUCKETS;

	if (c == NULL)
		return NULL;
	while (n < MAX_BUCKETS && n < max_bytes / BYTES_PER_BUCKET)
		n *= 2;
	if ((c->buckets = calloc(n, sizeof(*c->buckets))) == NULL ||
	    pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c->buckets);
		free(c);
		return NULL;
	}
	c->nbuckets = n;
	c->max_bytes = max_bytes;
	return c;
}

static struct render_entry *
oldest_entry(const struct gopher_render_cache *c)
{
	return LRU_ENTRY(c->lru.oldest, struct render_entry, lru);
}

/* Take e out of the table and the LRU list and drop the cache's reference. */
static void
unlink_entry(struct gopher_render_cache *c, struct render_entry *e)
{
	struct render_entry **p = &c->buckets[e->hash & (c->nbuckets - 1)];

	while (*p != e)
		p = &(*p)->chain;
	*p = e->chain;
	lru_remove(&c->lru, &e->lru);
	c->bytes -= e->cost;
	entry_release(e);
}

void
gopher_render_cache_free(struct gopher_render_cache *c)
{
	if (c == NULL)
		return;
	while (c->lru.oldest != NULL)
		unlink_entry(c, oldest_entry(c));
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c);
}

static struct render_entry *
find(const struct gopher_render_cache *c, const char *key, size_t key_len, uint64_t hash)
{
	struct render_entry *e = c->buckets[hash & (c->nbuckets - 1)];

	while (e != NULL && (e->hash != hash || e->key_len != key_len ||
	    memcmp(e->key, key, key_len) != 0))
		e = e->chain;
	return e;
}

int
gopher_render_cache_serve(struct gopher_render_cache *c, const char *key, size_t key_len,
    const struct render_stamp *stamp, struct response *resp)
{
	uint64_t hash;
	struct render_entry *e;

	if (c == NULL)
		return 0;
	hash = key_hash(key, key_len);
	pthread_mutex_lock(&c->lock);
	e = find(c, key, key_len, hash);
	if (e == NULL || !same_stamp(&e->stamp, stamp)) {
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	lru_touch(&c->lru, &e->lru);
	atomic_fetch_add(&e->refs, 1);
	pthread_mutex_unlock(&c->lock);
	resp->status = 0;
	response_set_shared(resp, e->data, e->len, entry_release, e);
	return 1;
}

static int
cacheable(const struct gopher_render_cache *c, const struct response *resp, size_t key_len)
{
	return c != NULL && resp->status == 0 && !resp->head.failed && resp->head.len > 0 &&
	    resp->shared == NULL && resp->fd == -1 &&
	    resp->head.len + key_len + sizeof(struct render_entry) <= c->max_bytes / MAX_SHARE;
}

void
gopher_render_cache_store(struct gopher_render_cache *c, const char *key, size_t key_len,
    const struct render_stamp *stamp, struct response *resp)
{
	struct render_entry *e, *old;
	char *shrunk;

	if (!cacheable(c, resp, key_len) ||
	    (e = malloc(sizeof(*e) + key_len)) == NULL)
		return;
	atomic_init(&e->refs, 2);
	e->hash = key_hash(key, key_len);
	e->stamp = *stamp;
	e->data = buf_release(&resp->head, &e->len);
	/* The buffer grew by doubling; keep only what the answer needs. */
	if ((shrunk = realloc(e->data, e->len + 1)) != NULL)
		e->data = shrunk;
	e->cost = sizeof(*e) + key_len + e->len;
	e->key_len = key_len;
	memcpy(e->key, key, key_len);
	pthread_mutex_lock(&c->lock);
	if ((old = find(c, key, key_len, e->hash)) != NULL)
		unlink_entry(c, old);
	while (c->lru.oldest != NULL && c->bytes + e->cost > c->max_bytes)
		unlink_entry(c, oldest_entry(c));
	e->chain = c->buckets[e->hash & (c->nbuckets - 1)];
	c->buckets[e->hash & (c->nbuckets - 1)] = e;
	e->lru.linked = 0;
	lru_push_newest(&c->lru, &e->lru);
	c->bytes += e->cost;
	pthread_mutex_unlock(&c->lock);
	response_set_shared(resp, e->data, e->len, entry_release, e);
}
