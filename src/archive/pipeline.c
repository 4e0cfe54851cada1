#include "archive/pipeline.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

size_t
pipeline_threads(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (cores <= 1)
		return 0;
	return cores > PIPELINE_MAX_THREADS ? PIPELINE_MAX_THREADS : (size_t)cores;
}

static int
converter_open(struct converter *c, struct pipeline *p)
{
	c->pipeline = p;
	if (words_tokenizer_open(&c->words) == -1)
		return -1;
	if ((c->packer = packer_new()) == NULL) {
		log_error("archive: out of memory for a converter");
		words_tokenizer_close(&c->words);
		return -1;
	}
	return 0;
}

static void
converter_close(struct converter *c)
{
	words_tokenizer_close(&c->words);
	packer_free(c->packer);
	c->packer = NULL;
}

/* Read and convert one file, list its words and pack its body. */
static void
convert(struct converter *cv, struct conversion *c, char *const *chrome,
    const struct packed_dict *dict)
{
	const char *texts[2];

	if (dict != cv->dict && packer_use(cv->packer, dict) == 0)
		cv->dict = dict;
	if (article_load(&c->article, c->dir->fd, c->name, c->path, chrome) == -1)
		return;
	texts[0] = c->article.row.title;
	texts[1] = c->article.row.body;
	buf_truncate(&c->words, 0);
	if (dict != cv->dict || words_distinct(&cv->words, texts, 2, &c->words) == -1 ||
	    words_pack_kept(&cv->words, cv->packer, c->article.row.body, c->article.row.whole,
	    &c->packed) == -1) {
		article_free(&c->article);
		return;
	}
	c->article.row.packed = c->packed.data;
	c->article.row.packed_len = c->packed.len;
	c->article.row.words = c->words.data;
	c->article.row.words_len = c->words.len;
	c->loaded = 1;
}

static void *
convert_loop(void *arg)
{
	struct converter *cv = arg;
	struct pipeline *p = cv->pipeline;
	const struct packed_dict *dict;
	struct conversion *c;
	char *const *chrome;

	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		if (p->next == p->tail) {
			pthread_cond_wait(&p->work, &p->lock);
			continue;
		}
		c = &p->slots[p->next++ % PIPELINE_SLOTS];
		chrome = p->chrome;
		dict = p->dict;
		pthread_mutex_unlock(&p->lock);
		convert(cv, c, chrome, dict);
		pthread_mutex_lock(&p->lock);
		c->done = 1;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int
pipeline_start(struct pipeline *p, size_t threads)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	if (threads == 0)
		return converter_open(&p->own, p);
	for (; p->nthreads < threads; p->nthreads++) {
		if (converter_open(&p->converters[p->nthreads], p) == -1)
			break;
		if (pthread_create(&p->converters[p->nthreads].thread, NULL, convert_loop,
		    &p->converters[p->nthreads]) != 0) {
			converter_close(&p->converters[p->nthreads]);
			break;
		}
	}
	if (p->nthreads > 0)
		return 0;
	log_error("archive: cannot start a converter thread");
	pipeline_stop(p);
	return -1;
}

static void
free_slot(struct conversion *c)
{
	if (c->loaded)
		article_free(&c->article);
	pipeline_dir_release(c->dir);
	free(c->name);
	free(c->path);
	c->dir = NULL;
	c->name = c->path = NULL;
	c->done = c->loaded = 0;
}

void
pipeline_stop(struct pipeline *p)
{
	size_t i;

	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++) {
		pthread_join(p->converters[i].thread, NULL);
		converter_close(&p->converters[i]);
	}
	converter_close(&p->own);
	for (; p->head < p->tail; p->head++)
		free_slot(&p->slots[p->head % PIPELINE_SLOTS]);
	for (i = 0; i < PIPELINE_SLOTS; i++) {
		buf_free(&p->slots[i].packed);
		buf_free(&p->slots[i].words);
	}
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
}

struct pipeline_dir *
pipeline_dir_new(int fd)
{
	struct pipeline_dir *dir;

	if ((dir = malloc(sizeof(*dir))) == NULL) {
		close(fd);
		return NULL;
	}
	dir->fd = fd;
	dir->refs = 1;
	return dir;
}

void
pipeline_dir_release(struct pipeline_dir *dir)
{
	if (dir == NULL || --dir->refs > 0)
		return;
	close(dir->fd);
	free(dir);
}

size_t
pipeline_pending(const struct pipeline *p)
{
	return p->tail - p->head;
}

int
pipeline_full(const struct pipeline *p)
{
	return pipeline_pending(p) == PIPELINE_SLOTS;
}

int
pipeline_submit(struct pipeline *p, struct pipeline_dir *dir, const char *name,
    const char *path)
{
	struct conversion *c = &p->slots[p->tail % PIPELINE_SLOTS];

	if ((c->name = strdup(name)) == NULL || (c->path = strdup(path)) == NULL) {
		free(c->name);
		c->name = NULL;
		return -1;
	}
	c->dir = dir;
	dir->refs++;
	if (p->nthreads == 0) {
		convert(&p->own, c, p->chrome, p->dict);
		c->done = 1;
		p->next = ++p->tail;
		return 0;
	}
	pthread_mutex_lock(&p->lock);
	p->tail++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

struct conversion *
pipeline_oldest(struct pipeline *p)
{
	struct conversion *c;

	if (p->head == p->tail)
		return NULL;
	c = &p->slots[p->head % PIPELINE_SLOTS];
	pthread_mutex_lock(&p->lock);
	while (!c->done)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return c;
}

void
pipeline_release_oldest(struct pipeline *p)
{
	free_slot(&p->slots[p->head % PIPELINE_SLOTS]);
	p->head++;
}

void
pipeline_discard(struct pipeline *p)
{
	size_t i;

	/* What no thread started is never converted. */
	pthread_mutex_lock(&p->lock);
	for (i = p->next; i < p->tail; i++)
		p->slots[i % PIPELINE_SLOTS].done = 1;
	p->next = p->tail;
	pthread_mutex_unlock(&p->lock);
	while (pipeline_oldest(p) != NULL)
		pipeline_release_oldest(p);
}

void
pipeline_set_chrome(struct pipeline *p, char *const *chrome)
{
	pthread_mutex_lock(&p->lock);
	p->chrome = chrome;
	pthread_mutex_unlock(&p->lock);
}

void
pipeline_set_dict(struct pipeline *p, const struct packed_dict *dict)
{
	pthread_mutex_lock(&p->lock);
	p->dict = dict;
	pthread_mutex_unlock(&p->lock);
}
