/*
 * The search page: FTS5 over titles and bodies, ranked by bm25 with
 * titles weighted higher, SEARCH_PAGE_SIZE results a page.  Page N of the
 * results for some words is /search/N?words.  The page starts with the
 * number of matches.
 *
 * bm25 costs about 2 µs a match, too much for the common words of a
 * large archive: when more than SEARCH_RANK_MAX articles match, only the
 * SEARCH_RANK_MAX newest are ranked, and the page says so.  A search
 * of one phrase is ranked in the same order without bm25's walk over
 * all its matches (rank.h).  Counting
 * stops after SEARCH_COUNT_MAX matches ("More than 10000 articles
 * match"): an exact count of a word in every article costs a walk of
 * its whole doclist and tells the reader nothing more.  Pages never
 * depend on the count: a next page is offered when a row follows.
 *
 * The prompt and every results page say the syntax (query.h) in a few
 * words; when nothing matches, the page offers the same search with a
 * word less (or a lone word as a prefix).
 */
#ifndef CAPSULED_ARCHIVE_SEARCH_H
#define CAPSULED_ARCHIVE_SEARCH_H

#include "archive/pages.h"
#include "archive/query.h"

#define SEARCH_PAGE_SIZE 20
#define SEARCH_MAX_PAGES 50
#define SEARCH_RANK_MAX 3000
#define SEARCH_COUNT_MAX 10000
#define SEARCH_PROMPT "Search the archive: " QUERY_SYNTAX
/* Searches suggested when nothing matches. */
#define SEARCH_SUGGESTIONS 4

/* pageno 0 means a page number that is not valid (ARCHIVE_NOT_FOUND);
 * query NULL or empty asks for words (ARCHIVE_INPUT). */
enum archive_status search_render(struct reader *r, const struct page_context *ctx,
    unsigned pageno, const char *query, struct archive_page *page);

#endif
