/*
 * Article conversion: the one entry point that turns a file of the content
 * tree into a document, and the gemtext writer.  Pure functions over
 * memory: no I/O, no globals, safe to call from any thread.
 */
#ifndef CAPSULED_CONVERT_CONVERT_H
#define CAPSULED_CONVERT_CONVERT_H

#include <stddef.h>
#include <time.h>
#include "convert/document.h"

enum article_format {
	ARTICLE_NONE,     /* not an article: serve the file as it is */
	ARTICLE_HTML,     /* .html, .htm */
	ARTICLE_MARKDOWN, /* .md, .markdown */
	ARTICLE_TEXT,     /* .txt */
	ARTICLE_GEMTEXT,  /* .gmi, .gemini: served as written, parsed for metadata */
};

/* The format an article file has, judged by its name. */
enum article_format article_format_of(const char *path);

struct convert_options {
	/* Where the article is: its path on this server ("/articles/2014/02/x.html")
	 * or an absolute URL.  An http(s) URL is the page's original address on
	 * the web; anything else its place in the capsule.  Gives a date of last
	 * resort from a YYYY/MM/ in it. */
	const char *base_url;
	/* Lines seen at the top of many plain-text files in the archive (site chrome
	 * to drop), NULL-terminated; may be NULL. */
	const char *const *chrome_lines;
	/* Which chrome_lines these are (archive_chrome_generation()): converted
	 * articles are cached under it, so a newly learned chrome converts them
	 * again.  0 with no chrome. */
	unsigned long chrome_generation;
	/* When the file was saved (its modification time), or 0 when unknown: a
	 * publication date more than a day after it is not believed. */
	time_t saved_time;
	/* Optional, with its argument: the capsule path of what a link points
	 * to, or NULL.  url is absolute (http, https) for a link to the web —
	 * answer with the path of the archived article first published there —
	 * or a capsule path for a link relative to an article with no known
	 * original address — answer with the path when something is there.  A
	 * link without an answer stays on the web, or (a capsule path) goes.
	 * The answer is copied at once.  Called from the converting thread. */
	const char *(*local_path)(void *arg, const char *url);
	void *local_path_arg;
};

/* Read an article into the document model.  Never fails on bad input: binary
 * or broken data gives a best-effort (possibly empty) document.  Metadata a
 * reader did not find is filled in: the date from a YYYY/MM[/DD] path in
 * options->base_url, the title from the file name, the description from the
 * first paragraph of prose.  options may be NULL.  NULL only when memory
 * runs out. */
struct document *convert_read(enum article_format format, const char *data, size_t len,
    const struct convert_options *options);

/* Write a document as gemtext: "# Title", the date/author line, the body,
 * and the link to the original article when its source URL is known (the
 * page around it, with the way back to the archive, is the site's).  Returns a malloc'd
 * NUL-terminated buffer and its length in *len, or NULL when memory runs out. */
char *convert_write_gemtext(const struct document *doc, size_t *len);

/* The whole conversion the server and the CLI do: read the article into
 * *doc (the caller frees it) and return its gemtext (malloc'd, length in
 * *len).  A gemtext article is returned as written.  NULL (and *doc NULL)
 * only when memory runs out. */
char *convert_article(enum article_format format, const char *data, size_t len,
    const struct convert_options *options, struct document **doc, size_t *gemtext_len);

#endif
