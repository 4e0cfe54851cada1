#include "gopher/gemmenu.h"

#include <stdlib.h>
#include <string.h>

#include "gopher/links.h"
#include "gopher/reflow.h"
#include "gopher/types.h"
#include "util/text.h"

#define LIST_PREFIX "  * "
#define LIST_INDENT "    "
#define QUOTE_PREFIX "> "

struct prefixed {
	const struct menu *menu;
	const char *first;  /* prefix of the first piece */
	const char *rest;   /* prefix of the following pieces */
	int count;
	struct buf line;    /* scratch for a prefixed piece */
};

static int
emit_prefixed(void *arg, const char *piece, size_t len)
{
	struct prefixed *p = arg;
	const char *prefix = p->count++ == 0 ? p->first : p->rest;

	if (*prefix == '\0')
		return menu_info(p->menu, piece, len);
	buf_truncate(&p->line, 0);
	buf_append_str(&p->line, prefix);
	buf_append(&p->line, piece, len);
	return p->line.failed ? -1 : menu_info(p->menu, p->line.data, p->line.len);
}

int
wrapped_info(const struct menu *m, const char *text, size_t len, const char *first,
    const char *rest)
{
	struct prefixed p = { m, first, rest, 0, BUF_INIT };
	struct buf scratch = BUF_INIT;
	size_t prefix = strlen(first), width = m->width > prefix + 1 ? m->width - prefix : 1;
	const char *clean;
	size_t clean_len;
	int rc;

	rc = reflow_clean_view(&scratch, text, len, &clean, &clean_len);
	if (rc == 0)
		rc = reflow_wrap_line(clean, clean_len, width, WRAP_BREAK_WORDS, emit_prefixed, &p);
	buf_free(&scratch);
	buf_free(&p.line);
	return rc;
}

static int
preformatted_info(const struct menu *m, const char *text, size_t len)
{
	struct buf scratch = BUF_INIT;
	const char *clean;
	size_t clean_len, pos = 0;
	int rc;

	rc = reflow_clean_view(&scratch, text, len, &clean, &clean_len);
	if (rc == 0 && clean_len == 0)
		rc = menu_info(m, "", 0);
	while (rc == 0 && pos < clean_len) {
		size_t cut = reflow_fit_prefix(clean + pos, clean_len - pos, m->width);

		rc = menu_info(m, clean + pos, cut);
		pos += cut;
	}
	buf_free(&scratch);
	return rc;
}

/* The "=" or "-" line under a heading, as wide as its text (at most the
 * width), appended in spans. */
static int
heading_rule(const struct menu *m, const char *text, size_t len, char c)
{
	char run[64];
	struct buf rule = BUF_INIT;
	size_t columns = display_width(text, len);
	int rc;

	if (columns > m->width)
		columns = m->width;
	memset(run, c, sizeof(run));
	while (columns > 0) {
		size_t n = columns < sizeof(run) ? columns : sizeof(run);

		buf_append(&rule, run, n);
		columns -= n;
	}
	rc = rule.failed ? -1 : menu_info(m, rule.data != NULL ? rule.data : "", rule.len);
	buf_free(&rule);
	return rc;
}

int
menu_heading(const struct menu *m, const char *text, size_t len, int level)
{
	int rc;

	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	if ((rc = wrapped_info(m, text, len, "", "")) != 0 || level == 3)
		return rc;
	return heading_rule(m, text, len, level == 1 ? '=' : '-');
}

static char
local_item_type(const struct gemtext_menu *g, const char *selector)
{
	char type;

	if (g->local_type != NULL)
		return g->local_type(g->local_type_arg, selector);
	type = gopher_type_by_name(selector);
	return type != '\0' ? type : '1';
}

static int
link_item(const struct gemtext_menu *g, const char *url, const char *label, size_t label_len)
{
	const struct menu *m = g->menu;
	struct link_target t;
	struct buf sel = BUF_INIT;
	int rc;

	if (label_len == 0) {
		label = url;
		label_len = strlen(url);
	}
	if (gopher_link_resolve(url, g->base, m->host, &t) != 0) {
		gopher_link_target_free(&t);
		return -1;
	}
	switch (t.kind) {
	case LINK_LOCAL:
		rc = menu_item(m, local_item_type(g, t.selector.data), label, label_len,
		    t.selector.data, t.selector.len, NULL, 0);
		break;
	case LINK_GOPHER:
		rc = menu_item(m, t.type, label, label_len, t.selector.data != NULL ?
		    t.selector.data : "", t.selector.len, t.host, t.port);
		break;
	case LINK_URL:
		buf_append_str(&sel, "URL:");
		buf_append(&sel, t.selector.data, t.selector.len);
		rc = sel.failed ? -1 : menu_item(m, 'h', label, label_len, sel.data, sel.len,
		    NULL, 0);
		buf_free(&sel);
		break;
	default:
		rc = wrapped_info(m, label, label_len, "", "");
		break;
	}
	gopher_link_target_free(&t);
	return rc;
}

static int
link_line(const struct gemtext_menu *g, const char *line, size_t len)
{
	size_t i = 2, url_start, url_end;
	char *url;
	int rc;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	url_start = i;
	while (i < len && line[i] != ' ' && line[i] != '\t')
		i++;
	url_end = i;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (url_end == url_start)
		return 0;
	if ((url = strndup(line + url_start, url_end - url_start)) == NULL)
		return -1;
	rc = link_item(g, url, line + i, len - i);
	free(url);
	return rc;
}

static int
gemtext_line(const struct gemtext_menu *g, const char *line, size_t len)
{
	const struct menu *m = g->menu;

	if (len == 0)
		return menu_info(m, "", 0);
	if (len >= 2 && memcmp(line, "=>", 2) == 0)
		return link_line(g, line, len);
	if (len >= 3 && memcmp(line, "###", 3) == 0)
		return menu_heading(m, line + 3, len - 3, 3);
	if (len >= 2 && memcmp(line, "##", 2) == 0)
		return menu_heading(m, line + 2, len - 2, 2);
	if (line[0] == '#')
		return menu_heading(m, line + 1, len - 1, 1);
	if (len >= 2 && memcmp(line, "* ", 2) == 0)
		return wrapped_info(m, line + 2, len - 2, LIST_PREFIX, LIST_INDENT);
	if (line[0] == '>') {
		size_t skip = len >= 2 && line[1] == ' ' ? 2 : 1;

		return wrapped_info(m, line + skip, len - skip, QUOTE_PREFIX, QUOTE_PREFIX);
	}
	return wrapped_info(m, line, len, "", "");
}

int
gemtext_to_menu(const struct gemtext_menu *g, const char *text, size_t len)
{
	size_t pos = 0;
	int preformatted = 0, rc = 0;

	while (pos < len && rc == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		size_t stop = end > pos && text[end - 1] == '\r' ? end - 1 : end;

		if (stop - pos >= 3 && memcmp(text + pos, "```", 3) == 0)
			preformatted = !preformatted;
		else if (preformatted)
			rc = preformatted_info(g->menu, text + pos, stop - pos);
		else
			rc = gemtext_line(g, text + pos, stop - pos);
		pos = end + 1;
	}
	return rc;
}
