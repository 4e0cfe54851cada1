/*
 * Front matter of Markdown posts: YAML between "---" lines or TOML between
 * "+++" lines.  Only the flat keys a post's metadata needs are read (no
 * YAML or TOML library is in Debian's base set that handles both, and the
 * subset used by static-site generators is small).
 */
#ifndef CAPSULED_CONVERT_FRONTMATTER_H
#define CAPSULED_CONVERT_FRONTMATTER_H

#include <stddef.h>
#include "convert/document.h"

/* When data starts with front matter, read title, date, author(s), lang,
 * description/summary, tags/categories/keywords and source_url into
 * doc->meta and return the length of the front matter (where the Markdown
 * body starts).  Returns 0 when there is none or it is not closed, or
 * (size_t)-1 when memory runs out. */
size_t front_matter_read(struct document *doc, const char *data, size_t len);

#endif
