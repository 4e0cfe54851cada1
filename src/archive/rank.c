#include "archive/rank.h"

#include <stdlib.h>

#include "util/log.h"

/* bm25's usual constants, as FTS5's own bm25() has them. */
#define K1 1.2
#define B 0.75

/* Tokens in an average article, once per query (FTS5 auxiliary data). */
static int
average_length(const Fts5ExtensionApi *api, Fts5Context *fts, double *avgdl)
{
	sqlite3_int64 rows = 0, tokens = 0;
	double *saved;
	int rc;

	if ((saved = api->xGetAuxdata(fts, 0)) != NULL) {
		*avgdl = *saved;
		return SQLITE_OK;
	}
	if ((rc = api->xRowCount(fts, &rows)) != SQLITE_OK ||
	    (rc = api->xColumnTotalSize(fts, -1, &tokens)) != SQLITE_OK)
		return rc;
	*avgdl = rows > 0 && tokens > 0 ? (double)tokens / (double)rows : 1.0;
	if ((saved = malloc(sizeof(*saved))) == NULL)
		return SQLITE_NOMEM;
	*saved = *avgdl;
	return api->xSetAuxdata(fts, saved, free);
}

/* The hits of the row, each weighted by its column's argument. */
static int
weighted_hits(const Fts5ExtensionApi *api, Fts5Context *fts, int nweights,
    sqlite3_value **weights, double *hits)
{
	int i, n, phrase, column, offset, rc;

	*hits = 0;
	if ((rc = api->xInstCount(fts, &n)) != SQLITE_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = api->xInst(fts, i, &phrase, &column, &offset)) != SQLITE_OK)
			return rc;
		*hits += column < nweights ? sqlite3_value_double(weights[column]) : 1.0;
	}
	return SQLITE_OK;
}

static void
one_phrase_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nweights, sqlite3_value **weights)
{
	double avgdl, hits;
	int length = 0, rc;

	if ((rc = average_length(api, fts, &avgdl)) != SQLITE_OK ||
	    (rc = weighted_hits(api, fts, nweights, weights, &hits)) != SQLITE_OK ||
	    (rc = api->xColumnSize(fts, -1, &length)) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	sqlite3_result_double(ctx, -hits * (K1 + 1) /
	    (hits + K1 * (1 - B + B * (double)length / avgdl)));
}

/* FTS5 hands out its API through a pointer-passing function. */
static fts5_api *
fts5_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

int
rank_register(sqlite3 *db)
{
	fts5_api *api;

	if ((api = fts5_of(db)) == NULL || api->iVersion < 2 ||
	    api->xCreateFunction(api, RANK_ONE_PHRASE, NULL, one_phrase_bm25, NULL) !=
	    SQLITE_OK) {
		log_error("archive: cannot register the %s ranking: %s", RANK_ONE_PHRASE,
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}
