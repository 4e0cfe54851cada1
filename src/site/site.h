/*
 * The site layer, between the archive and the protocols: what a request
 * path names and what it becomes, decided once for Gemini and Gopher.
 *
 * site_resolve() turns a request path (percent-decoded, or a raw Gopher
 * selector) and its query into a target: a file served as it is, a
 * directory, an article with its format, a generated archive page, the
 * raw original of an article, not found or refused.  It is cheap and
 * never blocks long: a path check, the route table, one openat2, one
 * fstat and a peek in the article cache; the target keeps the file open
 * so that nothing is opened twice.  site_article() (on a pool thread)
 * gives the converted article, through the cache, with the learned site
 * chrome applied.  site_listing() builds the listing of a directory as a
 * page (archive/page.h) both protocols write.  site_article_frame()
 * builds the page around an article: its head (title; date, author and
 * reading time; tags) and its foot (the articles before and after it,
 * its month, the archive), written by each protocol around the body the
 * cache holds, which is never copied for it.
 *
 * A tree without a robots.txt gets a generated one (SITE_ROBOTS):
 * crawlers keep out of the search pages.
 *
 * What is an article: a .html/.htm/.md/.markdown/.txt file under one of
 * article_paths (a setting: '/'-rooted folders or files, separated by
 * spaces or commas; the whole tree by default), except the well-known
 * plain files (robots.txt, favicon.txt, security.txt, humans.txt and
 * everything under /.well-known/), which are served as text/plain.
 * Everything else is a file; .gmi pages are served as written.
 *
 * Areas guarded by client certificates: site/area.h.
 */
#ifndef CAPSULED_SITE_SITE_H
#define CAPSULED_SITE_SITE_H

#include <sys/stat.h>

#include "archive/archive.h"
#include "convert/convert.h"
#include "site/area.h"
#include "site/cache.h"

struct content_types;

/* One content tree and what serves it; a view, owned by its caller. */
struct site {
	int root_fd;
	struct archive *archive;       /* NULL: no index, no generated pages */
	struct article_cache *cache;   /* converted articles (required) */
	struct content_types *types;   /* MIME types */
	const char *article_paths;     /* NULL or "": the whole tree */
	int directory_listing;         /* list directories without index.gmi */
	const struct site_areas *areas; /* guarded areas; NULL: none */
};

/* The query that asks for an article's original bytes: "path?raw". */
#define SITE_RAW_QUERY "raw"
/* What a tree without one gets generated. */
#define SITE_ROBOTS_PATH "/robots.txt"
/* The page a directory may hold in place of a generated listing. */
#define SITE_INDEX_NAME "index.gmi"

/* The format of the file at path if it is an article (the rule above)
 * given the article_paths setting, else ARTICLE_NONE; .gmi pages are
 * ARTICLE_GEMTEXT (indexed, never converted for serving).  A string check
 * only; also archive_options.article_format. */
enum article_format site_article_format(const char *article_paths, const char *path);

enum site_kind {
	SITE_FILE,       /* fd: a file served as it is (also a .gmi page) */
	SITE_DIRECTORY,  /* fd: a directory; index_fd its index.gmi or -1 */
	SITE_ARTICLE,    /* fd: an article to serve converted (format) */
	SITE_RAW,        /* fd: the original bytes of an article (path?raw) */
	SITE_PAGE,       /* a generated archive page (route); slash_missing: a
	                  * folder of them asked without its final '/' */
	SITE_ROBOTS,     /* /robots.txt when the tree has none: site_robots_text() */
	SITE_NOT_FOUND,  /* nothing there, or nothing we show (also hidden) */
	SITE_REFUSED,    /* a path no request may name (dot segments, NUL...) */
	SITE_ERROR,      /* the file is there but could not be opened */
};

struct site_target {
	enum site_kind kind;
	const char *path;          /* the request path (borrowed) */
	const char *query;         /* its query, NULL when none (borrowed) */
	int fd;                    /* owned; -1 when none */
	struct stat st;
	enum article_format format; /* ARTICLE and RAW */
	int slash_missing;         /* DIRECTORY (or PAGE) asked without its final '/' */
	int index_fd;              /* DIRECTORY: its index.gmi, or -1 */
	struct stat index_st;
	enum archive_route route;  /* PAGE */
	/* ARTICLE: the conversion when the cache already had it (a
	 * reference), else NULL and site_article() converts. */
	const struct cached_article *article;
};

/* Resolve a request.  path starts with '/'; query may be NULL.  Fills t
 * (release it with site_target_free()).  Safe on an event loop. */
void site_resolve(const struct site *s, const char *path, const char *query,
    struct site_target *t);
void site_target_free(struct site_target *t);

/* The converted article of an ARTICLE target (converting it now when the
 * cache does not have it): a reference to release with
 * article_cache_release(), or NULL when it cannot be read or converted.
 * The target keeps its own reference, if any. */
const struct cached_article *site_article(const struct site *s, const struct site_target *t);

/* What a converted article depends on beside its file, as the number the
 * cache keys it by (convert_options.context_generation): the index (the
 * learned chrome a .txt loses, the original addresses of archived
 * articles its links may name) and the tree, where its links to the
 * capsule find their targets.  0 without an archive to say when those
 * change.  Two atomic loads: cheap on an event loop. */
unsigned long site_article_generation(const struct site *s);

/* The converted article of an article file open on fd (the listing of a
 * folder shows each one's title), as site_article(). */
const struct cached_article *site_article_of(const struct site *s, const char *path, int fd,
    const struct stat *st, enum article_format format);

/* The MIME type of a FILE or RAW target: by name first; libmagic reads
 * its first bytes only when the name says nothing, unless quick, when
 * NULL says that only sniffing could tell (leave it to a pool thread).
 * Never an article's type: robots.txt and the like are text/plain. */
const char *site_mime(const struct site *s, const struct site_target *t, int quick);

/* The page around the converted article a at path: the head (a level-1
 * heading with the title, a PAGE_BYLINE of date, author and reading time
 * linked to the article's month page, a PAGE_TAG a tag, a blank line) and
 * the foot (a blank line, then links: the previous and the next article
 * in date order with their titles, the month or the undated articles,
 * /archive/), from the document and what the index knows of it.  Without
 * an archive the foot links home.  0, or -1 when memory runs out. */
int site_article_frame(const struct site *s, const char *path, const struct cached_article *a,
    struct page *head, struct page *foot);

/* The generated robots.txt (LF lines): prefix Disallow lines only, as
 * the Gemini companion specification allows. */
int site_robots_text(struct buf *out);

/* Entries a page of a directory listing shows; page N is "dir/?page=N". */
#define SITE_LISTING_SIZE 200
#define SITE_PAGE_QUERY "page="
/* What site_listing() says of a page number past the last, or no number. */
#define SITE_NO_SUCH_PAGE 1

/*
 * The listing of the directory dir (a path ending in '/') as a page: a
 * title heading ("Articles - February 2014", "Files" at the root), the
 * parent folder except at the root, then the entries as the tree gives
 * them (directories first, dates newest first, others A to Z): folders,
 * articles with their date and title, other files with their size;
 * SITE_LISTING_SIZE of them, the page query asks for ("page=N"; any
 * other query, or none, is the first), then links to the pages around
 * it.  The nhidden names in hidden are left out, and so are guarded
 * areas other than the folder's own (site_area_hidden()).  0;
 * SITE_NO_SUCH_PAGE; -1 when the directory cannot be read or memory
 * runs out.
 */
int site_listing(const struct site *s, const char *dir, const char *query,
    char *const *hidden, size_t nhidden, struct page *page);

#endif
