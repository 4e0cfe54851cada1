/*
 * The Titan request line: the bytes as they are, and again behind
 * "titan://h/" so that most inputs reach the path and its parameters.  Checks what the
 * upload code relies on: 59 or a request; a titan request has no query,
 * a clean path, a size of at most 15 digits, a lower-case type/subtype
 * mime, a short clean token; written back as a line, it parses to the
 * same request.  Each token also becomes a slug, which must stay a safe
 * file name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemini/request.h"
#include "gemini/titan.h"
#include "util/buf.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
clean_text(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void
check_path(const char *path)
{
	const char *seg = path + 1, *end;
	size_t n;

	if (path[0] != '/' || !clean_text(path) || !utf8_valid(path, strlen(path)) ||
	    strchr(path, '\\') != NULL)
		abort();
	for (;;) {
		end = strchr(seg, '/');
		n = end != NULL ? (size_t)(end - seg) : strlen(seg);
		if ((n == 0 && end != NULL) || (n == 1 && seg[0] == '.') ||
		    (n == 2 && memcmp(seg, "..", 2) == 0))
			abort();
		if (end == NULL)
			return;
		seg = end + 1;
	}
}

static void
check_params(const struct titan_params *p)
{
	const char *c, *slash;

	if (p->size < -1 || p->size >= 1000000000000000LL)
		abort();
	if (p->mime[0] != '\0') {
		if ((slash = strchr(p->mime, '/')) == NULL || slash == p->mime ||
		    slash[1] == '\0' || strchr(slash + 1, '/') != NULL)
			abort();
		for (c = p->mime; *c != '\0'; c++)
			if ((*c >= 'A' && *c <= 'Z') || (unsigned char)*c <= ' ' || *c == ';')
				abort();
	}
	if (p->token != NULL && (p->token[0] == '\0' || strlen(p->token) >= TITAN_TOKEN_MAX ||
	    !clean_text(p->token) || !utf8_valid(p->token, strlen(p->token))))
		abort();
}

/* A slug is a file name of its own: no separator, nothing hidden. */
static void
check_slug(const char *title)
{
	char slug[TITAN_SLUG_MAX];

	titan_slug(title, slug);
	if (slug[0] == '\0' || slug[0] == '.' || slug[0] == '-' || strlen(slug) > 80 ||
	    strchr(slug, '/') != NULL || !clean_text(slug) || !utf8_valid(slug, strlen(slug)) ||
	    slug[strlen(slug) - 1] == '-')
		abort();
}

/* The request written back as a line parses to the same request. */
static void
check_round_trip(const struct gemini_request *req)
{
	struct gemini_request again;
	struct buf line = BUF_INIT;
	const char *reason;

	buf_printf(&line, "titan://h");
	percent_encode(&line, req->path, strlen(req->path), "/", PERCENT_ASCII);
	if (req->params.size >= 0)
		buf_printf(&line, ";size=%lld", req->params.size);
	if (req->params.mime[0] != '\0')
		buf_printf(&line, ";mime=%s", req->params.mime);
	if (req->params.token != NULL) {
		buf_append_str(&line, ";token=");
		percent_encode(&line, req->params.token, strlen(req->params.token), "",
		    PERCENT_ASCII);
	}
	if (req->params.edit)
		buf_append_str(&line, ";edit");
	if (line.failed || line.len > GEMINI_URL_MAX) {
		buf_free(&line);
		return;
	}
	if (gemini_request_parse(line.data, line.len, &again, &reason) != 0 ||
	    strcmp(again.path, req->path) != 0 || again.params.size != req->params.size ||
	    strcmp(again.params.mime, req->params.mime) != 0 ||
	    again.params.edit != req->params.edit ||
	    (again.params.token == NULL) != (req->params.token == NULL) ||
	    (req->params.token != NULL && strcmp(again.params.token, req->params.token) != 0))
		abort();
	gemini_request_free(&again);
	buf_free(&line);
}

static void
parse_and_check(const char *line, size_t len)
{
	struct gemini_request req;
	const char *reason = NULL;
	int status = gemini_request_parse(line, len, &req, &reason);

	if (status == 59) {
		if (reason == NULL || req.path != NULL || req.query != NULL || req.params.token != NULL)
			abort();
		return;
	}
	if (status != 0 || req.path == NULL)
		abort();
	if (req.titan) {
		if (req.query != NULL || req.host[0] == '\0')
			abort();
		check_path(req.path);
		check_params(&req.params);
		check_round_trip(&req);
		if (req.params.token != NULL)
			check_slug(req.params.token);
	} else if (req.params.size != -1 || req.params.mime[0] || req.params.token != NULL ||
	    req.params.edit) {
		abort();
	}
	gemini_request_free(&req);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prefix[] = "titan://h/";
	char line[GEMINI_URL_MAX + 1];
	size_t len = size < GEMINI_URL_MAX ? size : GEMINI_URL_MAX;

	parse_and_check((const char *)data, len);
	memcpy(line, prefix, sizeof(prefix) - 1);
	len = size < sizeof(line) - sizeof(prefix) ? size : sizeof(line) - sizeof(prefix);
	memcpy(line + sizeof(prefix) - 1, data, len);
	parse_and_check(line, len + sizeof(prefix) - 1);
	memcpy(line, data, len);
	line[len] = '\0';
	check_slug(line);
	return 0;
}
