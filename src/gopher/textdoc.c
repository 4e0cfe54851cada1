#include "gopher/textdoc.h"

#include <string.h>

#include "gopher/links.h"
#include "gopher/reflow.h"
#include "gopher/types.h"
#include "site/site.h"
#include "util/text.h"

struct prefixed_text {
	struct buf *out;
	const char *first;
	const char *rest;
	int count;
};

static int
emit_prefixed_text(void *arg, const char *piece, size_t len)
{
	struct prefixed_text *p = arg;
	const char *prefix = p->count++ == 0 ? p->first : p->rest;

	if (*prefix == '\0')
		return reflow_append_line(p->out, piece, len);
	buf_append_str(p->out, prefix);
	buf_append(p->out, piece, len);
	return buf_append(p->out, "\r\n", 2);
}

/* Reflow one paragraph (its own line breaks kept); pieces never split a word. */
static int
wrapped_text(struct buf *out, const char *text, size_t width, const char *first,
    const char *rest)
{
	struct prefixed_text p = { out, first, rest, 0 };
	struct buf scratch = BUF_INIT;
	size_t prefix = strlen(first);
	int rc = 0;

	while (rc == 0) {
		size_t len = strcspn(text, "\n"), clean_len;
		const char *clean;

		rc = reflow_clean_view(&scratch, text, len, &clean, &clean_len);
		if (rc == 0)
			rc = reflow_wrap_line(clean, clean_len, width > prefix + 1 ? width - prefix : 1,
			    WRAP_KEEP_WORDS, emit_prefixed_text, &p);
		if (text[len] == '\0')
			break;
		text += len + 1;
	}
	buf_free(&scratch);
	return rc;
}

/* Text with " [n]" after each link's label (or at the end when the label
 * is not found in it); *counter is the last number used. */
static int
with_references(struct buf *out, const struct doc_block *b, size_t *counter)
{
	const char *cursor = b->text;
	struct buf tail = BUF_INIT;
	size_t i;

	for (i = 0; i < b->nlinks; i++) {
		const char *label = b->links[i].label;
		const char *at = *label != '\0' ? strstr(cursor, label) : NULL;

		++*counter;
		if (at == NULL) {
			buf_printf(&tail, " [%zu]", *counter);
			continue;
		}
		buf_append(out, cursor, (size_t)(at - cursor) + strlen(label));
		buf_printf(out, " [%zu]", *counter);
		cursor = at + strlen(label);
	}
	buf_append_str(out, cursor);
	if (tail.len > 0)
		buf_append(out, tail.data, tail.len);
	buf_free(&tail);
	return out->failed ? -1 : 0;
}

/* A heading, underlined with '=' (level 1) or '-' (level 2). */
static int
heading_text(struct buf *out, const char *text, int level, size_t width)
{
	size_t columns, i;

	if (wrapped_text(out, text, width, "", "") != 0)
		return -1;
	if (level >= 3)
		return 0;
	columns = display_width(text, strlen(text));
	for (i = 0; i < (columns < width ? columns : width); i++)
		buf_append_char(out, level == 1 ? '=' : '-');
	return buf_append(out, "\r\n", 2);
}

static int
preformatted_text(struct buf *out, const char *text)
{
	struct buf scratch = BUF_INIT;
	const char *line = text;
	int rc = 0;

	while (rc == 0) {
		const char *nl = strchr(line, '\n'), *clean;
		size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line), clean_len;

		rc = reflow_clean_view(&scratch, line, len, &clean, &clean_len);
		if (rc == 0)
			rc = reflow_append_line(out, clean, clean_len);
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	buf_free(&scratch);
	return rc;
}

static int
link_lines(struct buf *out, const struct doc_block *b, size_t width, size_t *counter)
{
	struct buf line = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < b->nlinks && rc == 0; i++) {
		const struct doc_link *l = &b->links[i];

		buf_truncate(&line, 0);
		buf_printf(&line, "[%zu] %s", ++*counter, *l->label != '\0' ? l->label : l->url);
		rc = line.failed ? -1 : wrapped_text(out, line.data, width, "", "    ");
	}
	buf_free(&line);
	return rc;
}

static int
block_text(struct buf *out, const struct doc_block *b, size_t width, size_t *counter)
{
	struct buf text = BUF_INIT;
	int rc;

	switch (b->type) {
	case BLOCK_HEADING:
		return heading_text(out, b->text, b->level, width);
	case BLOCK_PREFORMATTED:
		return preformatted_text(out, b->text);
	case BLOCK_LINK:
		return link_lines(out, b, width, counter);
	default:
		break;
	}
	rc = with_references(&text, b, counter);
	if (rc == 0 && b->type == BLOCK_LIST_ITEM)
		rc = wrapped_text(out, text.data, width, "  * ", "    ");
	else if (rc == 0 && b->type == BLOCK_QUOTE)
		rc = wrapped_text(out, text.data, width, "> ", "> ");
	else if (rc == 0)
		rc = wrapped_text(out, text.data, width, "", "");
	buf_free(&text);
	return rc;
}

/* Printable ASCII a gopher URL may carry as it is: all but '%', '#' (a
 * fragment to lynx), '"', '<', '>' and space. */
#define GOPHER_URL_KEEP "!$&'()*+,/:;=?@[\\]^`{|}"

int
gopher_url_append(struct buf *out, const char *host, int port, char type,
    const char *selector, size_t len)
{
	buf_printf(out, "gopher://%s:%d/%c", host, port, type);
	return percent_encode(out, selector, len, GOPHER_URL_KEEP, PERCENT_ASCII);
}

static int
reference_url(struct buf *out, const char *url, const struct text_view *v)
{
	struct link_target t;
	char type;
	int rc;

	if (gopher_link_resolve(url, v->base, v->host, &t) != 0) {
		gopher_link_target_free(&t);
		return -1;
	}
	if (t.kind != LINK_LOCAL) {
		gopher_link_target_free(&t);
		return buf_append_str(out, url);
	}
	if (v->type != NULL)
		type = v->type(v->type_arg, t.selector.data);
	else if ((type = gopher_type_by_name(t.selector.data)) == '\0')
		type = '1';
	rc = gopher_url_append(out, v->host, v->port, type, t.selector.data, t.selector.len);
	gopher_link_target_free(&t);
	return rc;
}

static int
links_block(struct buf *out, const struct document *doc, const struct text_view *v)
{
	struct buf line = BUF_INIT;
	size_t i, j, n = 0;
	int rc = 0;

	for (i = 0; i < doc->nblocks && rc == 0; i++) {
		for (j = 0; j < doc->blocks[i].nlinks && rc == 0; j++) {
			if (n == 0)
				rc = reflow_append_line(out, "", 0) || reflow_append_line(out, "Links:", 6);
			buf_truncate(&line, 0);
			buf_printf(&line, "[%zu] ", ++n);
			if (rc == 0)
				rc = reference_url(&line, doc->blocks[i].links[j].url, v);
			if (rc == 0)
				rc = line.failed ? -1 : reflow_append_line(out, line.data, line.len);
		}
	}
	buf_free(&line);
	return rc;
}

static int
joins_previous(const struct doc_block *prev, const struct doc_block *b)
{
	return prev->type == b->type &&
	    (b->type == BLOCK_LIST_ITEM || b->type == BLOCK_LINK);
}

/* Where the article comes from: its first publication, the page as saved. */
static int
origins(struct buf *out, const struct document *doc, const struct text_view *v)
{
	struct buf line = BUF_INIT;
	int rc = 0;

	if (doc->meta.source_url == NULL && !v->saved_page)
		return 0;
	rc = reflow_append_line(out, "", 0);
	if (rc == 0 && doc->meta.source_url != NULL) {
		buf_printf(&line, "Original article: %s", doc->meta.source_url);
		rc = line.failed ? -1 : wrapped_text(out, line.data, v->width, "", "");
	}
	if (rc == 0 && v->saved_page) {
		struct buf selector = BUF_INIT;

		buf_printf(&selector, "%s?%s", v->base, SITE_RAW_QUERY);
		buf_truncate(&line, 0);
		buf_append_str(&line, "Saved page: ");
		if (!selector.failed)
			gopher_url_append(&line, v->host, v->port, 'h', selector.data, selector.len);
		rc = line.failed || selector.failed ? -1 :
		    wrapped_text(out, line.data, v->width, "", "");
		buf_free(&selector);
	}
	buf_free(&line);
	return rc;
}

int
gopher_document_text(struct buf *out, const struct document *doc, const struct text_view *v)
{
	size_t i, first, counter = 0;
	int rc;

	/* The page's head shows the title: headings repeating it go. */
	for (first = 0; first < doc->nblocks &&
	    document_repeats_title(&doc->blocks[first], doc->meta.title); first++)
		;
	rc = 0;
	for (i = first; i < doc->nblocks && rc == 0; i++) {
		if (i > first && !joins_previous(&doc->blocks[i - 1], &doc->blocks[i]))
			rc = reflow_append_line(out, "", 0);
		if (rc == 0)
			rc = block_text(out, &doc->blocks[i], v->width, &counter);
	}
	if (rc == 0)
		rc = links_block(out, doc, v);
	if (rc == 0)
		rc = origins(out, doc, v);
	return rc != 0 || out->failed ? -1 : 0;
}

/* A page of ours: its label, then its gopher:// URL indented under it. */
static int
link_text(struct buf *out, const struct page_line *l, const struct text_view *v)
{
	struct buf url = BUF_INIT;
	char type = v->type != NULL ? v->type(v->type_arg, l->path) : '1';
	int rc;

	gopher_url_append(&url, v->host, v->port, type, l->path, strlen(l->path));
	rc = wrapped_text(out, l->text != NULL ? l->text : "", v->width, "", "");
	if (rc == 0)
		rc = url.failed ? -1 : wrapped_text(out, url.data, v->width, "  ", "  ");
	buf_free(&url);
	return rc;
}

/* "Tags: a, b, c" from the run of tag lines at p->lines[*i]. */
static int
tags_text(struct buf *out, const struct page *p, size_t *i, size_t width)
{
	struct buf line = BUF_INIT;
	int rc;

	buf_append_str(&line, "Tags: ");
	for (; *i < p->n && p->lines[*i].kind == PAGE_TAG; ++*i)
		buf_printf(&line, "%s%s", line.len > 6 ? ", " : "", p->lines[*i].text);
	--*i;
	rc = line.failed ? -1 : wrapped_text(out, line.data, width, "", "      ");
	buf_free(&line);
	return rc;
}

static int
page_line_text(struct buf *out, const struct page *p, size_t *i, const struct text_view *v)
{
	const struct page_line *l = &p->lines[*i];
	const char *text = l->text != NULL ? l->text : "";

	switch (l->kind) {
	case PAGE_HEADING:
		return heading_text(out, text, l->level, v->width);
	case PAGE_BLANK:
		return reflow_append_line(out, "", 0);
	case PAGE_TAG:
		return tags_text(out, p, i, v->width);
	case PAGE_TEXT:
	case PAGE_BYLINE:
	case PAGE_GEMTEXT:
		return wrapped_text(out, text, v->width, "", "");
	default:
		return l->path != NULL ? link_text(out, l, v) : 0;
	}
}

int
gopher_page_text(struct buf *out, const struct page *p, const struct text_view *v)
{
	size_t i;
	int rc = p->failed ? -1 : 0;

	for (i = 0; i < p->n && rc == 0; i++)
		rc = page_line_text(out, p, &i, v);
	return rc != 0 || out->failed ? -1 : 0;
}
