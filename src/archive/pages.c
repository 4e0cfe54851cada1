#include "archive/pages.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/feed.h"
#include "archive/gemlines.h"
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

static void
counted(struct buf *b, long long n)
{
	buf_printf(b, "(%lld article%s)", n, n == 1 ? "" : "s");
}

/* Append "=> path date title" for the first max rows of st (columns 0,
 * 1, 2); returns the number of rows, or -1 on error (st reset either
 * way). */
static long
article_lines(struct reader *r, sqlite3_stmt *st, struct buf *b, long max)
{
	long n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n < max)
			gem_article_line(b, column_text(st, 0), column_text(st, 1),
			    column_text(st, 2));
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
query_article_lines(struct reader *r, const char *sql, const char *text, struct buf *b)
{
	sqlite3_stmt *st;

	if ((st = reader_statement(r, sql)) == NULL)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	return article_lines(r, st, b, LONG_MAX);
}

static void
heading(struct buf *b, const struct page_context *ctx, const char *what)
{
	buf_append_str(b, "# ");
	gem_text(b, ctx->title);
	if (what != NULL)
		buf_printf(b, ": %s", what);
	buf_append_str(b, "\n\n");
	gem_building_line(b, ctx->building);
}

static enum archive_status
render_home(struct reader *r, const struct page_context *ctx, struct buf *b)
{
	sqlite3_stmt *st;
	long n;

	heading(b, ctx, NULL);
	buf_append_str(b, "## Latest articles\n\n");
	if ((st = reader_statement(r, "SELECT path, date, title FROM articles WHERE date <> ''"
	    " ORDER BY date DESC, id DESC LIMIT ?1")) == NULL)
		return ARCHIVE_ERROR;
	sqlite3_bind_int64(st, 1, ctx->feed_entries);
	if ((n = article_lines(r, st, b, LONG_MAX)) == -1)
		return ARCHIVE_ERROR;
	if (n == 0)
		buf_append_str(b, "No articles yet.\n");
	buf_append_str(b, "\n## Browse\n\n"
	    "=> /archive/ Articles by date\n"
	    "=> /tags/ Articles by tag\n"
	    "=> /search Search the archive\n"
	    "=> /atom.xml Atom feed\n");
	return ARCHIVE_OK;
}

static enum archive_status
render_years(struct reader *r, const struct page_context *ctx, struct buf *b)
{
	sqlite3_stmt *st;
	int rc;

	heading(b, ctx, "articles by date");
	if ((st = reader_statement(r, "SELECT substr(month, 1, 4) AS year, sum(count) FROM months"
	    " GROUP BY year ORDER BY year DESC")) == NULL)
		return ARCHIVE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_printf(b, "=> /archive/%s/ %s ", column_text(st, 0), column_text(st, 0));
		counted(b, sqlite3_column_int64(st, 1));
		buf_append_char(b, '\n');
	}
	if (rc != SQLITE_DONE)
		return db_error(r, st);
	reader_done(st);
	if ((st = reader_statement(r, "SELECT count(*) FROM articles WHERE date = ''")) == NULL)
		return ARCHIVE_ERROR;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return db_error(r, st);
	if (sqlite3_column_int64(st, 0) > 0) {
		buf_append_str(b, "=> /archive/undated/ Undated ");
		counted(b, sqlite3_column_int64(st, 0));
		buf_append_char(b, '\n');
	}
	reader_done(st);
	buf_append_str(b, "\n=> /tags/ Articles by tag\n=> / Home\n");
	return ARCHIVE_OK;
}

/* Articles with no date in their metadata or path, by title. */
static enum archive_status
render_undated(struct reader *r, const struct page_context *ctx, struct buf *b)
{
	long n;

	heading(b, ctx, "undated articles");
	if ((n = query_article_lines(r, "SELECT path, date, title FROM articles WHERE date = ''"
	    " ORDER BY title COLLATE NOCASE, path", NULL, b)) == -1)
		return ARCHIVE_ERROR;
	if (n == 0)
		return ARCHIVE_NOT_FOUND;
	buf_append_str(b, "\n=> /archive/ All years\n");
	return ARCHIVE_OK;
}

static enum archive_status
render_year(struct reader *r, const struct page_context *ctx, const char *digits, struct buf *b)
{
	sqlite3_stmt *st;
	const char *month;
	char year[5];
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
		buf_printf(b, "=> /archive/%s/%s/ %s %s ", year, month + 5,
		    month_name(atoi(month + 5)), year);
		counted(b, sqlite3_column_int64(st, 1));
		buf_append_char(b, '\n');
		n++;
	}
	if (rc != SQLITE_DONE)
		return db_error(r, st);
	reader_done(st);
	if (n == 0)
		return ARCHIVE_NOT_FOUND;
	buf_append_str(b, "\n=> /archive/ All years\n");
	return ARCHIVE_OK;
}

static enum archive_status
render_month(struct reader *r, const struct page_context *ctx, const char *year, int month,
    struct buf *b)
{
	char prefix[16], title[32];
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
	buf_printf(b, "\n=> /archive/%.4s/ All of %.4s\n", year, year);
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
render_archive(struct reader *r, const struct page_context *ctx, const char *rest, struct buf *b)
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
render_tag_list(struct reader *r, const struct page_context *ctx, struct buf *b)
{
	sqlite3_stmt *st;
	int rc;

	heading(b, ctx, "tags");
	if ((st = reader_statement(r, "SELECT tag, count FROM tag_counts ORDER BY tag")) == NULL)
		return ARCHIVE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_append_str(b, "=> /tags/");
		gem_url_path(b, column_text(st, 0));
		buf_append_str(b, "/ ");
		gem_text(b, column_text(st, 0));
		buf_append_char(b, ' ');
		counted(b, sqlite3_column_int64(st, 1));
		buf_append_char(b, '\n');
	}
	if (rc != SQLITE_DONE)
		return db_error(r, st);
	reader_done(st);
	buf_append_str(b, "\n=> /archive/ Articles by date\n=> / Home\n");
	return ARCHIVE_OK;
}

static void
tag_page_link(struct buf *b, const char *tag, unsigned pageno, const char *label)
{
	buf_append_str(b, "=> /tags/");
	gem_url_path(b, tag);
	buf_printf(b, "/?%u %s\n", pageno, label);
}

static enum archive_status
render_tag(struct reader *r, const struct page_context *ctx, const char *tag, unsigned pageno,
    struct buf *b)
{
	sqlite3_stmt *st;
	long n;

	buf_append_str(b, "# ");
	gem_text(b, ctx->title);
	buf_append_str(b, ": articles tagged ");
	gem_text(b, tag);
	buf_append_str(b, "\n\n");
	gem_building_line(b, ctx->building);
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
	buf_append_char(b, '\n');
	if (n > PAGES_TAG_PAGE_SIZE)
		tag_page_link(b, tag, pageno + 1, "Older articles");
	if (pageno > 1)
		tag_page_link(b, tag, pageno - 1, "Newer articles");
	buf_append_str(b, "=> /tags/ All tags\n");
	return ARCHIVE_OK;
}

/* rest is what follows "/tags/": "" or "<tag>/". */
static enum archive_status
render_tags(struct reader *r, const struct page_context *ctx, const char *rest, const char *query,
    struct buf *b)
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

/* The part of path after prefix, also for the bare directory name
 * ("/tags" for "/tags/"); NULL when path is elsewhere. */
static const char *
under(const char *path, const char *prefix)
{
	size_t len = strlen(prefix);

	if (strncmp(path, prefix, len) == 0)
		return path + len;
	if (strncmp(path, prefix, len - 1) == 0 && path[len - 1] == '\0')
		return path + len - 1;
	return NULL;
}

static enum archive_status
render_gemtext(struct reader *r, const struct page_context *ctx, const char *path,
    const char *query, struct buf *b)
{
	const char *rest;

	if (strcmp(path, "/") == 0)
		return ctx->home ? render_home(r, ctx, b) : ARCHIVE_NOT_MINE;
	if ((rest = under(path, "/archive/")) != NULL)
		return render_archive(r, ctx, rest, b);
	if ((rest = under(path, "/tags/")) != NULL)
		return render_tags(r, ctx, rest, query, b);
	return ARCHIVE_NOT_MINE;
}

enum archive_status
pages_render(struct reader *r, const struct page_context *ctx, const char *path, const char *query,
    struct archive_page *page)
{
	enum archive_status status;

	if (strcmp(path, "/atom.xml") == 0)
		return feed_render(r, ctx, page);
	if (strcmp(path, "/search") == 0)
		return search_render(r, ctx, 1, query, page);
	if (strncmp(path, "/search/", 8) == 0)
		return search_render(r, ctx, pages_number(path + 8, SEARCH_MAX_PAGES), query,
		    page);
	page->mime = "text/gemini";
	status = render_gemtext(r, ctx, path, query, &page->body);
	if (status == ARCHIVE_OK && page->body.failed)
		return ARCHIVE_ERROR;
	return status;
}
