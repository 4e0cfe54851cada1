#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/byline.h"
#include "convert/html_entity.h"
#include "convert/html_meta.h"
#include "convert/links.h"
#include "convert/textutil.h"

/* Microdata authors are read from at most this many elements. */
#define MICRODATA_AUTHORS_MAX 6
#define MICRODATA_TEXT_MAX 100

/* Meta names by field, best first (§4).  Names are compared normalised:
 * lower case, '.' as ':' ("DC.date.issued" is "dc:date:issued"). */
static const struct meta_name {
	const char *name;
	enum meta_field field;
	int rank;
} meta_names[] = {
	{ "dc:title", FIELD_TITLE, 0 }, { "dcterm:title", FIELD_TITLE, 1 },
	{ "dcterms:title", FIELD_TITLE, 1 }, { "og:title", FIELD_TITLE, 2 },
	{ "weibo:article:title", FIELD_TITLE, 3 }, { "weibo:webpage:title", FIELD_TITLE, 4 },
	{ "title", FIELD_TITLE, 5 }, { "twitter:title", FIELD_TITLE, 6 },
	{ "parsely-title", FIELD_TITLE, 7 }, { "sailthru:title", FIELD_TITLE, 8 },
	{ "dc:creator", FIELD_AUTHOR, 0 }, { "dcterm:creator", FIELD_AUTHOR, 1 },
	{ "dcterms:creator", FIELD_AUTHOR, 1 }, { "author", FIELD_AUTHOR, 2 },
	{ "parsely-author", FIELD_AUTHOR, 3 }, { "sailthru:author", FIELD_AUTHOR, 4 },
	{ "article:author", FIELD_AUTHOR, 5 }, { "og:article:author", FIELD_AUTHOR, 6 },
	{ "byl", FIELD_AUTHOR, 7 }, { "cxenseparse:author", FIELD_AUTHOR, 8 },
	{ "citation_author", FIELD_AUTHOR, 9 },
	{ "dc:description", FIELD_DESCRIPTION, 0 }, { "dcterm:description", FIELD_DESCRIPTION, 1 },
	{ "dcterms:description", FIELD_DESCRIPTION, 1 }, { "og:description", FIELD_DESCRIPTION, 2 },
	{ "weibo:article:description", FIELD_DESCRIPTION, 3 }, { "description", FIELD_DESCRIPTION, 4 },
	{ "twitter:description", FIELD_DESCRIPTION, 5 },
	{ "article:published_time", FIELD_DATE, 0 }, { "article:published", FIELD_DATE, 1 },
	{ "og:article:published_time", FIELD_DATE, 2 }, { "og:published_time", FIELD_DATE, 3 },
	{ "published_time", FIELD_DATE, 4 }, { "datepublished", FIELD_DATE, 5 },
	{ "parsely-pub-date", FIELD_DATE, 6 }, { "sailthru:date", FIELD_DATE, 7 },
	{ "dc:date:issued", FIELD_DATE, 8 }, { "dcterms:issued", FIELD_DATE, 9 },
	{ "dcterms:created", FIELD_DATE, 10 }, { "dc:date:created", FIELD_DATE, 11 },
	{ "dc:date", FIELD_DATE, 12 }, { "dcterm:date", FIELD_DATE, 13 },
	{ "dcterms:date", FIELD_DATE, 14 }, { "pubdate", FIELD_DATE, 15 },
	{ "publishdate", FIELD_DATE, 16 }, { "publish-date", FIELD_DATE, 17 },
	{ "publish_date", FIELD_DATE, 18 }, { "date", FIELD_DATE, 19 },
	{ "datecreated", FIELD_DATE, 20 }, { "citation_publication_date", FIELD_DATE, 21 },
	{ "citation_date", FIELD_DATE, 22 }, { "originalpublicationdate", FIELD_DATE, 23 },
	{ "cxenseparse:recs:publishtime", FIELD_DATE, 24 }, { "article:post_date", FIELD_DATE, 25 },
	{ "article:modified_time", FIELD_MODIFIED, 0 }, { "og:updated_time", FIELD_MODIFIED, 1 },
	{ "datemodified", FIELD_MODIFIED, 2 }, { "dcterms:modified", FIELD_MODIFIED, 3 },
	{ "article:modified", FIELD_MODIFIED, 4 }, { "last-modified", FIELD_MODIFIED, 5 },
	{ "og:locale", FIELD_LOCALE, 0 },
	{ "content-language", FIELD_LANGUAGE, 0 }, { "dc:language", FIELD_LANGUAGE, 1 },
	{ "language", FIELD_LANGUAGE, 2 },
	{ "og:url", FIELD_URL, 0 },
	{ "og:site_name", FIELD_SITE, 0 }, { "application-name", FIELD_SITE, 1 },
	{ "apple-mobile-web-app-title", FIELD_SITE, 2 }, { "dc:publisher", FIELD_SITE, 3 },
	{ "og:image", FIELD_IMAGE, 0 }, { "og:image:url", FIELD_IMAGE, 1 },
	{ "og:image:secure_url", FIELD_IMAGE, 2 }, { "twitter:image", FIELD_IMAGE, 3 },
	{ "twitter:image:src", FIELD_IMAGE, 4 }, { "thumbnail", FIELD_IMAGE, 5 },
	{ "thumbnailurl", FIELD_IMAGE, 6 },
	{ "news_keywords", FIELD_NEWS_KEYWORDS, 0 }, { "parsely-tags", FIELD_NEWS_KEYWORDS, 1 },
	{ "sailthru:tags", FIELD_NEWS_KEYWORDS, 2 },
	{ "keywords", FIELD_KEYWORDS, 0 },
};

/* "DC.Title " -> "dc:title": Readability's normalisation of meta names. */
static void
normalize_name(const char *in, size_t len, char *out, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < size; i++) {
		if (isspace((unsigned char)in[i]))
			continue;
		out[n++] = in[i] == '.' ? ':' : (char)tolower((unsigned char)in[i]);
	}
	out[n] = '\0';
}

static void
note_name(struct html_meta *m, const char *name, const char *content)
{
	size_t k;
	enum meta_field f;

	for (k = 0; k < sizeof(meta_names) / sizeof(meta_names[0]); k++) {
		if (strcmp(meta_names[k].name, name) != 0)
			continue;
		f = meta_names[k].field;
		/* Of two names of one rank, the later wins (as in Readability). */
		if (m->value[f] == NULL || meta_names[k].rank <= m->rank[f]) {
			m->value[f] = content;
			m->rank[f] = meta_names[k].rank;
		}
	}
	if (strcmp(name, "article:tag") == 0) {
		buf_append_str(&m->article_tags, content);
		buf_append_char(&m->article_tags, '\n');
	}
}

/* Call each(m, name, value) for every name in the space-separated list
 * attr ("og:title twitter:title", "datePublished dateCreated"). */
static void
each_name(struct html_meta *m, const char *attr, const char *value,
    void (*each)(struct html_meta *, const char *, const char *))
{
	char name[64];
	const char *p;
	size_t n;

	for (p = attr; *p != '\0'; p += n) {
		p += strspn(p, " \t\n");
		if ((n = strcspn(p, " \t\n")) == 0)
			break;
		normalize_name(p, n, name, sizeof(name));
		each(m, name, value);
	}
}

static void
read_meta(struct html_meta *m, size_t i)
{
	static const char *const attrs[] = { "name", "property", "itemprop", "http-equiv", NULL };
	const char *content = html_attr(m->tree, i, "content"), *attr;
	size_t k;

	if (content == NULL || content[strspn(content, " \t\n")] == '\0')
		return;
	for (k = 0; attrs[k] != NULL; k++)
		if ((attr = html_attr(m->tree, i, attrs[k])) != NULL)
			each_name(m, attr, content, note_name);
}

static int
read_jsonld(struct html_meta *m, size_t i)
{
	const char *type = html_attr(m->tree, i, "type"), *text;

	if (type == NULL || strcasecmp(type, "application/ld+json") != 0 ||
	    i + 1 >= m->tree->nodes[i].end || (text = html_text_of(m->tree, i + 1)) == NULL)
		return 0;
	return jsonld_read(text, strlen(text), &m->ld);
}

char *
html_meta_text(const struct html_tree *tree, size_t i, int lines)
{
	struct buf b = BUF_INIT;
	size_t j;
	const char *t;

	if (!lines && html_append_text(tree, i, NULL, &b) == -1)
		b.failed = 1;
	for (j = i; lines && j < tree->nodes[i].end; j++) {
		if (html_tag_is_hidden_text(tree->nodes[j].tag)) {
			j = tree->nodes[j].end - 1;
			continue;
		}
		if ((t = html_text_of(tree, j)) == NULL)
			continue;
		text_append_running(&b, t, strlen(t));
		buf_append_char(&b, '\n');
	}
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	text_trim_lines(&b);
	return buf_release(&b, NULL);
}

/* A microdata author: an item's name(s), or the element's own text. */
static int
read_microdata_author(struct html_meta *m, size_t i)
{
	const char *type = html_attr(m->tree, i, "itemtype"), *prop, *content;
	struct buf *out = type != NULL && strcasestr(type, "organization") != NULL ?
	    &m->md_orgs : &m->md_people;
	size_t j, found = 0;
	char *text, *names;

	if ((content = html_attr(m->tree, i, "content")) != NULL) {
		buf_append_str(out, content);
		return buf_append_char(out, '\n');
	}
	for (j = i + 1; html_attr(m->tree, i, "itemscope") != NULL && j < m->tree->nodes[i].end;
	    j++) {
		prop = html_attr(m->tree, j, "itemprop");
		if (prop == NULL || strcasecmp(prop, "name") != 0)
			continue;
		if ((content = html_attr(m->tree, j, "content")) != NULL)
			buf_append_str(out, content);
		else if ((text = html_meta_text(m->tree, j, 0)) != NULL) {
			buf_append_str(out, text);
			free(text);
		}
		buf_append_char(out, '\n');
		found++;
	}
	if (found > 0 || html_attr(m->tree, i, "itemscope") != NULL)
		return out->failed ? -1 : 0;
	/* An element's own text is a byline: its names are read off it now,
	 * so that every line of md_people is a name. */
	if ((text = html_meta_text(m->tree, i, 1)) == NULL)
		return -1;
	names = strlen(text) <= MICRODATA_TEXT_MAX ? byline_clean(text) : NULL;
	if (names != NULL) {
		buf_append_str(out, names);
		buf_append_char(out, '\n');
	}
	free(names);
	free(text);
	return out->failed ? -1 : 0;
}

static int
has_prop(const char *props, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = props; (p = strcasestr(p, name)) != NULL; p += n)
		if ((p == props || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

/* An element other than <meta> with an itemprop the article needs. */
static int
read_microdata(struct html_meta *m, size_t i, int *authors)
{
	const char *prop = html_attr(m->tree, i, "itemprop");

	if (prop == NULL)
		return 0;
	if ((has_prop(prop, "datePublished") || has_prop(prop, "dateCreated")) &&
	    m->md_published == HTML_NO_NODE)
		m->md_published = i;
	if (has_prop(prop, "dateModified") && m->md_modified == HTML_NO_NODE)
		m->md_modified = i;
	/* "creator" is as often an image's photographer: only "author". */
	if (has_prop(prop, "author") &&
	    (*authors)++ < MICRODATA_AUTHORS_MAX)
		return read_microdata_author(m, i);
	return 0;
}

static int
rel_is(const struct html_tree *tree, size_t i, const char *value)
{
	const char *rel = html_attr(tree, i, "rel");

	return rel != NULL && has_prop(rel, value);
}

static int
collect(struct html_meta *m)
{
	const struct html_tree *tree = m->tree;
	int authors = 0;
	size_t i;

	for (i = 0; i < tree->len; i++) {
		switch (tree->nodes[i].tag) {
		case GUMBO_TAG_META:
			read_meta(m, i);
			break;
		case GUMBO_TAG_SCRIPT:
			if (read_jsonld(m, i) == -1)
				return -1;
			break;
		case GUMBO_TAG_TITLE:
			if (m->title == HTML_NO_NODE)
				m->title = i;
			break;
		case GUMBO_TAG_BASE:
			if (m->base == HTML_NO_NODE && html_attr(tree, i, "href") != NULL)
				m->base = i;
			break;
		case GUMBO_TAG_LINK:
			if (m->canonical == HTML_NO_NODE && rel_is(tree, i, "canonical"))
				m->canonical = i;
			if (m->image_link == HTML_NO_NODE && rel_is(tree, i, "image_src"))
				m->image_link = i;
			break;
		default:
			if (!tree->nodes[i].is_text && read_microdata(m, i, &authors) == -1)
				return -1;
			break;
		}
	}
	return m->article_tags.failed || m->md_people.failed || m->md_orgs.failed ? -1 : 0;
}

static int
add_key(char ***list, size_t *n, const char *name, size_t len)
{
	char *copy, *key, **grown;

	if ((copy = strndup(name, len)) == NULL)
		return -1;
	key = text_key(copy);
	free(copy);
	if (key == NULL)
		return -1;
	if (*key == '\0') {
		free(key);
		return 0;
	}
	if ((grown = reallocarray(*list, *n + 1, sizeof(*grown))) == NULL) {
		free(key);
		return -1;
	}
	*list = grown;
	grown[(*n)++] = key;
	return 0;
}

const char *
html_meta_separator(const char *s, size_t len, size_t *seplen)
{
	static const char *const seps[] = { " | ", " - ", " – ", " — ", ": ", " · ", " :: ",
	    " » ", NULL };
	const char *best = NULL, *hit;
	size_t k;

	for (k = 0; seps[k] != NULL; k++) {
		hit = memmem(s, len, seps[k], strlen(seps[k]));
		if (hit != NULL && (best == NULL || hit < best)) {
			best = hit;
			*seplen = strlen(seps[k]);
		}
	}
	return best;
}

/* Site names, one a line, each whole and each part between separators
 * ("Aktuálně.cz - Víte, co se právě děje" gives three keys). */
static int
add_org_names(struct html_meta *m, const char *names)
{
	const char *line, *p, *sep;
	size_t len, seplen, rest;

	for (line = names; line != NULL && *line != '\0'; line += len + (line[len] != '\0')) {
		len = strcspn(line, "\n");
		if (add_key(&m->orgs, &m->norgs, line, len) == -1)
			return -1;
		for (p = line, rest = len; (sep = html_meta_separator(p, rest, &seplen)) != NULL;
		    rest -= (size_t)(sep - p) + seplen, p = sep + seplen)
			if (add_key(&m->orgs, &m->norgs, p, (size_t)(sep - p)) == -1)
				return -1;
		if (p != line && add_key(&m->orgs, &m->norgs, p, rest) == -1)
			return -1;
	}
	return 0;
}

/* The host of a web URL as a whole ("aktualne.cz") and its labels of four
 * letters or more but the last ("thehill" of "thehill.com"). */
static int
add_host(struct html_meta *m, const char *url)
{
	const char *host, *end, *label;
	size_t n;
	int rc;

	if (!link_is_web(url))
		return 0;
	host = strstr(url, "://") + 3;
	end = host + strcspn(host, "/?#:");
	if ((size_t)(end - host) > 4 && strncasecmp(host, "www.", 4) == 0)
		host += 4;
	rc = add_key(&m->hosts, &m->nhosts, host, (size_t)(end - host));
	for (label = host; rc == 0 && label < end; label += n + 1) {
		n = strcspn(label, ".");
		if (label + n >= end)
			break;
		if (n >= 4)
			rc = add_key(&m->hosts, &m->nhosts, label, n);
	}
	return rc;
}

static int
key_in(char *const *list, size_t n, const char *key)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (strcmp(list[k], key) == 0)
			return 1;
	return 0;
}

int
html_meta_is_org(const struct html_meta *m, const char *name)
{
	char *key = text_key(name);
	int found = key != NULL && *key != '\0' && key_in(m->orgs, m->norgs, key);

	free(key);
	return found;
}

int
html_meta_names_site(const struct html_meta *m, const char *part)
{
	char *key = text_key(part);
	size_t k, n;
	int found = 0;

	if (key == NULL || *key == '\0') {
		free(key);
		return 0;
	}
	found = key_in(m->orgs, m->norgs, key) || key_in(m->hosts, m->nhosts, key);
	/* "Spiceworks" of "Spiceworks Inc": a long enough start of the name. */
	n = strlen(key);
	for (k = 0; k < m->norgs && !found && n >= 5; k++)
		found = strncmp(m->orgs[k], key, n) == 0;
	free(key);
	return found;
}

int
html_meta_set_clean(char **field, const char *value)
{
	char *decoded, *clean;
	int rc;

	if (*field != NULL || value == NULL)
		return 0;
	if ((decoded = html_decode_entities(value)) == NULL)
		return -1;
	clean = text_squeeze(decoded, strlen(decoded));
	free(decoded);
	if (clean == NULL)
		return -1;
	rc = *clean != '\0' ? document_set_meta(field, clean) : 0;
	free(clean);
	return rc;
}

/* A URL the page gives (href or content), resolved against what is known
 * of its address; NULL unless it is a web URL.  *failed on no memory. */
static char *
web_url(const struct html_meta *m, const char *url, int *failed)
{
	struct link_resolver lr;
	char *out;

	if (url == NULL)
		return NULL;
	memset(&lr, 0, sizeof(lr));
	lr.original = m->original != NULL ? m->original :
	    link_is_web(m->page_url) ? m->page_url : NULL;
	if (link_resolve(&lr, url, &out) == -1) {
		*failed = 1;
		return NULL;
	}
	if (out != NULL && !link_is_web(out)) {
		free(out);
		out = NULL;
	}
	return out;
}

static const char *
attr_of(const struct html_meta *m, size_t i, const char *name)
{
	return i == HTML_NO_NODE ? NULL : html_attr(m->tree, i, name);
}

/* Where links resolve (issue 10): <base href>, the caller's web address,
 * the canonical link, og:url, JSON-LD url, in that order of trust. */
static int
find_original(struct html_meta *m)
{
	const char *candidates[5];
	size_t k;
	int failed = 0;

	candidates[0] = attr_of(m, m->base, "href");
	candidates[1] = link_is_web(m->page_url) ? m->page_url : NULL;
	candidates[2] = attr_of(m, m->canonical, "href");
	candidates[3] = m->value[FIELD_URL];
	candidates[4] = m->ld.url;
	for (k = 0; k < 5 && m->original == NULL && !failed; k++)
		m->original = web_url(m, candidates[k], &failed);
	return failed ? -1 : 0;
}

static int
find_orgs(struct html_meta *m)
{
	const char *urls[] = { m->original, m->page_url, attr_of(m, m->canonical, "href"),
	    m->value[FIELD_URL] };
	size_t k;
	int rc = 0;

	rc |= add_org_names(m, m->value[FIELD_SITE]);
	rc |= add_org_names(m, m->ld.site_name);
	rc |= add_org_names(m, m->ld.publisher);
	rc |= add_org_names(m, m->ld.orgs);
	rc |= add_org_names(m, m->md_orgs.data);
	for (k = 0; k < sizeof(urls) / sizeof(urls[0]); k++)
		rc |= add_host(m, urls[k]);
	return rc == 0 ? 0 : -1;
}

int
html_meta_collect(struct html_meta *m, const struct html_tree *tree, const char *page_url,
    time_t saved)
{
	memset(m, 0, sizeof(*m));
	m->tree = tree;
	m->page_url = page_url;
	m->saved = saved;
	m->md_published = m->md_modified = m->title = m->base = HTML_NO_NODE;
	m->canonical = m->image_link = HTML_NO_NODE;
	if (collect(m) == -1 || buf_append(&m->article_tags, "", 0) == -1 ||
	    buf_append(&m->md_people, "", 0) == -1 || buf_append(&m->md_orgs, "", 0) == -1)
		return -1;
	if (find_original(m) == -1 || find_orgs(m) == -1)
		return -1;
	return 0;
}

void
html_meta_free(struct html_meta *m)
{
	size_t k;

	buf_free(&m->article_tags);
	buf_free(&m->md_people);
	buf_free(&m->md_orgs);
	jsonld_free(&m->ld);
	free(m->original);
	for (k = 0; k < m->norgs; k++)
		free(m->orgs[k]);
	for (k = 0; k < m->nhosts; k++)
		free(m->hosts[k]);
	free(m->orgs);
	free(m->hosts);
	memset(m, 0, sizeof(*m));
}

static int
set_lang(char **field, const char *value)
{
	char lang[64];
	size_t i, n;

	if (*field != NULL || value == NULL)
		return 0;
	value += strspn(value, " \t\n");
	n = strcspn(value, " \t\n,;");
	if (n == 0 || n >= sizeof(lang))
		return 0;
	for (i = 0; i < n; i++)
		lang[i] = value[i] == '_' ? '-' : value[i];
	lang[n] = '\0';
	return document_set_meta(field, lang);
}

static int
set_web_url(const struct html_meta *m, char **field, const char *url)
{
	char *abs;
	int failed = 0, rc;

	if (*field != NULL || (abs = web_url(m, url, &failed)) == NULL)
		return failed ? -1 : 0;
	rc = document_set_meta(field, abs);
	free(abs);
	return rc;
}

int
html_meta_head(struct html_meta *m, struct document *doc)
{
	size_t html = html_find_tag(m->tree, 0, m->tree->len, GUMBO_TAG_HTML);
	char *title = html_meta_title(m);
	int rc = 0;

	if (title != NULL)
		rc |= document_set_meta(&doc->meta.title, title);
	free(title);
	if (html != HTML_NO_NODE)
		rc |= set_lang(&doc->meta.lang, html_attr(m->tree, html, "lang"));
	rc |= set_lang(&doc->meta.lang, m->value[FIELD_LANGUAGE]);
	rc |= set_lang(&doc->meta.lang, m->value[FIELD_LOCALE]);
	rc |= set_lang(&doc->meta.lang, m->ld.lang);
	rc |= html_meta_set_clean(&doc->meta.description, m->ld.description);
	rc |= html_meta_set_clean(&doc->meta.description, m->value[FIELD_DESCRIPTION]);
	/* Where the page says it was published; the address a caller read it
	 * from only resolves its links. */
	rc |= set_web_url(m, &doc->meta.source_url, attr_of(m, m->canonical, "href"));
	rc |= set_web_url(m, &doc->meta.source_url, m->value[FIELD_URL]);
	rc |= set_web_url(m, &doc->meta.source_url, m->ld.url);
	rc |= set_web_url(m, &doc->meta.image, m->value[FIELD_IMAGE]);
	rc |= set_web_url(m, &doc->meta.image, m->ld.image);
	rc |= set_web_url(m, &doc->meta.image, attr_of(m, m->image_link, "href"));
	return rc == 0 ? 0 : -1;
}
