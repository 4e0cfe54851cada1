/*
 * Directory menus (gopher.md §3): a gophermap when the directory has one;
 * otherwise its index.gmi (or, at the root, the archive home page)
 * rendered as a menu followed by the listing, or a title and the listing.
 */
#ifndef CAPSULED_GOPHER_DIRECTORY_H
#define CAPSULED_GOPHER_DIRECTORY_H

#include "gopher/handler.h"
#include "gopher/menu.h"

/* Append the whole menu of the directory dir (a selector ending in '/'),
 * with the final ".".  0 or -1 (memory). */
int gopher_directory_menu(const struct gopher_context *ctx, const struct menu *m, const char *dir);

/* The item type of a selector on our server (for links in menus):
 * by extension, else by looking at the file; '1' when unknown. */
char gopher_item_type(void *ctx, const char *selector);

#endif
