/*
 * The converted-article cache of the site layer: convert once, serve
 * many times, convert again when the file changes (conversion.md).
 * Shared by all server threads; the only part of a conversion that reads
 * files or waits on another thread (convert/ itself is pure).
 */
#ifndef CAPSULED_SITE_CACHE_H
#define CAPSULED_SITE_CACHE_H

#include <stddef.h>
#include <sys/stat.h>

#include "convert/convert.h"

/* Files larger than this are not converted (article_cache_get() gives NULL). */
#define ARTICLE_CACHE_MAX_FILE (64u * 1024 * 1024)

struct article_cache;

struct cached_article {
	const char *gemtext;       /* the body: no title, no date line (the page has them) */
	size_t gemtext_len;
	const struct document *doc;
	size_t words;              /* of running text, for the reading time */
};

struct article_cache_stats {
	size_t hits;        /* answered from the cache (or by waiting for a conversion) */
	size_t misses;      /* had to convert */
	size_t conversions; /* conversions finished */
	size_t entries;
	size_t bytes;       /* memory held, estimated */
};

/* An LRU cache bounded by bytes.  NULL when memory runs out. */
struct article_cache *article_cache_new(size_t max_bytes);
/* Free the cache; every article got from it must have been released. */
void article_cache_free(struct article_cache *c);

/* The converted article for an open regular file fd with its fstat *st.
 * Keyed by (st_dev, st_ino, st_size, st_mtim), format and the options'
 * context_generation: an edited file, or a text under newly learned chrome,
 * is converted again.  Safe from many threads; while one thread converts a
 * file, others asking for the same key wait for it (never two conversions
 * of one file at once).  Reads the file with pread (up to
 * ARTICLE_CACHE_MAX_FILE bytes; larger: NULL).  Returns a reference (never
 * evicted while held) to release with article_cache_release(), or NULL on
 * read error or when memory runs out. */
const struct cached_article *article_cache_get(struct article_cache *c, int fd,
    const struct stat *st, enum article_format format, const struct convert_options *options);
/* The article if it is already converted (a reference, as above), else
 * NULL at once: never converts, never waits for a conversion. */
const struct cached_article *article_cache_peek(struct article_cache *c, const struct stat *st,
    enum article_format format, unsigned long context_generation);
/* Another reference to an article already held. */
const struct cached_article *article_cache_hold(const struct cached_article *a);
void article_cache_release(const struct cached_article *a);
/* The same, as a void (*)(void *) callback (e.g. a response's free function). */
void article_cache_release_cb(void *a);

void article_cache_get_stats(struct article_cache *c, struct article_cache_stats *stats);

#endif
