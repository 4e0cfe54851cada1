#include "archive/search.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "archive/gemlines.h"
#include "archive/query.h"
#include "util/log.h"

/* Every page of results lies within the ranked matches. */
_Static_assert(SEARCH_MAX_PAGES * SEARCH_PAGE_SIZE <= SEARCH_RANK_MAX,
    "search pages beyond the ranked matches");

/* Counting walks the doclists without ranking: cheap next to bm25, but
 * a walk all the same, so only done when ranking did not count. */
static const char count_sql[] = "SELECT count(*) FROM search WHERE search MATCH ?1";

/* A page of the best among the newest ?4 matches: FTS5 walks rowids
 * downwards and stops after ?4, and rowids grow with the date
 * (store.h), so only those are ranked; ties go to the newer.  (FTS5's
 * own ORDER BY rank is slower: it ranks in a nested query, then seeks
 * every row again.) */
static const char ranked_sql[] =
	"SELECT id, count(*) OVER () FROM (SELECT rowid AS id, rank AS score FROM search"
	" WHERE search MATCH ?1 ORDER BY rowid DESC LIMIT ?4)"
	" ORDER BY score, id DESC LIMIT ?2 OFFSET ?3";

/* The rows of a page, ?2 a JSON array of their ids in rank order;
 * snippets are made for these rows only.  Looking each id up seeks in
 * every segment of every term (many terms for a prefix): when the ids lie
 * among the newest SEARCH_RANK_MAX matches, walking the rowids from ?3 to
 * ?4 once is cheaper, and the unary + keeps FTS5 from the lookups. */
#define PAGE_SELECT "SELECT a.path, a.date, a.title, snippet(search, 1, '', '', '...', 24)" \
	" FROM search JOIN articles a ON a.id = search.rowid WHERE search MATCH ?1"
#define PAGE_ORDER " ORDER BY (SELECT key FROM json_each(?2) WHERE value = search.rowid)"
static const char page_by_id_sql[] = PAGE_SELECT
	" AND search.rowid IN (SELECT value FROM json_each(?2))" PAGE_ORDER;
static const char page_in_range_sql[] = PAGE_SELECT
	" AND search.rowid BETWEEN ?3 AND ?4"
	" AND +search.rowid IN (SELECT value FROM json_each(?2))" PAGE_ORDER;

struct search {
	sqlite3 *db;
	const char *fts;     /* the FTS5 expression */
	long long total;     /* matching articles */
	long long ranked;    /* of which ranked: at most SEARCH_RANK_MAX */
	long long ids[SEARCH_PAGE_SIZE + 1]; /* the page's rows, best first */
	int nids;            /* up to one more than a page: a next page exists */
};

static void
search_link(struct buf *b, unsigned pageno, const char *query, const char *label)
{
	buf_printf(b, "=> /search/%u?", pageno);
	gem_url_query(b, query);
	buf_printf(b, " %s\n", label);
}

static int
failed(const struct search *s, const char *what)
{
	log_error("archive: search for %s: %s failed: %s", s->fts, what,
	    sqlite3_errmsg(s->db));
	return -1;
}

static int
count_matches(struct search *s)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, count_sql, -1, &st, NULL) != SQLITE_OK)
		return failed(s, "prepare");
	sqlite3_bind_text(st, 1, s->fts, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		s->total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : failed(s, "count");
}

/* The ids of page pageno (and of the first row after it). */
static int
rank_page(struct search *s, unsigned pageno)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, ranked_sql, -1, &st, NULL) != SQLITE_OK)
		return failed(s, "prepare");
	sqlite3_bind_text(st, 1, s->fts, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, SEARCH_PAGE_SIZE + 1);
	sqlite3_bind_int64(st, 3, (long long)(pageno - 1) * SEARCH_PAGE_SIZE);
	sqlite3_bind_int(st, 4, SEARCH_RANK_MAX);
	s->nids = 0;
	s->ranked = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && s->nids <= SEARCH_PAGE_SIZE) {
		s->ids[s->nids++] = sqlite3_column_int64(st, 0);
		s->ranked = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : failed(s, "ranking");
}

/* The result lines of the page's rows, best first. */
static int
page_lines(const struct search *s, struct buf *b)
{
	struct buf ids = BUF_INIT;
	long long low = LLONG_MAX, high = LLONG_MIN;
	const char *sql = s->ranked < SEARCH_RANK_MAX ? page_by_id_sql : page_in_range_sql;
	sqlite3_stmt *st;
	int i, shown = s->nids < SEARCH_PAGE_SIZE ? s->nids : SEARCH_PAGE_SIZE, rc;

	buf_append_char(&ids, '[');
	for (i = 0; i < shown; i++) {
		buf_printf(&ids, "%s%lld", i > 0 ? "," : "", s->ids[i]);
		low = s->ids[i] < low ? s->ids[i] : low;
		high = s->ids[i] > high ? s->ids[i] : high;
	}
	buf_append_char(&ids, ']');
	if (ids.failed || sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		buf_free(&ids);
		return failed(s, "prepare");
	}
	sqlite3_bind_text(st, 1, s->fts, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ids.data, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) == 4) {
		sqlite3_bind_int64(st, 3, low);
		sqlite3_bind_int64(st, 4, high);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gem_article_line(b, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2));
		/* A quote line: a snippet can never start a link or a
		 * preformatted block there. */
		buf_append_str(b, "> ");
		gem_text(b, (const char *)sqlite3_column_text(st, 3));
		buf_append_str(b, "\n\n");
	}
	sqlite3_finalize(st);
	buf_free(&ids);
	return rc == SQLITE_DONE ? 0 : failed(s, "page");
}

/* "N articles match "words"." and whether only the newest are ranked. */
static void
count_line(struct buf *b, long long total, const char *query)
{
	if (total == 0) {
		buf_append_str(b, "No articles match.\n\n");
		return;
	}
	buf_printf(b, "%lld article%s \"", total, total == 1 ? " matches" : "s match");
	gem_text(b, query);
	buf_append_char(b, '"');
	if (total > SEARCH_RANK_MAX)
		buf_printf(b, "; showing the best of the %d newest", SEARCH_RANK_MAX);
	buf_append_str(b, ".\n\n");
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

/* The count line and the page of results; the number of rows (one more
 * than a page when a next page exists), or -1 on error. */
static long
matches(sqlite3 *db, const char *fts, unsigned pageno, const char *query, struct buf *b)
{
	struct search s = { .db = db, .fts = fts };

	if (rank_page(&s, pageno) == -1)
		return -1;
	/* Fewer rows ranked than the bound: that is all of them. */
	if (s.nids > 0 && s.ranked < SEARCH_RANK_MAX)
		s.total = s.ranked;
	else if (count_matches(&s) == -1)
		return -1;
	count_line(b, s.total, query);
	if (s.nids > 0 && page_lines(&s, b) == -1)
		return -1;
	/* Page 1 always has rows: none means a page past the last. */
	if (s.nids == 0 && s.total > 0)
		buf_append_str(b, "No more articles match.\n\n");
	return s.nids;
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
		n = matches(db, fts.data, pageno, query, b);
	buf_free(&fts);
	if (n == -1)
		return ARCHIVE_ERROR;
	if (terms == 0)
		buf_append_str(b, "No words to search for: try letters or digits.\n\n");
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
