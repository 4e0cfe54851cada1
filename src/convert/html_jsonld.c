#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "convert/html_jsonld.h"
#include "util/buf.h"

/*
 * jansson bounds its own recursion (JSON_PARSER_MAX_DEPTH); records are
 * looked for only this deep (an array of "@graph" holders, say), which
 * bounds the walk below.
 */
#define SEARCH_MAX_DEPTH 8

/* "NewsArticle" of "http://schema.org/NewsArticle" or "schema:NewsArticle". */
static const char *
short_type(const char *type)
{
	const char *slash = strrchr(type, '/'), *colon = strrchr(type, ':');

	if (slash != NULL && (colon == NULL || slash > colon))
		return slash + 1;
	return colon != NULL ? colon + 1 : type;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
is_org_type(const char *t)
{
	return ends_with(t, "Organization") || strcmp(t, "Corporation") == 0 ||
	    strcmp(t, "NGO") == 0 || ends_with(t, "Business") || strcmp(t, "Brand") == 0;
}

static enum jsonld_kind
kind_of_name(const char *type)
{
	static const char *const skipped[] = { "Person", "BreadcrumbList", "WebSite",
	    "ListItem", "ItemList", "SearchAction", "ImageObject", "SiteNavigationElement",
	    "WPHeader", "WPFooter", "WPSideBar", "Place", "PostalAddress", "Offer",
	    "Product", "FAQPage", "Question", "Answer", NULL };
	static const char *const media[] = { "VideoObject", "AudioObject", "MediaObject",
	    "Clip", "PodcastEpisode", "Episode", NULL };
	const char *t = short_type(type);
	size_t k;

	if (strstr(t, "Article") != NULL || strstr(t, "Posting") != NULL ||
	    strcmp(t, "Report") == 0 || strcmp(t, "APIReference") == 0)
		return JSONLD_ARTICLE;
	for (k = 0; skipped[k] != NULL; k++)
		if (strcmp(t, skipped[k]) == 0)
			return JSONLD_NONE;
	if (is_org_type(t))
		return JSONLD_NONE;
	for (k = 0; media[k] != NULL; k++)
		if (strcmp(t, media[k]) == 0)
			return JSONLD_MEDIA;
	if (ends_with(t, "Page") || ends_with(t, "Review") || strcmp(t, "Recipe") == 0 ||
	    strcmp(t, "HowTo") == 0)
		return JSONLD_PAGE;
	return JSONLD_OTHER;
}

/* The best kind an "@type" (a string or an array of them) names. */
static enum jsonld_kind
kind_of(const json_t *type)
{
	enum jsonld_kind best = JSONLD_NONE, k;
	const json_t *item;
	size_t i;

	if (json_is_string(type))
		return kind_of_name(json_string_value(type));
	if (!json_is_array(type))
		return type == NULL ? JSONLD_OTHER : JSONLD_NONE;
	json_array_foreach(type, i, item) {
		if (!json_is_string(item))
			continue;
		k = kind_of_name(json_string_value(item));
		if (k != JSONLD_NONE && (best == JSONLD_NONE || k < best))
			best = k;
	}
	return best;
}

static int
type_is(const json_t *type, int (*test)(const char *))
{
	const json_t *item;
	size_t i;

	if (json_is_string(type))
		return test(short_type(json_string_value(type)));
	json_array_foreach(type, i, item)
		if (json_is_string(item) && test(short_type(json_string_value(item))))
			return 1;
	return 0;
}

static int
is_website(const char *t)
{
	return strcmp(t, "WebSite") == 0;
}

static int
is_person(const char *t)
{
	return strcmp(t, "Person") == 0;
}

static const char *
string_member(const json_t *v, const char *key)
{
	return json_string_value(json_object_get(v, key));
}

static int
set_field(char **field, const char *value)
{
	if (*field != NULL || value == NULL || value[strspn(value, " \t\n\r")] == '\0')
		return 0;
	return (*field = strdup(value)) == NULL ? -1 : 0;
}

/* A URL given as a string or as an object's "@id" or "url"; an array
 * gives its first. */
static const char *
url_of(const json_t *v)
{
	const char *s;

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_string(v))
		return json_string_value(v);
	if ((s = string_member(v, "url")) != NULL || (s = string_member(v, "contentUrl")) != NULL)
		return s;
	return string_member(v, "@id");
}

/* A name of a person or organisation: "name", else given and family names. */
static int
append_name(const json_t *v, struct buf *out)
{
	const char *name, *given, *family;

	if (json_is_string(v))
		name = json_string_value(v);
	else if ((name = string_member(v, "name")) == NULL) {
		given = string_member(v, "givenName");
		family = string_member(v, "familyName");
		if (given == NULL || family == NULL)
			return 0;
		return buf_printf(out, "%s %s\n", given, family);
	}
	if (name == NULL || name[strspn(name, " \t\n\r")] == '\0')
		return 0;
	buf_append_str(out, name);
	return buf_append_char(out, '\n');
}

/* Authors (a string, an object, or an array of them) into people and
 * organisations; an author without a type may be either. */
static int
collect_authors(const json_t *v, struct buf *people, struct buf *orgs)
{
	const json_t *item, *type;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			if (!json_is_array(item) && collect_authors(item, people, orgs) == -1)
				return -1;
		return 0;
	}
	if (!json_is_string(v) && !json_is_object(v))
		return 0;
	type = json_object_get(v, "@type");
	if (type != NULL && !type_is(type, is_person) && type_is(type, is_org_type))
		return append_name(v, orgs);
	return append_name(v, people);
}

/* Keywords: a comma-separated string or an array of strings, one a line. */
static int
collect_keywords(const json_t *v, struct buf *out)
{
	const json_t *item;
	const char *s;
	size_t i;

	if (json_is_string(v)) {
		for (s = json_string_value(v); *s != '\0'; s++)
			buf_append_char(out, *s == ',' ? '\n' : *s);
		return buf_append_char(out, '\n');
	}
	json_array_foreach(v, i, item)
		if (json_is_string(item)) {
			buf_append_str(out, json_string_value(item));
			buf_append_char(out, '\n');
		}
	return out->failed ? -1 : 0;
}

static int
set_collected(char **field, const json_t *v, int (*collect)(const json_t *, struct buf *))
{
	struct buf b = BUF_INIT;
	int rc;

	if (*field != NULL || v == NULL)
		return 0;
	if (collect(v, &b) == -1 || buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return -1;
	}
	rc = set_field(field, b.data);
	buf_free(&b);
	return rc;
}

static int
set_authors(struct jsonld_article *a, const json_t *v)
{
	struct buf people = BUF_INIT, orgs = BUF_INIT;
	int rc = 0;

	if (a->people != NULL || a->orgs != NULL || v == NULL)
		return 0;
	if (collect_authors(v, &people, &orgs) == -1 || buf_append(&people, "", 0) == -1 ||
	    buf_append(&orgs, "", 0) == -1)
		rc = -1;
	if (rc == 0)
		rc = set_field(&a->people, people.data);
	if (rc == 0)
		rc = set_field(&a->orgs, orgs.data);
	buf_free(&people);
	buf_free(&orgs);
	return rc;
}

static void
clear_record(struct jsonld_article *a)
{
	char *site = a->site_name;

	a->site_name = NULL;
	jsonld_free(a);
	a->site_name = site;
}

static const char *
record_url(const json_t *v)
{
	const char *url = string_member(v, "url"), *id;

	if (url == NULL)
		url = url_of(json_object_get(v, "mainEntityOfPage"));
	if (url == NULL && (id = string_member(v, "@id")) != NULL && strstr(id, "://") != NULL)
		url = id;
	return url;
}

/* Fill the record from object v of kind k. */
static int
take_object(const json_t *v, enum jsonld_kind k, struct jsonld_article *a)
{
	const json_t *author = json_object_get(v, "author"), *publisher;
	int rc = 0;

	if (a->rank != 0 && (int)k > a->rank)
		return 0;
	if (a->rank == 0 || (int)k < a->rank)
		clear_record(a);
	a->rank = (int)k;
	publisher = json_object_get(v, "publisher");
	rc |= set_field(&a->headline, string_member(v, "headline"));
	rc |= set_field(&a->name, string_member(v, "name"));
	rc |= set_authors(a, author != NULL ? author : json_object_get(v, "creator"));
	rc |= set_field(&a->published, string_member(v, "datePublished"));
	rc |= set_field(&a->created, string_member(v, "dateCreated"));
	rc |= set_field(&a->modified, string_member(v, "dateModified"));
	rc |= set_field(&a->description, string_member(v, "description"));
	rc |= set_field(&a->lang, string_member(v, "inLanguage"));
	rc |= set_collected(&a->keywords, json_object_get(v, "keywords"), collect_keywords);
	rc |= set_field(&a->url, record_url(v));
	rc |= set_field(&a->image, url_of(json_object_get(v, "image")));
	rc |= set_field(&a->publisher, json_is_string(publisher) ? json_string_value(publisher) :
	    string_member(publisher, "name"));
	rc |= set_field(&a->site_name, string_member(json_object_get(v, "isPartOf"), "name"));
	return rc == 0 ? 0 : -1;
}

static int
walk(const json_t *v, int depth, struct jsonld_article *a)
{
	const json_t *item, *type;
	enum jsonld_kind k;
	size_t i;

	if (depth > SEARCH_MAX_DEPTH)
		return 0;
	if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			if (walk(item, depth + 1, a) == -1)
				return -1;
		return 0;
	}
	if (!json_is_object(v))
		return 0;
	type = json_object_get(v, "@type");
	if (type != NULL && type_is(type, is_website) &&
	    set_field(&a->site_name, string_member(v, "name")) == -1)
		return -1;
	if ((k = kind_of(type)) != JSONLD_NONE && take_object(v, k, a) == -1)
		return -1;
	if (walk(json_object_get(v, "@graph"), depth + 1, a) == -1)
		return -1;
	return walk(json_object_get(v, "mainEntity"), depth + 1, a);
}

/* The JSON inside a script, without the CDATA or comment markers some
 * pages wrap it in. */
static void
unwrap(const char **json, size_t *len)
{
	static const char *const openers[] = { "//<![CDATA[", "<![CDATA[", "<!--", NULL };
	static const char *const closers[] = { "//]]>", "]]>", "-->", NULL };
	const char *s = *json;
	size_t n = *len, k, m;

	while (n > 0 && strchr(" \t\r\n", *s) != NULL) {
		s++;
		n--;
	}
	for (k = 0; openers[k] != NULL; k++) {
		m = strlen(openers[k]);
		if (n >= m && strncmp(s, openers[k], m) == 0) {
			s += m;
			n -= m;
			break;
		}
	}
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	for (k = 0; closers[k] != NULL; k++) {
		m = strlen(closers[k]);
		if (n >= m && strncmp(s + n - m, closers[k], m) == 0) {
			n -= m;
			break;
		}
	}
	*json = s;
	*len = n;
}

/* Pages often leave raw line breaks and tabs inside strings, which JSON
 * forbids: parse a copy with every control character made a space. */
static json_t *
load_lenient(const char *json, size_t len)
{
	json_error_t error;
	json_t *root;
	char *copy;
	size_t i;

	if ((root = json_loadb(json, len, JSON_DISABLE_EOF_CHECK, &error)) != NULL)
		return root;
	if ((copy = malloc(len ? len : 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		copy[i] = (unsigned char)json[i] < 0x20 ? ' ' : json[i];
	root = json_loadb(copy, len, JSON_DISABLE_EOF_CHECK, &error);
	free(copy);
	return root;
}

int
jsonld_read(const char *json, size_t len, struct jsonld_article *article)
{
	json_t *root;
	int rc;

	unwrap(&json, &len);
	/* Broken JSON-LD is common and not worth a message. */
	if ((root = load_lenient(json, len)) == NULL)
		return 0;
	rc = walk(root, 0, article);
	json_decref(root);
	return rc;
}

void
jsonld_free(struct jsonld_article *a)
{
	char **fields[] = { &a->headline, &a->name, &a->people, &a->orgs, &a->published,
	    &a->created, &a->modified, &a->description, &a->lang, &a->keywords, &a->url,
	    &a->image, &a->publisher, &a->site_name };
	size_t k;

	for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		free(*fields[k]);
		*fields[k] = NULL;
	}
	a->rank = 0;
}
