/*
 * What a reader is told about the article it reads: its format and the
 * options of one conversion.  A leaf of the module, so that the readers
 * need not include convert.h, whose functions call them; others include
 * convert.h, which includes this.
 */
#ifndef CAPSULED_CONVERT_OPTIONS_H
#define CAPSULED_CONVERT_OPTIONS_H

#include <time.h>

enum article_format {
	ARTICLE_NONE,     /* not an article: serve the file as it is */
	ARTICLE_HTML,     /* .html, .htm */
	ARTICLE_MARKDOWN, /* .md, .markdown */
	ARTICLE_TEXT,     /* .txt */
	ARTICLE_GEMTEXT,  /* .gmi, .gemini: served as written, parsed for metadata */
};

struct convert_options {
	/* Where the article is: its path on this server ("/articles/2014/02/x.html")
	 * or an absolute URL.  An http(s) URL is the page's original address on
	 * the web; anything else its place in the capsule.  Gives a date of last
	 * resort from a YYYY/MM/ in it. */
	const char *base_url;
	/* Lines seen at the top of many plain-text files in the archive (site chrome
	 * to drop), NULL-terminated; may be NULL. */
	const char *const *chrome_lines;
	/* Which state of the archive chrome_lines and local_path's answers
	 * come from: converted articles are cached under it, so newly learned
	 * chrome, or a link target that appeared, converts them again.  0 when
	 * nothing but the file counts. */
	unsigned long context_generation;
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

#endif
