#include "archive/search.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/query.h"
#include "archive/rank.h"
#include "archive/store.h"
#include "archive/words.h"
#include "util/clock.h"
#include "util/log.h"

/* Every page of results lies within the ranked matches. */
_Static_assert(SEARCH_MAX_PAGES * SEARCH_PAGE_SIZE <= SEARCH_RANK_MAX,
    "search pages beyond the ranked matches");

/* Counting beyond the cap would tell nothing the reader can use. */
_Static_assert(SEARCH_COUNT_MAX > SEARCH_RANK_MAX, "search count cap below the ranked");

/* The clock is read every this many steps of SQLite's machine: some
 * 0.1 ms of FTS5 reading its lists. */
#define BUDGET_CHECK_STEPS 64

/* The newest ?2 matches with their scores: FTS5 walks rowids downwards
 * and stops there (rowids grow with the date, store.h), so older ones
 * are never looked at.  (FTS5's own ORDER BY rank is slower: it ranks
 * in a nested query, then seeks every row again.)  One term is ranked
 * without bm25's walk over all its matches, several with that walk cut
 * short (rank.h), which sets ?3 when it estimated a count. */
#define NEWEST_BY(score) \
	"SELECT rowid, " score " FROM search WHERE search MATCH ?1" \
	" ORDER BY rowid DESC LIMIT ?2"
static const char newest_sql[] = NEWEST_BY(RANK_CAPPED "(search,"
    " (SELECT min(id) FROM articles), (SELECT max(id) FROM articles), ?3, "
    STORE_RANK_WEIGHTS ")");
static const char newest_one_term_sql[] =
	NEWEST_BY(RANK_ONE_PHRASE "(search, " STORE_RANK_WEIGHTS ")");

/* The matches older than ?3, newest first: counted, not ranked. */
static const char older_sql[] =
	"SELECT rowid FROM search WHERE search MATCH ?1 AND rowid < ?3"
	" ORDER BY rowid DESC LIMIT ?2";

/* Whether a search finds anything: its first match is enough. */
static const char exists_sql[] = "SELECT 1 FROM search WHERE search MATCH ?1 LIMIT 1";

/* The rows of a page, ?2 a JSON array of their ids in rank order;
 * snippets are made for these rows only.  Looking each id up seeks in
 * every segment of every term (many terms for a prefix): when the ids lie
 * among the newest SEARCH_RANK_MAX matches, walking the rowids from ?3 to
 * ?4 once is cheaper, and the unary + keeps FTS5 from the lookups. */
#define PAGE_SELECT "SELECT a.path, a.date, a.title," \
	" snippet(search, " STORE_BODY_COLUMN ", '', '', '...', 24)" \
	" FROM search JOIN articles a ON a.id = search.rowid WHERE search MATCH ?1"
#define PAGE_ORDER " ORDER BY (SELECT key FROM json_each(?2) WHERE value = search.rowid)"
static const char page_by_id_sql[] = PAGE_SELECT
	" AND search.rowid IN (SELECT value FROM json_each(?2))" PAGE_ORDER;
static const char page_in_range_sql[] = PAGE_SELECT
	" AND search.rowid BETWEEN ?3 AND ?4"
	" AND +search.rowid IN (SELECT value FROM json_each(?2))" PAGE_ORDER;

struct scored {
	long long id;
	double score;        /* lower is better, as bm25 */
};

struct search {
	struct reader *r;
	long long budget_us;
	const char *fts;     /* the FTS5 expression */
	int terms;           /* the user's terms searched for (not -word) */
	int estimated;       /* a word's count was estimated in ranking (rank.h) */
	int prefix_capped;   /* a prefix stood for more words than were searched */
	long long deadline;  /* monotonic µs */
	int cut;             /* the budget ran out */
	long long oldest;    /* the oldest match read (0: none) */
	long long total;     /* matches found */
	struct scored ranked[SEARCH_RANK_MAX]; /* the newest, best first once sorted */
	int nranked;
	long long ids[SEARCH_PAGE_SIZE + 1]; /* the page's rows, best first */
	int nids;            /* up to one more than a page: a next page exists */
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
out_of_time(void *arg)
{
	const struct search *s = arg;

	return monotonic_us() > s->deadline;
}

/* Whether the reader's statements are interrupted past s->deadline. */
static void
budget_watch(struct search *s, int on)
{
	if (on)
		sqlite3_progress_handler(s->r->db, BUDGET_CHECK_STEPS, out_of_time, s);
	else
		sqlite3_progress_handler(s->r->db, 0, NULL, NULL);
}

/* A step of a statement run under the budget: SQLITE_DONE once the
 * budget is spent (s->cut set). */
static int
budgeted_step(struct search *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_INTERRUPT || (rc == SQLITE_ROW && out_of_time(s))) {
		s->cut = 1;
		return SQLITE_DONE;
	}
	return rc;
}

/* The newest SEARCH_RANK_MAX matches and their scores. */
static int
read_newest(struct search *s, sqlite3_stmt *st)
{
	int rc;

	sqlite3_bind_text(st, 1, s->fts, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, SEARCH_RANK_MAX);
	if (s->terms != 1)
		sqlite3_bind_pointer(st, 3, &s->estimated, RANK_ESTIMATED_TYPE, NULL);
	while ((rc = budgeted_step(s, st)) == SQLITE_ROW) {
		s->ranked[s->nranked].id = s->oldest = sqlite3_column_int64(st, 0);
		s->ranked[s->nranked++].score = sqlite3_column_double(st, 1);
	}
	reader_done(st);
	s->total = s->nranked;
	return rc == SQLITE_DONE ? 0 : failed(s, "reading");
}

/* Count on past the ranked matches, up to one past SEARCH_COUNT_MAX. */
static int
count_older(struct search *s, sqlite3_stmt *st)
{
	int rc;

	sqlite3_bind_text(st, 1, s->fts, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, SEARCH_COUNT_MAX + 1 - s->total);
	sqlite3_bind_int64(st, 3, s->oldest);
	while ((rc = budgeted_step(s, st)) == SQLITE_ROW) {
		s->oldest = sqlite3_column_int64(st, 0);
		s->total++;
	}
	reader_done(st);
	return rc == SQLITE_DONE ? 0 : failed(s, "counting");
}

static int
by_score(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	/* Ties go to the newer. */
	return (x->id < y->id) - (x->id > y->id);
}

/* Read, count and rank under the budget; the ids of page pageno (and of
 * the first row after it). */
static int
rank_page(struct search *s, unsigned pageno)
{
	int first = (int)(pageno - 1) * SEARCH_PAGE_SIZE, rc;
	sqlite3_stmt *newest, *older;

	/* Prepared first (the first time on a reader, that reads the schema):
	 * the budget is for reading matches. */
	if ((newest = reader_statement(s->r, s->terms == 1 ? newest_one_term_sql :
	    newest_sql)) == NULL || (older = reader_statement(s->r, older_sql)) == NULL)
		return -1;
	s->deadline = monotonic_us() + s->budget_us;
	budget_watch(s, 1);
	rc = read_newest(s, newest);
	if (rc == 0 && !s->cut && s->nranked == SEARCH_RANK_MAX)
		rc = count_older(s, older);
	budget_watch(s, 0);
	if (rc == -1)
		return -1;
	qsort(s->ranked, (size_t)s->nranked, sizeof(*s->ranked), by_score);
	for (s->nids = 0; s->nids <= SEARCH_PAGE_SIZE && first + s->nids < s->nranked; s->nids++)
		s->ids[s->nids] = s->ranked[first + s->nids].id;
	return 0;
}

/* The result lines of the page's rows, best first. */
static int
page_lines(const struct search *s, struct page *b)
{
	struct buf ids = BUF_INIT;
	long long low = LLONG_MAX, high = LLONG_MIN;
	const char *sql = s->nranked < SEARCH_RANK_MAX ? page_by_id_sql : page_in_range_sql;
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

/* How far back a search that ran out of time got. */
static void
searched_back_to(struct buf *line, const struct search *s)
{
	char date[11];

	store_date_of_id(s->oldest, date);
	if (*date == '\0')
		buf_append_str(line, " among the articles searched before the time ran out");
	else
		buf_printf(line, " among the articles since %s; older ones were not searched,"
		    " the search ran out of time", date);
}

/* "N articles match "words"." (or at least N, or more than the count
 * cap, or none among those searched in time), whether only the newest
 * are ranked. */
static void
count_line(struct page *b, const struct search *s, const char *query)
{
	struct buf line = BUF_INIT;

	if (s->total == 0) {
		page_text(b, s->cut ? "No articles match among those searched: the search ran"
		    " out of time before it found any." : "No articles match.");
		page_blank(b);
		return;
	}
	if (s->total > SEARCH_COUNT_MAX)
		buf_printf(&line, "More than %d articles match \"", SEARCH_COUNT_MAX);
	else
		buf_printf(&line, "%s%lld article%s \"", s->cut ? "At least " : "", s->total,
		    s->total == 1 ? " matches" : "s match");
	buf_append_str(&line, query);
	buf_append_char(&line, '"');
	if (s->cut && s->total <= SEARCH_COUNT_MAX)
		searched_back_to(&line, s);
	if (s->total > SEARCH_RANK_MAX)
		buf_printf(&line, "; showing the best of the %d newest", SEARCH_RANK_MAX);
	buf_append_char(&line, '.');
	text_line(b, &line);
	page_blank(b);
}

/* What the ranking or the words searched leave out, said. */
static void
notes(struct page *b, const struct search *s)
{
	struct buf line = BUF_INIT;

	if (s->estimated && s->total > 0) {
		buf_printf(&line, "Words in more than %d articles are weighed by an estimate"
		    " of how many hold them.", RANK_COUNT_WALK_MAX);
		text_line(b, &line);
		page_blank(b);
	}
	if (s->prefix_capped) {
		buf_printf(&line, "A word ending in * stands for more than %d words here:"
		    " the %d shortest were searched.", WORDS_PREFIX_MAX, WORDS_PREFIX_MAX);
		text_line(b, &line);
		page_blank(b);
	}
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
	pages_building(b, ctx);
}

/* Prefixes as the words they stand for (words.h), into out; *capped set
 * when one stood for more words than are searched. */
static int
expand_prefixes(struct reader *r, const char *fts, struct buf *out, int *capped)
{
	struct words_tokenizer *t;
	sqlite3_stmt *range;
	int rc;

	if (strchr(fts, '*') == NULL)
		return buf_append_str(out, fts);
	if ((t = reader_tokenizer(r)) == NULL ||
	    (range = reader_statement(r, words_range_sql)) == NULL)
		return -1;
	if ((rc = words_expand(t, range, fts, out, capped)) == -1)
		log_error("archive: cannot look up the words of %s: %s", fts,
		    sqlite3_errmsg(r->db));
	reader_done(range);
	return rc;
}

/* Whether the reader's words find anything before s->deadline: 1, 0
 * (nothing, or not known in time), or -1 on error. */
static int
finds_any(struct search *s, const char *words)
{
	struct buf fts = BUF_INIT, expanded = BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct query q;
	int capped, rc = -1;

	query_parse(words, &q);
	if (query_fts(&q, &fts) <= 0) {
		rc = fts.failed ? -1 : 0;
		goto done;
	}
	if (expand_prefixes(s->r, fts.data, &expanded, &capped) == -1 ||
	    (st = reader_statement(s->r, exists_sql)) == NULL)
		goto done;
	sqlite3_bind_text(st, 1, expanded.data, -1, SQLITE_STATIC);
	budget_watch(s, 1);
	rc = sqlite3_step(st);
	budget_watch(s, 0);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE || rc == SQLITE_INTERRUPT)
		rc = rc == SQLITE_ROW;
	else
		rc = failed(s, "a suggestion");
	reader_done(st);
done:
	buf_free(&fts);
	buf_free(&expanded);
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
 * prefix) that find something, all checked within one more budget. */
static int
suggestions(struct search *s, struct page *b, const struct query *q)
{
	struct buf words = BUF_INIT, label = BUF_INIT;
	int i, shown = 0, found = 0;

	page_text(b, "No articles match.");
	s->deadline = monotonic_us() + s->budget_us;
	for (i = 0; i < q->n && shown < SEARCH_SUGGESTIONS && found != -1; i++) {
		if (!suggestion(q, i, &words, &label))
			continue;
		if (words.failed || label.failed) {
			b->failed = 1;
			break;
		}
		if ((found = finds_any(s, words.data)) != 1)
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

/* The count line (or suggestions) and the page of results; the number
 * of rows (one more than a page when a next page exists), or -1 on
 * error. */
static long
matches(struct search *s, unsigned pageno, const char *query, const struct query *q,
    struct page *b)
{
	if (rank_page(s, pageno) == -1)
		return -1;
	/* Nothing found in time is not nothing there: no suggestions then. */
	if (s->total == 0 && !s->cut) {
		if (suggestions(s, b, q) == -1)
			return -1;
	} else
		count_line(b, s, query);
	notes(b, s);
	if (s->nids > 0 && page_lines(s, b) == -1)
		return -1;
	/* Page 1 always has rows when any matched: none means a page past the last. */
	if (s->nids == 0 && s->total > 0) {
		page_text(b, "No more articles match.");
		page_blank(b);
	}
	return s->nids;
}

/* Search for the FTS5 expression fts of the parsed query q. */
static long
search(struct reader *r, const struct page_context *ctx, const char *fts,
    const struct query *q, unsigned pageno, const char *query, struct page *b)
{
	struct search *s;
	struct buf expanded = BUF_INIT;
	long n = -1;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->r = r;
	s->terms = q->positive;
	s->budget_us = (ctx->search_budget_ms > 0 ? ctx->search_budget_ms : SEARCH_BUDGET_MS) *
	    1000LL;
	if (expand_prefixes(r, fts, &expanded, &s->prefix_capped) == 0) {
		s->fts = expanded.data;
		n = matches(s, pageno, query, q, b);
	}
	buf_free(&expanded);
	free(s);
	return n;
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
		n = search(r, ctx, fts.data, &q, pageno, query, b);
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
