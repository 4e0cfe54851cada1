#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/byline.h"
#include "convert/date.h"
#include "convert/html_meta.h"
#include "convert/tags.h"
#include "convert/textutil.h"

/* How many blocks at the top of the article may hold a byline or dateline. */
#define LEAD_BLOCKS 4
/* A dateline or byline element holds at most this much text. */
#define DATELINE_TEXT_MAX 160
/* A dateline element holds at most this many nodes. */
#define DATELINE_NODES_MAX 40
/* A lead paragraph this short may be a dateline. */
#define LEAD_DATELINE_MAX 100
/* Ancestors looked at to tell a teaser or a sidebar. */
#define ANCESTORS_MAX 40
#define NAMES_MAX 8

/* Class and id words of things around an article: their dates and
 * authors are other articles'. */
static const char *const aside_words[] = {
	"related", "recirc", "comment", "sidebar", "promo", "teaser", "popular", "trending",
	"more-", "latest", "outbrain", "taboola", "recommend", "read-next", "also", NULL,
};

/* Class and id words of elements that carry a date in the header. */
static const char *const dateline_words[] = {
	"date", "time", "byline", "posted", "published", "timestamp", "meta", "info", NULL,
};

/* Whether node i sits in navigation, an aside, a footer or a teaser. */
static int
is_aside(const struct html_tree *tree, size_t i)
{
	size_t depth;

	for (depth = 0; i != HTML_NO_NODE && depth < ANCESTORS_MAX; i = tree->nodes[i].parent,
	    depth++) {
		switch (tree->nodes[i].tag) {
		case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_LI:
			return 1;
		default:
			if (html_class_has(tree, i, aside_words))
				return 1;
		}
	}
	return 0;
}

/* Names, one a line, cleaned (strict: read off the page, where a byline
 * holds more than names); people into people[], the first organisation
 * into *org. */
static int
sort_names(const struct html_meta *m, const char *lines, int strict, char **people, size_t *n,
    char **org)
{
	const char *line;
	char *raw, *name;
	size_t len;

	for (line = lines; line != NULL && *line != '\0'; line += len + (line[len] != '\0')) {
		/* A byline's lines are one text; a field's lines are names. */
		len = strict ? strlen(line) : strcspn(line, "\n");
		if ((raw = strndup(line, len)) == NULL)
			return -1;
		name = strict ? byline_clean(raw) : byline_clean_name(raw);
		free(raw);
		if (name == NULL)
			continue;
		if (byline_is_person(name, strict) && !html_meta_is_org(m, name) && *n < NAMES_MAX)
			people[(*n)++] = name;
		else if (*org == NULL)
			*org = name;
		else
			free(name);
	}
	return 0;
}

/* "A", "A and B", "A, B and C", repeats left out. */
static char *
join_people(char **people, size_t n)
{
	struct buf b = BUF_INIT;
	size_t k, j, kept = 0, written = 0;
	int dup;

	for (k = 0; k < n; k++) {
		/* Compared with those kept so far: the rest may be freed. */
		for (j = 0, dup = 0; j < kept; j++)
			dup |= strcmp(people[j], people[k]) == 0;
		if (!dup)
			people[kept++] = people[k];
		else
			free(people[k]);
	}
	for (k = 0; k < kept; k++) {
		if (written++ > 0)
			buf_append_str(&b, k + 1 == kept ? " and " : ", ");
		buf_append_str(&b, people[k]);
		free(people[k]);
	}
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

/* The text of the first few rel=author elements outside asides, one a line. */
static int
rel_authors(const struct html_meta *m, struct buf *out)
{
	const char *rel;
	size_t i, found = 0;
	char *text;

	for (i = 0; i < m->tree->len && found < 3; i++) {
		if (m->tree->nodes[i].is_text || (rel = html_attr(m->tree, i, "rel")) == NULL ||
		    strcasecmp(rel, "author") != 0 || is_aside(m->tree, i))
			continue;
		if ((text = html_meta_text(m->tree, i, 0)) == NULL)
			return -1;
		buf_append_str(out, text);
		buf_append_char(out, '\n');
		free(text);
		found++;
	}
	return buf_append(out, "", 0);
}

/* The byline of the first lead paragraphs ("By Jane Doe"), or NULL; its
 * block index in *block. */
static char *
lead_byline(const struct document *doc, size_t *block)
{
	char *author;
	size_t k;

	for (k = 0; k < doc->nblocks && k < LEAD_BLOCKS; k++) {
		if (doc->blocks[k].type != BLOCK_PARAGRAPH || strchr(doc->blocks[k].text, '\n'))
			continue;
		if ((author = byline_from_line(doc->blocks[k].text)) != NULL) {
			*block = k;
			return author;
		}
	}
	return NULL;
}

static int
fill_author(const struct html_meta *m, const struct html_article *article,
    struct document *doc)
{
	const char *sources[6];
	struct buf rel = BUF_INIT;
	char *people[NAMES_MAX], *org = NULL, *lead;
	size_t n = 0, k, block = 0;
	int rc = rel_authors(m, &rel);

	lead = lead_byline(doc, &block);
	/* Structured sources first, then what the page shows. */
	sources[0] = m->ld.people;
	sources[1] = m->value[FIELD_AUTHOR];
	sources[2] = m->md_people.data;
	sources[3] = article->byline;
	sources[4] = rel.data;
	sources[5] = lead;
	for (k = 0; k < 6 && n == 0 && rc == 0; k++)
		rc = sort_names(m, sources[k], k >= 3, people, &n, &org);
	if (rc == 0 && n == 0)
		rc = sort_names(m, m->ld.orgs, 0, people, &n, &org);
	if (rc == 0 && n == 0)
		rc = sort_names(m, m->md_orgs.data, 0, people, &n, &org);
	if (rc == 0 && n > 0) {
		free(org);
		org = join_people(people, n);
		rc = org == NULL ? -1 : 0;
	} else {
		while (n > 0)
			free(people[--n]);
	}
	if (rc == 0 && org != NULL)
		rc = document_set_meta(&doc->meta.author, org);
	/* The head line names the author: a lead byline saying only that
	 * (no link, no more than a label and a date) goes. */
	if (rc == 0 && lead != NULL && org != NULL && strcmp(lead, org) == 0 &&
	    byline_is_whole_line(doc->blocks[block].text, lead) && doc->blocks[block].nlinks == 0)
		document_remove_block(doc, block);
	free(org);
	free(lead);
	buf_free(&rel);
	return rc;
}

/* Set the date from value when it is a believable date (wholly a date,
 * or holding one: "Published on: June 25, 2024"); 1 when set. */
static int
try_date(const struct html_meta *m, struct document *doc, const char *value, int *rc)
{
	char iso[DATE_MAX];
	int updated = 0;

	if (doc->meta.date != NULL || value == NULL || *rc != 0)
		return doc->meta.date != NULL;
	if (date_parse(value, iso) == -1 &&
	    (strlen(value) > DATELINE_TEXT_MAX || date_find(value, iso, &updated) == -1))
		return 0;
	if (!date_is_plausible(iso, m->saved))
		return 0;
	*rc = document_set_meta(&doc->meta.date, iso);
	return 1;
}

/* The date of a microdata element: its content or datetime, else its text. */
static int
try_element_date(const struct html_meta *m, struct document *doc, size_t i, int *rc)
{
	const char *value;
	char *text;
	int set;

	if (i == HTML_NO_NODE)
		return 0;
	if ((value = html_attr(m->tree, i, "content")) != NULL ||
	    (value = html_attr(m->tree, i, "datetime")) != NULL)
		return try_date(m, doc, value, rc);
	if ((text = html_meta_text(m->tree, i, 0)) == NULL) {
		*rc = -1;
		return 0;
	}
	set = try_date(m, doc, text, rc);
	free(text);
	return set;
}

/* Where the article's header ends: its first long paragraph. */
static size_t
header_end(const struct html_tree *tree, const struct html_article *article)
{
	size_t k, j, end;
	char *text;
	int long_enough;

	for (k = 0; k < article->nroots; k++) {
		end = tree->nodes[article->roots[k]].end;
		for (j = article->roots[k]; j < end; j++) {
			if (tree->nodes[j].tag != GUMBO_TAG_P || article->removed[j])
				continue;
			if ((text = html_meta_text(tree, j, 0)) == NULL)
				return j;
			long_enough = strlen(text) >= 80;
			free(text);
			if (long_enough)
				return j;
		}
	}
	return article->nroots > 0 ? tree->nodes[article->roots[0]].end : tree->len;
}

/* A <time> marked as the publication ("pubdate", class "published"), else
 * the first one in the header that is not another article's. */
static int
date_from_times(const struct html_meta *m, const struct html_article *article,
    struct document *doc, int *rc)
{
	const struct html_tree *tree = m->tree;
	static const char *const published[] = { "publish", "posted", "created", NULL };
	size_t i, end = header_end(tree, article);

	for (i = 0; i < tree->len; i++)
		if (tree->nodes[i].tag == GUMBO_TAG_TIME && (html_attr(tree, i, "pubdate") != NULL ||
		    html_class_has(tree, i, published)) && try_element_date(m, doc, i, rc))
			return 1;
	for (i = 0; i < end; i++)
		if (tree->nodes[i].tag == GUMBO_TAG_TIME && !is_aside(tree, i) &&
		    try_element_date(m, doc, i, rc))
			return 1;
	return 0;
}

/* A visible dateline in the header: a short element whose class or id
 * says date, time, byline... holding a date in words. */
static int
date_from_datelines(const struct html_meta *m, const struct html_article *article,
    struct document *doc, int *rc)
{
	const struct html_tree *tree = m->tree;
	size_t i, end = header_end(tree, article);
	char *text;
	int set = 0;

	for (i = 0; i < end && !set && *rc == 0; i++) {
		/* A wrapper of half the page is no dateline, whatever its class. */
		if (tree->nodes[i].is_text || tree->nodes[i].end - i > DATELINE_NODES_MAX ||
		    !html_class_has(tree, i, dateline_words) || is_aside(tree, i))
			continue;
		if ((text = html_meta_text(tree, i, 1)) == NULL) {
			*rc = -1;
			break;
		}
		if (strlen(text) <= DATELINE_TEXT_MAX)
			set = try_date(m, doc, text, rc);
		free(text);
	}
	return set;
}

/* A short paragraph among the first blocks holding a date (§4, "a
 * dateline in the text"). */
static int
date_from_lead(const struct html_meta *m, struct document *doc, int *rc)
{
	size_t k;

	for (k = 0; k < doc->nblocks && k < LEAD_BLOCKS; k++)
		if (doc->blocks[k].type == BLOCK_PARAGRAPH &&
		    strlen(doc->blocks[k].text) <= LEAD_DATELINE_MAX &&
		    try_date(m, doc, doc->blocks[k].text, rc))
			return 1;
	return 0;
}

static int
date_from_url(const struct html_meta *m, struct document *doc, int *rc)
{
	const char *urls[] = { doc->meta.source_url, m->original };
	char iso[DATE_MAX];
	size_t k;

	for (k = 0; k < 2; k++)
		if (urls[k] != NULL && date_from_path(urls[k], iso) == 0 &&
		    try_date(m, doc, iso, rc))
			return 1;
	return 0;
}

/* Publication beats modification; what the page states beats what it
 * shows, which beats its address. */
static int
fill_date(const struct html_meta *m, const struct html_article *article,
    struct document *doc)
{
	int media = m->ld.rank == JSONLD_MEDIA, rc = 0;

	if ((!media && try_date(m, doc, m->ld.published, &rc)) ||
	    try_date(m, doc, m->value[FIELD_DATE], &rc) ||
	    try_element_date(m, doc, m->md_published, &rc) ||
	    (!media && try_date(m, doc, m->ld.created, &rc)) ||
	    try_date(m, doc, m->ld.published, &rc) ||
	    date_from_times(m, article, doc, &rc) ||
	    date_from_datelines(m, article, doc, &rc) ||
	    date_from_lead(m, doc, &rc) ||
	    date_from_url(m, doc, &rc) ||
	    try_date(m, doc, m->value[FIELD_MODIFIED], &rc) ||
	    try_date(m, doc, m->ld.modified, &rc))
		return rc;
	try_element_date(m, doc, m->md_modified, &rc);
	return rc;
}

/* The text of rel=tag links outside navigation and asides, one a line. */
static int
rel_tags(const struct html_meta *m, struct buf *out)
{
	const struct html_tree *tree = m->tree;
	const char *rel;
	size_t i;
	char *text;

	for (i = 0; i < tree->len; i++) {
		if (tree->nodes[i].tag != GUMBO_TAG_A || (rel = html_attr(tree, i, "rel")) == NULL ||
		    strcasestr(rel, "tag") == NULL || is_aside(tree, i))
			continue;
		if ((text = html_meta_text(tree, i, 0)) == NULL)
			return -1;
		buf_append_str(out, text);
		buf_append_char(out, '\n');
		free(text);
	}
	return buf_append(out, "", 0);
}

/* Tags from the first of the article's own lists that gives any (its
 * article:tag metas, the tag links it shows, JSON-LD, news_keywords); the
 * site-wide keywords only when the page has no such list at all. */
static int
fill_tags(const struct html_meta *m, struct document *doc)
{
	struct buf rel = BUF_INIT;
	const char *lists[4];
	char seps[4] = { ',', '\n', ',', ',' };
	size_t k;
	int rc = rel_tags(m, &rel), any = 0;

	lists[0] = m->article_tags.data;
	lists[1] = rel.data;
	lists[2] = m->ld.keywords;
	lists[3] = m->value[FIELD_NEWS_KEYWORDS];
	for (k = 0; k < 4 && rc == 0 && doc->meta.ntags == 0; k++) {
		any |= lists[k] != NULL && *lists[k] != '\0';
		if (lists[k] != NULL)
			rc = tags_add_list(doc, lists[k], seps[k]);
	}
	if (rc == 0 && !any && m->value[FIELD_KEYWORDS] != NULL)
		rc = tags_add_list(doc, m->value[FIELD_KEYWORDS], ',');
	buf_free(&rel);
	return rc;
}

int
html_meta_article(struct html_meta *m, const struct html_article *article,
    struct document *doc)
{
	if (fill_author(m, article, doc) == -1 || fill_date(m, article, doc) == -1)
		return -1;
	return fill_tags(m, doc);
}
