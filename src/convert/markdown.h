/*
 * The Markdown reader (md4c, CommonMark with tables, strikethrough and
 * permissive autolinks), front matter included.
 */
#ifndef CAPSULED_CONVERT_MARKDOWN_H
#define CAPSULED_CONVERT_MARKDOWN_H

#include <stddef.h>
#include "convert/document.h"
#include "convert/options.h"

/* Metadata from the front matter, else the first "#" heading is the title
 * (and leaves the body).  Links resolve against options->base_url; a
 * list's links follow the whole list (or it becomes link lines when every
 * item is one link), a quote's follow the quote; data tables of up to six
 * columns become preformatted blocks.  options may be NULL.  NULL only when
 * memory runs out. */
struct document *markdown_read(const char *data, size_t len, const struct convert_options *options);

#endif
