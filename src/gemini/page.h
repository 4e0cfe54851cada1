/*
 * The Gemini writer of generated pages (archive/page.h): one gemtext line
 * per line of the page.  Paths become percent-encoded links (absolute,
 * ASCII); in a directory listing (base set) the entries of that directory
 * are relative IRI links, as a reader would write them.  Text from
 * articles can never start a link, a heading or a block of its own: a
 * control character becomes a space and each value stays on its line.
 * An article's byline is a link to its month, each tag a "Tag:" link;
 * gemtext from the tree (the home page's about text) goes as written.
 */
#ifndef CAPSULED_GEMINI_PAGE_H
#define CAPSULED_GEMINI_PAGE_H

#include "archive/page.h"
#include "util/buf.h"

/* Append the gemtext of page p; base is the directory a listing shows
 * (ending in '/'), or NULL.  0, or -1 when memory runs out. */
int gemini_write_page(struct buf *out, const struct page *p, const char *base);

#endif
