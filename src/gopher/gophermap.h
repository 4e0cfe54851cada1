/*
 * gophermap files (gophernicus syntax) that replace a generated directory
 * menu: "Xdisplay<TAB>selector<TAB>host<TAB>port" items, lines without a
 * TAB as info lines, "#" comments, "!title", "-name" to hide a file from
 * the listing, "*" to include the listing and stop, "." to stop.  "=" (include
 * or run another map), ":", "~" and "%" are ignored: nothing is executed.
 */
#ifndef CAPSULED_GOPHER_GOPHERMAP_H
#define CAPSULED_GOPHER_GOPHERMAP_H

#include <stddef.h>

#include "gopher/menu.h"

/* Writes the generated listing of the directory, leaving out the names in
 * hidden (n of them).  Returns 0 or -1. */
typedef int (*gophermap_listing_fn)(void *arg, char *const *hidden, size_t n);

/* Append the menu lines of a gophermap found in the directory dir (a
 * selector ending in '/'), without the final ".".  listing may be NULL
 * ("*" then just stops).  Returns 0 or -1 (memory, or listing failed). */
int gophermap_to_menu(const struct menu *m, const char *dir, const char *text, size_t len,
    gophermap_listing_fn listing, void *arg);

#endif
