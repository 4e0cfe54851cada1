/*
 * User search words to a safe FTS5 query.  The user's text is never
 * handed to FTS5 as syntax: every term becomes a quoted string, so
 * operators, column filters and stray quotes are just words.
 *
 *   word      -> "word"        (terms are ANDed)
 *   pre*      -> "pre"*        (prefix search)
 *   "a b c"   -> "a b c"       (phrase; an unbalanced quote runs to the end)
 *
 * Terms without a letter or digit are dropped; at most QUERY_MAX_TERMS
 * terms are kept, each cut to QUERY_MAX_TERM_BYTES.
 */
#ifndef CAPSULED_ARCHIVE_QUERY_H
#define CAPSULED_ARCHIVE_QUERY_H

#include "util/buf.h"

#define QUERY_MAX_TERMS 16
#define QUERY_MAX_TERM_BYTES 128

/* Append the FTS5 expression for words to out.  Returns the number of
 * terms (0: nothing to search for), or -1 when memory runs out. */
int query_to_fts(const char *words, struct buf *out);

#endif
