/*
 * Test support: removing a temporary tree the test built.  Header-only so
 * that unit tests and fuzz targets can share it without a library.
 */
#ifndef CAPSULED_TESTS_SUPPORT_TREE_H
#define CAPSULED_TESTS_SUPPORT_TREE_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

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
