/*
 * The archive: a SQLite/FTS5 index of every article in the content tree,
 * kept current by a background indexer thread (initial walk, then
 * inotify), and the pages generated from it: home, date and tag indexes,
 * the Atom feed and search.
 *
 * Generated paths (all gemtext except the Atom feeds):
 *   /                    home, only when the tree has no index.gmi
 *   /archive/            years with counts
 *   /archive/YYYY/       months of a year with counts
 *   /archive/YYYY/MM/    articles of a month, in pages (pages.h)
 *   /archive/undated/    articles without a date, by title
 *   /tags/               the most used tags, then the others A to Z
 *   /tags/<tag>/         articles with that tag, in pages
 *   /tags/<tag>/atom.xml Atom feed of that tag's latest articles
 *   /atom.xml            Atom feed of the latest articles
 *   /search              asks for words (ARCHIVE_INPUT)
 *   /search?words        first page of results
 *   /search/N?words      page N of results
 * Article lines are "=> /path YYYY-MM-DD Title", newest first, so every
 * index page can be subscribed to as a gemlog; undated articles are
 * listed apart.  The folders (/archive/..., /tags/<tag>/) are asked for
 * with their final '/', as directories are.  A tag's path segment is the
 * tag with the few bytes a path cannot carry as "~XX" (archive_tag_path()).
 */
#ifndef CAPSULED_ARCHIVE_ARCHIVE_H
#define CAPSULED_ARCHIVE_ARCHIVE_H

#include "archive/page.h"
#include "convert/convert.h"
#include "util/buf.h"

/* The paths of the generated pages: spelled here only. */
#define ARCHIVE_PATH_HOME "/"
#define ARCHIVE_PATH_DATES "/archive/"
#define ARCHIVE_PATH_UNDATED "/archive/undated/"
#define ARCHIVE_PATH_TAGS "/tags/"
#define ARCHIVE_PATH_FEED "/atom.xml"
#define ARCHIVE_PATH_SEARCH "/search"
/* A tag's feed, in its folder. */
#define ARCHIVE_FEED_NAME "atom.xml"

/* The route table's entries. */
enum archive_route {
	ARCHIVE_ROUTE_NONE,   /* not generated: the tree's own */
	ARCHIVE_ROUTE_HOME,   /* "/", generated only when the tree has no index.gmi */
	ARCHIVE_ROUTE_DATES,  /* /archive/ and below */
	ARCHIVE_ROUTE_TAGS,   /* /tags/ and below */
	ARCHIVE_ROUTE_FEED,   /* /atom.xml */
	ARCHIVE_ROUTE_SEARCH, /* /search and its pages /search/N */
};

/* The route a path is on; a string check only. */
enum archive_route archive_route_of(const char *path);
/* 1 when path names a generated folder without its final '/' (answered
 * with a redirect to the slash form, as a directory is); a string check. */
int archive_slash_missing(const char *path);
/* Append the path of a tag's page, "/tags/<segment>/": its key (ASCII
 * letters in lower case: "NASA" and "nasa" are one tag) with '~',
 * '/', '\\', '?', control characters and a '.' in front written as ~XX, so
 * that every tag has exactly one path a request can name (a spelling of
 * the tag gives the same path as its key). */
int archive_tag_path(struct buf *out, const char *tag);

struct archive_options {
	const char *state_dir;     /* holds archive.db; created if missing; must be writable */
	const char *root_path;     /* the content tree (never written to) */
	const char *title;         /* capsule title for generated pages and the feed;
	                            * NULL or "": the host of base_url */
	const char *base_url;      /* "gemini://host" or "gemini://host:port": absolute links in the feed */
	const char *default_lang;
	unsigned feed_entries;     /* latest N in the feed and on the home page */
	/* Which files are articles: the site layer's rule, given the
	 * article_paths setting (copied) and a path from the root; NULL:
	 * every file whose name has an article format. */
	enum article_format (*article_format)(const char *article_paths, const char *path);
	const char *article_paths;
	const char *description;   /* one line under the home page's title; NULL: none */
	const char *about_path;    /* a gemtext file of the tree (from the root) shown
	                            * on the home page when it is there; NULL or "": none */
};

struct archive;

/* Open (or create) the index and start the indexer thread.  Returns NULL
 * with a malloc'd message in *error when the state directory cannot be
 * used. */
struct archive *archive_open(const struct archive_options *o, char **error);
/* New settings for the pages (a reload): title, base_url, default_lang
 * and feed_entries of o; the rest is ignored.  Pages cached by the
 * archive's generation go stale.  0, or -1 when memory ran out (a setting
 * may then keep its old value).  Thread-safe. */
int archive_set_page_options(struct archive *a, const struct archive_options *o);
/* Stop the indexer thread and close every connection. */
void archive_close(struct archive *a);
/* 1 once the first full walk of the tree is in the index. */
int archive_ready(struct archive *a);
/* A counter bumped (atomically) every time the index changes: articles
 * added, changed or removed, chrome relearned, the first walk finished
 * (and at every commit while that walk runs: pages show its progress),
 * the tree's index.gmi (which decides whether "/" is generated) seen
 * changing.
 * Lets callers cache pages made from the index and check them cheaply:
 * read it before rendering and keep the page while it is unchanged.
 * Thread-safe. */
unsigned long archive_generation(struct archive *a);

enum archive_status {
	ARCHIVE_NOT_MINE,  /* not a generated path: serve from the tree */
	ARCHIVE_OK,        /* page is filled */
	ARCHIVE_INPUT,     /* ask for input: page->prompt */
	ARCHIVE_NOT_FOUND, /* a generated path with nothing behind it */
	ARCHIVE_ERROR,     /* the index failed; already logged */
};

struct archive_page {
	struct page page;  /* every page but the Atom feed */
	struct buf body;   /* the Atom feed */
	const char *mime;  /* "text/gemini" (page) or "application/atom+xml" (body), static */
	char *prompt;      /* malloc'd, for ARCHIVE_INPUT only */
};

/* What archive_render() makes of the feed route. */
enum archive_feed { ARCHIVE_FEED_ATOM, ARCHIVE_FEED_PAGE };

/* Whether archive_render() would render path (rather than leave it to the
 * tree): the route table and, for "/", whether the tree has an index.gmi.
 * Cheap enough for an event loop. */
int archive_generates(struct archive *a, const char *path);
/* Render the archive page for a URL path with its already-percent-decoded
 * query (NULL if none); the feed route as Atom or as a page.
 * Thread-safe: called concurrently from several handler threads.  page
 * must start zeroed; free it with archive_page_free() whatever the
 * status. */
enum archive_status archive_render(struct archive *a, const char *path, const char *query,
    enum archive_feed feed, struct archive_page *page);
void archive_page_free(struct archive_page *p);

/* An article beside another in the date order. */
struct archive_neighbour {
	char *path;   /* NULL when there is none */
	char *date;
	char *title;
};

/* What the index knows of one article, for its page. */
struct archive_article {
	char date[11];            /* "YYYY-MM-DD", "" when undated */
	char **tags;              /* NULL-terminated, A to Z; NULL when none */
	struct archive_neighbour older, newer; /* dated articles only */
};

/* The index's record of the article at path: 1 (info filled; free it
 * with archive_article_free()), 0 when it is not indexed (yet), -1 on
 * error (logged).  Thread-safe. */
int archive_article(struct archive *a, const char *path, struct archive_article *info);
void archive_article_free(struct archive_article *info);

/* The capsule path of the article first published at the web address url
 * (http or https; the index keeps the address each article states as its
 * own), copied into path (size bytes): 1, or 0 when no article has it.
 * Thread-safe; a query of the index, for a pool thread. */
int archive_source_path(struct archive *a, const char *url, char *path, size_t size);

/* The site chrome learned from the .txt articles (lines found at the top
 * of many of them), NULL-terminated, for convert_options.chrome_lines: a
 * snapshot the caller frees with archive_chrome_free(); NULL when none
 * are known yet.  *generation (unless NULL) gets the chrome's generation
 * (archive_chrome_generation()), read first: lines newer than their number
 * only cost a conversion more, never a stale one.  Thread-safe. */
char **archive_chrome_lines(struct archive *a, unsigned long *generation);
/* Bumped at every change the indexer sees in the tree, articles or any
 * other file written, created, moved or deleted (inotify; some 0.1 s
 * after it happens): for caches of listings, which show file sizes. */
unsigned long archive_tree_generation(struct archive *a);
/* The generation alone, bumped after each commit that changed the chrome:
 * an atomic load, for event loops.  Never 0. */
unsigned long archive_chrome_generation(struct archive *a);
void archive_chrome_free(char **lines);

#endif
