/*
 * The Gemini request line: framing (CRLF, 1024-byte limit) and a strict
 * parser for the absolute URI it carries (RFC 3986/3987 syntax, Gemini
 * rules: no userinfo, no fragment, no dot segments, decode exactly once).
 * Everything that is not a usable request gives 59; whether a well-formed
 * URL names something served here (53) is the caller's decision.
 *
 * Titan (an upload on the Gemini port) shares the parser: a titan:// URL is
 * read as a gemini:// one whose path ends at its first ';', after which
 * come its parameters, ';'-separated, in any order, each percent-decoded
 * once: size=N (decimal bytes of the body that follows the line), mime=TYPE,
 * token=TEXT, and edit (Lagrange: no body, "send me the source").  Unknown
 * parameters are ignored; a repeated one, a bad value, or a query is 59.
 */
#ifndef CAPSULED_GEMINI_REQUEST_H
#define CAPSULED_GEMINI_REQUEST_H

#include <stddef.h>

#include "response/response.h"

#define GEMINI_URL_MAX 1024

/*
 * Find the request line in the bytes received so far (the connection reads
 * at most GEMINI_URL_MAX + 2 bytes).  COMPLETE: *line_len = bytes before the
 * CRLF (<= 1024); whatever follows the CRLF is ignored.  BAD: a bare LF, a CR
 * not followed by LF, a NUL, or 1025+ bytes without CRLF.
 */
enum frame gemini_request_frame(const char *data, size_t len, size_t *line_len);

#define TITAN_MIME_MAX 128
#define TITAN_TOKEN_MAX 256

struct titan_params {
	long long size;            /* -1 when absent */
	char mime[TITAN_MIME_MAX]; /* lower-case; "" when absent */
	char *token;               /* NULL when absent */
	int edit;                  /* ";edit" was given */
};

struct gemini_request {
	char scheme[32];     /* lower-cased */
	char host[256];      /* lower-cased A-label (punycode) form; IPv6 literal
	                      * without brackets; "" for a foreign URL without one */
	int port;            /* -1 when absent (or empty after ':') */
	char *path;          /* percent-decoded exactly once; always starts with
	                      * '/'; "" -> "/"; always "/" for foreign schemes,
	                      * which are checked for syntax only */
	char *query;         /* raw (still percent-encoded) without '?', NULL when absent */
	int titan;           /* scheme "titan": an upload, its parameters below */
	struct titan_params params;
};

/*
 * Parse one request line (without CRLF).  Returns 0, or 59 with *reason set
 * to a short static human-readable message.  Syntax errors always win over
 * 53 cases: the caller decides 53 from scheme/host/port after a successful
 * parse.  On 59 req holds nothing to free; on 0 release it with
 * gemini_request_free().
 */
int gemini_request_parse(const char *line, size_t len, struct gemini_request *req,
    const char **reason);
void gemini_request_free(struct gemini_request *req);

/*
 * Percent-decode user input from a query (after a 10 prompt): malloc'd UTF-8
 * string, NULL if malformed (a byte not allowed in a query, bad escape,
 * invalid UTF-8, NUL) or out of memory.  Decoded controls such as a newline
 * are kept: they are the user's text.  '+' stays '+': Gemini queries are not form-encoded.
 */
char *gemini_query_decode(const char *query);

#endif
