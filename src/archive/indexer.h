/*
 * The indexer thread: the only writer of the index.  It walks the whole
 * tree once (skipping files unchanged since the last run), converting on
 * every core (pipeline.h), then follows changes with inotify, debounced
 * and applied in one transaction per burst so a change is searchable
 * within about a second.  A database built from nothing is built in bulk
 * mode (store.h) with larger transactions.
 *
 * It also learns the site chrome of .txt articles (chrome.h) after every
 * full walk and once many .txt files changed, and re-reads the .txt
 * articles a changed chrome line heads.
 *
 * Faults, each one log line (store.h):
 * - damage (found by a statement of its own, by the quick check it runs
 *   on an existing database at start, or reported by a reader with
 *   indexer_report_damage()): the file is moved aside and the index
 *   rebuilt from the tree in the background; pages say so meanwhile
 *   (rebuilding), and readers reopen (db_generation);
 * - a full or read-only disk: the batch is given up, one warning (again
 *   at most once a minute, with the count of failures since), readers
 *   keep what is there, and the walk is tried again after a pause that
 *   doubles up to a minute (retry.h), catching up once it can write.
 * Counts in log lines are committed counts.
 */
#ifndef CAPSULED_ARCHIVE_INDEXER_H
#define CAPSULED_ARCHIVE_INDEXER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "archive/article.h"
#include "archive/pipeline.h"
#include "archive/retry.h"
#include "archive/store.h"

/* A change is applied once events pause this long... */
#define INDEXER_QUIET_MS 200
/* ...or this long after the first one, whichever comes first. */
#define INDEXER_MAX_DELAY_MS 1000
/* Rows, or milliseconds, per transaction during a walk... */
#define INDEXER_BATCH 2000
#define INDEXER_BATCH_MS 1000
/* ...and while building in bulk. */
#define INDEXER_BULK_BATCH 20000
#define INDEXER_BULK_BATCH_MS 3000
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
	struct pipeline pipeline;
	char *db_path;
	int root_fd;
	int inotify_fd;      /* -1 when inotify is unavailable */
	int wake_fd;         /* eventfd: stop, or damage reported */
	pthread_t thread;
	int running;         /* thread was started */
	atomic_int stopping; /* set by indexer_stop() */
	atomic_int ready;    /* a full walk is in the index */
	atomic_int rebuilding; /* the walk under way rebuilds a damaged index */
	atomic_ulong damaged_generation; /* the last db_generation a reader found damaged */
	atomic_int db_ready;   /* the database file is there to be read */
	atomic_long indexed; /* articles the first walk committed so far */
	atomic_ulong generation; /* bumped after each commit that changed pages */
	atomic_ulong chrome_generation; /* bumped after each commit that changed the chrome */
	atomic_ulong tree_generation; /* bumped at every change seen in the tree */
	atomic_ulong db_generation; /* bumped when the database file is replaced */
	int chrome_changed;  /* learned in the open transaction */
	struct watch *watches;
	size_t nwatches;
	struct change *changes;
	size_t nchanges;
	int rescan;          /* events were lost, or writing failed: walk everything again */
	size_t batch;        /* rows written in the open transaction */
	long batch_seen;     /* articles the walk saw in the open transaction */
	long long batch_start;
	long long first_change; /* monotonic ms of the oldest unapplied change */
	long long last_change;
	char **chrome;       /* learned chrome lines (NULL-terminated), or NULL */
	long long text_files;   /* .txt articles when the chrome was last learned */
	long long text_changes; /* .txt articles put or removed since */
	struct article_rule rule; /* which files are articles */
	struct retry retry;  /* writing that failed (retry.h) */
};

/* Open the index at db_path and start the thread on the tree at
 * root_path.  Returns -1 with a malloc'd message in *error. */
int indexer_start(struct indexer *ix, const char *root_path, const struct article_rule *rule,
    const char *db_path, char **error);
void indexer_stop(struct indexer *ix);
/* A reader of the database of generation db_generation found it
 * damaged: rebuild (once per database).  Thread-safe. */
void indexer_report_damage(struct indexer *ix, unsigned long db_generation);

#endif
