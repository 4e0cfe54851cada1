/*
 * The HTML reader: extracts the main content of a saved news page.
 */
#ifndef CAPSULED_CONVERT_HTML_H
#define CAPSULED_CONVERT_HTML_H

#include <stddef.h>
#include "convert/convert.h"

/* Read a page in any charset: metadata, then the main content rendered as
 * blocks.  Never fails on bad input; NULL only when memory runs out.
 * opt (may be NULL) gives the page URL for links and a path date. */
struct document *html_read(const char *data, size_t len, const struct convert_options *opt);

#endif
