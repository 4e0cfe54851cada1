/*
 * Character set detection and conversion for HTML input: gumbo only
 * parses UTF-8, so every page is turned into UTF-8 before parsing
 * (conversion.md §3, "Charsets").  Whether text is UTF-8 is
 * util/text.h's utf8_valid().
 */
#ifndef CAPSULED_CONVERT_CHARSET_H
#define CAPSULED_CONVERT_CHARSET_H

#include <stddef.h>

/* The encoding a page declares: a byte order mark first (*bom_len set to its
 * size), then <meta charset> or http-equiv Content-Type in the first 1024
 * bytes.  The name is written to name (NUL-terminated, lower case); returns
 * 0 when found, -1 when the page declares nothing. */
int charset_sniff_html(const char *data, size_t len, char *name, size_t namesize,
    size_t *bom_len);

/* The page as UTF-8: BOM stripped, declared encoding honoured (labels the
 * WHATWG maps to windows-1252 included) unless the text is non-ASCII and
 * valid UTF-8 (a page saved again as UTF-8), else UTF-8 when valid, else
 * windows-1252.  Undecodable bytes become U+FFFD.  Returns a malloc'd
 * NUL-terminated buffer and its length, or NULL when memory runs out. */
char *charset_html_to_utf8(const char *data, size_t len, size_t *outlen);

#endif
