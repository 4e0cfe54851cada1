#include "net/net.h"

struct net_generation *
net_generation_ref(struct net_generation *g)
{
	atomic_fetch_add(&g->refs, 1);
	return g;
}

void
net_generation_unref(struct net_generation *g)
{
	if (g != NULL && atomic_fetch_sub(&g->refs, 1) == 1)
		g->release(g);
}
