/*
 * Where a link of an article points, decided in one place for every
 * reader.  A page saved from the web links relative to its original
 * address: those links resolve against it (protocol-relative ones to
 * https, unless the page itself is http), never against the page's place
 * in the capsule, where they would be dead.  A link to an article the
 * archive holds becomes its capsule path when the caller can say so
 * (convert_options.local_path); convert itself does no I/O.  Markdown,
 * text and gemtext articles were written for the capsule: their relative
 * links stay relative to it.
 */
#ifndef CAPSULED_CONVERT_LINKS_H
#define CAPSULED_CONVERT_LINKS_H

#include "convert/options.h"

struct link_resolver {
	const char *original;  /* the page's absolute http(s) URL on the web, or NULL */
	const char *capsule;   /* the article's place in the capsule (path or URL), or NULL */
	int capsule_relative;  /* relative links were written for the capsule */
	int gemini_relative;   /* "//host/x" is a Gemini client's to resolve (gemtext) */
	const char *(*local_path)(void *arg, const char *url);
	void *local_path_arg;
};

/* A resolver for an article read with options (may be NULL): an http(s)
 * base_url is the page's original address, any other its capsule place. */
void link_resolver_init(struct link_resolver *lr, const struct convert_options *options,
    int capsule_relative);

/* The target of href, malloc'd in *target; *target is NULL when the link
 * goes (fragment-only, javascript: or data:, relative with nothing known
 * to resolve it against, or a capsule path the caller says is not there).
 * Returns 0, or -1 when memory runs out. */
int link_resolve(const struct link_resolver *lr, const char *href, char **target);

/* The label of a link that has none: its host and path, shortened
 * ("example.com/2019/11/18/tech/…/index.html").  malloc'd, or NULL. */
char *link_label(const char *url);

/* Whether url is an absolute http or https URL. */
int link_is_web(const char *url);

#endif
