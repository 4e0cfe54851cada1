/*
 * Words as the index sees them: the tokens FTS5's own tokenizer (the
 * one "search" uses, store.h) makes of a text, folded in case and
 * diacritics.  The converter threads list the distinct words of each
 * article; the writer keeps every word ever seen in the table words.
 *
 * A prefix search ("humanitar*") runs as the words it stands for, ORed
 * ("humanitarian" OR "humanitarians"): FTS5's own prefix query first
 * merges the whole list of articles of every matching word, in time
 * that grows with the archive (184 ms for one prefix at a million
 * articles), where words ORed are walked newest first and stopped after
 * enough matches like any other query.  A prefix that stands for more
 * than WORDS_PREFIX_MAX words is searched as the WORDS_PREFIX_MAX
 * shortest of the first WORDS_PREFIX_SCAN in order (the results page
 * says so).
 *
 * A tokenizer belongs to one thread at a time.
 */
#ifndef CAPSULED_ARCHIVE_WORDS_H
#define CAPSULED_ARCHIVE_WORDS_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "archive/packed.h"
#include "util/buf.h"

/* The tokenizer of the index's FTS5 table "search" (store.h). */
#define WORDS_TOKENIZER "unicode61"
#define WORDS_TOKENIZER_ARG1 "remove_diacritics"
#define WORDS_TOKENIZER_ARG2 "2"

#define WORDS_PREFIX_MAX 32
#define WORDS_PREFIX_SCAN 1000
/* Longer tokens are not kept as words (nobody types them as a prefix). */
#define WORDS_MAX_BYTES 128

struct words_tokenizer {
	sqlite3 *db;             /* in memory: only for FTS5's tokenizer API */
	fts5_tokenizer api;
	Fts5Tokenizer *tokenizer;
};

/* Words the writer remembers as stored, by a 64-bit hash of each
 * (open addressing; forgotten all at once when three quarters full). */
#define WORDS_FILTER_SLOTS (1u << 20)

struct words_filter {
	uint64_t *slots;     /* WORDS_FILTER_SLOTS, allocated on first use; 0 is free */
	size_t n;
};

/* The words in [?1, ?2) in order, at most ?3 of them. */
extern const char words_range_sql[];

/* FTS5's API on db (for its tokenizers and functions), or NULL. */
fts5_api *words_fts5(sqlite3 *db);

/* 0, or -1 (logged). */
int words_tokenizer_open(struct words_tokenizer *t);
void words_tokenizer_close(struct words_tokenizer *t);

/* Append the distinct words of the n texts to out, each followed by a
 * NUL; -1 when memory runs out or the tokenizer fails. */
int words_distinct(struct words_tokenizer *t, const char *const *texts, size_t n,
    struct buf *out);

/* Replace out's text with the words FTS5 needs to take text out of the
 * index again (store.h): each distinct token once, in byte order, then
 * the shortest again until there are as many tokens as text has (FTS5
 * counts them into its column totals).  -1 when memory runs out or the
 * tokenizer fails. */
int words_removal(struct words_tokenizer *t, const char *text, struct buf *out);
/* Set out to what the index keeps of an article's body, packed with p:
 * the body itself when whole, else its words_removal().  0, or -1. */
int words_pack_kept(struct words_tokenizer *t, struct packer *p, const char *body, int whole,
    struct buf *out);

/* 1 when the word (len bytes) was seen before, else 0 (and remembered);
 * -1 when memory runs out.  A hash may collide: a word then goes
 * unstored, and a prefix search misses it, with odds of one in 2^44 for
 * a million words. */
int words_filter_seen(struct words_filter *f, const char *word, size_t len);
void words_filter_free(struct words_filter *f);

/* Write the FTS5 expression fts (as query.h makes it: quoted strings,
 * some followed by '*', and operators between them) to out with every
 * prefix string replaced by the words it stands for, read with range
 * (a statement of words_range_sql; reset).  *capped is set when a prefix
 * stood for more words than were searched.  0, or -1 on error. */
int words_expand(struct words_tokenizer *t, sqlite3_stmt *range, const char *fts,
    struct buf *out, int *capped);

#endif
