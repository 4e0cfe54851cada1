/*
 * The generated pages, rendered from one read connection to the index.
 * Knows nothing of threads or the indexer: archive.c hands it a
 * connection and the state it needs, so tests can render from a database
 * they filled themselves.
 */
#ifndef CAPSULED_ARCHIVE_PAGES_H
#define CAPSULED_ARCHIVE_PAGES_H

#include <sqlite3.h>

#include "archive/archive.h"

/* Articles per page of a tag listing (query "N" selects page N). */
#define PAGES_TAG_PAGE_SIZE 200

struct page_context {
	const char *title;        /* capsule title */
	const char *base_url;     /* "gemini://host[:port]" */
	const char *default_lang; /* may be NULL */
	unsigned feed_entries;
	long building;            /* articles indexed so far by the first walk; -1 once done */
	int home;                 /* 1 when "/" is generated (the tree has no index.gmi) */
};

/* As archive_render(), on the connection db. */
enum archive_status pages_render(sqlite3 *db, const struct page_context *ctx,
    const char *path, const char *query, struct archive_page *page);

/* Page number from a query string: "" or NULL is 1; 0 when it is not a
 * number from 1 to max. */
unsigned pages_number(const char *s, unsigned max);

#endif
