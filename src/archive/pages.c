#include "archive/pages.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/feed.h"
#include "archive/search.h"
#include "util/log.h"
#include "util/text.h"

static enum archive_status
db_error(struct reader *r, sqlite3_stmt *st)
{
	log_error("archive: page query failed: %s", sqlite3_errmsg(r->db));
	reader_done(st);
	return ARCHIVE_ERROR;
}

static const char *
column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? (const char *)s : "";
}

/* A link to another page of ours: "label (N articles)". */
static void
counted_link(struct page *p, const char *path, const char *label, long long n)
{
	char *text = format_string("%s (%lld article%s)", label, n, n == 1 ? "" : "s");

	if (text == NULL)
		p->failed = 1;
	else
		page_link(p, path, NULL, text);
	free(text);
}

/* A line of text made of a format: for the few lines with numbers in them. */
static void
printed_text(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
printed_text(struct page *p, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (b.failed)
		p->failed = 1;
	else
		page_text(p, b.data);
	buf_free(&b);
}

void
pages_building(struct page *p, const struct page_context *ctx)
{
	if (ctx->building < 0)
		return;
	printed_text(p, "The index is being %s (%ld articles so far)",
	    ctx->rebuilding ? "rebuilt" : "built", ctx->building);
	page_blank(p);
}

/* An article line for each of the first max rows of st (columns path,
 * date, title); returns the number of rows, or -1 on error (st reset
 * either way). */
static long
article_lines(struct reader *r, sqlite3_stmt *st, struct page *b, long max)
{
	long n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n < max)
			page_article(b, column_text(st, 0), column_text(st, 1),
			    column_text(st, 2), NULL);
		n++;
	}
	if (rc != SQLITE_DONE) {
		db_error(r, st);
		return -1;
	}
	reader_done(st);
	return n;
}

/* Every article line of a query, ?1 bound to text unless NULL: their
 * number, or -1 on error. */
static long
query_article_lines(struct reader *r, const char *sql, const char *text, struct page *b)
{
	sqlite3_stmt *st;

	if ((st = reader_statement(r, sql)) == NULL)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	return article_lines(r, st, b, LONG_MAX);
}

static void
heading(struct page *b, const struct page_context *ctx, const char *what)
{
	char *text = what != NULL ? format_string("%s: %s", ctx->title, what) : NULL;

	if (what != NULL && text == NULL)
		b->failed = 1;
	page_heading(b, 1, text != NULL ? text : ctx->title);
	free(text);
	page_blank(b);
	pages_building(b, ctx);
}

/* The newest dated articles, as on the home page and in the feed. */
static long
latest_lines(struct reader *r, const struct page_context *ctx, struct page *b)
{
	sqlite3_stmt *st;

	if ((st = reader_statement(r, "SELECT path, date, title FROM articles WHERE date <> ''"
	    " ORDER BY date DESC, id DESC LIMIT ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, ctx->feed_entries);
	return article_lines(r, st, b, LONG_MAX);
}

static enum archive_status
render_home(struct reader *r, const struct page_context *ctx, struct page *b)
{
	long n;

	heading(b, ctx, NULL);
	page_heading(b, 2, "Latest articles");
	page_blank(b);
	if ((n = latest_lines(r, ctx, b)) == -1)
		return ARCHIVE_ERROR;
	if (n == 0)
		page_text(b, "No articles yet.");
	page_blank(b);
	page_heading(b, 2, "Browse");
	page_blank(b);
	page_link(b, ARCHIVE_PATH_DATES, NULL, "Articles by date");
	page_link(b, ARCHIVE_PATH_TAGS, NULL, "Articles by tag");
	page_add(b, PAGE_SEARCH, "Search the archive", ARCHIVE_PATH_SEARCH);
	page_add(b, PAGE_FEED, "Atom feed", ARCHIVE_PATH_FEED);
	return ARCHIVE_OK;
}

static enum archive_status
render_years(struct reader *r, const struct page_context *ctx, struct page *b)
{
	sqlite3_stmt *st;
	int rc;

	heading(b, ctx, "articles by date");
	if ((st = reader_statement(r, "SELECT substr(month, 1, 4) AS year, sum(count) FROM months"
	    " GROUP BY year ORDER BY year DESC")) == NULL)
		return ARCHIVE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *path = format_string(ARCHIVE_PATH_DATES "%s/", column_text(st, 0));

		if (path == NULL)
			b->failed = 1;
		else
			counted_link(b, path, column_text(st, 0), sqlite3_column_int64(st, 1));
		free(path);
	}
	if (rc != SQLITE_DONE)
		return db_error(r, st);
	reader_done(st);
	if ((st = reader_statement(r, "SELECT count(*) FROM articles WHERE date = ''")) == NULL)
		return ARCHIVE_ERROR;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return db_error(r, st);
	if (sqlite3_column_int64(st, 0) > 0)
		counted_link(b, ARCHIVE_PATH_UNDATED, "Undated", sqlite3_column_int64(st, 0));
	reader_done(st);
	page_blank(b);
	page_link(b, ARCHIVE_PATH_TAGS, NULL, "Articles by tag");
	page_link(b, ARCHIVE_PATH_HOME, NULL, "Home");
	return ARCHIVE_OK;
}

/* Articles with no date in their metadata or path, by title. */
static enum archive_status
render_undated(struct reader *r, const struct page_context *ctx, struct page *b)
{
	long n;

	heading(b, ctx, "undated articles");
	if ((n = query_article_lines(r, "SELECT path, date, title FROM articles WHERE date = ''"
	    " ORDER BY title COLLATE NOCASE, path", NULL, b)) == -1)
		return ARCHIVE_ERROR;
	if (n == 0)
		return ARCHIVE_NOT_FOUND;
	page_blank(b);
	page_link(b, ARCHIVE_PATH_DATES, NULL, "All years");
	return ARCHIVE_OK;
}

static enum archive_status
render_year(struct reader *r, const struct page_context *ctx, const char *digits, struct page *b)
{
	sqlite3_stmt *st;
	const char *month;
	char year[5], *path, *label;
	long n = 0;
	int rc;

	snprintf(year, sizeof(year), "%.4s", digits);
	heading(b, ctx, year);
	if ((st = reader_statement(r, "SELECT month, count FROM months"
	    " WHERE substr(month, 1, 4) = ?1 ORDER BY month DESC")) == NULL)
		return ARCHIVE_ERROR;
	sqlite3_bind_text(st, 1, year, 4, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		month = column_text(st, 0);
		if (strlen(month) != 7 || atoi(month + 5) < 1 || atoi(month + 5) > 12)
			continue;
		path = format_string(ARCHIVE_PATH_DATES "%s/%s/", year, month + 5);
		label = format_string("%s %s", month_name(atoi(month + 5)), year);
		if (path == NULL || label == NULL)
			b->failed = 1;
		else
			counted_link(b, path, label, sqlite3_column_int64(st, 1));
		free(path);
		free(label);
		n++;
	}
	if (rc != SQLITE_DONE)
		return db_error(r, st);
	reader_done(st);
	if (n == 0)
		return ARCHIVE_NOT_FOUND;
	page_blank(b);
	page_link(b, ARCHIVE_PATH_DATES, NULL, "All years");
	return ARCHIVE_OK;
}

static enum archive_status
render_month(struct reader *r, const struct page_context *ctx, const char *year, int month,
    struct page *b)
{
	char prefix[16], title[32], path[32], label[16];
	long n;

	snprintf(prefix, sizeof(prefix), "%.4s-%02d", year, month);
	snprintf(title, sizeof(title), "%s %.4s", month_name(month), year);
	heading(b, ctx, title);
	/* '.' follows '-': the range holds exactly the dates of the month. */
	if ((n = query_article_lines(r, "SELECT path, date, title FROM articles"
	    " WHERE date >= ?1 || '-' AND date < ?1 || '.'"
	    " ORDER BY date DESC, id DESC", prefix, b)) == -1)
		return ARCHIVE_ERROR;
	if (n == 0)
		return ARCHIVE_NOT_FOUND;
	snprintf(path, sizeof(path), ARCHIVE_PATH_DATES "%.4s/", year);
	snprintf(label, sizeof(label), "All of %.4s", year);
	page_blank(b);
	page_link(b, path, NULL, label);
	return ARCHIVE_OK;
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* rest is what follows "/archive/": "", "YYYY/", "YYYY/MM/" or "undated/"
 * (the final slash optional). */
static enum archive_status
render_archive(struct reader *r, const struct page_context *ctx, const char *rest, struct page *b)
{
	size_t len = strlen(rest);
	int month;

	if (len > 0 && rest[len - 1] == '/')
		len--;
	if (len == 0)
		return render_years(r, ctx, b);
	if (len == 7 && strncmp(rest, "undated", 7) == 0)
		return render_undated(r, ctx, b);
	if (len < 4 || !all_digits(rest, 4))
		return ARCHIVE_NOT_FOUND;
	if (len == 4)
		return render_year(r, ctx, rest, b);
	if (len != 7 || rest[4] != '/' || !all_digits(rest + 5, 2))
		return ARCHIVE_NOT_FOUND;
	month = (rest[5] - '0') * 10 + rest[6] - '0';
	if (month < 1 || month > 12)
		return ARCHIVE_NOT_FOUND;
	return render_month(r, ctx, rest, month, b);
}

static enum archive_status
render_tag_list(struct reader *r, const struct page_context *ctx, struct page *b)
{
	sqlite3_stmt *st;
	int rc;

	heading(b, ctx, "tags");
	if ((st = reader_statement(r, "SELECT tag, count FROM tag_counts ORDER BY tag")) == NULL)
		return ARCHIVE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *path = format_string(ARCHIVE_PATH_TAGS "%s/", column_text(st, 0));

		if (path == NULL)
			b->failed = 1;
		else
			counted_link(b, path, column_text(st, 0), sqlite3_column_int64(st, 1));
		free(path);
	}
	if (rc != SQLITE_DONE)
		return db_error(r, st);
	reader_done(st);
	page_blank(b);
	page_link(b, ARCHIVE_PATH_DATES, NULL, "Articles by date");
	page_link(b, ARCHIVE_PATH_HOME, NULL, "Home");
	return ARCHIVE_OK;
}

static void
tag_page_link(struct page *b, const char *tag, unsigned pageno, const char *label)
{
	char *path = format_string(ARCHIVE_PATH_TAGS "%s/", tag);
	char number[16];

	snprintf(number, sizeof(number), "%u", pageno);
	if (path == NULL)
		b->failed = 1;
	else
		page_link(b, path, number, label);
	free(path);
}

static enum archive_status
render_tag(struct reader *r, const struct page_context *ctx, const char *tag, unsigned pageno,
    struct page *b)
{
	char *what = format_string("articles tagged %s", tag);
	sqlite3_stmt *st;
	long n;

	if (what == NULL)
		return ARCHIVE_ERROR;
	heading(b, ctx, what);
	free(what);
	/* One row more than a page tells whether a next page exists. */
	if ((st = reader_statement(r, "SELECT a.path, a.date, a.title FROM tags t"
	    " JOIN articles a ON a.id = t.article WHERE t.tag = ?1"
	    " ORDER BY t.date DESC, t.article DESC LIMIT ?2 OFFSET ?3")) == NULL)
		return ARCHIVE_ERROR;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, PAGES_TAG_PAGE_SIZE + 1);
	sqlite3_bind_int64(st, 3, (long long)(pageno - 1) * PAGES_TAG_PAGE_SIZE);
	if ((n = article_lines(r, st, b, PAGES_TAG_PAGE_SIZE)) == -1)
		return ARCHIVE_ERROR;
	if (n == 0)
		return ARCHIVE_NOT_FOUND;
	page_blank(b);
	if (n > PAGES_TAG_PAGE_SIZE)
		tag_page_link(b, tag, pageno + 1, "Older articles");
	if (pageno > 1)
		tag_page_link(b, tag, pageno - 1, "Newer articles");
	page_link(b, ARCHIVE_PATH_TAGS, NULL, "All tags");
	return ARCHIVE_OK;
}

/* rest is what follows "/tags/": "" or "<tag>/". */
static enum archive_status
render_tags(struct reader *r, const struct page_context *ctx, const char *rest, const char *query,
    struct page *b)
{
	enum archive_status status;
	unsigned pageno;
	size_t len = strlen(rest);
	char *tag;

	if (len == 0)
		return render_tag_list(r, ctx, b);
	if ((pageno = pages_number(query, 100000)) == 0)
		return ARCHIVE_NOT_FOUND;
	if (rest[len - 1] == '/')
		len--;
	if ((tag = strndup(rest, len)) == NULL)
		return ARCHIVE_ERROR;
	status = render_tag(r, ctx, tag, pageno, b);
	free(tag);
	return status;
}

unsigned
pages_number(const char *s, unsigned max)
{
	unsigned long n = 0;

	if (s == NULL || *s == '\0')
		return 1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > max)
			return 0;
		n = n * 10 + (unsigned long)(*s - '0');
	}
	return n >= 1 && n <= max ? (unsigned)n : 0;
}

/* The route table: every generated path, spelled once (archive.h).  A
 * folder route (its path ends in '/') takes its bare name and every path
 * below; a page route takes itself and numbered pages below it. */
static const struct route {
	const char *path;
	enum archive_route route;
} routes[] = {
	{ ARCHIVE_PATH_HOME, ARCHIVE_ROUTE_HOME },
	{ ARCHIVE_PATH_DATES, ARCHIVE_ROUTE_DATES },
	{ ARCHIVE_PATH_TAGS, ARCHIVE_ROUTE_TAGS },
	{ ARCHIVE_PATH_FEED, ARCHIVE_ROUTE_FEED },
	{ ARCHIVE_PATH_SEARCH, ARCHIVE_ROUTE_SEARCH },
};

/* What follows the route's path in path ("" for the route itself), or
 * NULL when path is not on the route. */
static const char *
route_rest(const struct route *r, const char *path)
{
	size_t len = strlen(r->path);

	if (r->route == ARCHIVE_ROUTE_HOME)
		return strcmp(path, r->path) == 0 ? path + len : NULL;
	if (r->path[len - 1] == '/') {
		if (strncmp(path, r->path, len) == 0)
			return path + len;
		return strncmp(path, r->path, len - 1) == 0 && path[len - 1] == '\0' ?
		    path + len - 1 : NULL;
	}
	if (strncmp(path, r->path, len) != 0)
		return NULL;
	if (path[len] == '\0')
		return path + len;
	return r->route == ARCHIVE_ROUTE_SEARCH && path[len] == '/' ? path + len + 1 : NULL;
}

enum archive_route
archive_route_of(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (route_rest(&routes[i], path) != NULL)
			return routes[i].route;
	return ARCHIVE_ROUTE_NONE;
}

static const char *
rest_of(enum archive_route route, const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (routes[i].route == route)
			return route_rest(&routes[i], path);
	return NULL;
}

/* The feed for readers that take no Atom (Gopher): a page of the newest
 * articles. */
static enum archive_status
render_feed_page(struct reader *r, const struct page_context *ctx, struct page *b)
{
	long n;

	heading(b, ctx, "newest articles");
	if ((n = latest_lines(r, ctx, b)) == -1)
		return ARCHIVE_ERROR;
	if (n == 0)
		page_text(b, "No articles yet.");
	page_blank(b);
	page_link(b, ARCHIVE_PATH_HOME, NULL, "Home");
	return ARCHIVE_OK;
}

static enum archive_status
render_route(struct reader *r, const struct page_context *ctx, enum archive_route route,
    const char *rest, const char *query, struct page *b)
{
	switch (route) {
	case ARCHIVE_ROUTE_HOME:
		return ctx->home ? render_home(r, ctx, b) : ARCHIVE_NOT_MINE;
	case ARCHIVE_ROUTE_DATES:
		return render_archive(r, ctx, rest, b);
	case ARCHIVE_ROUTE_TAGS:
		return render_tags(r, ctx, rest, query, b);
	case ARCHIVE_ROUTE_FEED:
		return render_feed_page(r, ctx, b);
	default:
		return ARCHIVE_NOT_MINE;
	}
}

enum archive_status
pages_render(struct reader *r, const struct page_context *ctx, const char *path, const char *query,
    struct archive_page *page)
{
	enum archive_route route = archive_route_of(path);
	const char *rest = rest_of(route, path);
	enum archive_status status;

	if (route == ARCHIVE_ROUTE_FEED && !ctx->feed_as_page)
		return feed_render(r, ctx, page);
	if (route == ARCHIVE_ROUTE_SEARCH)
		return search_render(r, ctx, *rest == '\0' ? 1 : pages_number(rest, SEARCH_MAX_PAGES),
		    query, page);
	page->mime = "text/gemini";
	status = render_route(r, ctx, route, rest, query, &page->page);
	if (status == ARCHIVE_OK && page->page.failed)
		return ARCHIVE_ERROR;
	return status;
}
