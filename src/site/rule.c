#include <string.h>
#include <strings.h>

#include "site/site.h"
#include "util/buf.h"

/* Plain files that machines and clients fetch by name, wherever they are
 * in the tree (robots.txt, a Lagrange favicon.txt...): never articles. */
static const char *const well_known_names[] = {
	"robots.txt", "favicon.txt", "security.txt", "humans.txt",
};

#define WELL_KNOWN_DIR "/.well-known/"
#define PATH_SEPARATORS " ,\t"

static int
is_well_known(const char *path)
{
	const char *name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	size_t i;

	if (strncmp(path, WELL_KNOWN_DIR, strlen(WELL_KNOWN_DIR)) == 0)
		return 1;
	for (i = 0; i < sizeof(well_known_names) / sizeof(well_known_names[0]); i++)
		if (strcasecmp(name, well_known_names[i]) == 0)
			return 1;
	return 0;
}

/* Whether path is the entry (len bytes) or lies below it. */
static int
under_entry(const char *path, const char *entry, size_t len)
{
	if (len == 0 || strncmp(path, entry, len) != 0)
		return 0;
	return entry[len - 1] == '/' || path[len] == '\0' || path[len] == '/';
}

static int
in_article_paths(const char *article_paths, const char *path)
{
	const char *p = article_paths;
	size_t len;

	if (p == NULL || p[strspn(p, PATH_SEPARATORS)] == '\0')
		return 1;
	while (*(p += strspn(p, PATH_SEPARATORS)) != '\0') {
		len = strcspn(p, PATH_SEPARATORS);
		if (under_entry(path, p, len))
			return 1;
		p += len;
	}
	return 0;
}

enum article_format
site_article_format(const char *article_paths, const char *path)
{
	if (is_well_known(path) || !in_article_paths(article_paths, path))
		return ARTICLE_NONE;
	return article_format_of(path);
}

/* Entries of the index's rule that leave a path out: "!" and an area path. */
#define EXCLUDED '!'

char *
site_index_rule(const struct config *c)
{
	const char *paths = c->article_paths;
	struct buf b = BUF_INIT;
	size_t i;

	/* The whole tree is "/" here: a rule of exclusions alone would
	 * include nothing. */
	buf_append_str(&b, paths != NULL && paths[strspn(paths, PATH_SEPARATORS)] != '\0' ?
	    paths : "/");
	for (i = 0; i < c->nareas; i++)
		if (c->areas[i].host_index == 0 && (c->areas[i].access & AREA_READ))
			buf_printf(&b, " %c%s", EXCLUDED, c->areas[i].path);
	/* The home page shows the about file: it is no article of its own. */
	if (c->about != NULL && *c->about == '/')
		buf_printf(&b, " %c%s", EXCLUDED, c->about);
	return buf_release(&b, NULL);
}

static int
excluded(const char *rule, const char *path)
{
	const char *p = rule;
	char entry[1024];
	size_t len;

	while (*(p += strspn(p, PATH_SEPARATORS)) != '\0') {
		len = strcspn(p, PATH_SEPARATORS);
		if (*p == EXCLUDED && len < sizeof(entry)) {
			memcpy(entry, p + 1, len - 1);
			entry[len - 1] = '\0';
			if (site_area_covers(entry, path))
				return 1;
		}
		p += len;
	}
	return 0;
}

enum article_format
site_index_format(const char *rule, const char *path)
{
	return excluded(rule, path) ? ARTICLE_NONE : site_article_format(rule, path);
}
