/*
 * The Gopher request line: framing (CRLF or bare LF, 1024-byte limit) and
 * its split into selector, search words and ignored Gopher+ fields.
 */
#ifndef CAPSULED_GOPHER_REQUEST_H
#define CAPSULED_GOPHER_REQUEST_H

#include <stddef.h>

#include "response/response.h"

#define GOPHER_LINE_MAX 1024

/* CRLF or bare LF ends the line (*line_len: bytes before it); more than
 * 1024 bytes without one, or a NUL, is BAD. */
enum frame gopher_request_frame(const char *data, size_t len, size_t *line_len);

struct gopher_request {
	const char *selector; /* points into the line; raw bytes, never decoded */
	size_t selector_len;
	const char *search;   /* second field, NULL when absent */
	size_t search_len;
};

/* Split a line (without its line end) at TABs: selector, search words; the
 * Gopher+ fields after them ("+", "!", "$", ...) are ignored.  Returns 0,
 * or -1 when the selector holds a CR (a stray one before the LF). */
int gopher_request_parse(const char *line, size_t len, struct gopher_request *req);

#endif
