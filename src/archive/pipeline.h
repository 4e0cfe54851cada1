/*
 * The indexer's conversions, on every core.  The indexer thread (the one
 * writer of the index) walks the tree and hands files to converter
 * threads, which read and convert them (article.h), list their distinct
 * words (words.h) and pack their bodies (packed.h); it writes what they
 * made in the order it handed the files out, so the index comes out the
 * same whatever the threads' timing (the ids of one day follow the
 * walk).  With no thread (one core), pipeline_submit() converts at once.
 *
 * A file is named by its directory (one open descriptor shared by the
 * files handed out from it, closed with the last of them) and its name
 * there, never by a path from the root, so nothing is read through a
 * symlink.  Everything but the conversion itself runs on the indexer
 * thread; the chrome and the packing dictionary the converters use change
 * only while none is handed out.
 */
#ifndef CAPSULED_ARCHIVE_PIPELINE_H
#define CAPSULED_ARCHIVE_PIPELINE_H

#include <pthread.h>
#include <stddef.h>

#include "archive/article.h"
#include "archive/packed.h"
#include "archive/words.h"
#include "util/buf.h"

/* Files handed out at most at once: enough to keep every core busy
 * while the writer takes its turn. */
#define PIPELINE_SLOTS 64
#define PIPELINE_MAX_THREADS 16

struct pipeline_dir {
	int fd;
	int refs;            /* counted on the indexer thread only */
};

struct conversion {
	struct pipeline_dir *dir;
	char *name;          /* in dir */
	char *path;          /* URL path */
	int done;            /* converted (or failed): the indexer may take it */
	int loaded;          /* article, packed and words are filled */
	struct article article;
	struct buf packed;   /* the body as stored */
	struct buf words;    /* distinct words, each NUL-terminated */
};

/* What one thread converts with. */
struct converter {
	struct pipeline *pipeline;
	struct words_tokenizer words;
	struct packer *packer;
	const struct packed_dict *dict; /* the packer packs with */
	pthread_t thread;
};

struct pipeline {
	pthread_mutex_t lock;
	pthread_cond_t work;     /* a file was handed out, or stop */
	pthread_cond_t done;     /* a conversion finished */
	struct conversion slots[PIPELINE_SLOTS];
	size_t head, next, tail; /* [head, tail) handed out, [next, tail) not started */
	char *const *chrome;     /* the chrome lines conversions drop */
	const struct packed_dict *dict; /* the dictionary bodies are packed with */
	int stopping;
	struct converter converters[PIPELINE_MAX_THREADS];
	size_t nthreads;
	struct converter own;    /* the indexer's, when there is no thread */
};

/* Start threads converters (0: convert on the indexer thread).  0, or -1
 * (logged). */
int pipeline_start(struct pipeline *p, size_t threads);
/* Stop the threads and free everything handed out. */
void pipeline_stop(struct pipeline *p);
/* The threads worth starting on this machine: one per core, none with one. */
size_t pipeline_threads(void);

/* The open directory fd, shared by the files handed out from it; the
 * caller holds one reference.  NULL (fd closed) when memory runs out. */
struct pipeline_dir *pipeline_dir_new(int fd);
void pipeline_dir_release(struct pipeline_dir *dir);

size_t pipeline_pending(const struct pipeline *p);
int pipeline_full(const struct pipeline *p);
/* Hand out the file name in dir (the pipeline must not be full); 0, or
 * -1 when memory runs out. */
int pipeline_submit(struct pipeline *p, struct pipeline_dir *dir, const char *name,
    const char *path);
/* The oldest file handed out, once converted; NULL when none is. */
struct conversion *pipeline_oldest(struct pipeline *p);
/* Free the oldest, taken with pipeline_oldest(). */
void pipeline_release_oldest(struct pipeline *p);
/* Drop everything handed out (after waiting for the conversions under
 * way): a walk stopped or failed. */
void pipeline_discard(struct pipeline *p);
/* The chrome lines of conversions handed out from now on; only while
 * nothing is handed out. */
void pipeline_set_chrome(struct pipeline *p, char *const *chrome);
/* The same for the dictionary bodies are packed with (NULL: none); it
 * must outlive its use, until another is set. */
void pipeline_set_dict(struct pipeline *p, const struct packed_dict *dict);

#endif
