/*
 * Answering one Gemini request: the request line in, a response out.
 * Runs on a handler thread (never the event loop), so it may block on
 * disk, conversion and the index.
 */
#ifndef CAPSULED_GEMINI_HANDLER_H
#define CAPSULED_GEMINI_HANDLER_H

#include <stddef.h>

#include "config/config.h"
#include "response/response.h"

struct archive;
struct article_cache;
struct content_types;

struct gemini_host {
	const struct host_config *config;
	int root_fd;               /* the opened content tree */
	struct archive *archive;   /* NULL when this host has no index */
};

struct gemini_context {
	const struct config *config;
	struct gemini_host *hosts; /* hosts[0] is the default */
	size_t nhosts;
	struct content_types *types;
	struct article_cache *cache;
};

/* Answer the request line (without CRLF) into resp. */
void gemini_handle(const struct gemini_context *ctx, const char *line, size_t len,
    struct response *resp);
/* The 59 answer for a line that could not be framed (too long, bare LF). */
void gemini_bad_request(struct response *resp, const char *reason);

#endif
