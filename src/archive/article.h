/*
 * One article file read and converted into an index row: metadata from
 * the converter, with fallbacks (file name for the title, modification
 * time for the date) so every row has a date and a title.
 */
#ifndef CAPSULED_ARCHIVE_ARTICLE_H
#define CAPSULED_ARCHIVE_ARTICLE_H

#include "archive/store.h"
#include "archive/strlist.h"
#include "convert/convert.h"

/* Larger files are indexed from their first ARTICLE_MAX_BYTES. */
#define ARTICLE_MAX_BYTES (8 * 1024 * 1024)
/* Search text kept per article. */
#define ARTICLE_MAX_BODY (512 * 1024)
#define ARTICLE_MAX_TAGS 32
#define ARTICLE_SUMMARY_BYTES 200
/* A Markdown, text or gemtext file larger than this keeps its text in the
 * index like an HTML one (store.h): converting it again for a snippet
 * would cost a millisecond or more. */
#define ARTICLE_READ_BACK_MAX (64 * 1024)

struct article {
	struct article_row row; /* points into the fields below */
	char date[11];
	char updated[40];
	char *title;
	char *author;
	char *summary;
	char *body;
	char *source;           /* article_source_key() of its original address */
	char *tags[ARTICLE_MAX_TAGS];   /* keys (archive_tag_key()) */
	char *shown[ARTICLE_MAX_TAGS];  /* as the article spells them */
	struct strlist heads;   /* .txt only: its first lines (chrome.h) */
};

struct stat;

/* The key a tag is grouped by, whatever its spelling: "NASA", "Nasa" and
 * "nasa" are one tag (ASCII letters folded to lower case, as
 * archive_tag_path() does), shown as most of its articles spell it.
 * malloc'd; NULL when memory runs out. */
char *article_tag_key(const char *tag);

/* The key an original web address is indexed and looked up by: what
 * follows "http://" or "https://", the host in lower case, without a
 * fragment, a default port or a final '/' (malloc'd); NULL for anything
 * but an http(s) URL with a host, or when memory runs out.  Links written
 * "http://x/a/" and "https://X/a#top" reach the same article. */
char *article_source_key(const char *url);

/* A file's modification time in nanoseconds: rewrites within one second
 * still count as changes. */
long long article_mtime(const struct stat *st);

/* Which files are articles (archive_options.article_format). */
struct article_rule {
	enum article_format (*format)(const char *article_paths, const char *path); /* NULL: by name */
	char *article_paths;
};

/* 1 when the file at path (from the root, "/a/b.txt") is indexed: an
 * article by the rule, not index.gmi, not a dotfile. */
int article_is_indexed(const char *path, const struct article_rule *rule);

/* Read name (relative to dirfd, never following a symlink) as the article
 * at URL path; a .txt file is converted without the chrome lines
 * (NULL-terminated, may be NULL).  Returns 0, or -1 when the file is
 * gone, not a regular file, or memory runs out. */
int article_load(struct article *a, int dirfd, const char *name, const char *path,
    char *const *chrome);
/* The same from fd, open on the file. */
int article_read(struct article *a, int fd, const char *path, char *const *chrome);
void article_free(struct article *a);

/* The date and RFC 3339 time of an article from its ISO 8601 metadata
 * date.  When that is missing or malformed the article is undated: date
 * is "" (listed apart, never as news) and updated the modification time. */
void article_dates(const char *iso, long long mtime_ns, char date[11], char updated[40]);

#endif
