#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content/path.h"
#include "content/types.h"
#include "site/site.h"

static void
target_init(struct site_target *t, const char *path, const char *query)
{
	memset(t, 0, sizeof(*t));
	t->path = path;
	t->query = query;
	t->fd = -1;
	t->index_fd = -1;
	t->kind = SITE_NOT_FOUND;
}

void
site_target_free(struct site_target *t)
{
	if (t->fd != -1)
		close(t->fd);
	if (t->index_fd != -1)
		close(t->index_fd);
	if (t->article != NULL)
		article_cache_release(t->article);
	t->fd = t->index_fd = -1;
	t->article = NULL;
}

/* A directory: its index.gmi when it has one, else a listing when
 * listings are on, else nothing to show. */
static void
resolve_directory(const struct site *s, struct site_target *t)
{
	size_t len = strlen(t->path);
	int fd;

	t->kind = SITE_DIRECTORY;
	t->slash_missing = t->path[len - 1] != '/';
	fd = openat(t->fd, SITE_INDEX_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd != -1 && fstat(fd, &t->index_st) == 0 && S_ISREG(t->index_st.st_mode))
		t->index_fd = fd;
	else if (fd != -1)
		close(fd);
	if (t->index_fd == -1 && !s->directory_listing) {
		close(t->fd);
		t->fd = -1;
		t->kind = SITE_NOT_FOUND;
	}
}

static void
resolve_file(const struct site *s, struct site_target *t)
{
	t->format = site_article_format(s->article_paths, t->path);
	if (t->query != NULL && strcmp(t->query, SITE_RAW_QUERY) == 0) {
		t->kind = SITE_RAW;
		return;
	}
	if (t->format == ARTICLE_NONE || t->format == ARTICLE_GEMTEXT) {
		t->format = ARTICLE_NONE;
		t->kind = SITE_FILE;
		return;
	}
	t->kind = SITE_ARTICLE;
	t->article = article_cache_peek(s->cache, &t->st, t->format,
	    site_article_generation(s));
}

void
site_resolve(const struct site *s, const char *path, const char *query, struct site_target *t)
{
	target_init(t, path, query);
	if (s->archive != NULL && archive_generates(s->archive, path)) {
		t->kind = SITE_PAGE;
		t->route = archive_route_of(path);
		t->slash_missing = archive_slash_missing(path);
		return;
	}
	if (content_path_check(path) != 0) {
		t->kind = SITE_REFUSED;
		return;
	}
	switch (content_open(s->root_fd, path, &t->fd, &t->st)) {
	case CONTENT_OK:
		break;
	case CONTENT_NOT_FOUND:
		t->kind = strcmp(path, SITE_ROBOTS_PATH) == 0 ? SITE_ROBOTS : SITE_NOT_FOUND;
		return;
	case CONTENT_FORBIDDEN:
		t->kind = SITE_NOT_FOUND;
		return;
	default:
		t->kind = SITE_ERROR;
		return;
	}
	if (S_ISDIR(t->st.st_mode))
		resolve_directory(s, t);
	else
		resolve_file(s, t);
}

const char *
site_mime(const struct site *s, const struct site_target *t, int quick)
{
	const char *name = strrchr(t->path, '/') != NULL ? strrchr(t->path, '/') + 1 : t->path;

	if (quick)
		return content_type_by_name(s->types, name);
	return content_type_of(s->types, name, t->fd);
}
