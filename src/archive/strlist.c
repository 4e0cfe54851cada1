#include "archive/strlist.h"

#include <stdlib.h>
#include <string.h>

int
strlist_add(struct strlist *l, const char *s, size_t len)
{
	char **grown, *copy;
	size_t cap;

	if (l->failed)
		return -1;
	if (l->n + 1 >= l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		if ((grown = reallocarray(l->v, cap, sizeof(*grown))) == NULL) {
			l->failed = 1;
			return -1;
		}
		l->v = grown;
		l->cap = cap;
		l->v[l->n] = NULL;
	}
	if ((copy = strndup(s, len)) == NULL) {
		l->failed = 1;
		return -1;
	}
	l->v[l->n++] = copy;
	l->v[l->n] = NULL;
	return 0;
}

static int
by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
strlist_sort_unique(struct strlist *l)
{
	size_t i, kept = 0;

	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof(*l->v), by_text);
	for (i = 0; i < l->n; i++) {
		if (kept > 0 && strcmp(l->v[kept - 1], l->v[i]) == 0)
			free(l->v[i]);
		else
			l->v[kept++] = l->v[i];
	}
	l->n = kept;
	l->v[kept] = NULL;
}

int
strlist_same(char *const *a, char *const *b)
{
	size_t i = 0;

	if (a == NULL || b == NULL)
		return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);
	for (; a[i] != NULL && b[i] != NULL; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return a[i] == NULL && b[i] == NULL;
}

size_t
strlist_count(char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

int
strlist_has(char *const *v, const char *s)
{
	for (; v != NULL && *v != NULL; v++)
		if (strcmp(*v, s) == 0)
			return 1;
	return 0;
}

char **
strlist_release(struct strlist *l)
{
	char **v = l->v;

	if (l->failed || l->n == 0) {
		strlist_clear(l);
		return NULL;
	}
	memset(l, 0, sizeof(*l));
	return v;
}

void
strlist_clear(struct strlist *l)
{
	strlist_free(l->v);
	memset(l, 0, sizeof(*l));
}

void
strlist_free(char **v)
{
	char **p;

	for (p = v; p != NULL && *p != NULL; p++)
		free(*p);
	free(v);
}
