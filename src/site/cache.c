#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site/cache.h"
#include "util/lru.h"

/* Buckets of the (st_dev, st_ino) hash table: every version of one file
 * lands in the same bucket, so a stale version is found and dropped. */
#define CACHE_BUCKETS 4096

enum entry_state { ENTRY_CONVERTING, ENTRY_READY, ENTRY_FAILED };

struct cache_entry {
	struct cached_article article; /* first: a reference points here */
	struct article_cache *cache;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim;
	enum article_format format;
	unsigned long context_generation;
	char *gemtext;
	struct document *doc;
	size_t bytes;
	unsigned refs;
	enum entry_state state;
	int detached;                  /* out of the table: freed at its last release */
	struct cache_entry *next;      /* in its bucket */
	struct lru_link lru;            /* linked while READY */
};

struct article_cache {
	pthread_mutex_t lock;
	pthread_cond_t converted;
	struct cache_entry *buckets[CACHE_BUCKETS];
	struct lru_list lru;
	size_t max_bytes;
	struct article_cache_stats stats;
};

struct article_cache *
article_cache_new(size_t max_bytes)
{
	struct article_cache *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return NULL;
	}
	if (pthread_cond_init(&c->converted, NULL) != 0) {
		pthread_mutex_destroy(&c->lock);
		free(c);
		return NULL;
	}
	c->max_bytes = max_bytes;
	return c;
}

static void
entry_free(struct cache_entry *e)
{
	free(e->gemtext);
	document_free(e->doc);
	free(e);
}

static size_t
bucket_of(dev_t dev, ino_t ino)
{
	return (size_t)(((unsigned long long)dev * 0x9e3779b97f4a7c15ull) ^ (unsigned long long)ino) %
	    CACHE_BUCKETS;
}

/* Take e out of the table; it is freed now or at its last release. */
static void
detach(struct article_cache *c, struct cache_entry *e)
{
	struct cache_entry **p;

	for (p = &c->buckets[bucket_of(e->dev, e->ino)]; *p != NULL; p = &(*p)->next) {
		if (*p == e) {
			*p = e->next;
			break;
		}
	}
	lru_remove(&c->lru, &e->lru);
	if (e->state == ENTRY_READY) {
		c->stats.bytes -= e->bytes;
		c->stats.entries--;
	}
	e->detached = 1;
	if (e->refs == 0)
		entry_free(e);
}

/* Drop unreferenced entries, oldest first, until the cache fits. */
static void
evict(struct article_cache *c)
{
	struct lru_link *l = c->lru.oldest, *newer;
	struct cache_entry *e;

	while (l != NULL && c->stats.bytes > c->max_bytes) {
		newer = l->newer;
		e = LRU_ENTRY(l, struct cache_entry, lru);
		if (e->refs == 0)
			detach(c, e);
		l = newer;
	}
}

void
article_cache_free(struct article_cache *c)
{
	struct cache_entry *e, *next;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < CACHE_BUCKETS; i++) {
		for (e = c->buckets[i]; e != NULL; e = next) {
			next = e->next;
			entry_free(e);
		}
	}
	pthread_cond_destroy(&c->converted);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static int
same_version(const struct cache_entry *e, const struct stat *st, enum article_format format,
    unsigned long context_generation)
{
	return e->size == st->st_size && e->mtim.tv_sec == st->st_mtim.tv_sec &&
	    e->mtim.tv_nsec == st->st_mtim.tv_nsec && e->format == format &&
	    e->context_generation == context_generation;
}

static char *
read_file(int fd, size_t size, size_t *len)
{
	char *data;
	size_t done = 0;
	ssize_t n;

	if ((data = malloc(size + 1)) == NULL)
		return NULL;
	while (done < size) {
		n = pread(fd, data + done, size - done, (off_t)done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(data);
			return NULL;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	data[done] = '\0';
	*len = done;
	return data;
}

/* Words of running text: runs of bytes between ASCII spaces. */
static size_t
count_words(const char *text)
{
	size_t n = 0;
	int in_word = 0;

	for (; text != NULL && *text != '\0'; text++) {
		if ((unsigned char)*text <= ' ')
			in_word = 0;
		else if (!in_word) {
			in_word = 1;
			n++;
		}
	}
	return n;
}

static size_t
document_words(const struct document *doc)
{
	size_t i, n = 0;

	for (i = 0; i < doc->nblocks; i++)
		n += count_words(doc->blocks[i].text);
	return n;
}

/* Convert outside the lock: the slow part, done by one thread per file.
 * The gemtext of an article is its body alone (the site writes the page
 * around it); a gemtext file's is the file as written. */
static void
convert_entry(struct cache_entry *e, int fd, const struct convert_options *options)
{
	char *data;
	size_t len;

	if ((data = read_file(fd, (size_t)e->size, &len)) == NULL)
		return;
	if ((e->doc = convert_read(e->format, data, len, options)) == NULL) {
		free(data);
		return;
	}
	if (e->format == ARTICLE_GEMTEXT) {
		e->gemtext = data;  /* NUL-terminated by read_file() */
		e->article.gemtext_len = len;
	} else {
		free(data);
		e->gemtext = convert_write_gemtext_body(e->doc, &e->article.gemtext_len);
	}
	if (e->gemtext == NULL) {
		document_free(e->doc);
		e->doc = NULL;
		return;
	}
	e->article.gemtext = e->gemtext;
	e->article.doc = e->doc;
	e->article.words = document_words(e->doc);
	/* The document is about as large as its gemtext. */
	e->bytes = sizeof(*e) + 2 * e->article.gemtext_len;
}

static struct cache_entry *
find_or_add(struct article_cache *c, const struct stat *st, enum article_format format,
    unsigned long context_generation, int *created)
{
	struct cache_entry *e, *next;
	size_t b = bucket_of(st->st_dev, st->st_ino);

	*created = 0;
	for (e = c->buckets[b]; e != NULL; e = next) {
		next = e->next;
		if (e->dev != st->st_dev || e->ino != st->st_ino)
			continue;
		if (same_version(e, st, format, context_generation) && e->state != ENTRY_FAILED)
			return e;
		if (e->format == format)
			detach(c, e);
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->cache = c;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->size = st->st_size;
	e->mtim = st->st_mtim;
	e->format = format;
	e->context_generation = context_generation;
	e->state = ENTRY_CONVERTING;
	e->next = c->buckets[b];
	c->buckets[b] = e;
	*created = 1;
	return e;
}

static void
release_locked(struct article_cache *c, struct cache_entry *e)
{
	e->refs--;
	if (e->detached && e->refs == 0)
		entry_free(e);
	else
		evict(c);
}

const struct cached_article *
article_cache_get(struct article_cache *c, int fd, const struct stat *st,
    enum article_format format, const struct convert_options *options)
{
	struct cache_entry *e;
	int created;

	if (!S_ISREG(st->st_mode) || st->st_size < 0 ||
	    (unsigned long long)st->st_size > ARTICLE_CACHE_MAX_FILE)
		return NULL;
	pthread_mutex_lock(&c->lock);
	if ((e = find_or_add(c, st, format, options != NULL ? options->context_generation : 0,
	    &created)) == NULL) {
		pthread_mutex_unlock(&c->lock);
		return NULL;
	}
	e->refs++;
	if (created) {
		c->stats.misses++;
		pthread_mutex_unlock(&c->lock);
		convert_entry(e, fd, options);
		pthread_mutex_lock(&c->lock);
		c->stats.conversions++;
		e->state = e->gemtext != NULL ? ENTRY_READY : ENTRY_FAILED;
		/* A newer version may have replaced this one meanwhile. */
		if (e->state == ENTRY_READY && !e->detached) {
			c->stats.bytes += e->bytes;
			c->stats.entries++;
			lru_push_newest(&c->lru, &e->lru);
		} else if (!e->detached) {
			detach(c, e);
		}
		pthread_cond_broadcast(&c->converted);
	} else {
		c->stats.hits++;
		while (e->state == ENTRY_CONVERTING)
			pthread_cond_wait(&c->converted, &c->lock);
		if (e->state == ENTRY_READY && e->lru.linked)
			lru_touch(&c->lru, &e->lru);
	}
	if (e->state != ENTRY_READY) {
		release_locked(c, e);
		e = NULL;
	} else {
		evict(c);
	}
	pthread_mutex_unlock(&c->lock);
	return e != NULL ? &e->article : NULL;
}

const struct cached_article *
article_cache_peek(struct article_cache *c, const struct stat *st, enum article_format format,
    unsigned long context_generation)
{
	struct cache_entry *e;

	pthread_mutex_lock(&c->lock);
	for (e = c->buckets[bucket_of(st->st_dev, st->st_ino)]; e != NULL; e = e->next) {
		if (e->dev == st->st_dev && e->ino == st->st_ino &&
		    same_version(e, st, format, context_generation) &&
		    e->state == ENTRY_READY && !e->detached) {
			e->refs++;
			c->stats.hits++;
			if (e->lru.linked)
				lru_touch(&c->lru, &e->lru);
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return e != NULL ? &e->article : NULL;
}

const struct cached_article *
article_cache_hold(const struct cached_article *a)
{
	struct cache_entry *e = (struct cache_entry *)a;

	pthread_mutex_lock(&e->cache->lock);
	e->refs++;
	pthread_mutex_unlock(&e->cache->lock);
	return a;
}

void
article_cache_release(const struct cached_article *a)
{
	struct cache_entry *e = (struct cache_entry *)a;
	struct article_cache *c;

	if (e == NULL)
		return;
	c = e->cache;
	pthread_mutex_lock(&c->lock);
	release_locked(c, e);
	pthread_mutex_unlock(&c->lock);
}

void
article_cache_release_cb(void *a)
{
	article_cache_release(a);
}

void
article_cache_get_stats(struct article_cache *c, struct article_cache_stats *stats)
{
	pthread_mutex_lock(&c->lock);
	*stats = c->stats;
	pthread_mutex_unlock(&c->lock);
}
