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

/* What a feed is of: every article, or one tag's. */
struct feed_scope {
	const char *tag;     /* NULL: every article */
	const char *path;    /* its page: the home page, or the tag's */
	const char *self;    /* the feed's own path */
	const char *title;
};

static void
feed_head(struct buf *b, const struct page_context *ctx, const struct feed_scope *f,
    const char *updated)
{
	buf_append_str(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
	if (ctx->default_lang != NULL && *ctx->default_lang != '\0') {
		buf_append_str(b, " xml:lang=\"");
		feed_xml_text(b, ctx->default_lang);
		buf_append_char(b, '"');
	}
	buf_append_str(b, ">\n<id>");
	absolute_url(b, ctx->base_url, f->path);
	buf_append_str(b, "</id>\n");
	element(b, "title", f->title);
	element(b, "updated", updated);
	buf_append_str(b, "<author>");
	element(b, "name", ctx->title);
	buf_append_str(b, "</author>\n");
	link(b, "self", ctx->base_url, f->self);
	link(b, "alternate", ctx->base_url, f->path);
}

/* The entries of a feed, newest first: ?1 the number, ?2 the tag. */
#define ENTRIES(columns) \
	"SELECT " columns " FROM articles WHERE date <> '' ORDER BY date DESC, id DESC LIMIT ?1"
#define TAG_ENTRIES(columns) \
	"SELECT " columns " FROM tags t JOIN articles a ON a.id = t.article" \
	" WHERE t.tag = ?2 AND t.date <> '' ORDER BY t.date DESC, t.article DESC LIMIT ?1"
#define ENTRY_COLUMNS "path, updated, title, author, summary"
#define TAG_ENTRY_COLUMNS "a.path, a.updated, a.title, a.author, a.summary"
/* The feed's updated time: the latest of its entries, compared as
 * instants (as text "01:30+05:00" would sort after "00:00Z"). */
#define LATEST(entries) \
	"SELECT updated FROM (" entries ") ORDER BY julianday(updated) DESC LIMIT 1"

static sqlite3_stmt *
scoped_statement(struct reader *r, const struct page_context *ctx, const struct feed_scope *f,
    const char *sql, const char *tag_sql)
{
	sqlite3_stmt *st = reader_statement(r, f->tag != NULL ? tag_sql : sql);

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, ctx->feed_entries);
	if (f->tag != NULL)
		sqlite3_bind_text(st, 2, f->tag, -1, SQLITE_STATIC);
	return st;
}

static int
latest_update(struct reader *r, const struct page_context *ctx, const struct feed_scope *f,
    struct buf *updated)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = scoped_statement(r, ctx, f, LATEST(ENTRIES("updated")),
	    LATEST(TAG_ENTRIES("a.updated AS updated")))) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		buf_append_str(updated, (const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_DONE)
		buf_append_str(updated, "1970-01-01T00:00:00Z");
	reader_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
feed_entries(struct reader *r, const struct page_context *ctx, const struct feed_scope *f,
    struct buf *b)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = scoped_statement(r, ctx, f, ENTRIES(ENTRY_COLUMNS),
	    TAG_ENTRIES(TAG_ENTRY_COLUMNS))) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		entry(b, ctx, st);
	reader_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
write_feed(struct reader *r, const struct page_context *ctx, const struct feed_scope *f,
    struct buf *body)
{
	struct buf updated = BUF_INIT;
	int rc = latest_update(r, ctx, f, &updated);

	if (rc == 0 && updated.failed)
		rc = -1;
	if (rc == 0) {
		feed_head(body, ctx, f, updated.data);
		rc = feed_entries(r, ctx, f, body);
	}
	buf_free(&updated);
	buf_append_str(body, "</feed>\n");
	return rc;
}

/* The scope of a tag's feed: its paths and title, malloc'd in parts. */
static int
tag_scope(const struct page_context *ctx, const char *tag, const char *shown,
    struct feed_scope *f, struct buf *parts)
{
	size_t self_at, title_at;

	archive_tag_path(parts, tag);
	buf_append_char(parts, '\0');
	self_at = parts->len;
	archive_tag_path(parts, tag);
	buf_append_str(parts, ARCHIVE_FEED_NAME);
	buf_append_char(parts, '\0');
	title_at = parts->len;
	buf_printf(parts, "%s: articles tagged %s", ctx->title, shown);
	if (parts->failed)
		return -1;
	*f = (struct feed_scope){ tag, parts->data, parts->data + self_at, parts->data + title_at };
	return 0;
}

enum archive_status
feed_render(struct reader *r, const struct page_context *ctx, const char *tag,
    const char *shown, struct archive_page *page)
{
	struct feed_scope f = { NULL, ARCHIVE_PATH_HOME, ARCHIVE_PATH_FEED, ctx->title };
	struct buf parts = BUF_INIT;
	int rc = 0;

	page->mime = "application/atom+xml";
	if (tag != NULL)
		rc = tag_scope(ctx, tag, shown, &f, &parts);
	if (rc == 0)
		rc = write_feed(r, ctx, &f, &page->body);
	buf_free(&parts);
	if (rc == -1) {
		log_error("archive: feed query failed: %s", sqlite3_errmsg(r->db));
		return ARCHIVE_ERROR;
	}
	return page->body.failed ? ARCHIVE_ERROR : ARCHIVE_OK;
}
