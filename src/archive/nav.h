/*
 * One article as its page needs it from the index: its date, its tags
 * and the dated articles just before and after it in the order of the
 * date pages (date, then id).  A few lookups in the indexes, whatever
 * the size of the archive.
 */
#ifndef CAPSULED_ARCHIVE_NAV_H
#define CAPSULED_ARCHIVE_NAV_H

#include "archive/archive.h"
#include "archive/reader.h"

/* As archive_article(), on the reader r. */
int nav_article(struct reader *r, const char *path, struct archive_article *info);

#endif
