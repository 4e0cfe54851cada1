/*
 * An article's own tags, made fit for an archive's tag index: entities
 * decoded, trimmed, one of each whatever its case, at most TAGS_MAX; and
 * never a CMS's identifiers, tickers, paths or codes ("type_news",
 * "adnode:culture/wide_angle", "@post-id:1913719", "6758.to", "/article"),
 * which readers cannot use.  Grouping tags across articles (and choosing
 * the case shown) is the archive's work.
 */
#ifndef CAPSULED_CONVERT_TAGS_H
#define CAPSULED_CONVERT_TAGS_H

#include "convert/document.h"

#define TAGS_MAX 10

/* One tag as a page writes it, cleaned; a malloc'd string, or NULL when
 * it is no tag a reader could use (or memory runs out). */
char *tag_clean(const char *raw);

/* Add the tags of list (separated by sep, or by newlines) to doc, cleaned,
 * leaving out those it has in any case and stopping at TAGS_MAX.
 * Returns 0 or -1. */
int tags_add_list(struct document *doc, const char *list, char sep);

#endif
