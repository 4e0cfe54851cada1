/*
 * Site chrome of plain-text articles, learned from the archive itself
 * (conversion.md "Plain-text dumps" §3): the first non-empty lines of
 * every .txt article are its "heads"; a line found among the heads of
 * enough .txt files is chrome, dropped when a text file is converted.
 * No site names or taglines are listed anywhere.
 */
#ifndef CAPSULED_ARCHIVE_CHROME_H
#define CAPSULED_ARCHIVE_CHROME_H

#include <stddef.h>

#include "archive/strlist.h"

/* Non-empty lines looked at from the top of a file. */
#define CHROME_HEAD_LINES 10
/* Longer lines are text, never chrome: they are not kept. */
#define CHROME_LINE_MAX 200
/* A line is chrome when it heads this share of the .txt files... */
#define CHROME_SHARE_PCT 20
/* ...and at least this many of them. */
#define CHROME_MIN_FILES 3

/* Add the heads of a text file to heads, cleaned as the text reader
 * cleans its lines (so they compare equal), sorted, without repeats.
 * Returns -1 when memory runs out. */
int chrome_heads(const char *data, size_t len, struct strlist *heads);

/* How many .txt files a line must head to be chrome, out of text_files. */
long long chrome_threshold(long long text_files);

#endif
