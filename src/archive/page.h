/*
 * A generated page as a list of typed lines, built once and written by
 * each protocol's own writer (gemtext for Gemini, a menu for Gopher), so
 * that no writer parses another's output.  Every string is owned by the
 * page and is raw text: paths are not percent-encoded, text is not
 * escaped; the writers do that for their format.
 */
#ifndef CAPSULED_ARCHIVE_PAGE_H
#define CAPSULED_ARCHIVE_PAGE_H

#include <stddef.h>

enum page_line_kind {
	PAGE_HEADING,  /* level 1-3, text */
	PAGE_TEXT,     /* text: one line of running text (a writer may wrap it) */
	PAGE_BLANK,    /* an empty line */
	PAGE_ARTICLE,  /* path, date ("" when undated), text: the title;
	                * snippet: a few words of the body, or NULL */
	PAGE_LINK,     /* path and query (NULL: none), text: another page of ours */
	PAGE_PARENT,   /* path: the folder above this one */
	PAGE_FOLDER,   /* path (ending in '/'), text: its name */
	PAGE_FILE,     /* path, text: its name, size */
	PAGE_SEARCH,   /* path: where words are typed to search; text: label */
	PAGE_FEED,     /* path: the feed of the newest articles; text: label */
	PAGE_BYLINE,   /* text: an article's date, author and reading time;
	                * path: its month's page, or NULL */
	PAGE_TAG,      /* text: a tag of the article; path: the tag's page */
	PAGE_GEMTEXT,  /* text: gemtext written by hand (a file of the tree);
	                * path: that file, which its relative links start from */
};

struct page_line {
	enum page_line_kind kind;
	int level;
	char *text;
	char *path;
	char *query;
	char *date;
	char *snippet;
	long long size;
};

struct page {
	struct page_line *lines;
	size_t n, cap;
	int failed;        /* memory ran out while building: the page is incomplete */
};

#define PAGE_INIT { NULL, 0, 0, 0 }

/* Append a line; NULL strings stay NULL, the others are copied.  The
 * return value is 0, or -1 (and page->failed set) when memory runs out. */
int page_add(struct page *p, enum page_line_kind kind, const char *text, const char *path);
/* The line just added, to set the rest of its fields; NULL when failed. */
struct page_line *page_last(struct page *p);
int page_heading(struct page *p, int level, const char *text);
int page_text(struct page *p, const char *text);
int page_blank(struct page *p);
int page_article(struct page *p, const char *path, const char *date, const char *title,
    const char *snippet);
int page_link(struct page *p, const char *path, const char *query, const char *label);
/* Set a malloc'd copy of s into *field of the last line; -1 on failure. */
int page_set(struct page *p, char **field, const char *s);
void page_free(struct page *p);

#endif
