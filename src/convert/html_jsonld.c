#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "convert/html_jsonld.h"
#include "util/buf.h"

/*
 * jansson bounds its own recursion (JSON_PARSER_MAX_DEPTH); the article
 * is looked for only this deep (an array of "@graph" holders, say), which
 * bounds the walk below.
 */
#define SEARCH_MAX_DEPTH 8

static int
is_article_type(const json_t *type)
{
	static const char *const kinds[] = { "Article", "Posting", "Report", "APIReference", NULL };
	const json_t *item;
	size_t i, k;

	if (json_is_array(type)) {
		json_array_foreach(type, i, item)
			if (json_is_string(item) && is_article_type(item))
				return 1;
		return 0;
	}
	for (k = 0; json_is_string(type) && kinds[k] != NULL; k++)
		if (strstr(json_string_value(type), kinds[k]) != NULL)
			return 1;
	return 0;
}

/* The first article-like object: the value itself, an item of an array,
 * or a node of an "@graph". */
static const json_t *
find_article(const json_t *v, int depth)
{
	const json_t *found, *item;
	size_t i;

	if (depth > SEARCH_MAX_DEPTH)
		return NULL;
	if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			if ((found = find_article(item, depth + 1)) != NULL)
				return found;
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	if (is_article_type(json_object_get(v, "@type")))
		return v;
	return find_article(json_object_get(v, "@graph"), depth + 1);
}

static const char *
string_member(const json_t *v, const char *key)
{
	return json_string_value(json_object_get(v, key));
}

static int
append_name(struct buf *out, const char *name)
{
	if (name == NULL || *name == '\0')
		return 0;
	if (out->len > 0 && buf_append_str(out, ", ") == -1)
		return -1;
	return buf_append_str(out, name);
}

/* A string, an object's "name", or an array of those (authors, keywords);
 * arrays inside arrays are not names. */
static int
join_names(const json_t *v, struct buf *out)
{
	const json_t *item;
	size_t i;

	if (!json_is_array(v))
		return append_name(out, json_is_object(v) ? string_member(v, "name") :
		    json_string_value(v));
	json_array_foreach(v, i, item)
		if (!json_is_array(item) && join_names(item, out) == -1)
			return -1;
	return 0;
}

static int
set_field(char **field, const char *value)
{
	if (*field != NULL || value == NULL || *value == '\0')
		return 0;
	return (*field = strdup(value)) == NULL ? -1 : 0;
}

static int
set_joined(char **field, const json_t *v)
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
	const json_t *a;
	json_error_t error;
	json_t *root;
	int rc = 0;

	/* Broken JSON-LD is common and not worth a message. */
	if ((root = json_loadb(json, len, 0, &error)) == NULL)
		return 0;
	if ((a = find_article(root, 0)) != NULL) {
		rc |= set_field(&article->headline, string_member(a, "headline"));
		rc |= set_field(&article->name, string_member(a, "name"));
		rc |= set_joined(&article->author, json_object_get(a, "author"));
		rc |= set_field(&article->published, string_member(a, "datePublished"));
		rc |= set_field(&article->modified, string_member(a, "dateModified"));
		rc |= set_field(&article->description, string_member(a, "description"));
		rc |= set_field(&article->lang, string_member(a, "inLanguage"));
		rc |= set_joined(&article->keywords, json_object_get(a, "keywords"));
	}
	json_decref(root);
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
