/*
 * A growable NULL-terminated array of malloc'd strings: the shape
 * convert_options.chrome_lines and archive_chrome_lines() use, so a list
 * built here is handed over as it is.
 */
#ifndef CAPSULED_ARCHIVE_STRLIST_H
#define CAPSULED_ARCHIVE_STRLIST_H

#include <stddef.h>

struct strlist {
	char **v;    /* NULL-terminated; NULL while empty */
	size_t n;
	size_t cap;
	int failed;  /* set once an allocation failed; later adds are no-ops */
};

#define STRLIST_INIT { NULL, 0, 0, 0 }

/* Append a copy of the len bytes at s. */
int strlist_add(struct strlist *l, const char *s, size_t len);
/* Sort in strcmp order and drop repeats. */
void strlist_sort_unique(struct strlist *l);
/* 1 when the sorted NULL-terminated arrays a and b (either may be NULL
 * for empty) hold the same strings. */
int strlist_same(char *const *a, char *const *b);
/* The strings in the NULL-terminated array v (may be NULL). */
size_t strlist_count(char *const *v);
/* 1 when the NULL-terminated array v (may be NULL) holds s. */
int strlist_has(char *const *v, const char *s);
/* Hand the array to the caller (NULL when empty or failed) and reset l. */
char **strlist_release(struct strlist *l);
void strlist_clear(struct strlist *l);
/* Free a released array (NULL is fine). */
void strlist_free(char **v);

#endif
