#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content/listing.h"
#include "content/path.h"
#include "site/site.h"
#include "util/text.h"

static int
all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return len > 0;
}

/* A folder name as a title: its first letter in capitals. */
static void
capitalised(struct buf *out, const char *name, size_t len)
{
	buf_append_char(out, (char)toupper((unsigned char)name[0]));
	buf_append(out, name + 1, len - 1);
}

/* "Articles - February 2014" for /articles/2014/02/, "Articles - 2014" for
 * /articles/2014/, "Articles" for /articles/, "Files" at the root. */
static void
directory_title(struct buf *out, const char *dir)
{
	const char *seg[3] = { NULL };
	size_t len[3] = { 0 }, n = 0;
	const char *p = dir + strlen(dir);
	int month = 0;

	while (p > dir && n < 3) {
		const char *end = p[-1] == '/' ? p - 1 : p, *start = end;

		while (start > dir && start[-1] != '/')
			start--;
		if (start == end)
			break;
		seg[n] = start;
		len[n++] = (size_t)(end - start);
		p = start;
	}
	if (n >= 2 && len[0] == 2 && all_digits(seg[0], 2) && len[1] == 4 &&
	    all_digits(seg[1], 4))
		month = atoi(seg[0]);
	if (month >= 1 && month <= 12) {
		if (n == 3) {
			capitalised(out, seg[2], len[2]);
			buf_append_str(out, " - ");
		}
		buf_printf(out, "%s %.4s", month_name(month), seg[1]);
	} else if (n >= 1 && len[0] == 4 && all_digits(seg[0], 4)) {
		if (n >= 2) {
			capitalised(out, seg[1], len[1]);
			buf_append_str(out, " - ");
		}
		buf_printf(out, "%.4s", seg[0]);
	} else if (n >= 1)
		capitalised(out, seg[0], len[0]);
	else
		buf_append_str(out, "Files");
}

/* An entry of the listing: a folder, an article with its date and title
 * (from its metadata, else its path), or a file with its size. */
static void
entry_line(const struct site *s, struct page *page, const struct content_entry *e,
    const char *path)
{
	enum article_format format = site_article_format(s->article_paths, path);
	const struct cached_article *a = NULL;
	struct stat st;
	struct buf name = BUF_INIT;
	int fd;

	utf8_append_clean(&name, e->name, strlen(e->name));
	if (e->is_dir) {
		buf_append_char(&name, '/');
		page_add(page, PAGE_FOLDER, name.data, path);
	} else if (format != ARTICLE_NONE &&
	    content_open(s->root_fd, path, &fd, &st) == CONTENT_OK) {
		if (S_ISREG(st.st_mode))
			a = site_article_of(s, path, fd, &st, format);
		close(fd);
	}
	if (a != NULL && a->doc != NULL)
		page_article(page, path, a->doc->meta.date != NULL ? a->doc->meta.date : "",
		    a->doc->meta.title != NULL ? a->doc->meta.title : name.data, NULL);
	else if (!e->is_dir && page_add(page, PAGE_FILE, name.data, path) == 0)
		page_last(page)->size = (long long)e->size;
	if (a != NULL)
		article_cache_release(a);
	if (name.failed)
		page->failed = 1;
	buf_free(&name);
}

static int
hidden_name(const char *name, char *const *hidden, size_t nhidden)
{
	size_t i;

	for (i = 0; i < nhidden; i++)
		if (strcmp(name, hidden[i]) == 0)
			return 1;
	return 0;
}

static void
title_and_parent(struct page *page, const char *dir)
{
	struct buf title = BUF_INIT;
	size_t len = strlen(dir);

	directory_title(&title, dir);
	if (title.failed)
		page->failed = 1;
	else
		page_heading(page, 1, title.data);
	buf_free(&title);
	page_blank(page);
	if (len <= 1)
		return;
	len--;
	while (len > 0 && dir[len - 1] != '/')
		len--;
	buf_append(&title, dir, len);
	if (title.failed)
		page->failed = 1;
	else
		page_add(page, PAGE_PARENT, NULL, title.data);
	buf_free(&title);
}

/* The page of a listing a query asks for: 1 without "page=N", 0 for a
 * number that is no page. */
static size_t
listing_page(const char *query)
{
	const char *digits;
	char *end;
	unsigned long n;

	if (query == NULL || strncmp(query, SITE_PAGE_QUERY, strlen(SITE_PAGE_QUERY)) != 0)
		return 1;
	digits = query + strlen(SITE_PAGE_QUERY);
	if (*digits < '1' || *digits > '9')
		return 0;
	n = strtoul(digits, &end, 10);
	return *end == '\0' && n <= SIZE_MAX / SITE_LISTING_SIZE ? (size_t)n : 0;
}

static void
page_link_to(struct page *page, const char *dir, size_t n, const char *label)
{
	char query[48];

	snprintf(query, sizeof(query), SITE_PAGE_QUERY "%zu", n);
	page_link(page, dir, n > 1 ? query : NULL, label);
}

/* The visible entries of page pageno, then links to the pages around it. */
static size_t
listed_entries(const struct site *s, const char *dir, const struct content_entry *entries,
    size_t n, size_t pageno, char *const *hidden, size_t nhidden, struct page *page)
{
	size_t first = (pageno - 1) * SITE_LISTING_SIZE, seen = 0, shown = 0, i;
	struct buf path = BUF_INIT;
	int more = 0;

	for (i = 0; i < n && !page->failed && !more; i++) {
		if (hidden_name(entries[i].name, hidden, nhidden))
			continue;
		buf_truncate(&path, 0);
		buf_printf(&path, "%s%s%s", dir, entries[i].name, entries[i].is_dir ? "/" : "");
		if (path.failed)
			page->failed = 1;
		else if (site_area_hidden(s->areas, dir, path.data) || seen++ < first)
			continue;
		/* A visible entry beyond the page: there is a next one. */
		else if (shown == SITE_LISTING_SIZE)
			more = 1;
		else {
			entry_line(s, page, &entries[i], path.data);
			shown++;
		}
	}
	buf_free(&path);
	if (shown > 0 && (more || pageno > 1))
		page_blank(page);
	if (shown > 0 && more)
		page_link_to(page, dir, pageno + 1, "More entries");
	if (shown > 0 && pageno > 1)
		page_link_to(page, dir, pageno - 1, "Previous entries");
	return shown;
}

int
site_listing(const struct site *s, const char *dir, const char *query, char *const *hidden,
    size_t nhidden, struct page *page)
{
	struct content_entry *entries;
	size_t n, pageno = listing_page(query), shown;

	if (pageno == 0)
		return SITE_NO_SUCH_PAGE;
	if (content_dir_entries(s->root_fd, dir, &entries, &n) != 0)
		return -1;
	title_and_parent(page, dir);
	shown = listed_entries(s, dir, entries, n, pageno, hidden, nhidden, page);
	content_entries_free(entries, n);
	if (page->failed)
		return -1;
	return shown == 0 && pageno > 1 ? SITE_NO_SUCH_PAGE : 0;
}
