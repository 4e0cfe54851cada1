/*
 * Text primitives every layer shares, so that both protocols and the
 * article converter print the same thing: one UTF-8 decoder, validator
 * and encoder, one display-width table (Unicode's East Asian Wide and
 * Fullwidth characters and emoji two columns, combining marks none;
 * independent of the process locale), one list of the characters that
 * show as a space or as nothing, one percent-encoder whose policy is
 * explicit (IRI or ASCII), its decoder and the hex digits they read, one
 * human size format, one table of month names and one fingerprint of
 * text.  Pure functions, safe from any thread.
 */
#ifndef CAPSULED_UTIL_TEXT_H
#define CAPSULED_UTIL_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* The UTF-8 sequence at s (len > 0 bytes available): its length (1-4) and
 * its code point in *cp, or 0 when the bytes are not a valid, shortest
 * form sequence of a scalar value (a stray continuation byte, an overlong
 * form, a surrogate, past U+10FFFF, cut short by len). */
size_t utf8_next(const char *s, size_t len, uint32_t *cp);
/* The same for text read as a reader sees it: a byte that starts no valid
 * sequence reads as U+FFFD, one byte long.  Returns 1-4 (len > 0). */
size_t utf8_next_lossy(const char *s, size_t len, uint32_t *cp);
/* Whether s[0..len) is valid UTF-8 throughout. */
int utf8_valid(const char *s, size_t len);
/* How many bytes of s[0..len) from the start are ASCII. */
size_t utf8_ascii_len(const char *s, size_t len);
/* Append s[0..len) with every byte that starts no valid sequence replaced
 * by U+FFFD. */
int utf8_append_clean(struct buf *out, const char *s, size_t len);
/* Append cp in UTF-8; U+FFFD in place of what is no scalar value (a
 * surrogate, past U+10FFFF). */
int utf8_append_char(struct buf *out, uint32_t cp);
/* The longest prefix of s[0..len) of at most max bytes that ends between
 * two characters (it never ends inside a sequence). */
size_t utf8_prefix_len(const char *s, size_t len, size_t max);

/* Columns a code point takes in a terminal: 0, 1 or 2.  C0 and C1
 * controls count 0. */
unsigned display_width_char(uint32_t cp);
/* Columns of a UTF-8 string; an invalid byte counts one (it is shown as
 * one replacement character). */
size_t display_width(const char *s, size_t len);

/* Whether cp shows as a space: U+0020, TAB, CR, LF, FF, VT, NBSP and
 * Unicode's other spaces and separators (U+1680, U+2000-U+200A, U+2028,
 * U+2029, U+202F, U+205F, U+3000). */
int char_is_space(uint32_t cp);
/* Whether cp shows as nothing: C0 and C1 controls, DEL, the soft hyphen,
 * the zero-width space, the word joiner and the byte order mark. */
int char_is_invisible(uint32_t cp);

/*
 * Percent-encoding.  Unreserved ASCII (RFC 3986: letters, digits, "-._~")
 * and the bytes of keep always stay (keep NULL: every ASCII byte stays);
 * the policy says what happens to the bytes >= 0x80:
 *   PERCENT_IRI          valid UTF-8 sequences stay as they are (RFC
 *                        3987), stray bytes are encoded, and so are
 *                        what 3987 leaves out of IRIs: C1 controls and
 *                        bidirectional formatting characters;
 *   PERCENT_IRI_VISIBLE  the same, but the characters that show as a
 *                        space or as nothing (char_is_space(),
 *                        char_is_invisible()) are encoded too: a URL a
 *                        reader sees whole, as a gemtext link line needs;
 *   PERCENT_ASCII        every byte >= 0x80 is encoded (a plain URI).
 * Everything else (controls, space, '%' unless kept...) becomes %XX.
 */
enum percent_policy { PERCENT_IRI, PERCENT_IRI_VISIBLE, PERCENT_ASCII };
int percent_encode(struct buf *out, const char *s, size_t len, const char *keep,
    enum percent_policy policy);
/* What percent_encode() keeps of a path besides unreserved: '/' and the
 * sub-delimiters, ':' and '@' (RFC 3986 pchar). */
#define PERCENT_KEEP_PATH "/!$&'()*+,;=:@"
/* The value of a hex digit (either case), or -1 when c is none. */
int hex_digit_value(int c);
/* Decode %XX escapes of s[0..len) into out (room for len bytes); a '%'
 * not followed by two hex digits is kept as written.  Returns the decoded
 * length.  out may be s (decoding never grows). */
size_t percent_decode(const char *s, size_t len, char *out);
/* The same, appended to a buffer. */
int percent_decode_buf(struct buf *out, const char *s, size_t len);
/* Whether every '%' of s[0..len) starts a two-hex-digit escape. */
int percent_well_formed(const char *s, size_t len);

/* A file size for readers: "812 B", "19.5 KiB", "1.0 MiB" (never
 * "1024.0 KiB": a value that would round to 1024 takes the next unit). */
void format_size(char *out, size_t outsize, long long size);
#define FORMAT_SIZE_MAX 32

/* "January" for 1 ... "December" for 12; NULL for any other number. */
const char *month_name(int month);

/* FNV-1a, 64 bits: a fingerprint of s[0..len) to tell texts apart and
 * to spread them in hash tables (not made to resist a chosen text). */
uint64_t text_hash64(const char *s, size_t len);

#endif
