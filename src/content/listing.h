/*
 * Directory entries: what a listing shows (the site layer makes them a
 * page both protocols write).  Only what content_open() would serve is
 * listed.
 */
#ifndef CAPSULED_CONTENT_LISTING_H
#define CAPSULED_CONTENT_LISTING_H

#include <sys/types.h>
#include <time.h>

#include "util/buf.h"

struct content_entry {
	char *name;
	int is_dir;
	off_t size;
	struct timespec mtime;
};

/* The entries of the directory dir_path beneath rootfd.  Hidden: dotfiles,
 * sockets, FIFOs, devices, unreadable entries, symlinks leaving the root and
 * names no request could reach (control characters, backslash).  Sorted:
 * directories first; all-digit names (years "2014", months "02") newest
 * first, ahead of the others, which go A->Z case-insensitively.  No cap on
 * the number of entries.  0, or -1 when dir_path cannot be listed. */
int content_dir_entries(int rootfd, const char *dir_path, struct content_entry **entries,
    size_t *n);
void content_entries_free(struct content_entry *entries, size_t n);

#endif
