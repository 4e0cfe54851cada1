/*
 * The Gopher writer of generated pages (archive/page.h): headings and
 * text as info lines, articles as items whose display is the date and
 * the whole title (a title wider than the menu continues on info lines
 * under its item, never cut), search snippets as "> " info lines,
 * folders, files with their size, the parent folder, the search prompt as
 * a type-7 item, the feed as a menu of the newest articles, tags as
 * menus, and gemtext from the tree (the home page's about text) as
 * gemtext becomes a menu.
 */
#ifndef CAPSULED_GOPHER_PAGE_H
#define CAPSULED_GOPHER_PAGE_H

#include "archive/page.h"
#include "gopher/gemmenu.h"
#include "gopher/menu.h"

/* Append the menu lines of page p (without the final ".").  type gives
 * the item type of a selector on our server.  0 or -1. */
int gopher_write_page(const struct menu *m, const struct page *p, local_type_fn type, void *arg);

/* An item whose display may be wider than the menu: the first line is
 * the item, the rest of the words continue on info lines under it. */
int gopher_long_item(const struct menu *m, char type, const char *display, const char *selector,
    size_t selector_len);

#endif
