#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "convert/byline.h"
#include "convert/frontmatter.h"
#include "convert/date.h"
#include "convert/tags.h"
#include "convert/textutil.h"
#include "util/buf.h"
#include "util/text.h"

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
		{ "url", FM_SOURCE }, { "canonical", FM_SOURCE }, { "canonical_url", FM_SOURCE },
		{ "original_url", FM_SOURCE },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == len && strncasecmp(keys[i].name, key, len) == 0)
			return keys[i].key;
	return FM_OTHER;
}

/* Keys that take every item of a list; the others keep the first. */
static int
takes_many(enum fm_key key)
{
	return key == FM_AUTHOR || key == FM_TAGS;
}

static int
set_date(struct document *doc, const char *value)
{
	char date[DATE_MAX], day[11];

	if (date_parse(value, date) == 0 || date_find(value, date, NULL) == 0)
		return document_set_meta(&doc->meta.date, date);
	/* "2021-03-14 10:00:00 +0100" and the like: the day is enough. */
	if (strlen(value) >= 10) {
		memcpy(day, value, 10);
		day[10] = '\0';
		if (date_parse(day, date) == 0)
			return document_set_meta(&doc->meta.date, date);
	}
	return 0;
}

/* Authors as the HTML reader writes them: each name cleaned ("By Jane
 * Doe, Staff Writer" is "Jane Doe"), "A, B and C". */
static int
add_author(struct document *doc, const char *raw)
{
	struct buf b = BUF_INIT;
	char *name = byline_clean_name(raw), *last;
	int rc;

	if (name == NULL)
		return 0;
	if (doc->meta.author == NULL) {
		rc = document_set_meta(&doc->meta.author, name);
		free(name);
		return rc;
	}
	/* "A and B" plus C is "A, B and C". */
	if ((last = strstr(doc->meta.author, " and ")) != NULL)
		buf_printf(&b, "%.*s, %s and %s", (int)(last - doc->meta.author), doc->meta.author,
		    last + 5, name);
	else
		buf_printf(&b, "%s and %s", doc->meta.author, name);
	rc = b.failed ? -1 : document_set_meta(&doc->meta.author, b.data);
	buf_free(&b);
	free(name);
	return rc;
}

/* Only an absolute URL tells where a post was first published; a site's
 * own "url: /posts/x/" is a path on this site. */
static int
set_source(struct document *doc, const char *value)
{
	char *url;
	int rc = 0;

	if ((url = url_resolve(NULL, value)) == NULL)
		return -1;
	if (strstr(url, "://") != NULL && url_is_linkable(url))
		rc = document_set_meta(&doc->meta.source_url, url);
	free(url);
	return rc;
}

static int
apply_clean(struct document *doc, enum fm_key key, const char *value)
{
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
		return tags_add_list(doc, value, '\n');
	case FM_SOURCE:
		return set_source(doc, value);
	case FM_OTHER:
		break;
	}
	return 0;
}

/* Apply one raw value, cleaned to a single line; for tags a comma-separated
 * string ("a, b") names several. */
static int
apply_value(struct document *doc, enum fm_key key, const char *raw, size_t len)
{
	const char *end = raw + len, *comma;
	char *value;
	int rc = 0;

	if (key == FM_OTHER)
		return 0;
	while (rc == 0 && raw < end) {
		comma = key == FM_TAGS ? memchr(raw, ',', (size_t)(end - raw)) : NULL;
		if (comma == NULL)
			comma = end;
		if ((value = text_squeeze(raw, (size_t)(comma - raw))) == NULL)
			return -1;
		if (*value != '\0')
			rc = apply_clean(doc, key, value);
		free(value);
		raw = comma < end ? comma + 1 : end;
	}
	return rc;
}

/*
 * YAML, read with libyaml's event parser.  Only the top mapping's scalar
 * values and the scalars of its sequences are used; deeper nodes are only
 * counted past, never held, so any nesting costs no stack.
 */
struct yaml_walk {
	struct document *doc;
	size_t depth;       /* collections open */
	int top_is_mapping;
	int want_key;       /* at depth 1: the next node is a key */
	enum fm_key key;    /* the key whose value is being read */
	int child_is_key;   /* the collection open at depth 2 is a key */
	int child_is_list;  /* it is a sequence of values for key */
	size_t items;       /* scalars seen in that sequence */
	int documents;
};

/* A plain "~" or "null" is YAML's null: no value. */
static int
is_null_scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return len == 0 || (len == 1 && v[0] == '~') ||
	    (len == 4 && strncasecmp(v, "null", 4) == 0);
}

static int
walk_scalar(struct yaml_walk *w, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;

	if (w->depth == 1 && w->top_is_mapping) {
		if (w->want_key) {
			w->key = key_of(v, len);
			w->want_key = 0;
			return 0;
		}
		w->want_key = 1;
		return is_null_scalar(ev) ? 0 : apply_value(w->doc, w->key, v, len);
	}
	if (w->depth == 2 && w->child_is_list && !is_null_scalar(ev)) {
		if (w->items++ > 0 && !takes_many(w->key))
			return 0;
		return apply_value(w->doc, w->key, v, len);
	}
	return 0;
}

static void
walk_collection_start(struct yaml_walk *w, int is_sequence)
{
	if (w->depth == 0) {
		w->top_is_mapping = !is_sequence;
		w->want_key = 1;
	} else if (w->depth == 1 && w->top_is_mapping) {
		w->child_is_key = w->want_key;
		w->child_is_list = is_sequence && !w->want_key;
		w->items = 0;
		if (w->want_key)
			w->key = FM_OTHER;
	}
	w->depth++;
}

static void
walk_collection_end(struct yaml_walk *w)
{
	if (w->depth > 0)
		w->depth--;
	if (w->depth == 1 && w->top_is_mapping) {
		/* A collection used as a key is followed by its value. */
		w->want_key = !w->child_is_key;
		w->child_is_list = 0;
	}
}

static int
walk_event(struct yaml_walk *w, const yaml_event_t *ev)
{
	if (ev->type == YAML_DOCUMENT_START_EVENT)
		w->documents++;
	/* Only the first document is the front matter. */
	if (w->documents > 1)
		return 0;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return walk_scalar(w, ev);
	case YAML_ALIAS_EVENT:
		/* Aliases are not followed: a node without value. */
		if (w->depth == 1 && w->top_is_mapping) {
			if (w->want_key)
				w->key = FM_OTHER;
			w->want_key = !w->want_key;
		}
		return 0;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		walk_collection_start(w, ev->type == YAML_SEQUENCE_START_EVENT);
		return 0;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		walk_collection_end(w);
		return 0;
	default:
		return 0;
	}
}

/* Returns 0, 1 when the YAML is broken, -1 when memory runs out. */
static int
yaml_read(struct document *doc, const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	struct yaml_walk w;
	int rc = 0, done = 0;

	memset(&w, 0, sizeof(w));
	w.doc = doc;
	if (!yaml_parser_initialize(&parser))
		return -1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &event)) {
			rc = parser.error == YAML_MEMORY_ERROR ? -1 : 1;
			break;
		}
		done = event.type == YAML_STREAM_END_EVENT;
		rc = walk_event(&w, &event);
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return rc;
}

/*
 * TOML has no library in Debian bookworm, and posts use a tiny part of it:
 * "key = value" with strings, arrays of strings, dates and numbers.  Tables
 * are not told apart (Hugo puts author under [params]).  Every step of the
 * reader moves forward, so it runs in linear time whatever the input.
 */
struct toml_cursor {
	const char *s;
	size_t len;
	size_t pos;
};

static int
toml_peek(const struct toml_cursor *c)
{
	return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1;
}

static void
toml_skip_line(struct toml_cursor *c)
{
	while (c->pos < c->len && c->s[c->pos] != '\n')
		c->pos++;
}

/* Spaces and tabs; inside an array also newlines and comments. */
static void
toml_skip_space(struct toml_cursor *c, int in_array)
{
	int ch;

	while ((ch = toml_peek(c)) != -1) {
		if (ch == ' ' || ch == '\t' || (in_array && (ch == '\n' || ch == '\r')))
			c->pos++;
		else if (in_array && ch == '#')
			toml_skip_line(c);
		else
			break;
	}
}

/* The escape after a backslash in a basic string, appended to out. */
static void
toml_escape(struct toml_cursor *c, struct buf *out)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	const char *hit;
	size_t digits, i;
	uint32_t cp = 0;
	int ch = toml_peek(c), h;

	if (ch == -1)
		return;
	c->pos++;
	if (ch != 'u' && ch != 'U') {
		hit = ch != '\0' ? strchr(from, ch) : NULL;
		buf_append_char(out, hit != NULL ? to[hit - from] : (char)ch);
		return;
	}
	digits = ch == 'u' ? 4 : 8;
	for (i = 0; i < digits && (h = hex_digit_value(toml_peek(c))) != -1; i++, c->pos++)
		cp = (cp << 4) | (uint32_t)h;
	/* What is no scalar value (a surrogate, past U+10FFFF) is U+FFFD. */
	utf8_append_char(out, i == digits ? cp : 0xfffd);
}

/* A quoted string at the cursor ('...', "...", '''...''' or """..."""),
 * unescaped into out.  Returns 0, or -1 when it is not closed. */
static int
toml_string(struct toml_cursor *c, struct buf *out)
{
	char quote = c->s[c->pos];
	int triple = c->len - c->pos >= 3 && c->s[c->pos + 1] == quote &&
	    c->s[c->pos + 2] == quote;
	size_t width = triple ? 3 : 1;
	int ch;

	c->pos += width;
	while ((ch = toml_peek(c)) != -1) {
		if (ch == quote && (!triple ||
		    (c->len - c->pos >= 3 && c->s[c->pos + 1] == quote && c->s[c->pos + 2] == quote))) {
			c->pos += width;
			return 0;
		}
		if (ch == '\n' && !triple)
			return -1;
		c->pos++;
		if (ch == '\\' && quote == '"')
			toml_escape(c, out);
		else
			buf_append_char(out, (char)ch);
	}
	return -1;
}

/* One value: a string, or a bare word (date, number, boolean) ending at a
 * comma, bracket, comment or line end.  Returns 0, or -1 when malformed. */
static int
toml_scalar(struct toml_cursor *c, struct buf *out)
{
	size_t start = c->pos;
	int ch = toml_peek(c);

	if (ch == '"' || ch == '\'')
		return toml_string(c, out);
	while ((ch = toml_peek(c)) != -1 && ch != ',' && ch != ']' && ch != '#' &&
	    ch != '\n' && ch != '\r')
		c->pos++;
	while (c->pos > start && (c->s[c->pos - 1] == ' ' || c->s[c->pos - 1] == '\t'))
		c->pos--;
	buf_append(out, c->s + start, c->pos - start);
	return c->pos > start ? 0 : -1;
}

static int
toml_apply_scalar(struct toml_cursor *c, struct document *doc, enum fm_key key, int apply)
{
	struct buf value = BUF_INIT;
	int rc;

	rc = toml_scalar(c, &value);
	if (value.failed)
		rc = -2;
	else if (rc == 0 && apply && value.len > 0)
		rc = apply_value(doc, key, value.data, value.len) == -1 ? -2 : 0;
	buf_free(&value);
	return rc;
}

/* An array of scalars, its items applied when apply is set; nested arrays
 * are malformed for our purpose.  Returns 0, -1 when malformed, -2 when
 * memory runs out. */
static int
toml_array(struct toml_cursor *c, struct document *doc, enum fm_key key, int apply)
{
	size_t items = 0;
	int rc;

	c->pos++;
	for (;;) {
		toml_skip_space(c, 1);
		if (toml_peek(c) == ']') {
			c->pos++;
			return 0;
		}
		if (toml_peek(c) == -1 || toml_peek(c) == '[')
			return -1;
		rc = toml_apply_scalar(c, doc, key, apply && (items++ == 0 || takes_many(key)));
		if (rc != 0)
			return rc;
		toml_skip_space(c, 1);
		if (toml_peek(c) == ',')
			c->pos++;
		else if (toml_peek(c) != ']')
			return -1;
	}
}

/* One line ("key = value", a [table] header, a comment or nothing).
 * Returns 0 or -1 when memory runs out; malformed lines are skipped. */
static int
toml_statement(struct toml_cursor *c, struct document *doc)
{
	struct toml_cursor check;
	size_t key_start, key_len;
	enum fm_key key;
	int rc = 0;

	toml_skip_space(c, 0);
	key_start = c->pos;
	while (c->pos < c->len && (isalnum((unsigned char)c->s[c->pos]) ||
	    c->s[c->pos] == '_' || c->s[c->pos] == '-'))
		c->pos++;
	key_len = c->pos - key_start;
	toml_skip_space(c, 0);
	if (key_len > 0 && toml_peek(c) == '=') {
		c->pos++;
		toml_skip_space(c, 0);
		key = key_of(c->s + key_start, key_len);
		if (toml_peek(c) == '[') {
			/* Check the whole array first: a malformed line adds nothing. */
			check = *c;
			if ((rc = toml_array(&check, doc, key, 0)) == 0)
				rc = toml_array(c, doc, key, 1);
		} else {
			rc = toml_apply_scalar(c, doc, key, 1);
		}
	}
	toml_skip_line(c);
	if (c->pos < c->len)
		c->pos++;
	return rc == -2 ? -1 : 0;
}

static int
toml_read(struct document *doc, const char *data, size_t len)
{
	struct toml_cursor c = { data, len, 0 };

	while (c.pos < c.len)
		if (toml_statement(&c, doc) == -1)
			return -1;
	return 0;
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

/* Read the front matter data[0..len) into a document of its own, and only
 * when it is sound hand its metadata over: broken YAML leaves doc as it
 * was.  Returns 0, 1 when broken, -1 when memory runs out. */
static int
read_into(struct document *doc, const char *data, size_t len, int toml)
{
	struct document *scratch;
	struct doc_meta old;
	int rc;

	if ((scratch = document_new()) == NULL)
		return -1;
	rc = toml ? toml_read(scratch, data, len) : yaml_read(scratch, data, len);
	if (rc == 0) {
		old = doc->meta;
		doc->meta = scratch->meta;
		scratch->meta = old;
	}
	document_free(scratch);
	return rc;
}

size_t
front_matter_read(struct document *doc, const char *data, size_t len)
{
	size_t p, next, line_len, body, bom = 0;
	const char *fence;
	int toml, rc;

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
	if ((rc = read_into(doc, data + p, body - p, toml)) != 0)
		return rc == -1 ? (size_t)-1 : 0;
	return bom + line_at(data, len, body, &line_len);
}
