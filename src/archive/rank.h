/*
 * A cheaper bm25 for searches of one term (one word, one prefix, which
 * stands for the words it begins, or one quoted phrase), registered on
 * every reader as the FTS5 auxiliary function
 * RANK_ONE_PHRASE(search, title_weight, body_weight): the hits of every
 * phrase of the query count as hits of the one term.
 *
 * FTS5's bm25() first counts the articles holding each phrase, for its
 * inverse document frequency, by walking the phrase's whole doclist:
 * for a common word or a phrase of common words that walk costs as much
 * as the search itself.  With one phrase that frequency multiplies
 * every score alike and cannot change the order, so this leaves it out
 * and gives the rest of bm25 (k1 1.2, b 0.75, hits weighted by column,
 * the article's length against the average): the same order, lower is
 * better like rank.
 *
 * Searches of several phrases need that frequency, to weigh a rare word
 * above a common one, and are ranked by RANK_CAPPED(search, lowest_id,
 * highest_id, estimated, title_weight, body_weight): bm25 where each phrase's
 * articles are counted, oldest first, only up to RANK_COUNT_WALK_MAX.
 * A phrase found that often is assumed spread evenly over the article
 * ids (which grow with the date, store.h): its count is estimated as
 * the walked count scaled by all ids over the ids walked.  An
 * approximation only for words in RANK_COUNT_WALK_MAX articles or more,
 * where the factor is logarithmic (of 100000 articles, a count of 1000
 * off by a third moves it by under 10%); uneven publishing over the
 * years skews the estimate.  estimated is NULL or an int * bound with
 * sqlite3_bind_pointer() as RANK_ESTIMATED_TYPE: set to 1 when a count
 * was estimated, so that the results page says so only then (search.c).
 */
#ifndef CAPSULED_ARCHIVE_RANK_H
#define CAPSULED_ARCHIVE_RANK_H

#include <sqlite3.h>

#define RANK_ONE_PHRASE "bm25_one_phrase"
#define RANK_CAPPED "bm25_capped"
/* Articles counted per phrase before its count is estimated. */
#define RANK_COUNT_WALK_MAX 1000
/* The pointer type of RANK_CAPPED's estimated argument. */
#define RANK_ESTIMATED_TYPE "capsuled_rank_estimated"

/* Register RANK_ONE_PHRASE and RANK_CAPPED on db: 0, or -1 (logged). */
int rank_register(sqlite3 *db);

#endif
