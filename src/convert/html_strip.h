/*
 * A linear pre-pass over the page source, before gumbo sees it.  gumbo
 * takes about 11 bytes of memory per byte parsed, and on real pages most
 * bytes are inline scripts, styles, SVG drawings and comments that are
 * never shown.  Their content goes before parsing and what remains is
 * capped, so memory stays bounded on a small machine.
 */
#ifndef CAPSULED_CONVERT_HTML_STRIP_H
#define CAPSULED_CONVERT_HTML_STRIP_H

#include <stddef.h>

/* A malloc'd, NUL-terminated copy of html[0..len) without comments and
 * without the content of script (JSON-LD kept), style, svg, noscript and
 * template elements, their tags kept; raw text elements (title, textarea...)
 * stay as they are.  Copying stops before max bytes, at a tag or a
 * character boundary.  *outlen gets the length; NULL when memory runs out. */
char *html_strip_hidden(const char *html, size_t len, size_t max, size_t *outlen);

#endif
