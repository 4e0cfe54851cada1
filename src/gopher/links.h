/*
 * Where a link of a gemtext page or article points, seen from Gopher:
 * a selector on our server, a native Gopher item elsewhere, an external
 * URL (carried as an "h" item with a "URL:" selector), or nothing
 * followable (javascript:, data:, file:, unknown schemes).
 */
#ifndef CAPSULED_GOPHER_LINKS_H
#define CAPSULED_GOPHER_LINKS_H

#include "util/buf.h"

enum link_kind { LINK_LOCAL, LINK_GOPHER, LINK_URL, LINK_REFUSED };

struct link_target {
	enum link_kind kind;
	struct buf selector; /* LOCAL: raw path from '/'; GOPHER: decoded selector;
	                      * URL: the URL as written */
	char type;           /* GOPHER: the item type from the URL */
	char host[256];      /* GOPHER only */
	int port;            /* GOPHER only */
};

/* Resolve url against the selector of the page holding it (base, starting
 * with '/'), with own_host our public name (gemini:// links to it are
 * local).  Returns 0, or -1 when memory runs out; release target with
 * gopher_link_target_free(). */
int gopher_link_resolve(const char *url, const char *base, const char *own_host,
    struct link_target *target);
void gopher_link_target_free(struct link_target *target);

/* Whether a URL: selector may carry this URL (http, https, gemini, ftp,
 * irc, mailto). */
int gopher_link_scheme_allowed(const char *url, size_t len);

#endif
