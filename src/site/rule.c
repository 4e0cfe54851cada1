#include <string.h>
#include <strings.h>

#include "site/site.h"

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
