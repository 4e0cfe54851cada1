#include "archive/search.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/query.h"
#include "archive/rank.h"
#include "archive/store.h"
#include "util/log.h"

/* Every page of results lies within the ranked matches. */
_Static_assert(SEARCH_MAX_PAGES * SEARCH_PAGE_SIZE <= SEARCH_RANK_MAX,
    "search pages beyond the ranked matches");

/* Counting beyond the cap would tell nothing the reader can use. */
_Static_assert(SEARCH_COUNT_MAX > SEARCH_RANK_MAX, "search count cap below the ranked");

/* Counting walks the doclists without ranking: cheap next to bm25, but
 * a walk all the same, so only done when ranking did not count, and
 * stopped after ?2 (one past SEARCH_COUNT_MAX) matches. */
static const char count_sql[] =
	"SELECT count(*) FROM (SELECT 1 FROM search WHERE search MATCH ?1 LIMIT ?2)";
/* Whether a search finds anything: its first match is enough. */
static const char exists_sql[] = "SELECT 1 FROM search WHERE search MATCH ?1 LIMIT 1";

/* A page of the best among the newest ?4 matches: FTS5 walks rowids
 * downwards and stops after ?4, and rowids grow with the date
 * (store.h), so only those are ranked; ties go to the newer.  (FTS5's
 * own ORDER BY rank is slower: it ranks in a nested query, then seeks
 * every row again.)  One phrase is ranked without bm25's walk over all
 * its matches, several with that walk cut short (rank.h). */
#define RANKED_BY(score) \
	"SELECT id, count(*) OVER () FROM (SELECT rowid AS id, " score " AS score" \
	" FROM search WHERE search MATCH ?1 ORDER BY rowid DESC LIMIT ?4)" \
	" ORDER BY score, id DESC LIMIT ?2 OFFSET ?3"
static const char ranked_sql[] = RANKED_BY(RANK_CAPPED "(search,"
    " (SELECT min(id) FROM articles), (SELECT max(id) FROM articles), ?5, "
    STORE_RANK_WEIGHTS ")");
static const char ranked_one_phrase_sql[] =
	RANKED_BY(RANK_ONE_PHRASE "(search, " STORE_RANK_WEIGHTS ")");

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
	struct reader *r;
	const char *fts;     /* the FTS5 expression */
	int phrases;         /* in fts */
	long long total;     /* matching articles */
	long long ranked;    /* of which ranked: at most SEARCH_RANK_MAX */
	long long ids[SEARCH_PAGE_SIZE + 1]; /* the page's rows, best first */
	int nids;            /* up to one more than a page: a next page exists */
	int estimated;       /* a word's count was estimated in ranking (rank.h) */
};

static void
search_link(struct page *b, unsigned pageno, const char *query, const char *label)
{
	char path[sizeof(ARCHIVE_PATH_SEARCH) + 16];

	snprintf(path, sizeof(path), ARCHIVE_PATH_SEARCH "/%u", pageno);
	page_link(b, path, query, label);
}

/* A line of text with a number or two in it. */
static void
text_line(struct page *b, struct buf *line)
{
	if (line->failed)
		b->failed = 1;
	else
		page_text(b, line->data != NULL ? line->data : "");
	buf_free(line);
}

static int
failed(const struct search *s, const char *what)
{
	log_error("archive: search for %s: %s failed: %s", s->fts, what,
	    sqlite3_errmsg(s->r->db));
	return -1;
}

static int
count_matches(struct search *s)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = reader_statement(s->r, count_sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, s->fts, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, SEARCH_COUNT_MAX + 1);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		s->total = sqlite3_column_int64(st, 0);
	reader_done(st);
	return rc == SQLITE_ROW ? 0 : failed(s, "count");
}

/* The ids of page pageno (and of the first row after it). */
static int
rank_page(struct search *s, unsigned pageno)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = reader_statement(s->r, s->phrases == 1 ? ranked_one_phrase_sql :
	    ranked_sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, s->fts, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, SEARCH_PAGE_SIZE + 1);
	sqlite3_bind_int64(st, 3, (long long)(pageno - 1) * SEARCH_PAGE_SIZE);
	sqlite3_bind_int(st, 4, SEARCH_RANK_MAX);
	if (s->phrases != 1)
		sqlite3_bind_pointer(st, 5, &s->estimated, RANK_ESTIMATED_TYPE, NULL);
	s->nids = 0;
	s->ranked = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && s->nids <= SEARCH_PAGE_SIZE) {
		s->ids[s->nids++] = sqlite3_column_int64(st, 0);
		s->ranked = sqlite3_column_int64(st, 1);
	}
	reader_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : failed(s, "ranking");
}

/* The result lines of the page's rows, best first. */
static int
page_lines(const struct search *s, struct page *b)
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
	if (ids.failed || (st = reader_statement(s->r, sql)) == NULL) {
		buf_free(&ids);
		return -1;
	}
	sqlite3_bind_text(st, 1, s->fts, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ids.data, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) == 4) {
		sqlite3_bind_int64(st, 3, low);
		sqlite3_bind_int64(st, 4, high);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		page_article(b, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3));
		page_blank(b);
	}
	reader_done(st);
	buf_free(&ids);
	return rc == SQLITE_DONE ? 0 : failed(s, "page");
}

/* "N articles match "words"." (or more than the count cap), whether
 * only the newest are ranked, and whether a word's count was estimated
 * (rank.h). */
static void
count_line(struct page *b, const struct search *s, const char *query)
{
	struct buf line = BUF_INIT;

	if (s->total > SEARCH_COUNT_MAX)
		buf_printf(&line, "More than %d articles match \"", SEARCH_COUNT_MAX);
	else
		buf_printf(&line, "%lld article%s \"", s->total,
		    s->total == 1 ? " matches" : "s match");
	buf_append_str(&line, query);
	buf_append_char(&line, '"');
	if (s->total > SEARCH_RANK_MAX)
		buf_printf(&line, "; showing the best of the %d newest", SEARCH_RANK_MAX);
	buf_append_char(&line, '.');
	text_line(b, &line);
	page_blank(b);
	if (s->estimated) {
		buf_printf(&line, "Words in more than %d articles are weighed by an estimate"
		    " of how many hold them.", RANK_COUNT_WALK_MAX);
		text_line(b, &line);
		page_blank(b);
	}
}

/* Whether the reader's words find anything: 1, 0, or -1 on error. */
static int
finds_any(struct reader *r, const char *words)
{
	struct buf fts = BUF_INIT;
	sqlite3_stmt *st;
	struct query q;
	int rc = -1;

	query_parse(words, &q);
	if (query_fts(&q, &fts) <= 0 || (st = reader_statement(r, exists_sql)) == NULL) {
		rc = fts.failed ? -1 : 0;
		buf_free(&fts);
		return rc;
	}
	sqlite3_bind_text(st, 1, fts.data, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW || rc == SQLITE_DONE)
		rc = rc == SQLITE_ROW;
	else
		rc = -1;
	reader_done(st);
	buf_free(&fts);
	return rc;
}

/* The search a suggestion makes of term i of q, and its label; 0 when
 * there is none for it. */
static int
suggestion(const struct query *q, int i, struct buf *words, struct buf *label)
{
	const struct query_term *t = &q->terms[i];

	buf_truncate(words, 0);
	buf_truncate(label, 0);
	if (q->n > 1) {
		query_without(q, i, words);
		buf_printf(label, "Without \"%.*s\": %s", (int)t->len, t->start, words->data);
	} else if (!t->prefix && !t->quoted) {
		buf_printf(words, "%.*s*", (int)t->len, t->start);
		buf_printf(label, "Words starting with \"%.*s\": %s", (int)t->len, t->start,
		    words->data);
	} else
		return 0;
	return 1;
}

/* Nothing matches: the searches with a word less (or the word as a
 * prefix) that find something. */
static int
suggestions(struct reader *r, struct page *b, const struct query *q)
{
	struct buf words = BUF_INIT, label = BUF_INIT;
	int i, shown = 0, found = 0;

	page_text(b, "No articles match.");
	for (i = 0; i < q->n && shown < SEARCH_SUGGESTIONS && found != -1; i++) {
		if (!suggestion(q, i, &words, &label))
			continue;
		if (words.failed || label.failed) {
			b->failed = 1;
			break;
		}
		if ((found = finds_any(r, words.data)) != 1)
			continue;
		if (shown++ == 0)
			page_text(b, "Try:");
		page_link(b, ARCHIVE_PATH_SEARCH, words.data, label.data);
	}
	buf_free(&words);
	buf_free(&label);
	page_blank(b);
	return found == -1 ? -1 : 0;
}

static void
results_heading(struct page *b, const struct page_context *ctx, unsigned pageno,
    const char *query)
{
	struct buf line = BUF_INIT;

	buf_printf(&line, "Search results for \"%s\"", query);
	if (pageno > 1)
		buf_printf(&line, ", page %u", pageno);
	if (line.failed)
		b->failed = 1;
	else
		page_heading(b, 1, line.data);
	buf_free(&line);
	page_blank(b);
	pages_building(b, ctx->building);
}

/* The count line and the page of results; the number of rows (one more
 * than a page when a next page exists), or -1 on error. */
static long
matches(struct reader *r, const char *fts, int phrases, unsigned pageno, const char *query,
    const struct query *q, struct page *b)
{
	struct search s = { .r = r, .fts = fts, .phrases = phrases };

	if (rank_page(&s, pageno) == -1)
		return -1;
	/* Fewer rows ranked than the bound: that is all of them. */
	if (s.nids > 0 && s.ranked < SEARCH_RANK_MAX)
		s.total = s.ranked;
	else if (count_matches(&s) == -1)
		return -1;
	if (s.total == 0 && suggestions(r, b, q) == -1)
		return -1;
	if (s.total > 0)
		count_line(b, &s, query);
	if (s.nids > 0 && page_lines(&s, b) == -1)
		return -1;
	/* Page 1 always has rows: none means a page past the last. */
	if (s.nids == 0 && s.total > 0) {
		page_text(b, "No more articles match.");
		page_blank(b);
	}
	return s.nids;
}

static enum archive_status
render_results(struct reader *r, const struct page_context *ctx, unsigned pageno,
    const char *query, struct page *b)
{
	struct buf fts = BUF_INIT;
	struct query q;
	long n = 0;
	int terms;

	results_heading(b, ctx, pageno, query);
	query_parse(query, &q);
	if ((terms = query_fts(&q, &fts)) == -1)
		return ARCHIVE_ERROR;
	if (terms > 0)
		n = matches(r, fts.data, terms, pageno, query, &q, b);
	buf_free(&fts);
	if (n == -1)
		return ARCHIVE_ERROR;
	if (terms == 0) {
		page_text(b, q.n > 0 ? "No words to search for: -word only leaves articles out." :
		    "No words to search for: try letters or digits.");
		page_blank(b);
	}
	/* No link to a page past the last one served. */
	if (n > SEARCH_PAGE_SIZE && pageno < SEARCH_MAX_PAGES)
		search_link(b, pageno + 1, query, "Next page");
	if (pageno > 1)
		search_link(b, pageno - 1, query, "Previous page");
	page_text(b, "Search for " QUERY_SYNTAX ".");
	page_add(b, PAGE_SEARCH, "New search", ARCHIVE_PATH_SEARCH);
	page_link(b, ARCHIVE_PATH_HOME, NULL, "Home");
	return b->failed ? ARCHIVE_ERROR : ARCHIVE_OK;
}

enum archive_status
search_render(struct reader *r, const struct page_context *ctx, unsigned pageno,
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
	return render_results(r, ctx, pageno, query, &page->page);
}
