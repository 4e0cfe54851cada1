/*
 * Article conversion: the one entry point that turns a file of the content
 * tree into a document, and the gemtext writer.  Pure functions over
 * memory: no I/O, no globals, safe to call from any thread.
 */
#ifndef CAPSULED_CONVERT_CONVERT_H
#define CAPSULED_CONVERT_CONVERT_H

#include <stddef.h>
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
	/* Absolute URL or server path of the article itself ("/articles/2014/02/x.html"),
	 * used to resolve relative links and to read a YYYY/MM/ date from the path. */
	const char *base_url;
	/* Lines seen at the top of many plain-text files in the archive (site chrome
	 * to drop), NULL-terminated; may be NULL. */
	const char *const *chrome_lines;
	/* Which chrome_lines these are (archive_chrome_generation()): converted
	 * articles are cached under it, so a newly learned chrome converts them
	 * again.  0 with no chrome. */
	unsigned long chrome_generation;
};

/* Read an article into the document model.  Never fails on bad input: binary
 * or broken data gives a best-effort (possibly empty) document.  Metadata a
 * reader did not find is filled in: the date from a YYYY/MM[/DD] path in
 * options->base_url, the title from the file name, the description from the
 * first paragraph.  options may be NULL.  NULL only when memory runs out. */
struct document *convert_read(enum article_format format, const char *data, size_t len,
    const struct convert_options *options);

/* Write a document as gemtext: "# Title", the date/author line, the body,
 * and a footer (source URL, link back to the archive).  Returns a malloc'd
 * NUL-terminated buffer and its length in *len, or NULL when memory runs out. */
char *convert_write_gemtext(const struct document *doc, size_t *len);
/* The same without "# Title" and the date/author line: the body alone,
 * for a page whose head the server writes around it. */
char *convert_write_gemtext_body(const struct document *doc, size_t *len);

/* The whole conversion the server and the CLI do: read the article into
 * *doc (the caller frees it) and return its gemtext (malloc'd, length in
 * *len).  A gemtext article is returned as written.  NULL (and *doc NULL)
 * only when memory runs out. */
char *convert_article(enum article_format format, const char *data, size_t len,
    const struct convert_options *options, struct document **doc, size_t *gemtext_len);

#endif
