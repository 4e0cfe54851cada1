/*
 * The Atom feeds (RFC 4287) of the latest articles, and of the latest
 * articles of each tag: ids and links are the articles' gemini:// URLs,
 * which never change; a feed's updated is its newest entry's.
 */
#ifndef CAPSULED_ARCHIVE_FEED_H
#define CAPSULED_ARCHIVE_FEED_H

#include "archive/pages.h"

/* The feed of every article (tag NULL) or of one tag: its key, and the
 * spelling its title shows (pages_tag_shown()). */
enum archive_status feed_render(struct reader *r, const struct page_context *ctx,
    const char *tag, const char *shown, struct archive_page *page);

/* Append text escaped for XML character data and attribute values:
 * markup characters as entities, characters XML forbids and invalid UTF-8
 * as U+FFFD. */
void feed_xml_text(struct buf *b, const char *text);

#endif
