/*
 * UTF-8 decoding and terminal display width, independent of the process
 * locale (wcwidth() follows LC_CTYPE, which a server must not depend on).
 * East Asian Wide and Fullwidth characters take two columns, combining
 * marks and zero-width characters none, everything else one.
 */
#ifndef CAPSULED_GOPHER_WIDTH_H
#define CAPSULED_GOPHER_WIDTH_H

#include <stddef.h>
#include <stdint.h>

/* Decode the UTF-8 sequence at s (len > 0 bytes available).  Returns its
 * length (1-4) and the code point in *cp, or 0 when the bytes are not a
 * valid, shortest-form sequence of a scalar value. */
size_t gopher_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Columns a code point takes: 0, 1 or 2.  Control characters count 0. */
unsigned gopher_char_width(uint32_t cp);

/* Columns of a UTF-8 string; an invalid byte counts as one column (it is
 * shown as one replacement character). */
size_t gopher_text_width(const char *s, size_t len);

#endif
