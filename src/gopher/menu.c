#include "gopher/menu.h"

#include <string.h>

#include "gopher/reflow.h"
#include "util/text.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* Bytes of the longest prefix of s that fits in width columns. */
static size_t
prefix_within(const char *s, size_t len, size_t width)
{
	size_t i = 0, used = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_next(s + i, len - i, &cp);
		size_t w = n == 0 ? 1 : display_width_char(cp);

		if (used + w > width)
			break;
		used += w;
		i += n == 0 ? 1 : n;
	}
	return i;
}

/* Whether a display needs its TABs, CRs and LFs dealt with before cleaning. */
static int
has_line_controls(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (text[i] == '\t' || text[i] == '\r' || text[i] == '\n')
			return 1;
	return 0;
}

/* The display with each TAB made a space (not a tab stop: it would split
 * the field) and CR, LF removed, appended to out as spans. */
static void
strip_line_controls(struct buf *out, const char *text, size_t len)
{
	size_t i, span = 0;

	for (i = 0; i < len; i++) {
		if (text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
			continue;
		buf_append(out, text + span, i - span);
		if (text[i] == '\t')
			buf_append_char(out, ' ');
		span = i + 1;
	}
	buf_append(out, text + span, len - span);
}

int
menu_append_display(struct buf *out, const char *text, size_t len, size_t width)
{
	struct buf stripped = BUF_INIT;
	size_t start = out->len, keep;
	int rc;

	if (has_line_controls(text, len)) {
		strip_line_controls(&stripped, text, len);
		rc = stripped.failed ? -1 : reflow_clean_line(out, stripped.data != NULL ?
		    stripped.data : "", stripped.len);
		buf_free(&stripped);
	} else
		rc = reflow_clean_line(out, text, len);
	if (rc != 0)
		return -1;
	if (display_width(out->data + start, out->len - start) <= width)
		return 0;
	keep = prefix_within(out->data + start, out->len - start, width > 1 ? width - 1 : 0);
	buf_truncate(out, start + keep);
	return buf_append_str(out, ELLIPSIS);
}

/* "\thost\tport\r\n", the end of every menu line, without printf. */
static int
append_host_port(struct buf *out, const char *host, int port)
{
	char digits[16];
	size_t n = sizeof(digits);
	unsigned long value = port < 0 ? 0UL - (unsigned long)port : (unsigned long)port;

	do {
		digits[--n] = (char)('0' + value % 10);
		value /= 10;
	} while (value > 0);
	if (port < 0)
		digits[--n] = '-';
	buf_append_char(out, '\t');
	buf_append_str(out, host);
	buf_append_char(out, '\t');
	buf_append(out, digits + n, sizeof(digits) - n);
	return buf_append(out, "\r\n", 2);
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
	return append_host_port(m->out, host, port);
}

int
menu_info(const struct menu *m, const char *text, size_t len)
{
	buf_append_char(m->out, 'i');
	if (menu_append_display(m->out, text, len, m->width) != 0)
		return -1;
	buf_append_char(m->out, '\t');
	return append_host_port(m->out, m->host, m->port);
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
