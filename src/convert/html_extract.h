/*
 * Main-content extraction (conversion.md §2): Readability-style scoring
 * over the flat node index.  The tree stays untouched; the result is the
 * list of subtrees that make up the article and a per-node "removed" mark.
 */
#ifndef CAPSULED_CONVERT_HTML_EXTRACT_H
#define CAPSULED_CONVERT_HTML_EXTRACT_H

#include <stddef.h>

#include "convert/html_tree.h"

struct html_article {
	size_t *roots;          /* article subtrees, in document order */
	size_t nroots;
	unsigned char *removed; /* per node: 1 when cut out of the article */
	char *byline;           /* a byline element found on the way, or NULL */
};

/* Find the article of the page.  title (may be NULL) is the page title,
 * used to drop a heading that repeats it.  Returns 0 or -1 (no memory). */
int html_extract(const struct html_tree *tree, const char *title, struct html_article *article);
void html_article_free(struct html_article *article);

/* Word similarity of two texts in [0, 1]: the share of b's words that a
 * also has, weighted by length. */
double html_text_similarity(const char *a, const char *b);

#endif
