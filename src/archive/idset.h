/*
 * A set of article ids built by appending, then sorted once and asked:
 * the ids a walk of the tree saw, so that the rows it did not see can
 * be swept without a write for every row it did.  Eight bytes an id:
 * 8 MB for a million articles, for the length of a walk.
 */
#ifndef CAPSULED_ARCHIVE_IDSET_H
#define CAPSULED_ARCHIVE_IDSET_H

#include <stddef.h>

struct idset {
	long long *ids;
	size_t n, cap;
	int sorted;
};

#define IDSET_INIT { NULL, 0, 0, 0 }

/* -1 when memory runs out. */
int idset_add(struct idset *s, long long id);
/* Sort (once) and tell whether id is in the set. */
int idset_has(struct idset *s, long long id);
void idset_clear(struct idset *s);

#endif
