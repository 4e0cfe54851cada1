/*
 * Feeds the bytes to the framer, then the parser, and checks what a caller
 * relies on: a path that starts with '/', has no dot or empty segments, no
 * NUL, separators or controls, is valid UTF-8, and reaches the same path
 * again when re-encoded.  The raw bytes also go to the parser directly so
 * it meets NULs and LFs the framer would have stopped.
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "gemini/request.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libc's decoder is the oracle, independent of the parser's own. */
static int
valid_utf8(const char *s)
{
	mbstate_t state;
	size_t n, len = strlen(s);

	memset(&state, 0, sizeof(state));
	while (len > 0) {
		n = mbrtowc(NULL, s, len, &state);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static void
check_segments(const char *path)
{
	const char *seg = path + 1, *end;
	size_t n;

	for (;;) {
		end = strchr(seg, '/');
		n = end != NULL ? (size_t)(end - seg) : strlen(seg);
		if (n == 0 && end != NULL)
			abort();
		if ((n == 1 && seg[0] == '.') || (n == 2 && memcmp(seg, "..", 2) == 0))
			abort();
		if (end == NULL)
			return;
		seg = end + 1;
	}
}

/* The decoded path, escaped again, must parse back to itself. */
static void
check_reencoded(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char url[GEMINI_URL_MAX + 1];
	struct gemini_request again;
	const char *reason;
	size_t n = strlen("gemini://h");
	const unsigned char *p;

	memcpy(url, "gemini://h", n);
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if (n + 3 > GEMINI_URL_MAX)
			return;
		if (*p == '/' || (*p < 0x80 && strchr("-._~", *p)) ||
		    (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')) {
			url[n++] = (char)*p;
			continue;
		}
		url[n++] = '%';
		url[n++] = hex[*p >> 4];
		url[n++] = hex[*p & 0xf];
	}
	if (gemini_request_parse(url, n, &again, &reason) != 0)
		abort();
	if (strcmp(again.path, path) != 0)
		abort();
	gemini_request_free(&again);
}

static void
check_parsed(const struct gemini_request *req, size_t line_len)
{
	const char *c;
	char *decoded;

	if (req->path == NULL || req->path[0] != '/' || strlen(req->path) > line_len + 1)
		abort();
	if (strchr(req->path, '\\') != NULL || has_control(req->path) || !valid_utf8(req->path))
		abort();
	check_segments(req->path);
	if (req->scheme[0] == '\0' || memchr(req->host, '\0', sizeof(req->host)) == NULL)
		abort();
	for (c = req->host; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			abort();
	if (strcmp(req->scheme, "gemini") == 0 && req->host[0] == '\0')
		abort();
	if (req->port < -1 || req->port > 65535)
		abort();
	if (strcmp(req->scheme, "gemini") == 0)
		check_reencoded(req->path);
	if (req->query == NULL)
		return;
	if (strpbrk(req->query, " #\\") != NULL || has_control(req->query))
		abort();
	if ((decoded = gemini_query_decode(req->query)) != NULL) {
		if (!valid_utf8(decoded))
			abort();
		free(decoded);
	}
}

static void
parse_and_check(const char *line, size_t len)
{
	struct gemini_request req;
	const char *reason = NULL;
	int status;

	status = gemini_request_parse(line, len, &req, &reason);
	if (status == 59) {
		if (reason == NULL || req.path != NULL || req.query != NULL)
			abort();
		return;
	}
	if (status != 0)
		abort();
	check_parsed(&req, len);
	gemini_request_free(&req);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t line_len = 0;

	switch (gemini_request_frame(text, size, &line_len)) {
	case FRAME_COMPLETE:
		if (line_len > GEMINI_URL_MAX || text[line_len] != '\r' ||
		    text[line_len + 1] != '\n' || memchr(text, '\0', line_len) != NULL ||
		    memchr(text, '\n', line_len) != NULL)
			abort();
		parse_and_check(text, line_len);
		break;
	case FRAME_NEED_MORE:
		if (size > GEMINI_URL_MAX + 1)
			abort();
		break;
	case FRAME_BAD:
		break;
	}
	parse_and_check(text, size < GEMINI_URL_MAX ? size : GEMINI_URL_MAX);
	return 0;
}
