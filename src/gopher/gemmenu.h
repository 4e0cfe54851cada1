/*
 * gemtext -> Gopher menu (gopher.md §4): text, headings, list items and
 * quotes become wrapped info lines, preformatted blocks verbatim info lines,
 * and every link one item in place.
 */
#ifndef CAPSULED_GOPHER_GEMMENU_H
#define CAPSULED_GOPHER_GEMMENU_H

#include <stddef.h>

#include "gopher/menu.h"

/* The item type of a selector on our server (the site layer's: routes
 * of generated pages, articles, files). */
typedef char (*local_type_fn)(void *arg, const char *selector);

struct gemtext_menu {
	const struct menu *menu;
	const char *base;          /* selector of the page, for relative links */
	local_type_fn local_type;  /* NULL: by extension, '1' without one */
	void *local_type_arg;
};

/* Append the menu lines for a gemtext page (without the final ".").
 * Returns 0 or -1 when memory runs out. */
int gemtext_to_menu(const struct gemtext_menu *g, const char *text, size_t len);

/* Info lines for running text wrapped at the menu width: the first with
 * the prefix first, the others with rest.  0 or -1. */
int wrapped_info(const struct menu *m, const char *text, size_t len, const char *first,
    const char *rest);
/* A heading as info lines, underlined with '=' (level 1) or '-' (2). */
int menu_heading(const struct menu *m, const char *text, size_t len, int level);

#endif
