/* /tags/: the tags by use then A to Z, each tag's page and feed. */
#include "archive/pages.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/feed.h"
#include "util/text.h"

#define AFTER_KEY "after"
#define UNDATED_KEY "undated"
#define ESCAPE '~'

/* Bytes a tag's path segment cannot carry as they are: what a request
 * may not name in a path (a slash, a backslash, controls, a segment
 * that is "." or ".."), what a Gopher selector reads as its query ('?'),
 * and the escape itself. */
static int
escaped(uint32_t cp, int first)
{
	return cp == ESCAPE || cp == '/' || cp == '\\' || cp == '?' || cp < 0x20 ||
	    (cp >= 0x7f && cp < 0xa0) || (first && cp == '.');
}

int
archive_tag_path(struct buf *out, const char *tag)
{
	const char *p = tag;
	size_t n, i, len = strlen(tag);
	uint32_t cp;

	buf_append_str(out, ARCHIVE_PATH_TAGS);
	for (; *p != '\0'; p += n) {
		if ((n = utf8_next(p, len - (size_t)(p - tag), &cp)) == 0) {
			n = 1;
			cp = 0;
		}
		if (cp >= 'A' && cp <= 'Z') {
			buf_append_char(out, (char)(cp - 'A' + 'a'));
			continue;
		}
		if (!escaped(cp, p == tag)) {
			buf_append(out, p, n);
			continue;
		}
		for (i = 0; i < n; i++)
			buf_printf(out, "%c%02X", ESCAPE, (unsigned char)p[i]);
	}
	return buf_append_char(out, '/');
}

/* The tag whose path segment is seg[0..len), or -1 when seg is no tag's
 * (a stray escape, a character that should have been escaped). */
static int
tag_of_segment(const char *seg, size_t len, struct buf *tag)
{
	struct buf again = BUF_INIT;
	size_t i;
	int ok;

	for (i = 0; i < len; i++) {
		if (seg[i] != ESCAPE) {
			buf_append_char(tag, seg[i]);
			continue;
		}
		if (i + 2 >= len || hex_digit_value(seg[i + 1]) < 0 || hex_digit_value(seg[i + 2]) < 0)
			return -1;
		buf_append_char(tag, (char)(hex_digit_value(seg[i + 1]) * 16 + hex_digit_value(seg[i + 2])));
		i += 2;
	}
	if (tag->failed || tag->len == 0 || memchr(tag->data, '\0', tag->len) != NULL)
		return -1;
	/* One path a tag: only the form archive_tag_path() writes. */
	archive_tag_path(&again, tag->data);
	ok = !again.failed && again.len == strlen(ARCHIVE_PATH_TAGS) + len + 1 &&
	    memcmp(again.data + strlen(ARCHIVE_PATH_TAGS), seg, len) == 0;
	buf_free(&again);
	return ok ? 0 : -1;
}

int
pages_tag_shown(struct reader *r, const char *key, struct buf *shown)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = reader_statement(r, "SELECT shown FROM tag_counts WHERE tag = ?1")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		buf_append_str(shown, pages_column(st, 0));
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		pages_db_error(r, st);
		return -1;
	}
	reader_done(st);
	return rc == SQLITE_ROW;
}

/* A tag's line on /tags/: "name (N articles)". */
static void
tag_line(struct page *b, const char *tag, long long n)
{
	struct buf path = BUF_INIT;

	if (archive_tag_path(&path, tag) != 0)
		b->failed = 1;
	else
		pages_counted_link(b, path.data, NULL, tag, n);
	buf_free(&path);
}

/* The most used tags: on more than one article, at most ?2 of them. */
#define TOP_TAGS "SELECT tag FROM tag_counts WHERE count > 1" \
	" ORDER BY count DESC, tag LIMIT ?2"

/* The most used tags; how many, or -1. */
static long
top_tags(struct reader *r, struct page *b)
{
	sqlite3_stmt *st;
	long n = 0;
	int rc;

	if ((st = reader_statement(r, "SELECT shown, count FROM tag_counts WHERE count > 1"
	    " ORDER BY count DESC, tag LIMIT ?1")) == NULL)
		return -1;
	sqlite3_bind_int(st, 1, PAGES_TOP_TAGS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == 0) {
			page_heading(b, 2, "Most used");
			page_blank(b);
		}
		tag_line(b, pages_column(st, 0), sqlite3_column_int64(st, 1));
	}
	if (rc != SQLITE_DONE) {
		pages_db_error(r, st);
		return -1;
	}
	reader_done(st);
	if (n > 0)
		page_blank(b);
	return n;
}

/* The link to the page of the other tags before the one starting at
 * first: the PAGES_TAG_LIST_SIZE tags just before it, or the first page. */
static int
earlier_tags_link(struct reader *r, const char *first, struct page *b)
{
	char *query;
	sqlite3_stmt *st;
	int rc;

	if ((st = reader_statement(r, "SELECT tag FROM tag_counts WHERE tag < ?1"
	    " AND tag NOT IN (" TOP_TAGS ") ORDER BY tag DESC LIMIT 1 OFFSET ?3")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, first, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, PAGES_TOP_TAGS);
	sqlite3_bind_int(st, 3, PAGES_TAG_LIST_SIZE);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW && rc != SQLITE_DONE) {
		pages_db_error(r, st);
		return -1;
	}
	query = rc == SQLITE_ROW ? format_string(AFTER_KEY "=%s", pages_column(st, 0)) : NULL;
	if (rc == SQLITE_ROW && query == NULL)
		b->failed = 1;
	page_link(b, ARCHIVE_PATH_TAGS, query, "Earlier tags");
	free(query);
	reader_done(st);
	return 0;
}

/* The tags beyond the most used, A to Z, from after on; how many, or -1. */
static int
other_tags(struct reader *r, const char *after, struct page *b)
{
	char first[1024] = "", last[1024] = "";
	sqlite3_stmt *st;
	long n = 0;
	int rc;

	if ((st = reader_statement(r, "SELECT tag, count, shown FROM tag_counts WHERE tag > ?1"
	    " AND tag NOT IN (" TOP_TAGS ") ORDER BY tag LIMIT ?3")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, after, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, PAGES_TOP_TAGS);
	sqlite3_bind_int(st, 3, PAGES_TAG_LIST_SIZE + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < PAGES_TAG_LIST_SIZE) {
		snprintf(last, sizeof(last), "%s", pages_column(st, 0));
		if (n++ == 0)
			memcpy(first, last, sizeof(first));
		tag_line(b, pages_column(st, 2), sqlite3_column_int64(st, 1));
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		pages_db_error(r, st);
		return -1;
	}
	reader_done(st);
	if (n > 0 && (rc == SQLITE_ROW || *after != '\0'))
		page_blank(b);
	if (rc == SQLITE_ROW) {
		char *query = format_string(AFTER_KEY "=%s", last);

		if (query == NULL)
			b->failed = 1;
		page_link(b, ARCHIVE_PATH_TAGS, query, "More tags");
		free(query);
	}
	if (*after != '\0' && n > 0 && earlier_tags_link(r, first, b) == -1)
		return -1;
	return n;
}

static enum archive_status
render_tag_list(struct reader *r, const struct page_context *ctx, const char *query,
    struct page *b)
{
	const char *after = pages_query_value(query, AFTER_KEY);
	long top = 0, n;

	if (query != NULL && *query != '\0' && (after == NULL || *after == '\0'))
		return ARCHIVE_NOT_FOUND;
	pages_heading(b, ctx, "tags");
	if (after == NULL && (top = top_tags(r, b)) == -1)
		return ARCHIVE_ERROR;
	page_heading(b, 2, top > 0 ? "The other tags, A to Z" : "Tags, A to Z");
	page_blank(b);
	if ((n = other_tags(r, after != NULL ? after : "", b)) == -1)
		return ARCHIVE_ERROR;
	if (top + n == 0)
		page_text(b, "No article has tags yet.");
	page_blank(b);
	page_link(b, ARCHIVE_PATH_DATES, NULL, "Articles by date");
	page_link(b, ARCHIVE_PATH_HOME, NULL, "Home");
	return ARCHIVE_OK;
}

#define TAGGED "FROM tags t JOIN articles a ON a.id = t.article WHERE t.tag = ?1"

/* The undated articles of a tag, page pageno: a section of its own when
 * there are any.  The number shown, or -1. */
static long
tag_undated(struct reader *r, const char *tag, const char *path, unsigned pageno,
    struct page *b)
{
	sqlite3_stmt *st;
	long n;
	int rc;

	if ((st = reader_statement(r, "SELECT EXISTS (SELECT 1 FROM tags"
	    " WHERE tag = ?1 AND date = '')")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		pages_db_error(r, st);
		return -1;
	}
	rc = sqlite3_column_int(st, 0);
	reader_done(st);
	if (rc == 0)
		return 0;
	page_heading(b, 2, "Undated articles");
	page_blank(b);
	n = pages_undated_list(r, "SELECT a.path, a.date, a.title " TAGGED " AND t.date = ''"
	    " ORDER BY a.title COLLATE NOCASE, a.path LIMIT ?2 OFFSET ?3", tag, path,
	    UNDATED_KEY, pageno, b);
	if (n > 0)
		page_blank(b);
	return n;
}

static enum archive_status
render_tag(struct reader *r, const struct page_context *ctx, const char *tag, const char *shown,
    const char *path, const char *query, struct page *b)
{
	struct dated_list list = {
		"SELECT a.path, a.date, a.title, a.id " TAGGED " AND t.date <> ''"
		" AND t.date <= ?2 AND (t.date < ?2 OR t.article < ?3)"
		" ORDER BY t.date DESC, t.article DESC LIMIT ?4",
		"SELECT t.date, t.article " TAGGED " AND t.date >= ?2"
		" AND (t.date > ?2 OR t.article > ?3) ORDER BY t.date, t.article LIMIT 1 OFFSET ?4",
		tag, path,
	};
	const char *undated = pages_query_value(query, UNDATED_KEY);
	unsigned pageno = pages_number(undated, UINT_MAX / 2);
	struct pages_cursor cursor;
	char *what, *feed;
	long dated = 0, n = 0;
	int first;

	if ((first = pages_cursor_parse(query, &cursor)) == -1 && (undated == NULL || pageno == 0))
		return ARCHIVE_NOT_FOUND;
	what = format_string("articles tagged %s", shown);
	feed = format_string("%s" ARCHIVE_FEED_NAME, path);
	if (what == NULL || feed == NULL)
		b->failed = 1;
	pages_heading(b, ctx, what != NULL ? what : shown);
	page_add(b, PAGE_FEED, "Atom feed of this tag", feed);
	page_blank(b);
	free(what);
	free(feed);
	if (undated == NULL && (dated = pages_dated_list(r, &list, &cursor, b)) == -1)
		return ARCHIVE_ERROR;
	if (dated > 0)
		page_blank(b);
	if ((first == 0 || undated != NULL) &&
	    (n = tag_undated(r, tag, path, undated != NULL ? pageno : 1, b)) == -1)
		return ARCHIVE_ERROR;
	if (dated + n == 0)
		return ARCHIVE_NOT_FOUND;
	page_link(b, ARCHIVE_PATH_TAGS, NULL, "All tags");
	return ARCHIVE_OK;
}

/* The tag's feed for readers that take no Atom (Gopher): a page of its
 * newest articles. */
static enum archive_status
render_tag_feed_page(struct reader *r, const struct page_context *ctx, const char *tag,
    const char *shown, const char *path, struct page *b)
{
	char *what = format_string("newest articles tagged %s", shown);
	sqlite3_stmt *st;
	long n;

	pages_heading(b, ctx, what != NULL ? what : shown);
	free(what);
	if ((st = reader_statement(r, "SELECT a.path, a.date, a.title " TAGGED
	    " AND t.date <> '' ORDER BY t.date DESC, t.article DESC LIMIT ?2")) == NULL)
		return ARCHIVE_ERROR;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ctx->feed_entries);
	if ((n = pages_article_lines(r, st, b, LONG_MAX)) == -1)
		return ARCHIVE_ERROR;
	if (n == 0)
		page_text(b, "No dated article has this tag.");
	page_blank(b);
	page_link(b, path, NULL, "All articles with this tag");
	return ARCHIVE_OK;
}

enum archive_status
pages_render_tags(struct reader *r, const struct page_context *ctx, const char *rest,
    const char *query, struct archive_page *page)
{
	const char *slash = strchr(rest, '/');
	struct buf tag = BUF_INIT, path = BUF_INIT, shown = BUF_INIT;
	enum archive_status status = ARCHIVE_NOT_FOUND;
	int known;

	if (*rest == '\0')
		return render_tag_list(r, ctx, query, &page->page);
	if (slash == NULL || tag_of_segment(rest, (size_t)(slash - rest), &tag) == -1) {
		status = tag.failed ? ARCHIVE_ERROR : ARCHIVE_NOT_FOUND;
		buf_free(&tag);
		return status;
	}
	archive_tag_path(&path, tag.data);
	known = pages_tag_shown(r, tag.data, &shown);
	if (path.failed || shown.failed || known == -1)
		status = ARCHIVE_ERROR;
	else if (known == 0)
		status = ARCHIVE_NOT_FOUND;
	else if (slash[1] == '\0')
		status = render_tag(r, ctx, tag.data, shown.data, path.data, query, &page->page);
	else if (strcmp(slash + 1, ARCHIVE_FEED_NAME) == 0 && ctx->feed_as_page)
		status = render_tag_feed_page(r, ctx, tag.data, shown.data, path.data, &page->page);
	else if (strcmp(slash + 1, ARCHIVE_FEED_NAME) == 0)
		status = feed_render(r, ctx, tag.data, shown.data, page);
	buf_free(&tag);
	buf_free(&path);
	buf_free(&shown);
	return status;
}
