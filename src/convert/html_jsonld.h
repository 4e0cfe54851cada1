/*
 * The schema.org article record a page embeds as JSON-LD
 * (<script type="application/ld+json">), the best metadata source (§4).
 */
#ifndef CAPSULED_CONVERT_HTML_JSONLD_H
#define CAPSULED_CONVERT_HTML_JSONLD_H

#include <stddef.h>

struct jsonld_article {
	char *headline;
	char *name;
	char *author;      /* names joined with ", " */
	char *published;
	char *modified;
	char *description;
	char *lang;
	char *keywords;    /* comma separated */
};

/* Read the first article-like object (top level, in an array or in
 * "@graph") of one JSON-LD script; fields already set are kept.  Broken
 * JSON leaves the record as it was.  Returns 0 or -1 (no memory). */
int jsonld_read(const char *json, size_t len, struct jsonld_article *article);
void jsonld_free(struct jsonld_article *article);

#endif
