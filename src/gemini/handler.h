/*
 * Answering one Gemini request: the request line in, a response out, in
 * two steps that follow struct protocol (response/response.h).
 * gemini_answer() runs on the event loop: it parses the line once and
 * resolves the path through the site layer (a path check, an openat2, an
 * fstat, a cache peek); what needs nothing more (errors, redirects, files,
 * index.gmi, articles already converted) is answered there.  Everything
 * else becomes a job that carries the parsed request and the resolved
 * target with its open file, and gemini_produce() finishes it on a pool
 * thread (conversion, index queries, listings, libmagic).
 *
 * A path in an area guarded by client certificates (site/area.h) is
 * answered 60, 61 or 62 before anything else unless the client's
 * certificate is let in; the log line's note names the fingerprint.
 * titan:// requests are uploads (gemini/titan.h): their job reads the
 * body the request announced before it is produced.
 */
#ifndef CAPSULED_GEMINI_HANDLER_H
#define CAPSULED_GEMINI_HANDLER_H

#include <stddef.h>

#include "config/config.h"
#include "response/response.h"

struct archive;
struct article_cache;
struct content_types;
struct site_areas;

struct gemini_host {
	const struct host_config *config;
	int root_fd;               /* the opened content tree */
	struct archive *archive;   /* NULL when this host has no index */
	const struct site_areas *areas; /* its guarded and publish areas; NULL: none */
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

/* On the event loop: 1 when resp holds the answer; 0 when *job was set
 * for gemini_produce() (after its body, gemini_body_length() bytes). */
int gemini_answer(const struct gemini_context *ctx, const struct request_info *req,
    struct response *resp, void **job);
/* The body a job waits for (an upload's), and a piece of it (0, or -1:
 * stop reading). */
size_t gemini_body_length(const void *job);
int gemini_body(void *job, const char *data, size_t len);
/* On a pool thread: the answer of a job; frees it. */
void gemini_produce(void *job, struct response *resp);
/* Free a job that will never be produced. */
void gemini_job_free(void *job);

/* Both steps at once, for a caller on a pool thread. */
void gemini_handle(const struct gemini_context *ctx, const char *line, size_t len,
    struct response *resp);
/* The loop's step alone: 1 answered; 0 resp is untouched and
 * gemini_handle() must answer on a pool thread. */
int gemini_handle_quick(const struct gemini_context *ctx, const char *line, size_t len,
    struct response *resp);
/* The 59 answer for a line that could not be framed (too long, bare LF). */
void gemini_bad_request(struct response *resp, const char *reason);
/* 44: the client's request rate is over the limit; try again in seconds. */
void gemini_slow_down(struct response *resp, unsigned seconds);

#endif
