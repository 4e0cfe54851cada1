#include "archive/feed.h"

#include <string.h>

#include "util/text.h"
#include "util/log.h"

#define REPLACEMENT "\xef\xbf\xbd"

/* Length of the valid UTF-8 sequence at p that XML allows, else 0. */
static size_t
xml_char_length(const unsigned char *p)
{
	uint32_t cp;
	size_t len;

	if (*p < 0x80)
		return *p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r';
	/* The string ends in NUL, which no sequence holds: 4 bytes are safe. */
	if ((len = utf8_next((const char *)p, strnlen((const char *)p, 4), &cp)) == 0)
		return 0;
	return cp == 0xfffe || cp == 0xffff ? 0 : len;
}

void
feed_xml_text(struct buf *b, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t len;

	while (*p != '\0') {
		switch (*p) {
		case '&': buf_append_str(b, "&amp;"); p++; continue;
		case '<': buf_append_str(b, "&lt;"); p++; continue;
		case '>': buf_append_str(b, "&gt;"); p++; continue;
		case '"': buf_append_str(b, "&quot;"); p++; continue;
		case '\'': buf_append_str(b, "&apos;"); p++; continue;
		default: break;
		}
		if ((len = xml_char_length(p)) == 0) {
			buf_append_str(b, REPLACEMENT);
			p++;
			continue;
		}
		buf_append(b, p, len);
		p += len;
	}
}

/* An element whose text is escaped: <name>text</name>. */
static void
element(struct buf *b, const char *name, const char *text)
{
	buf_printf(b, "<%s>", name);
	feed_xml_text(b, text);
	buf_printf(b, "</%s>\n", name);
}

/* base_url plus the percent-encoded path, escaped for XML. */
static void
absolute_url(struct buf *b, const char *base_url, const char *path)
{
	struct buf url = BUF_INIT;

	buf_append_str(&url, base_url);
	percent_encode(&url, path, strlen(path), PERCENT_KEEP_PATH, PERCENT_ASCII);
	feed_xml_text(b, url.data != NULL ? url.data : "");
	buf_free(&url);
}

static void
link(struct buf *b, const char *rel, const char *base_url, const char *path)
{
	buf_printf(b, "<link rel=\"%s\" href=\"", rel);
	absolute_url(b, base_url, path);
	buf_append_str(b, "\"/>\n");
}

static void
entry(struct buf *b, const struct page_context *ctx, sqlite3_stmt *st)
{
	const char *path = (const char *)sqlite3_column_text(st, 0);
	const char *author = (const char *)sqlite3_column_text(st, 3);

	buf_append_str(b, "<entry>\n<id>");
	absolute_url(b, ctx->base_url, path);
	buf_append_str(b, "</id>\n");
	element(b, "title", (const char *)sqlite3_column_text(st, 2));
	element(b, "updated", (const char *)sqlite3_column_text(st, 1));
	if (author != NULL && *author != '\0') {
		buf_append_str(b, "<author>");
		element(b, "name", author);
		buf_append_str(b, "</author>\n");
	}
	link(b, "alternate", ctx->base_url, path);
	element(b, "summary", (const char *)sqlite3_column_text(st, 4));
	buf_append_str(b, "</entry>\n");
}

static void
feed_head(struct buf *b, const struct page_context *ctx, const char *updated)
{
	buf_append_str(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
	if (ctx->default_lang != NULL && *ctx->default_lang != '\0') {
		buf_append_str(b, " xml:lang=\"");
		feed_xml_text(b, ctx->default_lang);
		buf_append_char(b, '"');
	}
	buf_append_str(b, ">\n<id>");
	absolute_url(b, ctx->base_url, "/");
	buf_append_str(b, "</id>\n");
	element(b, "title", ctx->title);
	element(b, "updated", updated);
	buf_append_str(b, "<author>");
	element(b, "name", ctx->title);
	buf_append_str(b, "</author>\n");
	link(b, "self", ctx->base_url, ARCHIVE_PATH_FEED);
	link(b, "alternate", ctx->base_url, ARCHIVE_PATH_HOME);
}

/* The feed's updated time: the latest of its entries, compared as
 * instants (as text "01:30+05:00" would sort after "00:00Z"). */
static int
latest_update(struct reader *r, unsigned entries, struct buf *updated)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = reader_statement(r, "SELECT updated FROM (SELECT updated FROM articles"
	    " WHERE date <> '' ORDER BY date DESC, id DESC LIMIT ?1) ORDER BY julianday(updated) DESC LIMIT 1"))
	    == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, entries);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		buf_append_str(updated, (const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_DONE)
		buf_append_str(updated, "1970-01-01T00:00:00Z");
	reader_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
feed_entries(struct reader *r, const struct page_context *ctx, struct buf *b)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = reader_statement(r, "SELECT path, updated, title, author, summary"
	    " FROM articles WHERE date <> '' ORDER BY date DESC, id DESC LIMIT ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, ctx->feed_entries);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		entry(b, ctx, st);
	reader_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

enum archive_status
feed_render(struct reader *r, const struct page_context *ctx, struct archive_page *page)
{
	struct buf updated = BUF_INIT;
	int rc;

	page->mime = "application/atom+xml";
	rc = latest_update(r, ctx->feed_entries, &updated);
	if (rc == 0 && updated.failed)
		rc = -1;
	if (rc == 0) {
		feed_head(&page->body, ctx, updated.data);
		rc = feed_entries(r, ctx, &page->body);
	}
	buf_free(&updated);
	if (rc == -1) {
		log_error("archive: feed query failed: %s", sqlite3_errmsg(r->db));
		return ARCHIVE_ERROR;
	}
	buf_append_str(&page->body, "</feed>\n");
	return page->body.failed ? ARCHIVE_ERROR : ARCHIVE_OK;
}
