#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/frontmatter.h"
#include "convert/meta.h"
#include "convert/textutil.h"
#include "util/buf.h"

enum fm_key {
	FM_OTHER, FM_TITLE, FM_DATE, FM_AUTHOR, FM_LANG, FM_DESCRIPTION, FM_TAGS, FM_SOURCE,
};

static enum fm_key
key_of(const char *key, size_t len)
{
	static const struct {
		const char *name;
		enum fm_key key;
	} keys[] = {
		{ "title", FM_TITLE }, { "date", FM_DATE }, { "published", FM_DATE },
		{ "author", FM_AUTHOR }, { "authors", FM_AUTHOR }, { "lang", FM_LANG },
		{ "language", FM_LANG }, { "description", FM_DESCRIPTION },
		{ "summary", FM_DESCRIPTION }, { "tags", FM_TAGS }, { "categories", FM_TAGS },
		{ "keywords", FM_TAGS }, { "source", FM_SOURCE }, { "source_url", FM_SOURCE },
		{ "canonical_url", FM_SOURCE }, { "original_url", FM_SOURCE },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == len && strncasecmp(keys[i].name, key, len) == 0)
			return keys[i].key;
	return FM_OTHER;
}

/* A scalar without its quotes, trimmed and cleaned; malloc'd. */
static char *
scalar(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= 2 && (s[0] == '"' || s[0] == '\'') && s[len - 1] == s[0]) {
		s++;
		len -= 2;
	}
	return text_squeeze(s, len);
}

static int
set_date(struct document *doc, const char *value)
{
	char date[META_DATE_MAX], day[11];

	if (meta_parse_date(value, date) == 0)
		return document_set_meta(&doc->meta.date, date);
	/* "2021-03-14 10:00:00 +0100" and the like: the day is enough. */
	if (strlen(value) >= 10) {
		memcpy(day, value, 10);
		day[10] = '\0';
		if (meta_parse_date(day, date) == 0)
			return document_set_meta(&doc->meta.date, date);
	}
	return 0;
}

/* Authors are joined with ", " as they come. */
static int
add_author(struct document *doc, const char *name)
{
	struct buf b = BUF_INIT;
	int rc;

	if (doc->meta.author == NULL)
		return document_set_meta(&doc->meta.author, name);
	buf_printf(&b, "%s, %s", doc->meta.author, name);
	rc = b.failed ? -1 : document_set_meta(&doc->meta.author, b.data);
	buf_free(&b);
	return rc;
}

static int
apply_value(struct document *doc, enum fm_key key, const char *value)
{
	if (*value == '\0')
		return 0;
	switch (key) {
	case FM_TITLE:
		return document_set_meta(&doc->meta.title, value);
	case FM_DATE:
		return set_date(doc, value);
	case FM_AUTHOR:
		return add_author(doc, value);
	case FM_LANG:
		return document_set_meta(&doc->meta.lang, value);
	case FM_DESCRIPTION:
		return document_set_meta(&doc->meta.description, value);
	case FM_TAGS:
		return document_add_tag(doc, value);
	case FM_SOURCE:
		return document_set_meta(&doc->meta.source_url, value);
	case FM_OTHER:
		break;
	}
	return 0;
}

/* A value: "[a, 'b']" lists every element, anything else is one scalar. */
static int
apply(struct document *doc, enum fm_key key, const char *s, size_t len)
{
	size_t start, end;
	char *value;
	int rc = 0;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (key == FM_OTHER)
		return 0;
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		for (start = 1; start < len - 1 && rc == 0; start = end + 1) {
			end = start;
			while (end < len - 1 && s[end] != ',')
				end++;
			if ((value = scalar(s + start, end - start)) == NULL)
				return -1;
			rc = apply_value(doc, key, value);
			free(value);
		}
		return rc;
	}
	if ((value = scalar(s, len)) == NULL)
		return -1;
	rc = apply_value(doc, key, value);
	free(value);
	return rc;
}

/* One line of the front matter; *list_key carries a YAML key whose value
 * is the "- item" lines that follow it. */
static int
read_line(struct document *doc, const char *line, size_t len, int toml, enum fm_key *list_key)
{
	size_t key_len = 0, i = 0;
	char sep = toml ? '=' : ':';

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (!toml && i + 1 < len && line[i] == '-' && line[i + 1] == ' ')
		return apply(doc, *list_key, line + i + 2, len - i - 2);
	if (i > 0 && !toml)
		return 0;
	*list_key = FM_OTHER;
	while (i + key_len < len && (isalnum((unsigned char)line[i + key_len]) ||
	    line[i + key_len] == '_' || line[i + key_len] == '-'))
		key_len++;
	if (key_len == 0)
		return 0;
	line += i;
	len -= i;
	i = key_len;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= len || line[i] != sep)
		return 0;
	i++;
	if (!toml)
		*list_key = key_of(line, key_len);
	return apply(doc, key_of(line, key_len), line + i, len - i);
}

/* The line starting at p (without its end of line); returns where the next starts. */
static size_t
line_at(const char *data, size_t len, size_t p, size_t *line_len)
{
	size_t e = p;

	while (e < len && data[e] != '\n')
		e++;
	*line_len = e - p;
	if (*line_len > 0 && data[p + *line_len - 1] == '\r')
		(*line_len)--;
	return e < len ? e + 1 : e;
}

static int
is_fence(const char *line, size_t len, const char *fence)
{
	while (len > 3 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return len == 3 && memcmp(line, fence, 3) == 0;
}

size_t
front_matter_read(struct document *doc, const char *data, size_t len)
{
	size_t p, next, line_len, body, bom = 0;
	const char *fence;
	enum fm_key list_key = FM_OTHER;
	int toml;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
		bom = 3;
	}
	p = line_at(data, len, 0, &line_len);
	if (is_fence(data, line_len, "---"))
		fence = "---";
	else if (is_fence(data, line_len, "+++"))
		fence = "+++";
	else
		return 0;
	toml = fence[0] == '+';
	/* Find the closing fence first: unclosed front matter is body text. */
	for (body = p; body < len; body = next) {
		next = line_at(data, len, body, &line_len);
		if (is_fence(data + body, line_len, fence) ||
		    (!toml && is_fence(data + body, line_len, "...")))
			break;
	}
	if (body >= len)
		return 0;
	for (; p < body; p = next) {
		next = line_at(data, len, p, &line_len);
		if (read_line(doc, data + p, line_len, toml, &list_key) == -1)
			return (size_t)-1;
	}
	return bom + line_at(data, len, body, &line_len);
}
