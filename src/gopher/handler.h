/*
 * Answering one Gopher request: the request line in, a response out (a
 * menu, a type-0 text, or a file sent byte for byte), in the two steps of
 * struct protocol (response/response.h).  gopher_answer() runs on the
 * event loop: it splits the line once, resolves the selector through the
 * site layer and answers what needs no more (errors, files sent as they
 * are, the original of an article, URL: pages, the UMN probe);
 * gopher_produce() finishes the rest on a pool thread from the job it
 * left (menus, reflowed texts, converted articles, archive pages).  A
 * selector is the Gemini path of the same item, raw bytes, never
 * percent-decoded; "path?query" carries a query as Gemini does.
 * Gopher has no client certificates: a path in a guarded area
 * (site/area.h) is an error item, and listings leave such areas out.
 */
#ifndef CAPSULED_GOPHER_HANDLER_H
#define CAPSULED_GOPHER_HANDLER_H

#include <stddef.h>

#include "config/config.h"
#include "gopher/request.h"
#include "response/response.h"

struct archive;
struct article_cache;
struct content_types;
struct gopher_render_cache;
struct site_areas;

struct gopher_context {
	int root_fd;
	const char *host;   /* public host and port announced in menus */
	int port;
	unsigned width;     /* reflow and display width; 0 means 67 */
	/* article_paths and directory_listing; NULL: every file with an
	 * article's name is one, directories are listed. */
	const struct config *config;
	struct content_types *types;
	struct article_cache *cache;   /* converted articles (required) */
	struct archive *archive;       /* NULL: no home, search or date indexes */
	const struct site_areas *areas; /* the host's areas; NULL: none */
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

/* On the event loop: 1 when resp holds the answer; 0 when *job was set
 * for gopher_produce().  Never fails: errors are type-3 items
 * (resp->status 3). */
int gopher_answer(const struct gopher_context *ctx, const char *line, size_t len,
    struct response *resp, void **job);
/* On a pool thread: the answer of a job; frees it. */
void gopher_produce(void *job, struct response *resp);
/* Free a job that will never be produced. */
void gopher_job_free(void *job);

/* Both steps at once, for a caller on a pool thread. */
void gopher_handle(const struct gopher_context *ctx, const char *line, size_t len,
    struct response *resp);

/* The error answer for a bad frame (too long, idle...), for the connection layer. */
void gopher_error_response(const struct gopher_context *ctx, const char *message,
    struct response *resp);

/* The item type of a selector on our server, for links in menus: the
 * routes of generated pages (the search route is type 7), articles (0,
 * their originals at "?raw" by extension), then by extension or by
 * looking at the file; '1' when unknown.  arg: the gopher_context. */
char gopher_item_type(void *arg, const char *selector);

#endif
