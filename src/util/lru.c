#include "util/lru.h"

void
lru_push_newest(struct lru_list *l, struct lru_link *e)
{
	e->older = l->newest;
	e->newer = NULL;
	if (l->newest != NULL)
		l->newest->newer = e;
	l->newest = e;
	if (l->oldest == NULL)
		l->oldest = e;
	e->linked = 1;
}

void
lru_remove(struct lru_list *l, struct lru_link *e)
{
	if (!e->linked)
		return;
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		l->newest = e->older;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		l->oldest = e->newer;
	e->newer = e->older = NULL;
	e->linked = 0;
}

void
lru_touch(struct lru_list *l, struct lru_link *e)
{
	if (l->newest == e)
		return;
	lru_remove(l, e);
	lru_push_newest(l, e);
}
