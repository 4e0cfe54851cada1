/*
 * Test support: writing files into a temporary tree the test builds, and
 * removing the tree.  Header-only so that unit tests and fuzz targets can
 * share it without a library.
 */
#ifndef CAPSULED_TESTS_SUPPORT_TREE_H
#define CAPSULED_TESTS_SUPPORT_TREE_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Write len bytes to dir/name, making the folders name goes through.  0,
 * or -1 with errno set. */
static inline int
tree_write(const char *dir, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX], *slash;
	FILE *fp;
	int whole;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (slash = path + strlen(dir) + 1; (slash = strchr(slash, '/')) != NULL; *slash++ = '/') {
		*slash = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			return -1;
	}
	if ((fp = fopen(path, "wb")) == NULL)
		return -1;
	whole = fwrite(data, 1, len, fp) == len;
	return fclose(fp) == 0 && whole ? 0 : -1;
}

/* tree_write() of a string, without its NUL. */
static inline int
tree_write_text(const char *dir, const char *name, const char *text)
{
	return tree_write(dir, name, text, strlen(text));
}

static inline int
tree_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove dir and everything below it, never following symlinks. 0 or -1. */
static inline int
tree_remove(const char *dir)
{
	return nftw(dir, tree_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
