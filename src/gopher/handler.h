/*
 * Answering one Gopher request: the request line in, a response out (a
 * menu, a type-0 text, or a file sent byte for byte).  Runs on a handler
 * thread, so it may block on disk, conversion and the index.  A selector
 * is the Gemini path of the same item, raw bytes, never percent-decoded.
 */
#ifndef CAPSULED_GOPHER_HANDLER_H
#define CAPSULED_GOPHER_HANDLER_H

#include <stddef.h>

#include "gopher/request.h"
#include "response/response.h"

struct archive;
struct article_cache;
struct content_types;
struct gopher_render_cache;

struct gopher_context {
	int root_fd;
	const char *host;   /* public host and port announced in menus */
	int port;
	unsigned width;     /* reflow and display width; 0 means 67 */
	struct content_types *types;
	struct article_cache *cache;   /* NULL: convert on every request */
	struct archive *archive;       /* NULL: no home, search or date indexes */
	int tls_port;                  /* caps.txt ServerTLSPort; 0 = none */
	const char *server_description, *server_admin, *server_geolocation; /* may be NULL */
	size_t render_cache_bytes;     /* size for gopher_render_cache_new() */
	/* Rendered answers (gopher/rendercache.h); NULL: render every time.
	 * Menus are cached only with an archive, whose generation says
	 * when the titles they list change. */
	struct gopher_render_cache *render_cache;
};

/* Gopher for the connection layer (gopher/protocol.c); its context is a
 * struct gopher_context. */
extern const struct protocol gopher_protocol;

/* Answer one request line (without its line end) into resp.  Never fails:
 * errors are type-3 items (resp->status 3). */
void gopher_handle(const struct gopher_context *ctx, const char *line, size_t len,
    struct response *resp);

/* The error answer for a bad frame (too long, idle...), for the connection layer. */
void gopher_error_response(const struct gopher_context *ctx, const char *message,
    struct response *resp);

#endif
