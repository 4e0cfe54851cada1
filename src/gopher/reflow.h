/*
 * Text for Gopher type 0 and for menu info lines: cleaning a line (valid
 * UTF-8, no control characters, TABs expanded), wrapping it at spaces to a
 * display width, and the type-0 framing (CRLF, dot-stuffing, final ".").
 */
#ifndef CAPSULED_GOPHER_REFLOW_H
#define CAPSULED_GOPHER_REFLOW_H

#include <stddef.h>

#include "util/buf.h"

#define GOPHER_DEFAULT_WIDTH 67

/* Append one line (no line end in it) made safe to show: invalid UTF-8
 * becomes U+FFFD, control characters go (they would drive the client's
 * terminal), TABs expand to the next multiple of 8 columns, trailing spaces
 * go.  Returns 0 or -1 when memory runs out. */
int reflow_clean_line(struct buf *out, const char *s, size_t len);

/* The cleaned form of one line: s itself when cleaning would not change it
 * (the usual case, no copy), else cleaned into scratch, which the caller
 * owns and may reuse.  Returns 0 or -1 when memory runs out. */
int reflow_clean_view(struct buf *scratch, const char *s, size_t len, const char **clean,
    size_t *clean_len);

enum wrap_mode {
	WRAP_KEEP_WORDS,  /* a word wider than the width stands alone */
	WRAP_BREAK_WORDS, /* a word wider than the width is cut between characters */
};

/* Receives each piece of a wrapped line; returns 0 or -1 to stop. */
typedef int (*wrap_emit_fn)(void *arg, const char *piece, size_t len);

/* Split one cleaned line into pieces of at most width columns, breaking only
 * at ASCII spaces (the spaces at a break are dropped).  A line that fits is
 * emitted unchanged; an empty line is emitted once.  Returns 0 or the first
 * non-zero value emit returned. */
int reflow_wrap_line(const char *s, size_t len, size_t width, enum wrap_mode mode,
    wrap_emit_fn emit, void *arg);

/* Bytes of the longest prefix of s that fits in width columns, never cut
 * inside a UTF-8 sequence; at least one character so that cutting always
 * progresses. */
size_t reflow_fit_prefix(const char *s, size_t len, size_t width);

/* One type-0 line: dot-stuffed, CRLF appended. */
int reflow_append_line(struct buf *out, const char *line, size_t len);

/* A whole text (LF or CRLF lines) as type-0 lines: each line cleaned, kept
 * when it fits in width, else wrapped keeping words whole.  Lines are never
 * joined.  The final "." is not written. */
int reflow_text(struct buf *out, const char *text, size_t len, size_t width);

/* The "." line ending a type-0 text or a menu. */
int reflow_end(struct buf *out);

#endif
