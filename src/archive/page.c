#include "archive/page.h"

#include <stdlib.h>
#include <string.h>

static int
copy(char **to, const char *s)
{
	if (s == NULL) {
		*to = NULL;
		return 0;
	}
	return (*to = strdup(s)) != NULL ? 0 : -1;
}

int
page_add(struct page *p, enum page_line_kind kind, const char *text, const char *path)
{
	struct page_line *line;

	if (p->failed)
		return -1;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct page_line *lines = reallocarray(p->lines, cap, sizeof(*lines));

		if (lines == NULL) {
			p->failed = 1;
			return -1;
		}
		p->lines = lines;
		p->cap = cap;
	}
	line = &p->lines[p->n];
	memset(line, 0, sizeof(*line));
	line->kind = kind;
	if (copy(&line->text, text) != 0 || copy(&line->path, path) != 0) {
		free(line->text);
		p->failed = 1;
		return -1;
	}
	p->n++;
	return 0;
}

struct page_line *
page_last(struct page *p)
{
	return p->failed || p->n == 0 ? NULL : &p->lines[p->n - 1];
}

int
page_set(struct page *p, char **field, const char *s)
{
	if (p->failed)
		return -1;
	free(*field);
	if (copy(field, s) != 0) {
		p->failed = 1;
		return -1;
	}
	return 0;
}

int
page_heading(struct page *p, int level, const char *text)
{
	if (page_add(p, PAGE_HEADING, text, NULL) != 0)
		return -1;
	page_last(p)->level = level;
	return 0;
}

int
page_text(struct page *p, const char *text)
{
	return page_add(p, PAGE_TEXT, text, NULL);
}

int
page_blank(struct page *p)
{
	return page_add(p, PAGE_BLANK, NULL, NULL);
}

int
page_article(struct page *p, const char *path, const char *date, const char *title,
    const char *snippet)
{
	struct page_line *line;

	if (page_add(p, PAGE_ARTICLE, title, path) != 0)
		return -1;
	line = page_last(p);
	if (page_set(p, &line->date, date != NULL ? date : "") != 0)
		return -1;
	return page_set(p, &line->snippet, snippet);
}

int
page_link(struct page *p, const char *path, const char *query, const char *label)
{
	if (page_add(p, PAGE_LINK, label, path) != 0)
		return -1;
	return page_set(p, &page_last(p)->query, query);
}

void
page_free(struct page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->lines[i].text);
		free(p->lines[i].path);
		free(p->lines[i].query);
		free(p->lines[i].date);
		free(p->lines[i].snippet);
	}
	free(p->lines);
	p->lines = NULL;
	p->n = p->cap = 0;
	p->failed = 0;
}
