/*
 * The generated pages, rendered from one reader of the index.  Knows
 * nothing of threads or the indexer: archive.c hands it a reader and the
 * state it needs, so tests can render from a database they filled
 * themselves.  Every statement is handed back reset (reader.h).
 *
 * Lists that grow with the archive come in pages of PAGES_LIST_SIZE
 * entries, so that no page costs more than a few index lookups or holds
 * more than some 30 KB: dated lists (a month, a tag) newest first, each
 * page a gemlog page, the next older one at "?before=DATE.ID" (the last
 * article shown: a position in the date order, which new articles do not
 * shift); undated lists by title at "?page=N" (a tag's: "?undated=N");
 * the tags beyond the most used, A to Z, at "?after=TAG".
 */
#ifndef CAPSULED_ARCHIVE_PAGES_H
#define CAPSULED_ARCHIVE_PAGES_H

#include "archive/archive.h"
#include "archive/reader.h"

/* Entries a page of a list shows. */
#define PAGES_LIST_SIZE 100
/* Tags listed by use at the top of /tags/, before the rest A to Z. */
#define PAGES_TOP_TAGS 20
/* Tags a page of the rest shows. */
#define PAGES_TAG_LIST_SIZE 300

struct page_context {
	const char *title;        /* capsule title */
	const char *base_url;     /* "gemini://host[:port]" */
	const char *default_lang; /* may be NULL */
	unsigned feed_entries;
	long building;            /* articles indexed so far by the first walk; -1 once done */
	int rebuilding;           /* that walk rebuilds a damaged index */
	int home;                 /* 1 when "/" is generated (the tree has no index.gmi) */
	int feed_as_page;         /* the feed route as a page of the newest articles */
	unsigned search_budget_ms; /* 0: SEARCH_BUDGET_MS (search.h) */
	const char *description;  /* one line under the home page's title, or NULL */
	const char *about;        /* gemtext shown on the home page, or NULL */
	const char *about_path;   /* the file it was read from (links in it are relative to it) */
};

/* As archive_render(), on the reader r. */
enum archive_status pages_render(struct reader *r, const struct page_context *ctx,
    const char *path, const char *query, struct archive_page *page);

/* "The index is being built (N articles so far)" ("rebuilt" when it
 * is) and a blank line while the first walk runs (ctx->building >= 0);
 * nothing after. */
void pages_building(struct page *p, const struct page_context *ctx);

/* Page number from a query string: "" or NULL is 1; 0 when it is not a
 * number from 1 to max. */
unsigned pages_number(const char *s, unsigned max);

/* What the pages share (pages.c). */

/* Log the failed statement, reset it; ARCHIVE_ERROR. */
enum archive_status pages_db_error(struct reader *r, sqlite3_stmt *st);
/* Column i as text, "" for NULL. */
const char *pages_column(sqlite3_stmt *st, int i);
/* "# Title: what" (the title alone when what is NULL), a blank line, and
 * the building notice. */
void pages_heading(struct page *b, const struct page_context *ctx, const char *what);
/* A link to another page of ours: "label (N articles)". */
void pages_counted_link(struct page *p, const char *path, const char *query, const char *label,
    long long n);
/* An article line for each of the first max rows of st (columns path,
 * date, title); the number of rows, or -1 on error (st reset either way). */
long pages_article_lines(struct reader *r, sqlite3_stmt *st, struct page *b, long max);
/* The value of "key=value" when query is that, else NULL. */
const char *pages_query_value(const char *query, const char *key);

/* A position in the date order of a list: its articles strictly older
 * come next.  The first page starts after every date. */
struct pages_cursor {
	char date[11];
	long long id;
};

/* A dated list: rows_sql gives path, date, title, id of the articles
 * older than the cursor (?1 the list's filter, ?2 the cursor's date, ?3
 * its id, ?4 the limit), newest first; newer_sql the date and id of the
 * articles newer than the cursor (same ?1-?3, ?4 an offset), oldest
 * first. */
struct dated_list {
	const char *rows_sql;
	const char *newer_sql;
	const char *filter;
	const char *path;        /* the page: links to its other pages */
};

/* The cursor a query names: 0 the first page (no query), 1 "before=...",
 * -1 anything else. */
int pages_cursor_parse(const char *query, struct pages_cursor *c);
/* One page of a dated list from the cursor: its article lines, then links
 * to the older and newer pages when there are.  The number of articles
 * shown, or -1 on error. */
long pages_dated_list(struct reader *r, const struct dated_list *l,
    const struct pages_cursor *c, struct page *b);
/* Page pageno of an undated list: sql gives path, date, title by title
 * (?1 the filter, ?2 the limit, ?3 the offset); then links to the pages
 * around it, "?key=N".  The number shown, or -1 on error. */
long pages_undated_list(struct reader *r, const char *sql, const char *filter,
    const char *path, const char *key, unsigned pageno, struct page *b);

/* One article as its page needs it from the index (nav.c): its date,
 * its tags and the dated articles just before and after it in the order
 * of the date pages (date, then id); a few lookups in the indexes,
 * whatever the size of the archive.  As archive_article(), on r. */
int nav_article(struct reader *r, const char *path, struct archive_article *info);

/* The tag pages (tagpages.c): rest is what follows "/tags/". */
/* The spelling a tag (its key) is shown in, appended to shown: 1, 0 when
 * no article has the tag, -1 on error (logged). */
int pages_tag_shown(struct reader *r, const char *key, struct buf *shown);
enum archive_status pages_render_tags(struct reader *r, const struct page_context *ctx,
    const char *rest, const char *query, struct archive_page *page);

#endif
