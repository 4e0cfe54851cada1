/* Lists in pages: dated lists by position in the date order, undated
 * lists by number (pages.h). */
#include "archive/pages.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

#define BEFORE_KEY "before"
/* After every date: the first page of a dated list. */
#define LAST_DATE "9999-99-99"

static int
is_date(const char *s, size_t len)
{
	static const char shape[] = "dddd-dd-dd";
	size_t i;

	if (len != sizeof(shape) - 1)
		return 0;
	for (i = 0; i < len; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return 0;
	return 1;
}

int
pages_cursor_parse(const char *query, struct pages_cursor *c)
{
	const char *value = pages_query_value(query, BEFORE_KEY), *dot;
	char *end;

	snprintf(c->date, sizeof(c->date), "%s", LAST_DATE);
	c->id = LLONG_MAX;
	if (query == NULL || *query == '\0')
		return 0;
	if (value == NULL || (dot = strchr(value, '.')) == NULL ||
	    !is_date(value, (size_t)(dot - value)) || dot[1] < '0' || dot[1] > '9')
		return -1;
	c->id = strtoll(dot + 1, &end, 10);
	if (*end != '\0' || c->id == LLONG_MAX)
		return -1;
	memcpy(c->date, value, 10);
	c->date[10] = '\0';
	return 1;
}

/* A link to the page of l that starts after date and id. */
static void
cursor_link(struct page *b, const char *path, const char *date, long long id, const char *label)
{
	char query[64];

	snprintf(query, sizeof(query), BEFORE_KEY "=%.10s.%lld", date, id);
	page_link(b, path, query, label);
}

static void
bind_cursor(sqlite3_stmt *st, const struct dated_list *l, const char *date, long long id,
    int n)
{
	sqlite3_bind_text(st, 1, l->filter, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_int(st, 4, n);
}

/* The link to the page before the one starting at first (date, id): the
 * PAGES_LIST_SIZE articles just newer, or the first page when fewer are. */
static int
newer_link(struct reader *r, const struct dated_list *l, const char *date, long long id,
    struct page *b)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = reader_statement(r, l->newer_sql)) == NULL)
		return -1;
	bind_cursor(st, l, date, id, PAGES_LIST_SIZE);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		cursor_link(b, l->path, pages_column(st, 0), sqlite3_column_int64(st, 1),
		    "Newer articles");
	else if (rc == SQLITE_DONE)
		page_link(b, l->path, NULL, "Newer articles");
	else {
		pages_db_error(r, st);
		return -1;
	}
	reader_done(st);
	return 0;
}

long
pages_dated_list(struct reader *r, const struct dated_list *l, const struct pages_cursor *c,
    struct page *b)
{
	char first_date[11] = "", last_date[11] = "";
	long long first_id = 0, last_id = 0;
	sqlite3_stmt *st;
	long n = 0;
	int rc;

	if ((st = reader_statement(r, l->rows_sql)) == NULL)
		return -1;
	/* One row more than a page tells whether an older page exists. */
	bind_cursor(st, l, c->date, c->id, PAGES_LIST_SIZE + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < PAGES_LIST_SIZE) {
		page_article(b, pages_column(st, 0), pages_column(st, 1), pages_column(st, 2), NULL);
		snprintf(last_date, sizeof(last_date), "%s", pages_column(st, 1));
		last_id = sqlite3_column_int64(st, 3);
		if (n++ == 0) {
			memcpy(first_date, last_date, sizeof(first_date));
			first_id = last_id;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		pages_db_error(r, st);
		return -1;
	}
	reader_done(st);
	if (n == 0 || (rc != SQLITE_ROW && c->id == LLONG_MAX))
		return n;
	page_blank(b);
	if (rc == SQLITE_ROW)
		cursor_link(b, l->path, last_date, last_id, "Older articles");
	if (c->id != LLONG_MAX && newer_link(r, l, first_date, first_id, b) == -1)
		return -1;
	return n;
}

/* A link to page n of an undated list (the first is the page without
 * a query). */
static void
numbered_link(struct page *b, const char *path, const char *key, unsigned n, const char *label)
{
	char query[48];

	snprintf(query, sizeof(query), "%s=%u", key, n);
	page_link(b, path, n > 1 ? query : NULL, label);
}

long
pages_undated_list(struct reader *r, const char *sql, const char *filter, const char *path,
    const char *key, unsigned pageno, struct page *b)
{
	sqlite3_stmt *st;
	long n;

	if ((st = reader_statement(r, sql)) == NULL)
		return -1;
	if (filter != NULL)
		sqlite3_bind_text(st, 1, filter, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, PAGES_LIST_SIZE + 1);
	sqlite3_bind_int64(st, 3, (long long)(pageno - 1) * PAGES_LIST_SIZE);
	if ((n = pages_article_lines(r, st, b, PAGES_LIST_SIZE)) <= 0)
		return n;
	if (n <= PAGES_LIST_SIZE && pageno == 1)
		return n;
	page_blank(b);
	if (n > PAGES_LIST_SIZE)
		numbered_link(b, path, key, pageno + 1, "More undated articles");
	if (pageno > 1)
		numbered_link(b, path, key, pageno - 1, "Previous undated articles");
	return n > PAGES_LIST_SIZE ? PAGES_LIST_SIZE : n;
}
