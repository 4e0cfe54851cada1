/*
 * Text and URL helpers shared by the article readers: every reader cleans
 * its text and resolves its links the same way, so the gemtext written
 * from any format obeys the same rules (conversion.md §3).  The primitives
 * under them (UTF-8, display width, which characters are spaces or
 * invisible, percent-encoding) are util/text.h's, shared with the
 * protocols.
 */
#ifndef CAPSULED_CONVERT_TEXTUTIL_H
#define CAPSULED_CONVERT_TEXTUTIL_H

#include <stddef.h>
#include "util/buf.h"

/* Append running text: invalid UTF-8 becomes U+FFFD, every kind of space
 * (TAB, CR, LF, NBSP, the U+2000 range...) one plain space collapsed with
 * the space before it, soft hyphens, zero-width spaces, BOMs and control
 * characters go.  A newline already in b is kept: callers use it for <br>. */
int text_append_running(struct buf *b, const char *s, size_t len);
/* Append verbatim text for a preformatted block: valid UTF-8, tabs expanded
 * to 8 columns, CR dropped, other control characters go, newlines kept. */
int text_append_verbatim(struct buf *b, const char *s, size_t len);
/* Trim spaces at both ends and around newlines, and drop empty lines, in place. */
void text_trim_lines(struct buf *b);
/* A malloc'd cleaned, trimmed single-line copy of s (newlines become spaces). */
char *text_squeeze(const char *s, size_t len);
/* Append s[0..len) in lower case: ASCII, Latin-1, Latin Extended-A and
 * Cyrillic capitals (the scripts whose words the readers match: month
 * names, byline labels); other characters as they are. */
int text_append_lower(struct buf *b, const char *s, size_t len);
/* Whether word is one of the NULL-terminated list. */
int text_in_list(const char *word, const char *const *list);
/* The length of the first string of the NULL-terminated list that s
 * starts with, or 0 when none. */
size_t text_prefix_in_list(const char *s, const char *const *list);
/* A malloc'd key for comparing names: letters and digits only, in lower
 * case, Latin letters without their accents ("Aktuálně.cz" and
 * "aktualne.cz" both give "aktualnecz").  NULL when memory runs out. */
char *text_key(const char *s);
/* Cut s after at most about max bytes, at a word boundary, adding "…".
 * Returns a malloc'd string. */
char *text_cut_words(const char *s, size_t max);

/* Length of the scheme of url including its ':' ("https:"), or 0 when it
 * has none. */
size_t url_scheme_len(const char *url);
/* Whether a link target is worth keeping: not empty, not fragment-only,
 * not javascript: or data:.  Judged without control characters, as
 * url_resolve() writes it, so none can hide a scheme or a fragment. */
int url_is_linkable(const char *ref);
/* Resolve ref against base (RFC 3986 §5.2; base may be an absolute URL or a
 * server path "/a/b.html"; NULL keeps ref).  Control characters are dropped,
 * spaces around trimmed; inner spaces of every kind, invisible characters
 * (soft hyphen, zero-width space, BOM) and invalid UTF-8 percent-encoded.  Returns a malloc'd string or NULL. */
char *url_resolve(const char *base, const char *ref);

#endif
