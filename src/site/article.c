#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content/listing.h"
#include "content/path.h"
#include "site/site.h"

unsigned long
site_article_generation(const struct site *s)
{
	if (s->archive == NULL)
		return 0;
	/* The index (chrome, the addresses of archived articles) and the
	 * tree (link targets); both only grow, so their sum changes when
	 * either does. */
	return archive_generation(s->archive) + archive_tree_generation(s->archive);
}

/* What convert_options.local_path answers from: the site, and room for
 * the path of an archived article (one conversion, one thread). */
struct link_lookup {
	const struct site *site;
	char path[1024];
};

/* convert_options.local_path: a link to the web address an archived
 * article was first published at leads to that article here; a link to
 * the capsule only where something is there (a file or folder of the
 * tree, or a page the archive generates). */
static const char *
link_in_capsule(void *arg, const char *url)
{
	struct link_lookup *l = arg;
	const struct site *s = l->site;
	struct stat st;
	int fd;

	if (*url != '/') {
		return s->archive != NULL &&
		    archive_source_path(s->archive, url, l->path, sizeof(l->path)) ? l->path : NULL;
	}
	if (content_path_check(url) != 0)
		return NULL;
	if (s->archive != NULL && archive_route_of(url) != ARCHIVE_ROUTE_NONE)
		return url;
	if (content_open(s->root_fd, url, &fd, &st) != CONTENT_OK)
		return NULL;
	close(fd);
	return url;
}

const struct cached_article *
site_article_of(const struct site *s, const char *path, int fd, const struct stat *st,
    enum article_format format)
{
	struct link_lookup lookup = { .site = s };
	struct convert_options options = {
		.base_url = path,
		.saved_time = st->st_mtime,
		.local_path = link_in_capsule,
		.local_path_arg = &lookup,
		.context_generation = site_article_generation(s),
	};
	const struct cached_article *a;
	char **lines = NULL;

	/* Converted already: asking the index for the chrome is left to
	 * when the article must be converted. */
	if ((a = article_cache_peek(s->cache, st, format, options.context_generation)) != NULL)
		return a;
	if (format == ARTICLE_TEXT && s->archive != NULL) {
		options.chrome_lines = (const char *const *)(lines =
		    archive_chrome_lines(s->archive, NULL));
	}
	a = article_cache_get(s->cache, fd, st, format, &options);
	archive_chrome_free(lines);
	return a;
}

const struct cached_article *
site_article(const struct site *s, const struct site_target *t)
{
	if (t->kind != SITE_ARTICLE)
		return NULL;
	if (t->article != NULL)
		return article_cache_hold(t->article);
	return site_article_of(s, t->path, t->fd, &t->st, t->format);
}
