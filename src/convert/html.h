/*
 * The HTML reader: extracts the main content of a saved news page.
 */
#ifndef CAPSULED_CONVERT_HTML_H
#define CAPSULED_CONVERT_HTML_H

#include <stddef.h>
#include "convert/document.h"
#include "convert/options.h"

/* Read a page in any charset: metadata, then the main content rendered as
 * blocks, then the metadata that needs the article (author, date, tags),
 * with the site's clutter left out.  Never fails on bad input; NULL only
 * when memory runs out.  opt (may be NULL) gives the page's address, its
 * save time and the archive's link lookup. */
struct document *html_read(const char *data, size_t len, const struct convert_options *opt);

#endif
