#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/byline.h"
#include "convert/date.h"
#include "convert/links.h"
#include "convert/text.h"
#include "convert/textutil.h"
#include "util/buf.h"

/* The dateline is looked for among the first lines only (conversion.md). */
#define DATELINE_WINDOW 10
#define HEADLINE_MAX 200
/* A dateline ("3 February 2014", "Published: ...") is at most this long. */
#define DATELINE_MAX 80
/* Lines of a hard-wrapped paragraph are at least this long (but the last). */
#define WRAPPED_LINE_MIN 40
#define WRAPPED_LINE_MAX 100

struct text_lines {
	char **line; /* cleaned, one per input line; "" for blank lines */
	size_t count;
};

static void
lines_free(struct text_lines *lines)
{
	size_t i;

	for (i = 0; i < lines->count; i++)
		free(lines->line[i]);
	free(lines->line);
}

static int
lines_split(struct text_lines *lines, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *eol;
	char **grown, *clean;
	size_t cap = 0;

	lines->line = NULL;
	lines->count = 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		for (eol = p; eol < end && *eol != '\n' && *eol != '\r'; eol++)
			;
		if ((clean = text_squeeze(p, (size_t)(eol - p))) == NULL)
			return -1;
		if (lines->count == cap) {
			cap = cap ? cap * 2 : 64;
			if ((grown = reallocarray(lines->line, cap, sizeof(*grown))) == NULL) {
				free(clean);
				return -1;
			}
			lines->line = grown;
		}
		lines->line[lines->count++] = clean;
		if (eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n')
			eol++;
		p = eol + 1;
	}
	return 0;
}

static size_t
count_words(const char *s)
{
	size_t words = 0, i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
			words++;
	return words;
}

/* The date of a dateline: wholly a date, or a date after a label. */
static int
line_date(const char *s, char *date)
{
	static const char *const labels[] = { "published", "posted", "date", "dated", "updated",
	    "veröffentlicht", "publié", "publicado", "pubblicato", "опубликовано", "datum",
	    "fecha", "data", NULL };
	struct buf first = BUF_INIT;
	size_t n = strcspn(s, " :");
	int labelled;

	/* A paragraph is no dateline: not worth reading word by word. */
	if (strlen(s) > DATELINE_MAX)
		return -1;
	if (date_parse(s, date) == 0)
		return 0;
	/* "Published: November 19, 2019 at 10:43" */
	text_append_lower(&first, s, n);
	labelled = buf_append(&first, "", 0) == 0 && text_in_list(first.data, labels);
	buf_free(&first);
	return labelled && date_find(s, date, NULL) == 0 ? 0 : -1;
}

static int
is_date_line(const char *s)
{
	char date[DATE_MAX];

	return line_date(s, date) == 0;
}

static int
is_byline(const char *s)
{
	char *author = byline_from_line(s);
	int yes = author != NULL;

	free(author);
	return yes;
}

static int
looks_like_headline(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len < HEADLINE_MAX && count_words(s) >= 3 && s[len - 1] != '.' &&
	    !is_date_line(s) && strstr(s, "://") == NULL;
}

static int
is_chrome(const char *s, const char *const *chrome_lines)
{
	size_t i;

	if (chrome_lines == NULL)
		return 0;
	for (i = 0; chrome_lines[i] != NULL; i++)
		if (strcmp(s, chrome_lines[i]) == 0)
			return 1;
	return 0;
}

static const char *
list_item_text(const char *s)
{
	if (strncmp(s, "* ", 2) == 0 || strncmp(s, "- ", 2) == 0)
		return s + 2;
	if (strncmp(s, "\xe2\x80\xa2 ", 4) == 0)
		return s + 4;
	return NULL;
}

static int
is_url_end(char c)
{
	return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
	    c == ')' || c == '\'' || c == '"';
}

/* Link lines for the bare URLs of a paragraph. */
static int
add_bare_urls(struct doc_block *block, const char *text, const struct link_resolver *links)
{
	static const char *const schemes[] = { "https://", "http://", "gemini://", "gopher://" };
	const char *p, *end;
	char *url;
	size_t i;
	int rc = 0;

	for (p = text; *p != '\0' && rc == 0; p++) {
		if (p != text && p[-1] != ' ' && p[-1] != '(' && p[-1] != '<' && p[-1] != '\n')
			continue;
		for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
			if (strncasecmp(p, schemes[i], strlen(schemes[i])) == 0)
				break;
		if (i == sizeof(schemes) / sizeof(schemes[0]))
			continue;
		end = p + strcspn(p, " \n<>");
		while (end > p && is_url_end(end[-1]))
			end--;
		if ((url = strndup(p, (size_t)(end - p))) == NULL)
			return -1;
		rc = document_add_link_from(block, links, url, NULL);
		free(url);
		p = end - 1;
	}
	return rc;
}

static int
is_wrapped(const struct text_lines *lines, size_t first, size_t last)
{
	size_t i, len;

	if (last - first < 1)
		return 0;
	for (i = first; i < last; i++) {
		len = strlen(lines->line[i]);
		if (len < WRAPPED_LINE_MIN || len > WRAPPED_LINE_MAX)
			return 0;
	}
	return 1;
}

/* Lines first..last (non-empty, consecutive) as one paragraph or list. */
static int
add_run(struct document *doc, const struct text_lines *lines, size_t first, size_t last,
    const struct link_resolver *links)
{
	struct buf text = BUF_INIT;
	struct doc_block *block;
	const char *item;
	size_t i;
	int rc = 0;

	if (list_item_text(lines->line[first]) != NULL) {
		for (i = first; i <= last && rc == 0; i++) {
			item = list_item_text(lines->line[i]);
			block = document_add_block(doc, BLOCK_LIST_ITEM, 0,
			    item != NULL ? item : lines->line[i]);
			rc = block == NULL ? -1 : add_bare_urls(block, block->text, links);
		}
		return rc;
	}
	for (i = first; i <= last; i++) {
		if (i > first)
			buf_append_char(&text, is_wrapped(lines, first, last) ? ' ' : '\n');
		buf_append_str(&text, lines->line[i]);
	}
	if (text.failed || (block = document_add_block(doc, BLOCK_PARAGRAPH, 0, text.data)) == NULL)
		rc = -1;
	else
		rc = add_bare_urls(block, block->text, links);
	buf_free(&text);
	return rc;
}

static int
add_body(struct document *doc, const struct text_lines *lines, size_t start,
    const struct link_resolver *links)
{
	size_t i = start, first;
	int rc = 0;

	while (i < lines->count && rc == 0) {
		if (*lines->line[i] == '\0') {
			i++;
			continue;
		}
		first = i;
		while (i + 1 < lines->count && *lines->line[i + 1] != '\0')
			i++;
		rc = add_run(doc, lines, first, i, links);
		i++;
	}
	return rc;
}

static size_t
next_nonempty(const struct text_lines *lines, size_t i)
{
	while (i < lines->count && *lines->line[i] == '\0')
		i++;
	return i;
}

/* The dateline among the first non-empty lines, or lines->count. */
static size_t
find_dateline(const struct text_lines *lines)
{
	size_t i, seen = 0;

	for (i = next_nonempty(lines, 0); i < lines->count && seen < DATELINE_WINDOW;
	    i = next_nonempty(lines, i + 1), seen++)
		if (is_date_line(lines->line[i]))
			return i;
	return lines->count;
}

/* Take lines[i] as the byline when it is one; returns the next line to read. */
static size_t
take_byline(struct document *doc, const struct text_lines *lines, size_t i, int *rc)
{
	char *author;

	i = next_nonempty(lines, i);
	if (i >= lines->count || (author = byline_from_line(lines->line[i])) == NULL)
		return i;
	*rc = document_set_meta(&doc->meta.author, author);
	free(author);
	return i + 1;
}

/* With a dateline: the headline above it, chrome above that. */
static size_t
read_head_dated(struct document *doc, const struct text_lines *lines, size_t dateline, int *rc)
{
	char date[DATE_MAX];
	size_t i, title = lines->count;

	if (line_date(lines->line[dateline], date) == 0)
		*rc = document_set_meta(&doc->meta.date, date);
	for (i = dateline; i-- > 0;) {
		if (*lines->line[i] == '\0')
			continue;
		if (!is_byline(lines->line[i]) && looks_like_headline(lines->line[i])) {
			title = i;
			break;
		}
	}
	if (title == lines->count)
		return 0;
	if (*rc == 0)
		*rc = document_set_meta(&doc->meta.title, lines->line[title]);
	for (i = title + 1; i < dateline && *rc == 0; i = next_nonempty(lines, i + 1))
		take_byline(doc, lines, i, rc);
	return title + 1;
}

/* Without a dateline: skip chrome and short lines; the first headline-like
 * line left is the title.  Without one, the short lines are text after all. */
static size_t
read_head_undated(struct document *doc, const struct text_lines *lines,
    const char *const *chrome_lines, int *rc)
{
	size_t i, first = lines->count;

	for (i = next_nonempty(lines, 0); i < lines->count; i = next_nonempty(lines, i + 1)) {
		if (is_chrome(lines->line[i], chrome_lines))
			continue;
		if (first == lines->count)
			first = i;
		if (count_words(lines->line[i]) > 2)
			break;
	}
	if (i >= lines->count || !looks_like_headline(lines->line[i]))
		return first;
	*rc = document_set_meta(&doc->meta.title, lines->line[i]);
	return take_byline(doc, lines, i + 1, rc);
}

struct document *
text_read(const char *data, size_t len, const struct convert_options *options)
{
	struct text_lines lines;
	struct document *doc;
	struct link_resolver links;
	size_t dateline, start, i;
	int rc = 0;

	link_resolver_init(&links, options, 1);
	if ((doc = document_new()) == NULL)
		return NULL;
	if (lines_split(&lines, data, len) == -1) {
		rc = -1;
	} else if ((dateline = find_dateline(&lines)) < lines.count) {
		start = read_head_dated(doc, &lines, dateline, &rc);
		/* Lines between the title and the dateline (a subtitle) stay. */
		for (i = start; i < dateline && rc == 0; i++)
			if (!is_byline(lines.line[i]) && *lines.line[i] != '\0')
				rc = add_run(doc, &lines, i, i, &links);
		start = take_byline(doc, &lines, dateline + 1, &rc);
		if (rc == 0)
			rc = add_body(doc, &lines, start, &links);
	} else {
		start = read_head_undated(doc, &lines,
		    options != NULL ? options->chrome_lines : NULL, &rc);
		if (rc == 0)
			rc = add_body(doc, &lines, start, &links);
	}
	lines_free(&lines);
	if (rc != 0) {
		document_free(doc);
		return NULL;
	}
	return doc;
}
