#include "gopher/directory.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "content/listing.h"
#include "content/path.h"
#include "gopher/article.h"
#include "gopher/gemmenu.h"
#include "gopher/gophermap.h"
#include "gopher/types.h"
#include "util/text.h"

#define INDEX_NAME "index.gmi"
#define GOPHERMAP_NAME "gophermap"

char
gopher_item_type(void *arg, const char *selector)
{
	const struct gopher_context *ctx = arg;
	char type = gopher_type_by_name(selector);
	struct stat st;
	int fd;

	if (type != '\0')
		return type;
	if (content_open(ctx->root_fd, selector, &fd, &st) != CONTENT_OK)
		return '1';
	type = S_ISDIR(st.st_mode) ? '1' : gopher_type_of_file(selector, fd);
	close(fd);
	return type;
}

static int
all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return len > 0;
}

/* "Articles - February 2014" for /articles/2014/02/, "Articles - 2014" for
 * /articles/2014/, "Articles" for /articles/, "Files" at the root. */
static void
directory_title(struct buf *out, const char *dir)
{
	const char *seg[4] = { NULL };
	size_t len[4] = { 0 }, n = 0;
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
		if (n == 3)
			buf_printf(out, "%c%.*s - ", toupper((unsigned char)seg[2][0]),
			    (int)len[2] - 1, seg[2] + 1);
		buf_printf(out, "%s %.4s", month_name(month), seg[1]);
	} else if (n >= 1 && len[0] == 4 && all_digits(seg[0], 4)) {
		if (n >= 2)
			buf_printf(out, "%c%.*s - ", toupper((unsigned char)seg[1][0]),
			    (int)len[1] - 1, seg[1] + 1);
		buf_printf(out, "%.4s", seg[0]);
	} else if (n >= 1)
		buf_printf(out, "%c%.*s", toupper((unsigned char)seg[0][0]),
		    (int)len[0] - 1, seg[0] + 1);
	else
		buf_append_str(out, "Files");
}

/* "2014-02-03 Title" from the article's metadata, else from the path
 * ("2014-02 name"), else the name. */
static void
article_display(const struct gopher_context *ctx, struct buf *out, const char *path,
    const char *name, int fd)
{
	enum article_format format = article_format_of(name);
	struct article_view v;

	if (format != ARTICLE_NONE && gopher_article_open(ctx, path, fd, format, &v) == 0) {
		if (v.doc->meta.date != NULL) {
			buf_append(out, v.doc->meta.date, strnlen(v.doc->meta.date, 10));
			buf_append_char(out, ' ');
		}
		buf_append_str(out, v.doc->meta.title != NULL ? v.doc->meta.title : name);
		gopher_article_close(&v);
		return;
	}
	buf_append_str(out, name);
}

struct listing {
	const struct gopher_context *ctx;
	const struct menu *menu;
	const char *dir;
	const char *skip;   /* the rendered index, or NULL */
};

static int
is_hidden(const struct listing *l, const char *name, char *const *hidden, size_t n)
{
	size_t i;

	if (strcmp(name, GOPHERMAP_NAME) == 0 || (l->skip != NULL && strcmp(name, l->skip) == 0))
		return 1;
	for (i = 0; i < n; i++)
		if (strcmp(name, hidden[i]) == 0)
			return 1;
	return 0;
}

static int
file_item(const struct listing *l, const char *name, struct buf *path)
{
	struct buf display = BUF_INIT;
	struct stat st;
	char type, size[FORMAT_SIZE_MAX];
	int fd, rc;

	if (content_open(l->ctx->root_fd, path->data, &fd, &st) != CONTENT_OK)
		return 0;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	type = gopher_type_of_file(name, fd);
	if (type == '0' || type == '1' || article_format_of(name) != ARTICLE_NONE)
		article_display(l->ctx, &display, path->data, name, fd);
	else {
		format_size(size, sizeof(size), (long long)st.st_size);
		buf_printf(&display, "%s (%s)", name, size);
	}
	close(fd);
	rc = display.failed ? -1 : menu_item(l->menu, type, display.data, display.len,
	    path->data, path->len, NULL, 0);
	buf_free(&display);
	return rc;
}

static int
listing_items(void *arg, char *const *hidden, size_t nhidden)
{
	const struct listing *l = arg;
	struct content_entry *entries;
	struct buf path = BUF_INIT;
	size_t n, i;
	int rc = 0;

	if (content_dir_entries(l->ctx->root_fd, l->dir, &entries, &n) != 0)
		return 0;
	for (i = 0; i < n && rc == 0; i++) {
		const char *name = entries[i].name;

		if (is_hidden(l, name, hidden, nhidden))
			continue;
		buf_truncate(&path, 0);
		buf_append_str(&path, l->dir);
		buf_append_str(&path, name);
		if (entries[i].is_dir)
			buf_append_char(&path, '/');
		if (path.failed)
			rc = -1;
		else if (entries[i].is_dir)
			rc = menu_item(l->menu, '1', path.data + strlen(l->dir), path.len -
			    strlen(l->dir), path.data, path.len, NULL, 0);
		else
			rc = file_item(l, name, &path);
	}
	buf_free(&path);
	content_entries_free(entries, n);
	return rc;
}

/* Read a file of the directory into out; 0 when it exists and was read. */
static int
read_dir_file(const struct gopher_context *ctx, const char *dir, const char *name,
    struct buf *out)
{
	struct buf path = BUF_INIT;
	struct stat st;
	int fd, rc = -1;

	buf_printf(&path, "%s%s", dir, name);
	if (!path.failed && content_open(ctx->root_fd, path.data, &fd, &st) == CONTENT_OK) {
		rc = S_ISREG(st.st_mode) ? gopher_read_all(fd, out) : -1;
		close(fd);
	}
	buf_free(&path);
	return rc;
}

static int
render_gemtext(const struct gopher_context *ctx, const struct menu *m, const char *base,
    const struct buf *text)
{
	struct gemtext_menu g = { m, base, gopher_item_type, (void *)ctx };

	return gemtext_to_menu(&g, text->data != NULL ? text->data : "", text->len);
}

/* The part above the listing; *skip names the file it came from. */
static int
directory_head(const struct gopher_context *ctx, const struct menu *m, const char *dir,
    const char **skip)
{
	struct archive_page page = { BUF_INIT, NULL, NULL };
	struct buf text = BUF_INIT, base = BUF_INIT;
	int rc;

	*skip = NULL;
	if (read_dir_file(ctx, dir, INDEX_NAME, &text) == 0) {
		*skip = INDEX_NAME;
		buf_printf(&base, "%s%s", dir, INDEX_NAME);
		rc = base.failed ? -1 : render_gemtext(ctx, m, base.data, &text);
	} else if (strcmp(dir, "/") == 0 && ctx->archive != NULL &&
	    archive_render(ctx->archive, "/", NULL, &page) == ARCHIVE_OK)
		rc = render_gemtext(ctx, m, "/", &page.body);
	else {
		directory_title(&base, dir);
		rc = base.failed ? -1 : menu_info(m, base.data, base.len);
		if (rc == 0)
			rc = menu_info(m, "", 0);
		buf_free(&base);
		buf_free(&text);
		archive_page_free(&page);
		return rc;
	}
	if (rc == 0)
		rc = menu_info(m, "", 0);
	if (rc == 0)
		rc = menu_info_str(m, "Files in this directory:");
	buf_free(&base);
	buf_free(&text);
	archive_page_free(&page);
	return rc;
}

static int
parent_item(const struct menu *m, const char *dir)
{
	size_t len = strlen(dir) - 1;

	while (len > 0 && dir[len - 1] != '/')
		len--;
	return menu_item(m, '1', ".. (up)", 7, dir, len, NULL, 0);
}

int
gopher_directory_menu(const struct gopher_context *ctx, const struct menu *m, const char *dir)
{
	struct listing l = { ctx, m, dir, NULL };
	struct buf map = BUF_INIT;
	int rc = 0;

	if (strcmp(dir, "/") == 0 && ctx->archive != NULL)
		rc = menu_item(m, '7', "Search articles", 15, "/search", 7, NULL, 0);
	else if (strcmp(dir, "/") != 0)
		rc = parent_item(m, dir);
	if (rc == 0 && read_dir_file(ctx, dir, GOPHERMAP_NAME, &map) == 0)
		rc = gophermap_to_menu(m, dir, map.data != NULL ? map.data : "", map.len,
		    listing_items, &l);
	else if (rc == 0 && (rc = directory_head(ctx, m, dir, &l.skip)) == 0)
		rc = listing_items(&l, NULL, 0);
	buf_free(&map);
	return rc != 0 ? -1 : menu_end(m);
}
