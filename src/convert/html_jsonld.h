/*
 * The schema.org records a page embeds as JSON-LD (<script
 * type="application/ld+json">, CDATA wrapping and all), the best
 * metadata source (§4).  Every object of every script is looked at
 * (top level, arrays, "@graph", "mainEntity"); the record of the page is
 * the first object of the best kind: an article (NewsArticle,
 * ReportageNewsArticle, BlogPosting...), else a page (WebPage,
 * MedicalWebPage, ClaimReview...), else anything else that is not a
 * thing around the article (Organization, Person, BreadcrumbList...),
 * media objects last.  A page's WebSite and publisher give the site name.
 */
#ifndef CAPSULED_CONVERT_HTML_JSONLD_H
#define CAPSULED_CONVERT_HTML_JSONLD_H

#include <stddef.h>

/* Kinds of record, best first. */
enum jsonld_kind {
	JSONLD_NONE,       /* nothing read yet, or a thing around the article */
	JSONLD_ARTICLE,
	JSONLD_PAGE,
	JSONLD_OTHER,
	JSONLD_MEDIA,      /* a video or audio object: its dates are the media's */
};

struct jsonld_article {
	int rank;          /* the enum jsonld_kind of the object read */
	char *headline;
	char *name;
	char *people;      /* authors that are (or may be) people, one a line */
	char *orgs;        /* authors that are organisations, one a line */
	char *published;
	char *created;
	char *modified;
	char *description;
	char *lang;
	char *keywords;    /* one a line */
	char *url;         /* url, else mainEntityOfPage, else an @id that is a URL */
	char *image;
	char *publisher;   /* the publisher's name */
	char *site_name;   /* a WebSite's name */
};

/* Read one JSON-LD script into article: a better record replaces what it
 * holds, an equal one fills what is missing.  Broken JSON leaves it as
 * it was.  Returns 0 or -1 (no memory). */
int jsonld_read(const char *json, size_t len, struct jsonld_article *article);
void jsonld_free(struct jsonld_article *article);

#endif
