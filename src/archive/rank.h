/*
 * A cheaper bm25 for searches of one phrase (one word, one prefix or
 * one quoted phrase), registered on every reader as the FTS5 auxiliary
 * function RANK_ONE_PHRASE(search, title_weight, body_weight).
 *
 * FTS5's bm25() first counts the articles holding each phrase, for its
 * inverse document frequency, by walking the phrase's whole doclist:
 * for a common word or a phrase of common words that walk costs as much
 * as the search itself.  With one phrase that frequency multiplies
 * every score alike and cannot change the order, so this leaves it out
 * and gives the rest of bm25 (k1 1.2, b 0.75, hits weighted by column,
 * the article's length against the average): the same order, lower is
 * better like rank.  Searches of several phrases keep FTS5's bm25().
 */
#ifndef CAPSULED_ARCHIVE_RANK_H
#define CAPSULED_ARCHIVE_RANK_H

#include <sqlite3.h>

#define RANK_ONE_PHRASE "bm25_one_phrase"

/* Register RANK_ONE_PHRASE on db: 0, or -1 (logged). */
int rank_register(sqlite3 *db);

#endif
