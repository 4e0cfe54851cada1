#include "gopher/gophermap.h"

#include <stdlib.h>
#include <string.h>

struct hidden_names {
	char **names;
	size_t n;
};

static int
hide(struct hidden_names *h, const char *name, size_t len)
{
	char **grown = reallocarray(h->names, h->n + 1, sizeof(*grown));

	if (grown == NULL)
		return -1;
	h->names = grown;
	if ((h->names[h->n] = strndup(name, len)) == NULL)
		return -1;
	h->n++;
	return 0;
}

static void
hidden_free(struct hidden_names *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->names[i]);
	free(h->names);
}

/* The n-th TAB-separated field of line (0-based), empty when missing. */
static const char *
field(const char *line, size_t len, int n, size_t *field_len)
{
	const char *p = line, *end = line + len, *tab;

	while (n-- > 0) {
		tab = memchr(p, '\t', (size_t)(end - p));

		if (tab == NULL) {
			*field_len = 0;
			return end;
		}
		p = tab + 1;
	}
	tab = memchr(p, '\t', (size_t)(end - p));
	*field_len = tab != NULL ? (size_t)(tab - p) : (size_t)(end - p);
	return p;
}

static int
resource_line(const struct menu *m, const char *dir, const char *line, size_t len)
{
	size_t display_len, selector_len, host_len, port_len;
	const char *display = field(line + 1, len - 1, 0, &display_len);
	const char *selector = field(line + 1, len - 1, 1, &selector_len);
	const char *host = field(line + 1, len - 1, 2, &host_len);
	const char *port = field(line + 1, len - 1, 3, &port_len);
	struct buf sel = BUF_INIT;
	char host_name[256], port_text[8];
	int rc, port_number;

	if (line[0] == 'i' || line[0] == '3')
		return menu_info(m, display, display_len);
	if (selector_len == 0) {
		selector = display;
		selector_len = display_len;
	}
	if (host_len == 0 && (selector_len == 0 || selector[0] != '/') &&
	    !(selector_len >= 4 && memcmp(selector, "URL:", 4) == 0))
		buf_append_str(&sel, dir);
	buf_append(&sel, selector, selector_len);
	if (host_len == 0 || host_len >= sizeof(host_name)) {
		rc = sel.failed ? -1 : menu_item(m, line[0], display, display_len, sel.data,
		    sel.len, NULL, 0);
		buf_free(&sel);
		return rc;
	}
	memcpy(host_name, host, host_len);
	host_name[host_len] = '\0';
	port_number = 70;
	if (port_len > 0 && port_len < sizeof(port_text)) {
		memcpy(port_text, port, port_len);
		port_text[port_len] = '\0';
		port_number = atoi(port_text);
		if (port_number < 1 || port_number > 65535)
			port_number = 70;
	}
	rc = sel.failed ? -1 : menu_item(m, line[0], display, display_len, sel.data, sel.len,
	    host_name, port_number);
	buf_free(&sel);
	return rc;
}

int
gophermap_to_menu(const struct menu *m, const char *dir, const char *text, size_t len,
    gophermap_listing_fn listing, void *arg)
{
	struct hidden_names hidden = { NULL, 0 };
	size_t pos = 0;
	int rc = 0;

	while (pos < len && rc == 0) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		size_t n = (end > pos && text[end - 1] == '\r' ? end - 1 : end) - pos;

		pos = end + 1;
		if (n == 1 && line[0] == '.')
			break;
		if (n >= 1 && line[0] == '*') {
			rc = listing != NULL ? listing(arg, hidden.names, hidden.n) : 0;
			break;
		}
		if (n == 0)
			rc = menu_info(m, "", 0);
		else if (line[0] == '!')
			rc = menu_info(m, line + 1, n - 1);
		else if (line[0] == '-')
			rc = hide(&hidden, line + 1, n - 1);
		else if (strchr("#:~%=", line[0]) != NULL)
			continue;
		else if (memchr(line, '\t', n) == NULL)
			rc = menu_info(m, line, n);
		else
			rc = resource_line(m, dir, line, n);
	}
	hidden_free(&hidden);
	return rc;
}
