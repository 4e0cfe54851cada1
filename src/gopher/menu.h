/*
 * The Gopher menu writer: item lines of exactly four TAB-separated fields
 * ending in CRLF, info lines, the error item and the final ".".  Display
 * strings are cleaned (no TAB, CR, LF or control characters) and cut to the
 * display width with an ellipsis, never padded.
 */
#ifndef CAPSULED_GOPHER_MENU_H
#define CAPSULED_GOPHER_MENU_H

#include <stddef.h>

#include "util/buf.h"

struct menu {
	struct buf *out;
	const char *host;  /* our public host and port, for local items */
	int port;
	size_t width;      /* display columns, at least 2 */
};

/* A selectable item.  host NULL means ours (port is then ignored).  A
 * selector or host that cannot be carried in a field (TAB, CR, LF, NUL)
 * turns the item into an info line, as does a type that is not
 * printable ASCII.  Returns 0 or -1 (out of memory). */
int menu_item(const struct menu *m, char type, const char *display, size_t display_len,
    const char *selector, size_t selector_len, const char *host, int port);
/* An info ("i") line with its text cut to the width. */
int menu_info(const struct menu *m, const char *text, size_t len);
int menu_info_str(const struct menu *m, const char *text);
/* The final "." line. */
int menu_end(const struct menu *m);

/* The whole answer to a failed request: "3message", empty selector,
 * error.host, port 1, then ".".  The message is cleaned like a display. */
int menu_error(struct buf *out, const char *message);

/* Append display text: cleaned, cut to width columns with an ellipsis. */
int menu_append_display(struct buf *out, const char *text, size_t len, size_t width);

#endif
