/*
 * Reading files of the tree for the Gopher side: whole small files (menus,
 * texts, gophermaps) and articles as documents, through the shared
 * article cache when there is one.
 */
#ifndef CAPSULED_GOPHER_ARTICLE_H
#define CAPSULED_GOPHER_ARTICLE_H

#include <sys/stat.h>

#include "convert/cache.h"
#include "convert/convert.h"
#include "gopher/handler.h"
#include "util/buf.h"

/* Append everything left to read on fd to out.  0, or -1 on a read or
 * memory error. */
int gopher_read_all(int fd, struct buf *out);

struct article_view {
	const struct document *doc;
	const struct cached_article *cached; /* held from the cache, or NULL */
	struct document *owned;  /* set when converted here, without a cache */
};

/* The document of the article open on fd (path: its selector).  0, or -1
 * when it cannot be read; close the view with gopher_article_close(). */
int gopher_article_open(const struct gopher_context *ctx, const char *path, int fd,
    enum article_format format, struct article_view *v);
void gopher_article_close(struct article_view *v);

#endif
