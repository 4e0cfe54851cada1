#include "archive/reader.h"

#include <stdlib.h>

#include "archive/rank.h"
#include "archive/store.h"
#include "archive/treetext.h"
#include "util/log.h"

struct reader *
reader_open(const char *db_path, unsigned long generation, int root_fd)
{
	struct reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_error("archive: out of memory for a reader");
		return NULL;
	}
	r->generation = generation;
	if ((r->db = store_open_reader(db_path)) == NULL) {
		free(r);
		return NULL;
	}
	if (rank_register(r->db) == -1 || tree_text_register(r->db, root_fd) != SQLITE_OK) {
		reader_close(r);
		return NULL;
	}
	return r;
}

void
reader_close(struct reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nstatements; i++)
		sqlite3_finalize(r->statements[i]);
	sqlite3_close(r->db);
	if (r->words != NULL)
		words_tokenizer_close(r->words);
	free(r->words);
	free(r);
}

sqlite3_stmt *
reader_statement(struct reader *r, const char *sql)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < r->nstatements; i++)
		if (r->sql[i] == sql)
			return r->statements[i];
	if (r->nstatements == READER_STATEMENTS) {
		log_error("archive: more than %d statements on a reader", READER_STATEMENTS);
		return NULL;
	}
	if (sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK) {
		log_error("archive: cannot prepare \"%s\": %s", sql, sqlite3_errmsg(r->db));
		sqlite3_finalize(st);
		return NULL;
	}
	r->sql[r->nstatements] = sql;
	r->statements[r->nstatements++] = st;
	return st;
}

void
reader_done(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

struct words_tokenizer *
reader_tokenizer(struct reader *r)
{
	if (r->words != NULL)
		return r->words;
	if ((r->words = malloc(sizeof(*r->words))) == NULL)
		return NULL;
	if (words_tokenizer_open(r->words) == -1) {
		free(r->words);
		r->words = NULL;
	}
	return r->words;
}

int
reader_damaged(const struct reader *r)
{
	return store_fault_of(sqlite3_errcode(r->db)) == STORE_DAMAGED;
}
