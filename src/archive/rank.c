#include "archive/rank.h"

#include <math.h>
#include <stdlib.h>

#include "archive/words.h"
#include "util/log.h"

/* bm25's usual constants, as FTS5's own bm25() has them. */
#define K1 1.2
#define B 0.75

/* Tokens in an average article. */
static int
count_average_length(const Fts5ExtensionApi *api, Fts5Context *fts, double *avgdl)
{
	sqlite3_int64 rows = 0, tokens = 0;
	int rc;

	if ((rc = api->xRowCount(fts, &rows)) != SQLITE_OK ||
	    (rc = api->xColumnTotalSize(fts, -1, &tokens)) != SQLITE_OK)
		return rc;
	*avgdl = rows > 0 && tokens > 0 ? (double)tokens / (double)rows : 1.0;
	return SQLITE_OK;
}

/* The same, counted once per query (FTS5 auxiliary data). */
static int
average_length(const Fts5ExtensionApi *api, Fts5Context *fts, double *avgdl)
{
	double *saved;
	int rc;

	if ((saved = api->xGetAuxdata(fts, 0)) != NULL) {
		*avgdl = *saved;
		return SQLITE_OK;
	}
	if ((rc = count_average_length(api, fts, avgdl)) != SQLITE_OK)
		return rc;
	if ((saved = malloc(sizeof(*saved))) == NULL)
		return SQLITE_NOMEM;
	*saved = *avgdl;
	return api->xSetAuxdata(fts, saved, free);
}

/* Each phrase's hits in the row, weighted by their column's argument, in
 * hits[nphrases]. */
static int
phrase_hits(const Fts5ExtensionApi *api, Fts5Context *fts, int nweights,
    sqlite3_value **weights, double *hits, int nphrases)
{
	int i, n, phrase, column, offset, rc;

	for (i = 0; i < nphrases; i++)
		hits[i] = 0;
	if ((rc = api->xInstCount(fts, &n)) != SQLITE_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = api->xInst(fts, i, &phrase, &column, &offset)) != SQLITE_OK)
			return rc;
		if (phrase >= 0 && phrase < nphrases)
			hits[phrase] += column < nweights ?
			    sqlite3_value_double(weights[column]) : 1.0;
	}
	return SQLITE_OK;
}

/* The hits of every phrase in the row together, weighted by column: the
 * phrases of one user term (the words of a prefix) count as one. */
static int
all_hits(const Fts5ExtensionApi *api, Fts5Context *fts, int nweights,
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

/* bm25 of one phrase without its document frequency factor. */
static double
saturated_hits(double hits, int length, double avgdl)
{
	return hits * (K1 + 1) / (hits + K1 * (1 - B + B * (double)length / avgdl));
}

static void
one_phrase_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nweights, sqlite3_value **weights)
{
	double avgdl, hits;
	int length = 0, rc;

	if ((rc = average_length(api, fts, &avgdl)) != SQLITE_OK ||
	    (rc = all_hits(api, fts, nweights, weights, &hits)) != SQLITE_OK ||
	    (rc = api->xColumnSize(fts, -1, &length)) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	sqlite3_result_double(ctx, -saturated_hits(hits, length, avgdl));
}

/* Counting a phrase's articles stops at the RANK_COUNT_WALK_MAX-th,
 * oldest first. */
struct phrase_walk {
	sqlite3_int64 matches;
	sqlite3_int64 last;  /* rowid of the last match counted */
};

/* Per query: the average length and each phrase's inverse document
 * frequency, as bm25() has them, then room for each phrase's hits in
 * the row being ranked. */
struct frequencies {
	double avgdl;
	int nphrases;
	double values[];     /* nphrases idf, then nphrases hits */
};

static int
count_match(const Fts5ExtensionApi *api, Fts5Context *fts, void *arg)
{
	struct phrase_walk *w = arg;

	w->last = api->xRowid(fts);
	return ++w->matches < RANK_COUNT_WALK_MAX ? SQLITE_OK : SQLITE_DONE;
}

/* Articles holding the phrase: exact below RANK_COUNT_WALK_MAX, else
 * scaled from the ids the walk covered to all ids (lowest..highest),
 * at most every article. */
static int
phrase_matches(const Fts5ExtensionApi *api, Fts5Context *fts, int phrase,
    sqlite3_int64 lowest, sqlite3_int64 highest, sqlite3_int64 rows, double *matches,
    int *estimated)
{
	struct phrase_walk w = { 0, 0 };
	int rc;

	if ((rc = api->xQueryPhrase(fts, phrase, &w, count_match)) != SQLITE_OK)
		return rc;
	*matches = (double)w.matches;
	if (w.matches >= RANK_COUNT_WALK_MAX && w.last > lowest && highest > w.last) {
		*matches = fmin((double)rows, *matches * (double)(highest - lowest) /
		    (double)(w.last - lowest));
		if (estimated != NULL)
			*estimated = 1;
	}
	return SQLITE_OK;
}

static int
compute_frequencies(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_int64 lowest,
    sqlite3_int64 highest, int *estimated, struct frequencies **out)
{
	struct frequencies *f;
	sqlite3_int64 rows = 0;
	double matches;
	int i, n = api->xPhraseCount(fts), rc;

	if ((f = malloc(sizeof(*f) + 2 * (size_t)n * sizeof(f->values[0]))) == NULL)
		return SQLITE_NOMEM;
	f->nphrases = n;
	if ((rc = count_average_length(api, fts, &f->avgdl)) != SQLITE_OK ||
	    (rc = api->xRowCount(fts, &rows)) != SQLITE_OK) {
		free(f);
		return rc;
	}
	for (i = 0; i < n; i++) {
		if ((rc = phrase_matches(api, fts, i, lowest, highest, rows, &matches,
		    estimated)) != SQLITE_OK) {
			free(f);
			return rc;
		}
		/* As bm25(): never zero or below for the commonest words. */
		f->values[i] = fmax(1e-6, log(((double)rows - matches + 0.5) / (matches + 0.5)));
	}
	*out = f;
	return SQLITE_OK;
}

/* Counted once per query (FTS5 auxiliary data). */
static int
frequencies(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_int64 lowest,
    sqlite3_int64 highest, int *estimated, struct frequencies **f)
{
	int rc;

	if ((*f = api->xGetAuxdata(fts, 0)) != NULL)
		return SQLITE_OK;
	if ((rc = compute_frequencies(api, fts, lowest, highest, estimated, f)) != SQLITE_OK)
		return rc;
	return api->xSetAuxdata(fts, *f, free);
}

static int
capped_score(const Fts5ExtensionApi *api, Fts5Context *fts, int nargs,
    sqlite3_value **args, double *score)
{
	struct frequencies *f;
	const double *idf, *hits;
	int i, length = 0, rc;

	if (nargs < 3)
		return SQLITE_MISUSE;
	if ((rc = frequencies(api, fts, sqlite3_value_int64(args[0]),
	    sqlite3_value_int64(args[1]), sqlite3_value_pointer(args[2], RANK_ESTIMATED_TYPE),
	    &f)) != SQLITE_OK ||
	    (rc = api->xColumnSize(fts, -1, &length)) != SQLITE_OK ||
	    (rc = phrase_hits(api, fts, nargs - 3, args + 3, f->values + f->nphrases,
	    f->nphrases)) != SQLITE_OK)
		return rc;
	idf = f->values;
	hits = f->values + f->nphrases;
	*score = 0;
	for (i = 0; i < f->nphrases; i++)
		*score -= idf[i] * saturated_hits(hits[i], length, f->avgdl);
	return SQLITE_OK;
}

static void
capped_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nargs, sqlite3_value **args)
{
	double score;
	int rc;

	if ((rc = capped_score(api, fts, nargs, args, &score)) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	sqlite3_result_double(ctx, score);
}

int
rank_register(sqlite3 *db)
{
	fts5_api *api;

	if ((api = words_fts5(db)) == NULL || api->iVersion < 2 ||
	    api->xCreateFunction(api, RANK_ONE_PHRASE, NULL, one_phrase_bm25, NULL) !=
	    SQLITE_OK ||
	    api->xCreateFunction(api, RANK_CAPPED, NULL, capped_bm25, NULL) != SQLITE_OK) {
		log_error("archive: cannot register the search rankings: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}
