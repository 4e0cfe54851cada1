/*
 * The generated pages, rendered from one reader of the index.  Knows
 * nothing of threads or the indexer: archive.c hands it a reader and the
 * state it needs, so tests can render from a database they filled
 * themselves.  Every statement is handed back reset (reader.h).
 */
#ifndef CAPSULED_ARCHIVE_PAGES_H
#define CAPSULED_ARCHIVE_PAGES_H

#include "archive/archive.h"
#include "archive/reader.h"

/* Articles per page of a tag listing (query "N" selects page N). */
#define PAGES_TAG_PAGE_SIZE 200

struct page_context {
	const char *title;        /* capsule title */
	const char *base_url;     /* "gemini://host[:port]" */
	const char *default_lang; /* may be NULL */
	unsigned feed_entries;
	long building;            /* articles indexed so far by the first walk; -1 once done */
	int rebuilding;           /* that walk rebuilds a damaged index */
	int home;                 /* 1 when "/" is generated (the tree has no index.gmi) */
	int feed_as_page;         /* the feed route as a page of the newest articles */
	unsigned search_budget_ms; /* 0: SEARCH_BUDGET_MS (search.h) */
};

/* As archive_render(), on the reader r. */
enum archive_status pages_render(struct reader *r, const struct page_context *ctx,
    const char *path, const char *query, struct archive_page *page);

/* "The index is being built (N articles so far)" ("rebuilt" when it
 * is) and a blank line while the first walk runs (ctx->building >= 0);
 * nothing after. */
void pages_building(struct page *p, const struct page_context *ctx);

/* Page number from a query string: "" or NULL is 1; 0 when it is not a
 * number from 1 to max. */
unsigned pages_number(const char *s, unsigned max);

#endif
