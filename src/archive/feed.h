/*
 * The Atom feed (RFC 4287) of the latest articles: ids and links are the
 * articles' gemini:// URLs, which never change.
 */
#ifndef CAPSULED_ARCHIVE_FEED_H
#define CAPSULED_ARCHIVE_FEED_H

#include "archive/pages.h"

enum archive_status feed_render(struct reader *r, const struct page_context *ctx,
    struct archive_page *page);

/* Append text escaped for XML character data and attribute values:
 * markup characters as entities, characters XML forbids and invalid UTF-8
 * as U+FFFD. */
void feed_xml_text(struct buf *b, const char *text);

#endif
