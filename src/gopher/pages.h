/*
 * Small generated Gopher answers: the HTML page behind a "URL:" selector
 * (Goerzen convention) and caps.txt (Floodgap convention).  robots.txt
 * is the site layer's, the same as on Gemini.
 */
#ifndef CAPSULED_GOPHER_PAGES_H
#define CAPSULED_GOPHER_PAGES_H

#include <stddef.h>

#include "util/buf.h"

#define GOPHER_URL_PREFIX "URL:"

/* A tiny HTML 3.2 page sending the reader to url (refresh after a few
 * seconds, one link, no script, the URL HTML-escaped).  Returns 0, or -1
 * when the scheme is not one we forward to (anything but http, https,
 * gemini, ftp, irc, mailto) or the URL holds control characters. */
int gopher_url_page(struct buf *out, const char *url, size_t len);

struct caps_info {
	int tls_port;                   /* 0: none */
	const char *server_description; /* each may be NULL */
	const char *server_admin;
	const char *server_geolocation;
};

/* caps.txt as type-0 lines with the final ".". */
int gopher_caps_text(struct buf *out, const struct caps_info *info);

#endif
