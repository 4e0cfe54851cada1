/*
 * The search page: FTS5 over titles and bodies, ranked by bm25 with
 * titles weighted higher, SEARCH_PAGE_SIZE results a page.  Page N of the
 * results for some words is /search/N?words.  The page starts with the
 * number of matches.
 *
 * Every search takes bounded time, whatever its words:
 * - matches are read newest first (ids grow with the date, store.h) and
 *   scored as they come; only the SEARCH_RANK_MAX newest are ranked (bm25
 *   costs 2-4 µs a match), as many as the pages can show, and the page
 *   says so;
 * - counting goes on past them only up to SEARCH_COUNT_MAX ("More than
 *   10000 articles match"): an exact count of a common word tells the
 *   reader nothing more and costs a walk of its whole list;
 * - reading matches and counting stop at SEARCH_BUDGET_MS, however far
 *   they got (a phrase of common words, or many of them, is checked
 *   article by article): the page then gives the count found so far as
 *   "at least", and the date back to which articles were searched;
 * - a prefix is searched as the words it stands for (words.h).
 * A search of one term (whatever -words leave out) is ranked without
 * bm25's walk over all its matches, several with that walk cut short
 * (rank.h).  Pages never depend on the count: a next page is offered
 * when a row follows.
 *
 * The prompt and every results page say the syntax (query.h) in a few
 * words; when nothing matches, the page offers the same search with a
 * word less (or a lone word as a prefix), those found to match within a
 * second SEARCH_BUDGET_MS.  A search cut with nothing found offers none:
 * older articles may match.
 */
#ifndef CAPSULED_ARCHIVE_SEARCH_H
#define CAPSULED_ARCHIVE_SEARCH_H

#include "archive/pages.h"
#include "archive/query.h"

#define SEARCH_PAGE_SIZE 20
#define SEARCH_MAX_PAGES 50
#define SEARCH_RANK_MAX 1000
#define SEARCH_COUNT_MAX 10000
/* Reading and counting matches stop after this long. */
#define SEARCH_BUDGET_MS 12
#define SEARCH_PROMPT "Search the archive: " QUERY_SYNTAX
/* Searches suggested when nothing matches. */
#define SEARCH_SUGGESTIONS 4

/* pageno 0 means a page number that is not valid (ARCHIVE_NOT_FOUND);
 * query NULL or empty asks for words (ARCHIVE_INPUT). */
enum archive_status search_render(struct reader *r, const struct page_context *ctx,
    unsigned pageno, const char *query, struct archive_page *page);

#endif
