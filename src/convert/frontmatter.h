/*
 * Front matter of Markdown posts: YAML between "---" lines (read with
 * libyaml) or TOML between "+++" lines (a small bounded reader: Debian
 * has no TOML library for C).  Only the flat keys a post's metadata needs
 * are read; nested maps are skipped.
 */
#ifndef CAPSULED_CONVERT_FRONTMATTER_H
#define CAPSULED_CONVERT_FRONTMATTER_H

#include <stddef.h>
#include "convert/document.h"

/* When data starts with front matter, read title, date, author(s), lang,
 * description/summary, tags/categories/keywords (lists or comma strings)
 * and source/url/canonical (absolute URLs only) into doc->meta, replacing
 * what it held, and return the length of the front matter (where the
 * Markdown body starts).  Returns 0, leaving doc alone, when there is none,
 * it is not closed or its YAML is broken; (size_t)-1 when memory runs out. */
size_t front_matter_read(struct document *doc, const char *data, size_t len);

#endif
