/* Any user text turned into an FTS5 query, its prefixes then replaced by
 * the words they stand for (words.h), must run without an SQL error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "archive/query.h"
#include "archive/words.h"

static sqlite3 *
database(void)
{
	static sqlite3 *db;

	if (db != NULL)
		return db;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE search USING fts5(body, title,"
	    " tokenize='unicode61 remove_diacritics 2');"
	    "INSERT INTO search VALUES('croissants and local ceasefires', 'A café in Paris');"
	    "INSERT INTO search VALUES('NEAR AND OR NOT * \"quoted\"', 'Aleppo');"
	    "CREATE TABLE words(word TEXT PRIMARY KEY) WITHOUT ROWID;"
	    "INSERT INTO words VALUES('a'), ('aleppo'), ('and'), ('cafe'), ('ceasefires'),"
	    " ('croissants'), ('in'), ('local'), ('near'), ('not'), ('or'), ('paris'),"
	    " ('quoted');",
	    NULL, NULL, NULL) != SQLITE_OK)
		abort();
	return db;
}

/* fts with its prefixes as words, into out. */
static void
expand(const char *fts, struct buf *out)
{
	static struct words_tokenizer t;
	static sqlite3_stmt *range;
	int capped;

	if (range == NULL && (words_tokenizer_open(&t) == -1 ||
	    sqlite3_prepare_v2(database(), words_range_sql, -1, &range, NULL) != SQLITE_OK))
		abort();
	if (words_expand(&t, range, fts, out, &capped) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf fts = BUF_INIT, expanded = BUF_INIT;
	sqlite3_stmt *st;
	char *words;
	int rc;

	if ((words = strndup((const char *)data, size)) == NULL)
		return 0;
	if (query_to_fts(words, &fts) > 0) {
		expand(fts.data, &expanded);
		if (sqlite3_prepare_v2(database(), "SELECT rowid, snippet(search, 0, '', '',"
		    " '...', 24) FROM search WHERE search MATCH ?1 ORDER BY rank", -1, &st,
		    NULL) != SQLITE_OK)
			abort();
		sqlite3_bind_text(st, 1, expanded.data, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE)
			abort();
		sqlite3_finalize(st);
	}
	buf_free(&fts);
	buf_free(&expanded);
	free(words);
	return 0;
}
