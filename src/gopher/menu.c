#include "gopher/menu.h"

#include <string.h>

#include "gopher/reflow.h"
#include "gopher/width.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* Bytes of the longest prefix of s that fits in width columns. */
static size_t
prefix_within(const char *s, size_t len, size_t width)
{
	size_t i = 0, used = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = gopher_utf8_decode(s + i, len - i, &cp);
		size_t w = n == 0 ? 1 : gopher_char_width(cp);

		if (used + w > width)
			break;
		used += w;
		i += n == 0 ? 1 : n;
	}
	return i;
}

int
menu_append_display(struct buf *out, const char *text, size_t len, size_t width)
{
	struct buf clean = BUF_INIT;
	size_t i, keep;
	int rc;

	/* A TAB would split the field: it becomes a space, not a tab stop. */
	for (i = 0; i < len; i++) {
		if (text[i] == '\t')
			buf_append_char(&clean, ' ');
		else if (text[i] != '\r' && text[i] != '\n')
			buf_append_char(&clean, text[i]);
	}
	if (clean.failed) {
		buf_free(&clean);
		return -1;
	}
	i = out->len;
	rc = reflow_clean_line(out, clean.data != NULL ? clean.data : "", clean.len);
	buf_free(&clean);
	if (rc != 0)
		return -1;
	if (gopher_text_width(out->data + i, out->len - i) <= width)
		return 0;
	keep = prefix_within(out->data + i, out->len - i, width > 1 ? width - 1 : 0);
	buf_truncate(out, i + keep);
	return buf_append_str(out, ELLIPSIS);
}

static int
field_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\t' || s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
			return 0;
	return 1;
}

int
menu_item(const struct menu *m, char type, const char *display, size_t display_len,
    const char *selector, size_t selector_len, const char *host, int port)
{
	if (host == NULL) {
		host = m->host;
		port = m->port;
	}
	if (type <= ' ' || type > '~' || !field_ok(selector, selector_len) ||
	    !field_ok(host, strlen(host)))
		return menu_info(m, display, display_len);
	buf_append_char(m->out, type);
	if (menu_append_display(m->out, display, display_len, m->width) != 0)
		return -1;
	buf_append_char(m->out, '\t');
	buf_append(m->out, selector, selector_len);
	return buf_printf(m->out, "\t%s\t%d\r\n", host, port);
}

int
menu_info(const struct menu *m, const char *text, size_t len)
{
	buf_append_char(m->out, 'i');
	if (menu_append_display(m->out, text, len, m->width) != 0)
		return -1;
	return buf_printf(m->out, "\t\t%s\t%d\r\n", m->host, m->port);
}

int
menu_info_str(const struct menu *m, const char *text)
{
	return menu_info(m, text, strlen(text));
}

int
menu_end(const struct menu *m)
{
	return reflow_end(m->out);
}

int
menu_error(struct buf *out, const char *message)
{
	buf_append_char(out, '3');
	if (menu_append_display(out, message, strlen(message), GOPHER_DEFAULT_WIDTH) != 0)
		return -1;
	buf_append_str(out, "\t\terror.host\t1\r\n");
	return reflow_end(out);
}
