/*
 * Rendering the extracted article into document blocks (conversion.md §3):
 * headings, paragraphs, flattened lists, quotes, code, tables, images, and
 * the links of each block.
 */
#ifndef CAPSULED_CONVERT_HTML_RENDER_H
#define CAPSULED_CONVERT_HTML_RENDER_H

#include "convert/document.h"
#include "convert/html_extract.h"
#include "convert/html_tree.h"

struct link_resolver;

/* Append the article's blocks to doc.  links resolves the targets of
 * links and images; a leading heading similar to title (may be NULL) is
 * left out.  Returns 0 or -1 when memory runs out. */
int html_render(const struct html_tree *tree, const struct html_article *article,
    const struct link_resolver *links, const char *title, struct document *doc);

/* Whether the image element img gets a link line: it has a usable source
 * and is no tracking pixel.  The extractor asks before keeping a figure. */
int html_image_is_shown(const struct html_tree *tree, size_t img);

#endif
