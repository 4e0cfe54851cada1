/*
 * Article metadata from an HTML page (conversion.md §4): JSON-LD, the
 * <meta> families (Dublin Core, Open Graph, Twitter, Parse.ly), <title>,
 * <html lang>, canonical links.
 */
#ifndef CAPSULED_CONVERT_HTML_META_H
#define CAPSULED_CONVERT_HTML_META_H

#include "convert/document.h"
#include "convert/html_tree.h"

/* Fill doc->meta from the page.  page_url (may be NULL) gives a path date
 * as the last resort.  Returns 0 or -1 when memory runs out. */
int html_meta_read(const struct html_tree *tree, const char *page_url, struct document *doc);

/* The page's <title> with the site name cut off at a separator when
 * enough words remain; a malloc'd string or NULL when there is none. */
char *html_meta_clean_title(const struct html_tree *tree, const char *raw);

/* Author and date from the article itself, for fields still unknown:
 * byline is the text of a byline element (may be NULL). */
int html_meta_fill_from_article(const struct html_tree *tree, const char *byline,
    struct document *doc);

#endif
