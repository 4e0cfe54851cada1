/*
 * Gemtext building blocks shared by the generated pages: every value
 * that came from an article (path, title, snippet) goes through these, so
 * a file name or title can never break a line or inject one.
 */
#ifndef CAPSULED_ARCHIVE_GEMLINES_H
#define CAPSULED_ARCHIVE_GEMLINES_H

#include "util/buf.h"

/* Append path percent-encoded for use in a URL ('/' and unreserved kept). */
void gem_url_path(struct buf *b, const char *path);
/* Append a query string percent-encoded (only unreserved bytes kept). */
void gem_url_query(struct buf *b, const char *query);
/* Append text on one line: control characters become spaces. */
void gem_text(struct buf *b, const char *text);
/* "=> /path YYYY-MM-DD Title\n": the gemlog subscription entry format;
 * "=> /path Title\n" for an undated article (date ""). */
void gem_article_line(struct buf *b, const char *path, const char *date, const char *title);
/* The progress line shown while the first walk runs; nothing when
 * indexed is negative (the walk is done). */
void gem_building_line(struct buf *b, long indexed);

#endif
