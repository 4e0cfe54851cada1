/*
 * The plain-text reader: text dumps of news pages, with site chrome above
 * the headline and a dateline under it (conversion.md "Plain-text dumps").
 */
#ifndef CAPSULED_CONVERT_TEXT_H
#define CAPSULED_CONVERT_TEXT_H

#include <stddef.h>
#include "convert/document.h"
#include "convert/options.h"

/* Find the dateline, the headline above it and a byline; drop the chrome
 * (everything above the headline, or without a dateline the lines listed in
 * options->chrome_lines and leading one- or two-word lines); every other
 * run of lines becomes a paragraph, with link lines for its bare URLs.
 * options may be NULL.  NULL only when memory runs out. */
struct document *text_read(const char *data, size_t len, const struct convert_options *options);

#endif
