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

enum archive_status
pages_db_error(struct reader *r, sqlite3_stmt *st)
{
	log_error("archive: page query failed: %s", sqlite3_errmsg(r->db));
	reader_done(st);
	return ARCHIVE_ERROR;
}

const char *
pages_column(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? (const char *)s : "";
}

void
pages_counted_link(struct page *p, const char *path, const char *query, const char *label,
    long long n)
{
	char *text = format_string("%s (%lld article%s)", label, n, n == 1 ? "" : "s");

	if (text == NULL)
		p->failed = 1;
	else
		page_link(p, path, query, text);
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

long
pages_article_lines(struct reader *r, sqlite3_stmt *st, struct page *b, long max)
{
	long n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n < max)
			page_article(b, pages_column(st, 0), pages_column(st, 1),
			    pages_column(st, 2), NULL);
		n++;
	}
	if (rc != SQLITE_DONE) {
		pages_db_error(r, st);
		return -1;
	}
	reader_done(st);
	return n;
}

void
pages_heading(struct page *b, const struct page_context *ctx, const char *what)
{
	char *text = what != NULL ? format_string("%s: %s", ctx->title, what) : NULL;

	if (what != NULL && text == NULL)
		b->failed = 1;
	page_heading(b, 1, text != NULL ? text : ctx->title);
	free(text);
	page_blank(b);
	pages_building(b, ctx);
}

const char *
pages_query_value(const char *query, const char *key)
{
	size_t len = strlen(key);

	if (query == NULL || strncmp(query, key, len) != 0 || query[len] != '=')
		return NULL;
	return query + len + 1;
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

/* The newest dated articles, as on the home page and in the feed. */
static long
latest_lines(struct reader *r, const struct page_context *ctx, struct page *b)
{
	sqlite3_stmt *st;

	if ((st = reader_statement(r, "SELECT path, date, title FROM articles WHERE date <> ''"
	    " ORDER BY date DESC, id DESC LIMIT ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, ctx->feed_entries);
	return pages_article_lines(r, st, b, LONG_MAX);
}

/* "1,234,567": a count readers take in at a glance. */
static void
grouped_number(char *out, size_t size, long long n)
{
	char digits[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%lld", n < 0 ? 0 : n);
	for (i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* "N articles in the archive." (dated ones by month, undated apart:
 * neither counts a whole table). */
static enum archive_status
article_count(struct reader *r, struct page *b)
{
	sqlite3_stmt *st;
	char number[40];
	long long n;

	if ((st = reader_statement(r, "SELECT (SELECT coalesce(sum(count), 0) FROM months)"
	    " + (SELECT count(*) FROM articles WHERE date = '')")) == NULL)
		return ARCHIVE_ERROR;
	if (sqlite3_step(st) != SQLITE_ROW)
		return pages_db_error(r, st);
	n = sqlite3_column_int64(st, 0);
	reader_done(st);
	grouped_number(number, sizeof(number), n);
	printed_text(b, "%s article%s in the archive.", number, n == 1 ? "" : "s");
	return ARCHIVE_OK;
}

static void
browse_links(struct page *b)
{
	page_heading(b, 2, "Browse");
	page_blank(b);
	page_link(b, ARCHIVE_PATH_DATES, NULL, "Articles by date");
	page_link(b, ARCHIVE_PATH_TAGS, NULL, "Articles by tag");
	page_add(b, PAGE_SEARCH, "Search the archive", ARCHIVE_PATH_SEARCH);
	page_add(b, PAGE_FEED, "Atom feed of the newest articles", ARCHIVE_PATH_FEED);
	page_text(b, "Every tag has its own feed too, linked from its page.");
}

static enum archive_status
render_home(struct reader *r, const struct page_context *ctx, struct page *b)
{
	long n;

	page_heading(b, 1, ctx->title);
	page_blank(b);
	if (ctx->description != NULL && *ctx->description != '\0')
		page_text(b, ctx->description);
	if (article_count(r, b) != ARCHIVE_OK)
		return ARCHIVE_ERROR;
	page_blank(b);
	pages_building(b, ctx);
	if (ctx->about != NULL && *ctx->about != '\0') {
		page_add(b, PAGE_GEMTEXT, ctx->about, ctx->about_path);
		page_blank(b);
	}
	page_heading(b, 2, "Latest articles");
	page_blank(b);
	if ((n = latest_lines(r, ctx, b)) == -1)
		return ARCHIVE_ERROR;
	if (n == 0)
		page_text(b, "No articles yet.");
	page_blank(b);
	browse_links(b);
	return ARCHIVE_OK;
}

static enum archive_status
render_years(struct reader *r, const struct page_context *ctx, struct page *b)
{
	sqlite3_stmt *st;
	int rc;

	pages_heading(b, ctx, "articles by date");
	if ((st = reader_statement(r, "SELECT substr(month, 1, 4) AS year, sum(count) FROM months"
	    " GROUP BY year ORDER BY year DESC")) == NULL)
		return ARCHIVE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *path = format_string(ARCHIVE_PATH_DATES "%s/", pages_column(st, 0));

		if (path == NULL)
			b->failed = 1;
		else
			pages_counted_link(b, path, NULL, pages_column(st, 0),
			    sqlite3_column_int64(st, 1));
		free(path);
	}
	if (rc != SQLITE_DONE)
		return pages_db_error(r, st);
	reader_done(st);
	if ((st = reader_statement(r, "SELECT count(*) FROM articles WHERE date = ''")) == NULL)
		return ARCHIVE_ERROR;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return pages_db_error(r, st);
	if (sqlite3_column_int64(st, 0) > 0)
		pages_counted_link(b, ARCHIVE_PATH_UNDATED, NULL, "Undated",
		    sqlite3_column_int64(st, 0));
	reader_done(st);
	page_blank(b);
	page_link(b, ARCHIVE_PATH_TAGS, NULL, "Articles by tag");
	page_link(b, ARCHIVE_PATH_HOME, NULL, "Home");
	return ARCHIVE_OK;
}

/* Articles with no date in their metadata or path, by title; the page
 * exists (saying so) when there are none. */
static enum archive_status
render_undated(struct reader *r, const struct page_context *ctx, const char *query,
    struct page *b)
{
	const char *value = pages_query_value(query, "page");
	unsigned pageno = query == NULL || *query == '\0' ? 1 : pages_number(value, UINT_MAX / 2);
	long n;

	if (pageno == 0 || (query != NULL && *query != '\0' && value == NULL))
		return ARCHIVE_NOT_FOUND;
	pages_heading(b, ctx, "undated articles");
	if ((n = pages_undated_list(r, "SELECT path, date, title FROM articles"
	    " WHERE date = '' ORDER BY title COLLATE NOCASE, path"
	    " LIMIT ?2 OFFSET ?3", NULL, ARCHIVE_PATH_UNDATED, "page", pageno, b)) == -1)
		return ARCHIVE_ERROR;
	if (n == 0 && pageno > 1)
		return ARCHIVE_NOT_FOUND;
	if (n == 0)
		page_text(b, "No article is undated: every one is listed by its date.");
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
	pages_heading(b, ctx, year);
	if ((st = reader_statement(r, "SELECT month, count FROM months"
	    " WHERE substr(month, 1, 4) = ?1 ORDER BY month DESC")) == NULL)
		return ARCHIVE_ERROR;
	sqlite3_bind_text(st, 1, year, 4, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		month = pages_column(st, 0);
		if (strlen(month) != 7 || atoi(month + 5) < 1 || atoi(month + 5) > 12)
			continue;
		path = format_string(ARCHIVE_PATH_DATES "%s/%s/", year, month + 5);
		label = format_string("%s %s", month_name(atoi(month + 5)), year);
		if (path == NULL || label == NULL)
			b->failed = 1;
		else
			pages_counted_link(b, path, NULL, label, sqlite3_column_int64(st, 1));
		free(path);
		free(label);
		n++;
	}
	if (rc != SQLITE_DONE)
		return pages_db_error(r, st);
	reader_done(st);
	if (n == 0)
		return ARCHIVE_NOT_FOUND;
	page_blank(b);
	page_link(b, ARCHIVE_PATH_DATES, NULL, "All years");
	return ARCHIVE_OK;
}

/* '.' follows '-': the range holds exactly the dates of the month ?1. */
#define MONTH_RANGE "date >= ?1 || '-' AND date < ?1 || '.'"

static enum archive_status
render_month(struct reader *r, const struct page_context *ctx, const char *year, int month,
    const char *query, struct page *b)
{
	char prefix[16], title[32], path[32], label[16];
	struct pages_cursor cursor;
	struct dated_list list = {
		"SELECT path, date, title, id FROM articles WHERE " MONTH_RANGE
		" AND date <= ?2 AND (date < ?2 OR id < ?3) ORDER BY date DESC, id DESC LIMIT ?4",
		"SELECT date, id FROM articles WHERE " MONTH_RANGE
		" AND date >= ?2 AND (date > ?2 OR id > ?3) ORDER BY date, id LIMIT 1 OFFSET ?4",
		prefix, path,
	};
	long n;

	if (pages_cursor_parse(query, &cursor) == -1)
		return ARCHIVE_NOT_FOUND;
	snprintf(prefix, sizeof(prefix), "%.4s-%02d", year, month);
	snprintf(title, sizeof(title), "%s %.4s", month_name(month), year);
	snprintf(path, sizeof(path), ARCHIVE_PATH_DATES "%.4s/%02d/", year, month);
	pages_heading(b, ctx, title);
	if ((n = pages_dated_list(r, &list, &cursor, b)) == -1)
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
render_archive(struct reader *r, const struct page_context *ctx, const char *rest,
    const char *query, struct page *b)
{
	size_t len = strlen(rest);
	int month;

	if (len > 0 && rest[len - 1] == '/')
		len--;
	if (len == 0)
		return render_years(r, ctx, b);
	if (len == 7 && strncmp(rest, "undated", 7) == 0)
		return render_undated(r, ctx, query, b);
	if (len < 4 || !all_digits(rest, 4))
		return ARCHIVE_NOT_FOUND;
	if (len == 4)
		return render_year(r, ctx, rest, b);
	if (len != 7 || rest[4] != '/' || !all_digits(rest + 5, 2))
		return ARCHIVE_NOT_FOUND;
	month = (rest[5] - '0') * 10 + rest[6] - '0';
	if (month < 1 || month > 12)
		return ARCHIVE_NOT_FOUND;
	return render_month(r, ctx, rest, month, query, b);
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

static const struct route *
route_of(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (route_rest(&routes[i], path) != NULL)
			return &routes[i];
	return NULL;
}

enum archive_route
archive_route_of(const char *path)
{
	const struct route *r = route_of(path);

	return r != NULL ? r->route : ARCHIVE_ROUTE_NONE;
}

int
archive_slash_missing(const char *path)
{
	const struct route *r = route_of(path);
	size_t len = strlen(path);

	if (r == NULL || (r->route != ARCHIVE_ROUTE_DATES && r->route != ARCHIVE_ROUTE_TAGS) ||
	    path[len - 1] == '/')
		return 0;
	/* Below a tag's folder: its feed, a file. */
	return r->route != ARCHIVE_ROUTE_TAGS || strchr(route_rest(r, path), '/') == NULL;
}

/* The feed for readers that take no Atom (Gopher): a page of the newest
 * articles. */
static enum archive_status
render_feed_page(struct reader *r, const struct page_context *ctx, struct page *b)
{
	long n;

	pages_heading(b, ctx, "newest articles");
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
		return render_archive(r, ctx, rest, query, b);
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
	const struct route *route = route_of(path);
	enum archive_status status;
	const char *rest;

	if (route == NULL)
		return ARCHIVE_NOT_MINE;
	rest = route_rest(route, path);
	if (route->route == ARCHIVE_ROUTE_FEED && !ctx->feed_as_page)
		return feed_render(r, ctx, NULL, NULL, page);
	if (route->route == ARCHIVE_ROUTE_SEARCH)
		return search_render(r, ctx, *rest == '\0' ? 1 : pages_number(rest, SEARCH_MAX_PAGES),
		    query, page);
	page->mime = "text/gemini";
	if (route->route == ARCHIVE_ROUTE_TAGS)
		status = pages_render_tags(r, ctx, rest, query, page);
	else
		status = render_route(r, ctx, route->route, rest, query, &page->page);
	if (status == ARCHIVE_OK && page->page.failed)
		return ARCHIVE_ERROR;
	return status;
}
