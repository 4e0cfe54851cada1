/*
 * Areas guarded by client certificates (the [area] sections of the
 * configuration, config/config.h), as the site serves them: which area
 * covers a path (an area's path covers itself and what lies below it;
 * the longest one covering a path wins), and what a client may do there.
 * Reading an AREA_READ area, or publishing into an AREA_PUBLISH one,
 * needs a certificate whose SHA-256 fingerprint is listed or which the
 * area's CA file issued, valid today (publishing: or the area's token).
 * What follows for the rest of the site: a guarded area's articles never
 * reach the index (site_index_rule(), so no public page, feed or search
 * shows them), and a listing never shows a guarded entry outside its own
 * area.  Part of the site layer; included through site/site.h.
 */
#ifndef CAPSULED_SITE_AREA_H
#define CAPSULED_SITE_AREA_H

#include <stddef.h>

#include "config/config.h"
#include "convert/convert.h"

struct x509_store_st;

struct site_area {
	const struct area_config *config;
	struct x509_store_st *ca; /* its CA file, loaded; NULL without one */
};

/* The areas of one host. */
struct site_areas {
	struct site_area *list;
	size_t n;
};

/* The areas of c->hosts[host], their CA files read.  NULL with *error
 * (malloc'd) when a CA file cannot be used or memory runs out. */
struct site_areas *site_areas_new(const struct config *c, size_t host, char **error);
void site_areas_free(struct site_areas *areas);

/* Whether the area path area_path covers path: path is it (with or
 * without its final '/') or lies below it; "/" covers everything. */
int site_area_covers(const char *area_path, const char *path);
/* The area covering path (from '/'), or NULL; areas may be NULL. */
const struct site_area *site_area_of(const struct site_areas *areas, const char *path);
/* Whether reading the area needs a certificate; a NULL area is open. */
int site_area_guarded(const struct site_area *a);

/* Who asks, as the protocol knows it. */
struct site_client {
	const char *fingerprint;  /* SHA-256 "ab:cd:...", "" or NULL when none */
	const void *certificate;  /* OpenSSL X509 for dates and issuer; NULL when none */
	const char *token;        /* a Titan token, NULL when none */
};

enum site_verdict {
	SITE_LET_IN,
	SITE_NEED_CERTIFICATE,    /* none was sent (Gemini 60) */
	SITE_NOT_AUTHORISED,      /* not listed, not issued by the CA, or nothing to grant (61) */
	SITE_CERTIFICATE_INVALID, /* expired or not yet valid (62) */
};

/* Whether client may do what (AREA_READ or AREA_PUBLISH) in area a (NULL:
 * outside every area, where anyone reads and nobody publishes).  Reading
 * an area that does not guard it is open; publishing where the area does
 * not allow it is SITE_NOT_AUTHORISED. */
enum site_verdict site_area_check(const struct site_area *a, unsigned what,
    const struct site_client *client);

/* Whether a listing of the folder dir leaves out its entry path: a
 * guarded area that dir's own area is not. */
int site_area_hidden(const struct site_areas *areas, const char *dir, const char *path);

/* The index's rule (for archive_options.article_paths, with
 * site_index_format()): the article_paths of c, less the first host's
 * guarded areas, which the index must never hold, and the about file the
 * home page shows (no article of its own).  malloc'd; NULL when memory
 * runs out. */
char *site_index_rule(const struct config *c);
/* The format of path as the index sees it under that rule. */
enum article_format site_index_format(const char *rule, const char *path);

#endif
