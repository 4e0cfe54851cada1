/*
 * Article conversion: the one entry point that turns a file of the content
 * tree into a document, and the gemtext writer.  Pure functions over
 * memory: no I/O, no globals, safe to call from any thread.
 */
#ifndef CAPSULED_CONVERT_CONVERT_H
#define CAPSULED_CONVERT_CONVERT_H

#include <stddef.h>
#include "convert/document.h"
#include "convert/options.h"

/* The format an article file has, judged by its name. */
enum article_format article_format_of(const char *path);

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
