#include "gopher/page.h"

#include <string.h>

#include "gopher/reflow.h"
#include "util/text.h"

/* Continuation lines of a long display start this far in, under the
 * text of the item rather than under its type. */
#define CONTINUATION_INDENT "  "
#define FEED_LABEL "Newest articles"
#define PARENT_LABEL ".. (up)"

struct long_item {
	const struct menu *menu;
	char type;
	const char *selector;
	size_t selector_len;
	int count;
	struct buf line;
};

static int
emit_piece(void *arg, const char *piece, size_t len)
{
	struct long_item *l = arg;

	if (l->count++ == 0)
		return menu_item(l->menu, l->type, piece, len, l->selector, l->selector_len,
		    NULL, 0);
	buf_truncate(&l->line, 0);
	buf_append_str(&l->line, CONTINUATION_INDENT);
	buf_append(&l->line, piece, len);
	return l->line.failed ? -1 : menu_info(l->menu, l->line.data, l->line.len);
}

int
gopher_long_item(const struct menu *m, char type, const char *display, const char *selector,
    size_t selector_len)
{
	struct long_item l = { m, type, selector, selector_len, 0, BUF_INIT };
	struct buf scratch = BUF_INIT;
	const char *clean;
	size_t clean_len;
	int rc;

	rc = reflow_clean_view(&scratch, display, strlen(display), &clean, &clean_len);
	/* Every piece fits the width with the continuation's indent. */
	if (rc == 0)
		rc = reflow_wrap_line(clean, clean_len, m->width > sizeof(CONTINUATION_INDENT) ?
		    m->width - (sizeof(CONTINUATION_INDENT) - 1) : 1, WRAP_KEEP_WORDS, emit_piece, &l);
	buf_free(&scratch);
	buf_free(&l.line);
	return rc;
}

static char
type_of(local_type_fn type, void *arg, const char *selector)
{
	return type != NULL ? type(arg, selector) : '1';
}

static int
article_item(const struct menu *m, const struct page_line *l, local_type_fn type, void *arg)
{
	struct buf display = BUF_INIT;
	int rc;

	if (l->date != NULL && *l->date != '\0')
		buf_printf(&display, "%.10s ", l->date);
	buf_append_str(&display, l->text != NULL ? l->text : l->path);
	rc = display.failed ? -1 : gopher_long_item(m, type_of(type, arg, l->path), display.data,
	    l->path, strlen(l->path));
	buf_free(&display);
	if (rc == 0 && l->snippet != NULL)
		rc = wrapped_info(m, l->snippet, strlen(l->snippet), "> ", "> ");
	return rc;
}

/* A page of ours: the selector carries the query after '?', as written. */
static int
link_item(const struct menu *m, const struct page_line *l, local_type_fn type, void *arg)
{
	struct buf selector = BUF_INIT;
	int rc;

	buf_append_str(&selector, l->path);
	if (l->query != NULL) {
		buf_append_char(&selector, '?');
		buf_append_str(&selector, l->query);
	}
	rc = selector.failed ? -1 : menu_item(m, type_of(type, arg, selector.data), l->text,
	    strlen(l->text), selector.data, selector.len, NULL, 0);
	buf_free(&selector);
	return rc;
}

static int
file_item(const struct menu *m, const struct page_line *l, local_type_fn type, void *arg)
{
	char size[FORMAT_SIZE_MAX];
	struct buf display = BUF_INIT;
	int rc;

	format_size(size, sizeof(size), l->size);
	buf_printf(&display, "%s (%s)", l->text, size);
	rc = display.failed ? -1 : menu_item(m, type_of(type, arg, l->path), display.data,
	    display.len, l->path, strlen(l->path), NULL, 0);
	buf_free(&display);
	return rc;
}

static int
tag_item(const struct menu *m, const struct page_line *l)
{
	struct buf display = BUF_INIT;
	int rc;

	buf_printf(&display, "Tag: %s", l->text);
	rc = display.failed ? -1 : gopher_long_item(m, '1', display.data, l->path,
	    strlen(l->path));
	buf_free(&display);
	return rc;
}

static int
write_line(const struct menu *m, const struct page_line *l, local_type_fn type, void *arg)
{
	const char *text = l->text != NULL ? l->text : "";

	switch (l->kind) {
	case PAGE_HEADING:
		return menu_heading(m, text, strlen(text), l->level);
	case PAGE_TEXT:
		return wrapped_info(m, text, strlen(text), "", "");
	case PAGE_BLANK:
		return menu_info(m, "", 0);
	case PAGE_ARTICLE:
		return article_item(m, l, type, arg);
	case PAGE_LINK:
		return link_item(m, l, type, arg);
	case PAGE_PARENT:
		return menu_item(m, '1', PARENT_LABEL, strlen(PARENT_LABEL), l->path,
		    strlen(l->path), NULL, 0);
	case PAGE_FOLDER:
		return menu_item(m, '1', text, strlen(text), l->path, strlen(l->path), NULL, 0);
	case PAGE_FILE:
		return file_item(m, l, type, arg);
	case PAGE_SEARCH:
		return menu_item(m, '7', text, strlen(text), l->path, strlen(l->path), NULL, 0);
	case PAGE_FEED:
		return menu_item(m, '1', FEED_LABEL, strlen(FEED_LABEL), l->path,
		    strlen(l->path), NULL, 0);
	case PAGE_BYLINE:
		return l->path != NULL ? gopher_long_item(m, '1', text, l->path, strlen(l->path)) :
		    wrapped_info(m, text, strlen(text), "", "");
	case PAGE_TAG:
		return tag_item(m, l);
	case PAGE_GEMTEXT:
		return gemtext_to_menu(&(struct gemtext_menu){ m, l->path, type, arg }, text,
		    strlen(text));
	}
	return 0;
}

int
gopher_write_page(const struct menu *m, const struct page *p, local_type_fn type, void *arg)
{
	size_t i;
	int rc = p->failed ? -1 : 0;

	for (i = 0; i < p->n && rc == 0; i++)
		rc = write_line(m, &p->lines[i], type, arg);
	return rc;
}
