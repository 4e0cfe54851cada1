/*
 * A read connection to the index with the statements prepared on it.
 * Parsing SQL costs more than most page queries, so each statement is
 * prepared once per connection (SQLITE_PREPARE_PERSISTENT) and reused.
 * A reader belongs to one thread at a time (pool.h hands them out).
 * Statements stay valid when the writer changes the schema: SQLite
 * prepares them again by itself on their next step.  Readers also have
 * the ranking function of rank.h, the unpacking of kept bodies
 * (packed.h), the reading of the others again from the tree
 * (STORE_TREE_TEXT_FN, store.h) and, once a prefix is searched, a
 * tokenizer (words.h).  A reader belongs to the database file of one
 * generation (indexer.h): the pool reopens it once the file was replaced.
 */
#ifndef CAPSULED_ARCHIVE_READER_H
#define CAPSULED_ARCHIVE_READER_H

#include <stddef.h>
#include <sqlite3.h>

#include "archive/words.h"

/* More distinct statements than every page together uses. */
#define READER_STATEMENTS 64

struct reader {
	sqlite3 *db;
	unsigned long generation; /* of the database file it reads */
	struct words_tokenizer *words; /* made on first need */
	/* Keyed by the address of the SQL text: callers pass static strings. */
	const char *sql[READER_STATEMENTS];
	sqlite3_stmt *statements[READER_STATEMENTS];
	size_t nstatements;
};

/* A reader on db_path of the tree at root_fd (which outlives it), or
 * NULL (logged). */
struct reader *reader_open(const char *db_path, unsigned long generation, int root_fd);
void reader_close(struct reader *r);
/* The statement for sql, which must have static storage duration: it
 * is prepared on first use.  NULL when it cannot be prepared (logged).
 * Hand it back with reader_done() before the next reader_statement()
 * of the same sql and before the reader goes back to the pool: until
 * reset, a statement holds a read transaction (and its snapshot). */
sqlite3_stmt *reader_statement(struct reader *r, const char *sql);
/* Reset st and clear its bindings; NULL is ignored. */
void reader_done(sqlite3_stmt *st);
/* The reader's tokenizer, made on first use; NULL (logged) on failure. */
struct words_tokenizer *reader_tokenizer(struct reader *r);
/* 1 when the last failure on r was damage to the database (store.h). */
int reader_damaged(const struct reader *r);

#endif
