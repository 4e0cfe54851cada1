/*
 * FTS5 work waiting for the end of a transaction (store.h): inserts and
 * deletes of rows, with copies of their text, handed to FTS5 sorted by
 * rowid (a delete before an insert of the same rowid), the order in
 * which FTS5 appends them to one segment instead of starting a new
 * segment whenever a rowid goes down.  An insert also holds what the
 * index keeps of the body (store.h), stored in the same order: pages of
 * rows appended in order are full, where rows put in at random leave
 * them a third empty.
 */
#ifndef CAPSULED_ARCHIVE_PENDING_H
#define CAPSULED_ARCHIVE_PENDING_H

#include <stddef.h>

struct pending_op {
	long long id;
	int insert;          /* 0: a delete (packed is NULL) */
	char *title;
	char *body;
	void *packed;        /* inserts: what the index keeps of the body */
	size_t packed_len;
	int whole;           /* ...which is the body itself (store.h) */
};

struct pending {
	struct pending_op *ops;
	size_t n, cap;
	size_t bytes;        /* of text held */
};

#define PENDING_INIT { NULL, 0, 0, 0 }

/* Keep copies of title, body and (inserts) what the index keeps of the
 * body; -1 when memory runs out. */
int pending_add(struct pending *p, long long id, const char *title, const char *body,
    const void *packed, size_t packed_len, int whole);
/* Forget a pending insert of id (the row goes before FTS5 saw it):
 * 1 when there was one, else 0. */
int pending_drop_insert(struct pending *p, long long id);
/* Sort into the order FTS5 takes them. */
void pending_sort(struct pending *p);
void pending_clear(struct pending *p);

#endif
