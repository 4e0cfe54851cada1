/*
 * Answering one Gemini request: the request line in, a response out.
 * gemini_handle() runs on a handler thread (never the event loop), so it
 * may block on conversion and the index; gemini_handle_quick() answers on
 * the loop what needs neither.
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

/* Gemini for the connection layer (gemini/protocol.c); its context is a
 * struct gemini_context. */
extern const struct protocol gemini_protocol;

/* Answer the request line (without CRLF) into resp. */
void gemini_handle(const struct gemini_context *ctx, const char *line, size_t len,
    struct response *resp);
/* The same on an event loop, for what needs neither the index, a
 * conversion, a listing nor libmagic (bad requests, redirects, static
 * files, index.gmi, articles already converted): 1 answered; 0 resp is
 * untouched and gemini_handle() must answer on a handler thread. */
int gemini_handle_quick(const struct gemini_context *ctx, const char *line, size_t len,
    struct response *resp);
/* The 59 answer for a line that could not be framed (too long, bare LF). */
void gemini_bad_request(struct response *resp, const char *reason);
/* 44: the client's request rate is over the limit; try again in seconds. */
void gemini_slow_down(struct response *resp, unsigned seconds);

#endif
