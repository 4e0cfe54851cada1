/*
 * Rendered Gopher answers kept for the next request: a thread-safe LRU
 * bounded in bytes, keyed by what was asked, each answer with a stamp of
 * what it was made from (file identities and times, the archive
 * generation, the width).  A hit hands the bytes out without copying; the
 * entries are reference counted, so an evicted answer still being sent
 * stays alive until its response lets go of it.
 */
#ifndef CAPSULED_GOPHER_RENDERCACHE_H
#define CAPSULED_GOPHER_RENDERCACHE_H

#include <stddef.h>
#include <sys/stat.h>

#include "response/response.h"

#define RENDER_STAMP_FILES 3

/* One file an answer was made from, or its absence. */
struct render_file_stamp {
	int present;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

/* Everything an answer depends on besides its key: equal stamps, same
 * answer. */
struct render_stamp {
	struct render_file_stamp files[RENDER_STAMP_FILES];
	unsigned long generation;  /* archive generation, 0 when not used */
	size_t width;
};

/* A stamp with every file absent. */
void render_stamp_init(struct render_stamp *stamp, size_t width, unsigned long generation);
/* Record st (NULL: the file is absent) as the stamp's file i. */
void render_stamp_file(struct render_stamp *stamp, size_t i, const struct stat *st);

struct gopher_render_cache;

/* A cache holding at most max_bytes of answers and keys; NULL when memory
 * runs out.  One cache serves one gopher_context (host, port and width
 * are part of the answers). */
struct gopher_render_cache *gopher_render_cache_new(size_t max_bytes);
/* Free the cache; answers still held by responses go when released. */
void gopher_render_cache_free(struct gopher_render_cache *c);

/* When key has an answer with an equal stamp, attach it to resp (still
 * empty) as its shared body and return 1; else 0.  c may be NULL (no
 * caching). */
int gopher_render_cache_serve(struct gopher_render_cache *c, const char *key, size_t key_len,
    const struct render_stamp *stamp, struct response *resp);

/* Move the whole generated answer in resp->head into the cache under key,
 * replacing an older answer, and attach it to resp as the shared body.
 * Errors (status 3), failed buffers and answers too big to keep are left
 * as they are.  c may be NULL. */
void gopher_render_cache_store(struct gopher_render_cache *c, const char *key, size_t key_len,
    const struct render_stamp *stamp, struct response *resp);

#endif
