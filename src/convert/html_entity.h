/*
 * Entities left in text after parsing.  A page that escaped its text
 * twice ("&amp;amp;", "&amp;#8217;"), and JSON-LD, which is not HTML,
 * both show readers entity names where the site meant characters; §3
 * wants every entity decoded.
 */
#ifndef CAPSULED_CONVERT_HTML_ENTITY_H
#define CAPSULED_CONVERT_HTML_ENTITY_H

#include <stddef.h>

#include "util/buf.h"

/* Whether s[0..len) holds something shaped like an entity: "&name;",
 * "&#123;" or "&#x1F;". */
int html_has_entity(const char *s, size_t len);

/* Append s[0..len) to out with its complete entities ("&name;", "&#N;",
 * "&#xN;") decoded as an HTML parser would; a lone "&", a name without ";"
 * and an unknown name stay as written.  Returns 0 or -1 (no memory). */
int html_append_decoded(struct buf *out, const char *s, size_t len);

/* A malloc'd copy of s with its complete entities decoded, or NULL. */
char *html_decode_entities(const char *s);

#endif
