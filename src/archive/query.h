/*
 * User search words to a safe FTS5 query.  The user's text is never
 * handed to FTS5 as syntax: every term becomes a quoted string, so
 * FTS5's own operators, column filters and stray quotes are just words;
 * the few operators readers type are read here and written as FTS5's.
 *
 *   word        -> "word"           every term must match (AND)
 *   pre*        -> "pre"*           prefix search
 *   "a b c"     -> "a b c"          phrase; an unbalanced quote runs to the end
 *   a OR b      -> ("a" OR "b")     either ("OR" in capitals, between two terms)
 *   -word       -> ... NOT "word"   articles with it are left out
 *
 * So "kerry lavrov OR geneva -paris" is ("kerry") AND ("lavrov" OR
 * "geneva") NOT ("paris").  Terms without a letter or digit are dropped,
 * as is an OR with no term on one side; at most QUERY_MAX_TERMS terms are
 * kept, each cut to QUERY_MAX_TERM_BYTES.
 */
#ifndef CAPSULED_ARCHIVE_QUERY_H
#define CAPSULED_ARCHIVE_QUERY_H

#include <stddef.h>

#include "util/buf.h"

#define QUERY_MAX_TERMS 16
#define QUERY_MAX_TERM_BYTES 128
/* The syntax in a few words, for the prompt and the results page. */
#define QUERY_SYNTAX "words, \"a phrase\", prefix*, this OR that, -without"

struct query_term {
	const char *start;  /* in the user's words: the text, without quotes or '-' */
	size_t len;
	int quoted;
	int prefix;
	int negated;        /* -term */
	int or_next;        /* joined to the next term by OR */
};

struct query {
	struct query_term terms[QUERY_MAX_TERMS];
	int n;
	int positive;       /* terms that are not negated */
};

/* Read the user's words (kept by reference: they must outlive q). */
void query_parse(const char *words, struct query *q);
/* Append the FTS5 expression of q to out.  Returns the number of
 * phrases in it (0: nothing to search for, as when every term is
 * negated), or -1 when memory runs out. */
int query_fts(const struct query *q, struct buf *out);
/* query_parse() then query_fts(). */
int query_to_fts(const char *words, struct buf *out);
/* Append q as the reader would type it without its term i (and the OR
 * that joined it): a search to suggest when nothing matches. */
int query_without(const struct query *q, int i, struct buf *out);

#endif
