/*
 * An intrusive recency list for bounded caches: embed a struct lru_link in
 * each entry and keep one struct lru_list per cache.  No allocation; the
 * caller owns the entries and the locking.
 */
#ifndef CAPSULED_UTIL_LRU_H
#define CAPSULED_UTIL_LRU_H

#include <stddef.h>

struct lru_link {
	struct lru_link *newer, *older;
	int linked;
};

struct lru_list {
	struct lru_link *newest, *oldest;
};

/* The entry of type `type` whose member `member` is the link. */
#define LRU_ENTRY(link, type, member) ((type *)(void *)((char *)(link) - offsetof(type, member)))

/* Put an unlinked entry at the newest end. */
void lru_push_newest(struct lru_list *l, struct lru_link *e);
/* Take an entry out (nothing happens when it is not linked). */
void lru_remove(struct lru_list *l, struct lru_link *e);
/* Mark a linked entry as just used. */
void lru_touch(struct lru_list *l, struct lru_link *e);

#endif
