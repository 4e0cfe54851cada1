/*
 * The document model as Gopher type-0 text: reflowed blocks with
 * numbered link references "[n]" in place, a "Links:" block listing
 * "[n] URL" where our own targets are gopher:// URLs so readers stay in
 * Gopher, and the article's origins.  Around it, the site's page of the
 * article (its head: title, byline, tags; its foot: the articles before
 * and after it, its month, the archive) as text too, each link its
 * label with its gopher:// URL on the line under it.
 */
#ifndef CAPSULED_GOPHER_TEXTDOC_H
#define CAPSULED_GOPHER_TEXTDOC_H

#include <stddef.h>

#include "archive/page.h"
#include "convert/document.h"
#include "gopher/gemmenu.h"
#include "util/buf.h"

struct text_view {
	size_t width;        /* reflow width in display columns */
	const char *host;    /* our public host and port, for local links */
	int port;
	const char *base;    /* selector of the article, for relative links */
	int saved_page;      /* the article is a saved web page, its original at ?raw */
	local_type_fn type;  /* the item type of our own targets; NULL: by extension */
	void *type_arg;
};

/* Append the type-0 lines (without the final "."): the body with "[n]"
 * references, the "Links:" list, then where the article was first
 * published and, for a saved web page, the gopher URL of the page as
 * saved.  The head is the page's (gopher_page_text()).  0 or -1 (memory). */
int gopher_document_text(struct buf *out, const struct document *doc, const struct text_view *v);
/* Append the type-0 lines of a page (without the final "."): headings
 * underlined, text wrapped, tags on one "Tags:" line, links to our pages
 * as their label and, indented under it, their gopher:// URL.  0 or -1
 * (memory). */
int gopher_page_text(struct buf *out, const struct page *p, const struct text_view *v);

/* Append the gopher:// URL of a selector on our server, percent-encoding
 * what a URL cannot carry. */
int gopher_url_append(struct buf *out, const char *host, int port, char type,
    const char *selector, size_t len);

#endif
