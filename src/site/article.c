#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content/listing.h"
#include "content/path.h"
#include "site/site.h"

const struct cached_article *
site_article_of(const struct site *s, const char *path, int fd, const struct stat *st,
    enum article_format format)
{
	struct convert_options options = { .base_url = path };
	const struct cached_article *a;
	char **lines = NULL;

	/* A .txt loses the site chrome the archive has learned; asking the
	 * index for it is left to when the article must be converted. */
	if (format == ARTICLE_TEXT && s->archive != NULL &&
	    (a = article_cache_peek(s->cache, st, format,
	    archive_chrome_generation(s->archive))) != NULL)
		return a;
	if (format == ARTICLE_TEXT && s->archive != NULL)
		options.chrome_lines = (const char *const *)(lines =
		    archive_chrome_lines(s->archive, &options.chrome_generation));
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
