#include "archive/pending.h"

#include <stdlib.h>
#include <string.h>

int
pending_add(struct pending *p, long long id, const char *title, const char *body,
    const void *packed, size_t packed_len, int whole)
{
	struct pending_op op = { id, packed != NULL, strdup(title), strdup(body), NULL,
		packed_len, whole }, *grown;

	if (op.title == NULL || op.body == NULL ||
	    (packed != NULL && (op.packed = malloc(packed_len > 0 ? packed_len : 1)) == NULL))
		goto fail;
	if (packed != NULL)
		memcpy(op.packed, packed, packed_len);
	if (p->n == p->cap) {
		if ((grown = reallocarray(p->ops, p->cap ? p->cap * 2 : 256, sizeof(*grown))) ==
		    NULL)
			goto fail;
		p->ops = grown;
		p->cap = p->cap ? p->cap * 2 : 256;
	}
	p->ops[p->n++] = op;
	p->bytes += strlen(title) + strlen(body) + packed_len;
	return 0;
fail:
	free(op.title);
	free(op.body);
	free(op.packed);
	return -1;
}

static void
free_op(struct pending *p, size_t i)
{
	p->bytes -= strlen(p->ops[i].title) + strlen(p->ops[i].body) + p->ops[i].packed_len;
	free(p->ops[i].title);
	free(p->ops[i].body);
	free(p->ops[i].packed);
}

int
pending_drop_insert(struct pending *p, long long id)
{
	size_t i;

	for (i = p->n; i-- > 0;) {
		if (p->ops[i].id != id || !p->ops[i].insert)
			continue;
		free_op(p, i);
		p->ops[i] = p->ops[--p->n];
		return 1;
	}
	return 0;
}

static int
op_order(const void *a, const void *b)
{
	const struct pending_op *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->insert - y->insert;
}

void
pending_sort(struct pending *p)
{
	if (p->n > 1)
		qsort(p->ops, p->n, sizeof(*p->ops), op_order);
}

void
pending_clear(struct pending *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free_op(p, i);
	free(p->ops);
	memset(p, 0, sizeof(*p));
}
