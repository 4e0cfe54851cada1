#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/convert.h"
#include "convert/gemtext.h"
#include "convert/html.h"
#include "convert/markdown.h"
#include "convert/date.h"
#include "convert/text.h"
#include "convert/textutil.h"
#include "util/buf.h"

/* Descriptions are cut near this many bytes (conversion.md §4). */
#define DESCRIPTION_MAX 200
/* A paragraph this long is prose, not a caption or a dateline. */
#define PROSE_MIN 80

enum article_format
article_format_of(const char *path)
{
	static const struct {
		const char *ext;
		enum article_format format;
	} formats[] = {
		{ "html", ARTICLE_HTML }, { "htm", ARTICLE_HTML },
		{ "md", ARTICLE_MARKDOWN }, { "markdown", ARTICLE_MARKDOWN },
		{ "txt", ARTICLE_TEXT },
		{ "gmi", ARTICLE_GEMTEXT }, { "gemini", ARTICLE_GEMTEXT },
	};
	const char *name, *dot;
	size_t i;

	name = strrchr(path, '/');
	name = name != NULL ? name + 1 : path;
	if ((dot = strrchr(name, '.')) == NULL || dot == name)
		return ARTICLE_NONE;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcasecmp(dot + 1, formats[i].ext) == 0)
			return formats[i].format;
	return ARTICLE_NONE;
}

/* "russia-america-ceasefires" from ".../russia-america-ceasefires.txt?raw",
 * made readable: a title of last resort. */
static char *
title_from_url(const char *url)
{
	const char *name, *end;
	struct buf b = BUF_INIT;
	char *title;
	size_t i;

	end = url + strcspn(url, "?#");
	for (name = end; name > url && name[-1] != '/'; name--)
		;
	for (i = 0; name + i < end && name[i] != '.'; i++)
		buf_append_char(&b, name[i] == '-' || name[i] == '_' ? ' ' : name[i]);
	if (b.failed || b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	title = text_squeeze(b.data, b.len);
	buf_free(&b);
	if (title != NULL && *title != '\0')
		title[0] = (char)toupper((unsigned char)title[0]);
	return title;
}

static int
fill_date(struct document *doc, const char *base_url)
{
	char date[DATE_MAX];

	if (doc->meta.date != NULL || base_url == NULL || date_from_path(base_url, date) == -1)
		return 0;
	return document_set_meta(&doc->meta.date, date);
}

static int
fill_title(struct document *doc, const char *base_url)
{
	char *title;
	int rc;

	if (doc->meta.title != NULL || base_url == NULL)
		return 0;
	if ((title = title_from_url(base_url)) == NULL)
		return 0;
	rc = document_set_meta(&doc->meta.title, title);
	free(title);
	return rc;
}

/* The first paragraph of prose, not a caption or a dateline; else the
 * first paragraph at all. */
static const char *
first_paragraph(const struct document *doc)
{
	const char *first = NULL, *text;
	size_t i;

	for (i = 0; i < doc->nblocks; i++) {
		text = doc->blocks[i].text;
		if (doc->blocks[i].type != BLOCK_PARAGRAPH || text == NULL ||
		    text[strspn(text, " \n")] == '\0')
			continue;
		if (strlen(text) >= PROSE_MIN)
			return text;
		if (first == NULL)
			first = text;
	}
	return first;
}

static int
fill_description(struct document *doc)
{
	const char *text = first_paragraph(doc);
	char *description;
	int rc;

	if (doc->meta.description != NULL || text == NULL)
		return 0;
	if ((description = text_squeeze(text, strlen(text))) == NULL)
		return -1;
	rc = document_set_meta(&doc->meta.description, NULL);
	if (rc == 0) {
		doc->meta.description = text_cut_words(description, DESCRIPTION_MAX);
		rc = doc->meta.description == NULL ? -1 : 0;
	}
	free(description);
	return rc;
}

struct document *
convert_read(enum article_format format, const char *data, size_t len,
    const struct convert_options *options)
{
	static const struct convert_options no_options;
	struct document *doc;

	if (options == NULL)
		options = &no_options;
	switch (format) {
	case ARTICLE_HTML:
		doc = html_read(data, len, options);
		break;
	case ARTICLE_MARKDOWN:
		doc = markdown_read(data, len, options);
		break;
	case ARTICLE_TEXT:
		doc = text_read(data, len, options);
		break;
	case ARTICLE_GEMTEXT:
		doc = gemtext_read(data, len, options);
		break;
	default:
		doc = document_new();
		break;
	}
	if (doc == NULL)
		return NULL;
	if (fill_date(doc, options->base_url) == -1 || fill_title(doc, options->base_url) == -1 ||
	    fill_description(doc) == -1) {
		document_free(doc);
		return NULL;
	}
	return doc;
}

char *
convert_article(enum article_format format, const char *data, size_t len,
    const struct convert_options *options, struct document **doc, size_t *gemtext_len)
{
	char *gemtext;

	if ((*doc = convert_read(format, data, len, options)) == NULL)
		return NULL;
	if (format == ARTICLE_GEMTEXT) {
		if ((gemtext = malloc(len + 1)) != NULL) {
			memcpy(gemtext, data, len);
			gemtext[len] = '\0';
			*gemtext_len = len;
		}
	} else {
		gemtext = convert_write_gemtext(*doc, gemtext_len);
	}
	if (gemtext == NULL) {
		document_free(*doc);
		*doc = NULL;
	}
	return gemtext;
}
