/*
 * The indexer thread: the only writer of the index.  It walks the whole
 * tree once (skipping files unchanged since the last run), then follows
 * changes with inotify, debounced and applied in one transaction per
 * burst so a change is searchable within about a second.
 *
 * It also learns the site chrome of .txt articles (chrome.h) after every
 * full walk and once many .txt files changed, and re-reads the .txt
 * articles a changed chrome line heads.
 */
#ifndef CAPSULED_ARCHIVE_INDEXER_H
#define CAPSULED_ARCHIVE_INDEXER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "archive/article.h"
#include "archive/store.h"

/* A change is applied once events pause this long... */
#define INDEXER_QUIET_MS 200
/* ...or this long after the first one, whichever comes first. */
#define INDEXER_MAX_DELAY_MS 1000
/* Rows per transaction during a walk. */
#define INDEXER_BATCH 2000
/* Learn the chrome again once this share of the .txt files changed. */
#define INDEXER_RELEARN_PCT 10

struct watch {
	int wd;
	char *path;  /* URL path of the directory: "" for the root, "/2014" */
};

struct change {
	char *path;  /* URL path of what changed */
	int is_dir;
};

struct indexer {
	struct store store;
	int root_fd;
	int inotify_fd;      /* -1 when inotify is unavailable */
	int wake_fd;         /* eventfd: indexer_stop() wakes the thread */
	pthread_t thread;
	int running;         /* thread was started */
	atomic_int stopping; /* set by indexer_stop() */
	atomic_int ready;    /* the first walk is in the index */
	atomic_long indexed; /* articles seen by the first walk so far */
	atomic_ulong generation; /* bumped after each commit that changed pages */
	atomic_ulong chrome_generation; /* bumped after each commit that changed the chrome */
	atomic_ulong tree_generation; /* bumped at every change seen in the tree */
	int chrome_changed;  /* learned in the open transaction */
	struct watch *watches;
	size_t nwatches;
	struct change *changes;
	size_t nchanges;
	int rescan;          /* events were lost: walk everything again */
	size_t batch;        /* rows written in the open transaction */
	long long batch_start;
	long long first_change; /* monotonic ms of the oldest unapplied change */
	long long last_change;
	char **chrome;       /* learned chrome lines (NULL-terminated), or NULL */
	long long text_files;   /* .txt articles when the chrome was last learned */
	long long text_changes; /* .txt articles put or removed since */
	struct article_rule rule; /* which files are articles */
};

/* Open the index at db_path and start the thread on the tree at
 * root_path.  Returns -1 with a malloc'd message in *error. */
int indexer_start(struct indexer *ix, const char *root_path, const struct article_rule *rule,
    const char *db_path,
    char **error);
void indexer_stop(struct indexer *ix);

#endif
