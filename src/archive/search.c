#include "archive/search.h"

#include <stdlib.h>
#include <string.h>

#include "archive/gemlines.h"
#include "archive/query.h"
#include "util/log.h"

/* The ranked page first, then the join: snippets and article columns are
 * only computed for the rows shown. */
static const char search_sql[] =
	"SELECT a.path, a.date, a.title, hits.snippet FROM"
	" (SELECT rowid, rank, snippet(search, 1, '', '', '...', 24) AS snippet"
	"  FROM search WHERE search MATCH ?1 ORDER BY rank LIMIT ?2 OFFSET ?3) AS hits"
	" JOIN articles a ON a.id = hits.rowid ORDER BY hits.rank";

static void
search_link(struct buf *b, unsigned pageno, const char *query, const char *label)
{
	buf_printf(b, "=> /search/%u?", pageno);
	gem_url_query(b, query);
	buf_printf(b, " %s\n", label);
}

/* Result lines; returns the number of rows (one more than a page when a
 * next page exists), or -1 on error. */
static long
results(sqlite3 *db, const char *fts, unsigned pageno, struct buf *b)
{
	sqlite3_stmt *st;
	long n = 0;
	int rc;

	if (sqlite3_prepare_v2(db, search_sql, -1, &st, NULL) != SQLITE_OK) {
		log_error("archive: cannot prepare search: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, SEARCH_PAGE_SIZE + 1);
	sqlite3_bind_int64(st, 3, (long long)(pageno - 1) * SEARCH_PAGE_SIZE);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++n > SEARCH_PAGE_SIZE)
			continue;
		gem_article_line(b, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2));
		/* A quote line: a snippet can never start a link or a
		 * preformatted block there. */
		buf_append_str(b, "> ");
		gem_text(b, (const char *)sqlite3_column_text(st, 3));
		buf_append_str(b, "\n\n");
	}
	if (rc != SQLITE_DONE)
		log_error("archive: search for %s failed: %s", fts, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

static void
results_heading(struct buf *b, const struct page_context *ctx, unsigned pageno,
    const char *query)
{
	buf_append_str(b, "# Search results for \"");
	gem_text(b, query);
	buf_append_char(b, '"');
	if (pageno > 1)
		buf_printf(b, ", page %u", pageno);
	buf_append_str(b, "\n\n");
	gem_building_line(b, ctx->building);
}

static enum archive_status
render_results(sqlite3 *db, const struct page_context *ctx, unsigned pageno,
    const char *query, struct buf *b)
{
	struct buf fts = BUF_INIT;
	long n = 0;
	int terms;

	results_heading(b, ctx, pageno, query);
	if ((terms = query_to_fts(query, &fts)) == -1)
		return ARCHIVE_ERROR;
	if (terms > 0)
		n = results(db, fts.data, pageno, b);
	buf_free(&fts);
	if (n == -1)
		return ARCHIVE_ERROR;
	if (terms == 0)
		buf_append_str(b, "No words to search for: try letters or digits.\n\n");
	else if (n == 0)
		buf_append_str(b, pageno == 1 ? "No articles match.\n\n" :
		    "No more articles match.\n\n");
	if (n > SEARCH_PAGE_SIZE)
		search_link(b, pageno + 1, query, "Next page");
	if (pageno > 1)
		search_link(b, pageno - 1, query, "Previous page");
	buf_append_str(b, "=> /search New search\n=> / Home\n");
	return b->failed ? ARCHIVE_ERROR : ARCHIVE_OK;
}

enum archive_status
search_render(sqlite3 *db, const struct page_context *ctx, unsigned pageno,
    const char *query, struct archive_page *page)
{
	if (pageno == 0)
		return ARCHIVE_NOT_FOUND;
	if (query == NULL || *query == '\0') {
		if ((page->prompt = strdup(SEARCH_PROMPT)) == NULL)
			return ARCHIVE_ERROR;
		return ARCHIVE_INPUT;
	}
	page->mime = "text/gemini";
	return render_results(db, ctx, pageno, query, &page->body);
}
