#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert/html_jsonld.h"
#include "convert/textutil.h"
#include "util/buf.h"

/* Nesting deeper than this is not metadata; it also bounds the recursion. */
#define JSON_MAX_DEPTH 32

enum json_type { JSON_NULL, JSON_SCALAR, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	char *text;               /* strings and scalars */
	struct json_value *items; /* arrays and object values */
	char **keys;              /* objects */
	size_t n;
};

struct json_parser {
	const char *p, *end;
};

static void
json_free(struct json_value *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		json_free(&v->items[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
	memset(v, 0, sizeof(*v));
}

static void
skip_space(struct json_parser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' ||
	    *jp->p == '\r'))
		jp->p++;
}

static int
hex4(const char *s, uint32_t *out)
{
	int i;

	*out = 0;
	for (i = 0; i < 4; i++) {
		*out <<= 4;
		if (s[i] >= '0' && s[i] <= '9')
			*out |= (uint32_t)(s[i] - '0');
		else if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')
			*out |= (uint32_t)((s[i] | 0x20) - 'a' + 10);
		else
			return -1;
	}
	return 0;
}

static int
parse_escape(struct json_parser *jp, struct buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	uint32_t cp, low;

	if (jp->p >= jp->end)
		return -1;
	if ((k = strchr(from, *jp->p)) != NULL && *jp->p != '\0') {
		jp->p++;
		return buf_append_char(b, to[k - from]);
	}
	if (*jp->p != 'u' || jp->end - jp->p < 5 || hex4(jp->p + 1, &cp) == -1)
		return -1;
	jp->p += 5;
	if (cp >= 0xd800 && cp <= 0xdbff && jp->end - jp->p >= 6 && jp->p[0] == '\\' &&
	    jp->p[1] == 'u' && hex4(jp->p + 2, &low) == 0 && low >= 0xdc00 && low <= 0xdfff) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
		jp->p += 6;
	} else if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	return utf8_append(b, cp);
}

static char *
parse_string(struct json_parser *jp)
{
	struct buf b = BUF_INIT;

	jp->p++;
	while (jp->p < jp->end && *jp->p != '"') {
		if (*jp->p == '\\') {
			jp->p++;
			if (parse_escape(jp, &b) == -1)
				goto fail;
			continue;
		}
		buf_append_char(&b, *jp->p++);
	}
	if (jp->p >= jp->end || buf_append(&b, "", 0) == -1)
		goto fail;
	jp->p++;
	return buf_release(&b, NULL);
fail:
	buf_free(&b);
	return NULL;
}

static int parse_value(struct json_parser *jp, struct json_value *v, int depth);

static int
append_item(struct json_value *v, struct json_value *item, char *key)
{
	struct json_value *items;
	char **keys;

	if ((items = reallocarray(v->items, v->n + 1, sizeof(*items))) == NULL)
		return -1;
	v->items = items;
	if (v->type == JSON_OBJECT) {
		if ((keys = reallocarray(v->keys, v->n + 1, sizeof(*keys))) == NULL)
			return -1;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = *item;
	return 0;
}

static int
parse_container(struct json_parser *jp, struct json_value *v, int depth)
{
	char close = *jp->p == '{' ? '}' : ']';
	struct json_value item;
	char *key = NULL;

	v->type = close == '}' ? JSON_OBJECT : JSON_ARRAY;
	jp->p++;
	skip_space(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		return 0;
	}
	for (;;) {
		skip_space(jp);
		if (v->type == JSON_OBJECT) {
			if (jp->p >= jp->end || *jp->p != '"' || (key = parse_string(jp)) == NULL)
				return -1;
			skip_space(jp);
			if (jp->p >= jp->end || *jp->p++ != ':') {
				free(key);
				return -1;
			}
		}
		memset(&item, 0, sizeof(item));
		if (parse_value(jp, &item, depth + 1) == -1 || append_item(v, &item, key) == -1) {
			json_free(&item);
			free(key);
			return -1;
		}
		key = NULL;
		skip_space(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			return 0;
		}
		return -1;
	}
}

static int
parse_value(struct json_parser *jp, struct json_value *v, int depth)
{
	const char *start;

	memset(v, 0, sizeof(*v));
	if (depth > JSON_MAX_DEPTH)
		return -1;
	skip_space(jp);
	if (jp->p >= jp->end)
		return -1;
	if (*jp->p == '{' || *jp->p == '[')
		return parse_container(jp, v, depth);
	if (*jp->p == '"') {
		v->type = JSON_STRING;
		return (v->text = parse_string(jp)) == NULL ? -1 : 0;
	}
	start = jp->p;
	while (jp->p < jp->end && strchr(",]} \t\r\n", *jp->p) == NULL)
		jp->p++;
	if (jp->p == start)
		return -1;
	v->type = JSON_SCALAR;
	return (v->text = strndup(start, (size_t)(jp->p - start))) == NULL ? -1 : 0;
}

static const struct json_value *
member(const struct json_value *v, const char *key)
{
	size_t i;

	if (v->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return &v->items[i];
	return NULL;
}

static const char *
string_member(const struct json_value *v, const char *key)
{
	const struct json_value *m = member(v, key);

	return m != NULL && m->type == JSON_STRING ? m->text : NULL;
}

static int
is_article_type(const struct json_value *type)
{
	static const char *const kinds[] = { "Article", "Posting", "Report", "APIReference", NULL };
	size_t i, k;

	if (type == NULL)
		return 0;
	if (type->type == JSON_ARRAY) {
		for (i = 0; i < type->n; i++)
			if (is_article_type(&type->items[i]))
				return 1;
		return 0;
	}
	for (k = 0; type->type == JSON_STRING && kinds[k] != NULL; k++)
		if (strstr(type->text, kinds[k]) != NULL)
			return 1;
	return 0;
}

static const struct json_value *
find_article(const struct json_value *v)
{
	const struct json_value *found, *graph;
	size_t i;

	if (v->type == JSON_ARRAY) {
		for (i = 0; i < v->n; i++)
			if ((found = find_article(&v->items[i])) != NULL)
				return found;
		return NULL;
	}
	if (v->type != JSON_OBJECT)
		return NULL;
	if (is_article_type(member(v, "@type")))
		return v;
	if ((graph = member(v, "@graph")) != NULL)
		return find_article(graph);
	return NULL;
}

/* Strings, or the "name" of objects, of a value or an array of them. */
static int
join_names(const struct json_value *v, struct buf *out)
{
	const char *name = NULL;
	size_t i;

	if (v->type == JSON_ARRAY) {
		for (i = 0; i < v->n; i++)
			if (join_names(&v->items[i], out) == -1)
				return -1;
		return 0;
	}
	if (v->type == JSON_STRING)
		name = v->text;
	else if (v->type == JSON_OBJECT)
		name = string_member(v, "name");
	if (name == NULL || *name == '\0')
		return 0;
	if (out->len > 0 && buf_append_str(out, ", ") == -1)
		return -1;
	return buf_append_str(out, name);
}

static int
set_field(char **field, const char *value)
{
	if (*field != NULL || value == NULL || *value == '\0')
		return 0;
	return (*field = strdup(value)) == NULL ? -1 : 0;
}

static int
set_joined(char **field, const struct json_value *v)
{
	struct buf b = BUF_INIT;
	int rc;

	if (*field != NULL || v == NULL)
		return 0;
	if (join_names(v, &b) == -1 || buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return -1;
	}
	rc = set_field(field, b.data);
	buf_free(&b);
	return rc;
}

int
jsonld_read(const char *json, size_t len, struct jsonld_article *article)
{
	struct json_parser jp = { json, json + len };
	const struct json_value *a;
	struct json_value root;
	int rc = 0;

	if (parse_value(&jp, &root, 0) == -1) {
		json_free(&root);
		return 0;
	}
	if ((a = find_article(&root)) != NULL) {
		rc |= set_field(&article->headline, string_member(a, "headline"));
		rc |= set_field(&article->name, string_member(a, "name"));
		rc |= set_joined(&article->author, member(a, "author"));
		rc |= set_field(&article->published, string_member(a, "datePublished"));
		rc |= set_field(&article->modified, string_member(a, "dateModified"));
		rc |= set_field(&article->description, string_member(a, "description"));
		rc |= set_field(&article->lang, string_member(a, "inLanguage"));
		rc |= set_joined(&article->keywords, member(a, "keywords"));
	}
	json_free(&root);
	return rc == 0 ? 0 : -1;
}

void
jsonld_free(struct jsonld_article *article)
{
	free(article->headline);
	free(article->name);
	free(article->author);
	free(article->published);
	free(article->modified);
	free(article->description);
	free(article->lang);
	free(article->keywords);
	memset(article, 0, sizeof(*article));
}
