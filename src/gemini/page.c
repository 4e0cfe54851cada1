#include "gemini/page.h"

#include <string.h>

#include "util/text.h"

/* Text on one line: control characters become spaces. */
static void
line_text(struct buf *b, const char *text)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(text != NULL ? text : ""); *p != '\0'; p++)
		buf_append_char(b, *p < 0x20 || *p == 0x7f ? ' ' : (char)*p);
}

/* The link target of a path (and query): relative to base when the path
 * is an entry of that directory, else absolute. */
static void
link_target(struct buf *b, const char *path, const char *query, const char *base)
{
	size_t len = base != NULL ? strlen(base) : 0;
	const char *rest = path + len, *slash;

	if (base != NULL && strncmp(path, base, len) == 0 && *rest != '\0' &&
	    ((slash = strchr(rest, '/')) == NULL || slash[1] == '\0')) {
		percent_encode(b, rest, slash != NULL ? (size_t)(slash - rest) : strlen(rest), "",
		    PERCENT_IRI);
		if (slash != NULL)
			buf_append_char(b, '/');
		return;
	}
	percent_encode(b, path, strlen(path), PERCENT_KEEP_PATH, PERCENT_ASCII);
	/* "key=value" queries of list pages and prefix searches stay readable. */
	if (query != NULL) {
		buf_append_char(b, '?');
		percent_encode(b, query, strlen(query), "=*", PERCENT_ASCII);
	}
}

static void
link_line(struct buf *b, const struct page_line *l, const char *base, const char *label)
{
	buf_append_str(b, "=> ");
	link_target(b, l->path, l->query, base);
	buf_append_char(b, ' ');
	line_text(b, label);
}

static void
article_line(struct buf *b, const struct page_line *l, const char *base)
{
	buf_append_str(b, "=> ");
	link_target(b, l->path, NULL, base);
	buf_append_char(b, ' ');
	if (l->date != NULL && *l->date != '\0')
		buf_printf(b, "%.10s ", l->date);
	line_text(b, l->text);
	/* A quote line: a snippet can never start a link or a
	 * preformatted block there. */
	if (l->snippet != NULL) {
		buf_append_str(b, "\n> ");
		line_text(b, l->snippet);
	}
}

/* Gemtext as written, ending with a line end; an open preformatted
 * block is closed so that the page goes on as gemtext. */
static void
gemtext_block(struct buf *b, const char *text)
{
	const char *line = text;
	int preformatted = 0;

	while (*line != '\0') {
		if (strncmp(line, "```", 3) == 0)
			preformatted = !preformatted;
		line += strcspn(line, "\n");
		if (*line == '\n')
			line++;
	}
	buf_append_str(b, text);
	if (*text != '\0' && text[strlen(text) - 1] != '\n')
		buf_append_char(b, '\n');
	if (preformatted)
		buf_append_str(b, "```\n");
}

static void
write_line(struct buf *b, const struct page_line *l, const char *base)
{
	char size[FORMAT_SIZE_MAX];

	switch (l->kind) {
	case PAGE_HEADING:
		buf_printf(b, "%.*s ", l->level < 1 ? 1 : l->level > 3 ? 3 : l->level, "###");
		line_text(b, l->text);
		break;
	case PAGE_TEXT:
		line_text(b, l->text);
		break;
	case PAGE_BLANK:
		break;
	case PAGE_ARTICLE:
		article_line(b, l, base);
		break;
	case PAGE_PARENT:
		buf_append_str(b, "=> ../ Parent directory");
		break;
	case PAGE_FILE:
		link_line(b, l, base, l->text);
		format_size(size, sizeof(size), l->size);
		buf_printf(b, " (%s)", size);
		break;
	case PAGE_BYLINE:
		if (l->path != NULL)
			link_line(b, l, base, l->text);
		else
			line_text(b, l->text);
		break;
	case PAGE_TAG:
		buf_append_str(b, "=> ");
		link_target(b, l->path, NULL, base);
		buf_append_str(b, " Tag: ");
		line_text(b, l->text);
		break;
	case PAGE_GEMTEXT:
		gemtext_block(b, l->text);
		return;
	default:
		link_line(b, l, base, l->text);
		break;
	}
	buf_append_char(b, '\n');
}

int
gemini_write_page(struct buf *out, const struct page *p, const char *base)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		write_line(out, &p->lines[i], base);
	return out->failed || p->failed ? -1 : 0;
}
