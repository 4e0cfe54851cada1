#include "archive/idset.h"

#include <stdlib.h>
#include <string.h>

int
idset_add(struct idset *s, long long id)
{
	long long *grown;
	size_t cap;

	if (s->n == s->cap) {
		cap = s->cap ? s->cap * 2 : 4096;
		if ((grown = reallocarray(s->ids, cap, sizeof(*grown))) == NULL)
			return -1;
		s->ids = grown;
		s->cap = cap;
	}
	s->ids[s->n++] = id;
	s->sorted = 0;
	return 0;
}

static int
id_order(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

int
idset_has(struct idset *s, long long id)
{
	if (!s->sorted && s->n > 1)
		qsort(s->ids, s->n, sizeof(*s->ids), id_order);
	s->sorted = 1;
	return s->n > 0 && bsearch(&id, s->ids, s->n, sizeof(*s->ids), id_order) != NULL;
}

void
idset_clear(struct idset *s)
{
	free(s->ids);
	memset(s, 0, sizeof(*s));
}
