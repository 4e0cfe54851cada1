#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/html_entity.h"
#include "convert/html_extract.h"
#include "convert/html_jsonld.h"
#include "convert/html_meta.h"
#include "convert/meta.h"
#include "convert/textutil.h"

/* How many blocks at the top of the article may hold a byline or dateline. */
#define LEAD_BLOCKS 4

enum meta_field {
	FIELD_TITLE,
	FIELD_AUTHOR,
	FIELD_DESCRIPTION,
	FIELD_DATE,
	FIELD_LOCALE,
	FIELD_LANGUAGE,
	FIELD_URL,
	FIELD_KEYWORDS,
	FIELD_COUNT,
};

/* Meta names by field, best first (§4). */
static const struct meta_name {
	const char *name;
	enum meta_field field;
	int rank;
} meta_names[] = {
	{ "dc:title", FIELD_TITLE, 0 },
	{ "dcterm:title", FIELD_TITLE, 1 },
	{ "og:title", FIELD_TITLE, 2 },
	{ "weibo:article:title", FIELD_TITLE, 3 },
	{ "weibo:webpage:title", FIELD_TITLE, 4 },
	{ "title", FIELD_TITLE, 5 },
	{ "twitter:title", FIELD_TITLE, 6 },
	{ "parsely-title", FIELD_TITLE, 7 },
	{ "dc:creator", FIELD_AUTHOR, 0 },
	{ "dcterm:creator", FIELD_AUTHOR, 1 },
	{ "author", FIELD_AUTHOR, 2 },
	{ "parsely-author", FIELD_AUTHOR, 3 },
	{ "article:author", FIELD_AUTHOR, 4 },
	{ "dc:description", FIELD_DESCRIPTION, 0 },
	{ "dcterm:description", FIELD_DESCRIPTION, 1 },
	{ "og:description", FIELD_DESCRIPTION, 2 },
	{ "weibo:article:description", FIELD_DESCRIPTION, 3 },
	{ "description", FIELD_DESCRIPTION, 4 },
	{ "twitter:description", FIELD_DESCRIPTION, 5 },
	{ "article:published_time", FIELD_DATE, 0 },
	{ "parsely-pub-date", FIELD_DATE, 1 },
	{ "dc:date", FIELD_DATE, 2 },
	{ "dcterm:date", FIELD_DATE, 3 },
	{ "date", FIELD_DATE, 4 },
	{ "pubdate", FIELD_DATE, 5 },
	{ "publishdate", FIELD_DATE, 6 },
	{ "article:modified_time", FIELD_DATE, 7 },
	{ "og:locale", FIELD_LOCALE, 0 },
	{ "content-language", FIELD_LANGUAGE, 0 },
	{ "dc:language", FIELD_LANGUAGE, 1 },
	{ "og:url", FIELD_URL, 0 },
	{ "keywords", FIELD_KEYWORDS, 0 },
	{ "news_keywords", FIELD_KEYWORDS, 1 },
};

struct meta_values {
	const char *value[FIELD_COUNT];
	int rank[FIELD_COUNT];
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

static int
add_tags(struct document *doc, const char *list)
{
	const char *p = list, *sep;
	char *tag;
	size_t k;
	int dup;

	while (*p != '\0') {
		sep = strchr(p, ',');
		if (sep == NULL)
			sep = p + strlen(p);
		if ((tag = text_squeeze(p, (size_t)(sep - p))) == NULL)
			return -1;
		for (k = 0, dup = 0; k < doc->meta.ntags; k++)
			dup |= strcasecmp(doc->meta.tags[k], tag) == 0;
		if (*tag != '\0' && !dup && document_add_tag(doc, tag) == -1) {
			free(tag);
			return -1;
		}
		free(tag);
		p = *sep ? sep + 1 : sep;
	}
	return 0;
}

static void
note_name(struct meta_values *mv, const char *name, const char *content)
{
	size_t k;

	for (k = 0; k < sizeof(meta_names) / sizeof(meta_names[0]); k++) {
		if (strcmp(meta_names[k].name, name) != 0)
			continue;
		if (mv->value[meta_names[k].field] == NULL ||
		    meta_names[k].rank <= mv->rank[meta_names[k].field]) {
			mv->value[meta_names[k].field] = content;
			mv->rank[meta_names[k].field] = meta_names[k].rank;
		}
	}
}

static int
read_meta(const struct html_tree *tree, size_t i, struct meta_values *mv, struct document *doc)
{
	const char *content = html_attr(tree, i, "content"), *attr, *p;
	static const char *const attrs[] = { "name", "property", "itemprop", "http-equiv", NULL };
	char name[64];
	size_t k, n;

	if (content == NULL || content[strspn(content, " \t\n")] == '\0')
		return 0;
	for (k = 0; attrs[k] != NULL; k++) {
		if ((attr = html_attr(tree, i, attrs[k])) == NULL)
			continue;
		/* One property attribute may list several names. */
		for (p = attr; *p != '\0'; p += n) {
			p += strspn(p, " \t\n");
			n = strcspn(p, " \t\n");
			if (n == 0)
				break;
			normalize_name(p, n, name, sizeof(name));
			if (strcmp(name, "article:tag") == 0 && add_tags(doc, content) == -1)
				return -1;
			note_name(mv, name, content);
		}
	}
	return 0;
}

static int
read_jsonld(const struct html_tree *tree, size_t i, struct jsonld_article *ld)
{
	const char *type = html_attr(tree, i, "type"), *text;

	if (type == NULL || strcasecmp(type, "application/ld+json") != 0 ||
	    i + 1 >= tree->nodes[i].end || (text = html_text_of(tree, i + 1)) == NULL)
		return 0;
	return jsonld_read(text, strlen(text), ld);
}

static char *
element_text(const struct html_tree *tree, size_t i)
{
	struct buf b = BUF_INIT;

	if (html_append_text(tree, i, NULL, &b) == -1 || buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	text_trim_lines(&b);
	return buf_release(&b, NULL);
}

static size_t
word_count(const char *s)
{
	size_t n = 0;

	while (*s != '\0') {
		s += strspn(s, " \t\n");
		if (*s == '\0')
			break;
		n++;
		s += strcspn(s, " \t\n");
	}
	return n;
}

/* Length of a title separator (" | ", " - ", " – "...) at s, or 0. */
static size_t
separator_at(const char *s, int *hierarchical)
{
	static const char *const seps[] = { "|", "-", "\\", "/", ">", "\xc2\xbb",
	    "\xe2\x80\x93", "\xe2\x80\x94", NULL };
	size_t k, n;

	if (s[0] != ' ')
		return 0;
	for (k = 0; seps[k] != NULL; k++) {
		n = strlen(seps[k]);
		if (strncmp(s + 1, seps[k], n) == 0 && s[1 + n] == ' ') {
			*hierarchical = k >= 2 && k <= 5;
			return n + 2;
		}
	}
	return 0;
}

static int
is_title_heading(const struct html_tree *tree, const char *title)
{
	size_t i;
	char *text;
	int same = 0;

	for (i = 0; i < tree->len && !same; i++) {
		if (tree->nodes[i].tag != GUMBO_TAG_H1 && tree->nodes[i].tag != GUMBO_TAG_H2)
			continue;
		if ((text = element_text(tree, i)) == NULL)
			return 0;
		same = strcmp(text, title) == 0;
		free(text);
	}
	return same;
}

static char *
single_h1(const struct html_tree *tree)
{
	size_t i, found = HTML_NO_NODE;

	for (i = 0; i < tree->len; i++) {
		if (tree->nodes[i].tag != GUMBO_TAG_H1)
			continue;
		if (found != HTML_NO_NODE)
			return NULL;
		found = i;
	}
	return found == HTML_NO_NODE ? NULL : element_text(tree, found);
}

/* Readability's title cleaning, with the dashes of §4 as separators. */
static char *
cut_title(const struct html_tree *tree, const char *orig, int *hierarchical)
{
	size_t i, n, last = 0, first = 0, len = strlen(orig);
	const char *colon;
	char *cut, *h1;
	int h = 0, found = 0;

	for (i = 0; i < len; i++) {
		if ((n = separator_at(orig + i, &h)) == 0)
			continue;
		if (!found)
			first = i + n;
		found = 1;
		last = i;
		*hierarchical |= h;
	}
	if (found) {
		if ((cut = strndup(orig, last)) != NULL && word_count(cut) < 3) {
			free(cut);
			cut = strdup(orig + first);
		}
		return cut;
	}
	if ((colon = strstr(orig, ": ")) != NULL && !is_title_heading(tree, orig)) {
		cut = strdup(strrchr(orig, ':') + 1);
		if (cut != NULL && word_count(cut) < 3) {
			free(cut);
			cut = strdup(colon + 1);
		} else if (cut != NULL) {
			h1 = strndup(orig, (size_t)(colon - orig));
			if (h1 != NULL && word_count(h1) > 5) {
				free(cut);
				cut = strdup(orig);
			}
			free(h1);
		}
		return cut;
	}
	if ((len > 150 || len < 15) && (h1 = single_h1(tree)) != NULL)
		return h1;
	return strdup(orig);
}

char *
html_meta_clean_title(const struct html_tree *tree, const char *raw)
{
	char *orig, *cut, *clean, *stripped;
	int hierarchical = 0;
	size_t words, i, n = 0;

	if ((orig = text_squeeze(raw, strlen(raw))) == NULL)
		return NULL;
	if (*orig == '\0') {
		free(orig);
		return NULL;
	}
	cut = cut_title(tree, orig, &hierarchical);
	clean = cut != NULL ? text_squeeze(cut, strlen(cut)) : NULL;
	free(cut);
	if (clean == NULL || (stripped = strdup(orig)) == NULL) {
		free(clean);
		free(orig);
		return NULL;
	}
	for (i = 0; orig[i] != '\0'; i++)
		if (strchr("|-\\/>", orig[i]) == NULL)
			stripped[n++] = orig[i];
	stripped[n] = '\0';
	words = word_count(clean);
	if (words <= 4 && (!hierarchical || words + 1 != word_count(stripped))) {
		free(clean);
		clean = orig;
		orig = NULL;
	}
	free(stripped);
	free(orig);
	return clean;
}

static const char *
jsonld_title(const struct jsonld_article *ld, const char *page_title)
{
	int name_matches, headline_matches;

	if (ld->name != NULL && ld->headline != NULL && strcmp(ld->name, ld->headline) != 0 &&
	    page_title != NULL) {
		name_matches = html_text_similarity(ld->name, page_title) > 0.75;
		headline_matches = html_text_similarity(ld->headline, page_title) > 0.75;
		return headline_matches && !name_matches ? ld->headline : ld->name;
	}
	return ld->name != NULL ? ld->name : ld->headline;
}

static int
set_clean(char **field, const char *value)
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

static int
set_date(char **field, const char *value)
{
	char iso[META_DATE_MAX];

	if (*field != NULL || value == NULL || meta_parse_date(value, iso) == -1)
		return 0;
	return document_set_meta(field, iso);
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
is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

static int
fill_title(const struct html_tree *tree, const struct jsonld_article *ld,
    const struct meta_values *mv, struct document *doc)
{
	size_t t = html_find_tag(tree, 0, tree->len, GUMBO_TAG_TITLE), h1;
	char *page = NULL, *text;
	int rc;

	if (t != HTML_NO_NODE && (text = element_text(tree, t)) != NULL) {
		page = html_meta_clean_title(tree, text);
		free(text);
	}
	rc = set_clean(&doc->meta.title, jsonld_title(ld, page));
	if (rc == 0)
		rc = set_clean(&doc->meta.title, mv->value[FIELD_TITLE]);
	if (rc == 0)
		rc = set_clean(&doc->meta.title, page);
	free(page);
	h1 = html_find_tag(tree, 0, tree->len, GUMBO_TAG_H1);
	if (rc == 0 && doc->meta.title == NULL && h1 != HTML_NO_NODE) {
		if ((text = element_text(tree, h1)) == NULL)
			return -1;
		rc = set_clean(&doc->meta.title, text);
		free(text);
	}
	return rc;
}

static int
fill_source(const struct html_tree *tree, const struct meta_values *mv, const char *page_url,
    struct document *doc)
{
	const char *rel, *href;
	char *url;
	size_t i;
	int rc;

	for (i = 0; i < tree->len; i++) {
		if (tree->nodes[i].tag != GUMBO_TAG_LINK ||
		    (rel = html_attr(tree, i, "rel")) == NULL || strcasecmp(rel, "canonical") != 0 ||
		    (href = html_attr(tree, i, "href")) == NULL || !url_is_linkable(href))
			continue;
		if ((url = url_resolve(page_url, href)) == NULL)
			return -1;
		rc = document_set_meta(&doc->meta.source_url, url);
		free(url);
		return rc;
	}
	if (mv->value[FIELD_URL] != NULL && is_url(mv->value[FIELD_URL]))
		return set_clean(&doc->meta.source_url, mv->value[FIELD_URL]);
	return 0;
}

static int
collect(const struct html_tree *tree, struct meta_values *mv, struct jsonld_article *ld,
    struct document *doc)
{
	size_t i;

	for (i = 0; i < tree->len; i++) {
		if (tree->nodes[i].tag == GUMBO_TAG_META && read_meta(tree, i, mv, doc) == -1)
			return -1;
		if (tree->nodes[i].tag == GUMBO_TAG_SCRIPT && read_jsonld(tree, i, ld) == -1)
			return -1;
	}
	return 0;
}

int
html_meta_read(const struct html_tree *tree, const char *page_url, struct document *doc)
{
	struct meta_values mv;
	struct jsonld_article ld;
	const char *author = NULL;
	size_t html = html_find_tag(tree, 0, tree->len, GUMBO_TAG_HTML);
	int rc;

	memset(&mv, 0, sizeof(mv));
	memset(&ld, 0, sizeof(ld));
	rc = collect(tree, &mv, &ld, doc);
	if (rc == 0)
		rc = fill_title(tree, &ld, &mv, doc);
	if (mv.value[FIELD_AUTHOR] != NULL && !is_url(mv.value[FIELD_AUTHOR]))
		author = mv.value[FIELD_AUTHOR];
	rc |= set_clean(&doc->meta.author, ld.author);
	rc |= set_clean(&doc->meta.author, author);
	rc |= set_date(&doc->meta.date, ld.published);
	rc |= set_date(&doc->meta.date, mv.value[FIELD_DATE]);
	rc |= set_date(&doc->meta.date, ld.modified);
	if (html != HTML_NO_NODE)
		rc |= set_lang(&doc->meta.lang, html_attr(tree, html, "lang"));
	rc |= set_lang(&doc->meta.lang, mv.value[FIELD_LANGUAGE]);
	rc |= set_lang(&doc->meta.lang, mv.value[FIELD_LOCALE]);
	rc |= set_lang(&doc->meta.lang, ld.lang);
	rc |= set_clean(&doc->meta.description, ld.description);
	rc |= set_clean(&doc->meta.description, mv.value[FIELD_DESCRIPTION]);
	if (mv.value[FIELD_KEYWORDS] != NULL)
		rc |= add_tags(doc, mv.value[FIELD_KEYWORDS]);
	if (ld.keywords != NULL)
		rc |= add_tags(doc, ld.keywords);
	rc |= fill_source(tree, &mv, page_url, doc);
	jsonld_free(&ld);
	return rc == 0 ? 0 : -1;
}

/* The datetime of the first <time> that carries one. */
static const char *
first_time(const struct html_tree *tree)
{
	const char *when;
	size_t i;

	for (i = 0; i < tree->len; i++)
		if (tree->nodes[i].tag == GUMBO_TAG_TIME &&
		    (when = html_attr(tree, i, "datetime")) != NULL)
			return when;
	return NULL;
}

/* Whether every word of s starts with a capital (or a non-ASCII letter),
 * name particles and "and" aside: "By then it was late" names nobody. */
static int
looks_like_name(const char *s)
{
	static const char *const particles[] = { "and", "de", "da", "di", "del", "der", "van",
	    "von", "la", "le", "du", "bin", "al", "y", "&", NULL };
	size_t n, k;
	int known;

	for (s += strspn(s, " ,"); *s != '\0'; s += strspn(s, " ,")) {
		n = strcspn(s, " ,");
		for (k = 0, known = 0; particles[k] != NULL; k++)
			known |= strlen(particles[k]) == n && strncmp(s, particles[k], n) == 0;
		if (!known && !isupper((unsigned char)*s) && (unsigned char)*s < 0x80)
			return 0;
		s += n;
	}
	return 1;
}

/* A "By X" line among the first blocks names the author; the head line
 * of the gemtext says it again, so the block goes once it is the author. */
static int
author_from_lead(struct document *doc)
{
	char *author;
	size_t k;
	int rc;

	for (k = 0; k < doc->nblocks && k < LEAD_BLOCKS; k++) {
		if (doc->blocks[k].type != BLOCK_PARAGRAPH ||
		    strchr(doc->blocks[k].text, '\n') != NULL ||
		    (author = meta_byline_author(doc->blocks[k].text)) == NULL)
			continue;
		if (!looks_like_name(author)) {
			free(author);
			continue;
		}
		rc = set_clean(&doc->meta.author, author);
		if (rc == 0 && strcasecmp(doc->meta.author, author) == 0)
			document_remove_block(doc, k);
		free(author);
		return rc;
	}
	return 0;
}

/* A paragraph among the first blocks that is wholly a date (§4, "a
 * dateline in the text"). */
static int
date_from_lead(struct document *doc)
{
	size_t k;

	for (k = 0; k < doc->nblocks && k < LEAD_BLOCKS && doc->meta.date == NULL; k++)
		if (doc->blocks[k].type == BLOCK_PARAGRAPH && set_date(&doc->meta.date,
		    doc->blocks[k].text) == -1)
			return -1;
	return 0;
}

int
html_meta_fill_from_article(const struct html_tree *tree, const char *byline,
    struct document *doc)
{
	char *author;
	int rc = 0;

	if (doc->meta.author == NULL && byline != NULL) {
		author = meta_byline_author(byline);
		rc = set_clean(&doc->meta.author, author != NULL ? author : byline);
		free(author);
	}
	if (rc == 0)
		rc = author_from_lead(doc);
	if (rc == 0)
		rc = set_date(&doc->meta.date, first_time(tree));
	if (rc == 0)
		rc = date_from_lead(doc);
	return rc;
}
