/*
 * Article metadata from an HTML page (conversion.md §4, issue 10): every
 * place publishers put it is read first (the <meta> families, JSON-LD of
 * any kind, microdata, <title>, <base>, canonical links, rel=author), then
 * the head fields are decided (title without the site's name, lang,
 * description, source URL, lead image, the address links resolve
 * against), and once the article is extracted, the fields that need it
 * (authors, people before organisations; the publication date; the
 * article's own tags).
 */
#ifndef CAPSULED_CONVERT_HTML_META_H
#define CAPSULED_CONVERT_HTML_META_H

#include <time.h>

#include "convert/document.h"
#include "convert/html_extract.h"
#include "convert/html_jsonld.h"
#include "convert/html_tree.h"
#include "util/buf.h"

enum meta_field {
	FIELD_TITLE,
	FIELD_AUTHOR,
	FIELD_DESCRIPTION,
	FIELD_DATE,
	FIELD_MODIFIED,
	FIELD_LOCALE,
	FIELD_LANGUAGE,
	FIELD_URL,
	FIELD_SITE,
	FIELD_IMAGE,
	FIELD_NEWS_KEYWORDS,
	FIELD_KEYWORDS,
	FIELD_COUNT,
};

/* What the page says about itself, gathered in one pass. */
struct html_meta {
	const struct html_tree *tree;
	const char *page_url;          /* as the caller gave it; may be NULL */
	time_t saved;
	const char *value[FIELD_COUNT]; /* the best <meta> of each field */
	int rank[FIELD_COUNT];
	struct buf article_tags;       /* article:tag values, one a line */
	struct jsonld_article ld;
	struct buf md_people;          /* microdata authors, one a line */
	struct buf md_orgs;
	size_t md_published;           /* the microdata datePublished element, or HTML_NO_NODE */
	size_t md_modified;
	size_t title;                  /* <title>, or HTML_NO_NODE */
	size_t base;                   /* <base href> */
	size_t canonical;              /* <link rel=canonical> */
	size_t image_link;             /* <link rel=image_src> */
	char *original;                /* the page's web address links resolve against, or NULL */
	char **orgs;                   /* keys (text_key) of the site's and publisher's names */
	size_t norgs;
	char **hosts;                  /* keys of the page's host names and their labels */
	size_t nhosts;
};

/* Gather what the page says.  page_url (may be NULL) is the caller's
 * base URL; saved the file's save time or 0.  Returns 0 or -1. */
int html_meta_collect(struct html_meta *m, const struct html_tree *tree, const char *page_url,
    time_t saved);
void html_meta_free(struct html_meta *m);

/* Fill title, lang, description, source URL and image of doc. */
int html_meta_head(struct html_meta *m, struct document *doc);

/* Fill author, date and tags once the article is known; a leading byline
 * or dateline paragraph of doc that said only that goes. */
int html_meta_article(struct html_meta *m, const struct html_article *article,
    struct document *doc);

/* The page's title as displayed: the best of JSON-LD, <meta> and <title>
 * with the site's name cut off (html_title.c).  malloc'd, or NULL. */
char *html_meta_title(const struct html_meta *m);

/* Whether a name is the site's or its publisher's (compared by text_key). */
int html_meta_is_org(const struct html_meta *m, const char *name);
/* Whether a part of a title names the site: its name, its publisher, its
 * host or a label of it ("TheHill", "Aktuálně.cz", "Wikipedia"). */
int html_meta_names_site(const struct html_meta *m, const char *part);

/* The first separator of title parts (" | ", " - ", " – ", ": "...) in
 * s[0..len), its length in *seplen; NULL when there is none. */
const char *html_meta_separator(const char *s, size_t len, size_t *seplen);

/* The text of element i, lines trimmed; separate text nodes on separate
 * lines when lines is set.  malloc'd, or NULL. */
char *html_meta_text(const struct html_tree *tree, size_t i, int lines);

/* Set *field (when empty) to value with entities decoded and spaces
 * squeezed; an empty result sets nothing.  Returns 0 or -1. */
int html_meta_set_clean(char **field, const char *value);

#endif
