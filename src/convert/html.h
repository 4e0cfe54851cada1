/*
 * The HTML reader: extracts the main content of a saved news page.
 */
#ifndef CAPSULED_CONVERT_HTML_H
#define CAPSULED_CONVERT_HTML_H

#include <stddef.h>
#include "convert/convert.h"

struct document *html_read(const char *data, size_t len, const struct convert_options *opt);

#endif
