#include "archive/words.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive/strlist.h"
#include "util/log.h"
#include "util/text.h"

const char words_range_sql[] =
	"SELECT word FROM words WHERE word >= ?1 AND word < ?2 ORDER BY word LIMIT ?3";

fts5_api *
words_fts5(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;

	/* FTS5 hands out its API through a pointer-passing function. */
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

int
words_tokenizer_open(struct words_tokenizer *t)
{
	static const char *const args[] = { WORDS_TOKENIZER_ARG1, WORDS_TOKENIZER_ARG2 };
	fts5_api *api;
	void *user = NULL;

	memset(t, 0, sizeof(*t));
	if (sqlite3_open_v2(":memory:", &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK || (api = words_fts5(t->db)) == NULL ||
	    api->xFindTokenizer(api, WORDS_TOKENIZER, &user, &t->api) != SQLITE_OK ||
	    t->api.xCreate(user, (const char **)args, 2, &t->tokenizer) != SQLITE_OK) {
		log_error("archive: cannot make a tokenizer: %s",
		    t->db != NULL ? sqlite3_errmsg(t->db) : "out of memory");
		words_tokenizer_close(t);
		return -1;
	}
	return 0;
}

void
words_tokenizer_close(struct words_tokenizer *t)
{
	if (t->tokenizer != NULL)
		t->api.xDelete(t->tokenizer);
	sqlite3_close(t->db);
	memset(t, 0, sizeof(*t));
}

/* The distinct words of one call, appended to out: an open-addressing
 * set of offsets (plus one; 0 is a free slot) from start. */
struct word_set {
	struct buf *out;
	size_t start;
	uint32_t *slots;
	size_t cap, n;
	int max_len;         /* longer tokens are counted, not listed */
	long long tokens;    /* as FTS5 counts them: colocated ones not again */
};

/* The slot holding the word (len bytes at w), or the free slot for it. */
static size_t
find_slot(const struct word_set *set, const char *w, size_t len)
{
	size_t i = (size_t)text_hash64(w, len) & (set->cap - 1);
	const char *have;

	while (set->slots[i] != 0) {
		have = set->out->data + set->start + set->slots[i] - 1;
		if (strncmp(have, w, len) == 0 && have[len] == '\0')
			return i;
		i = (i + 1) & (set->cap - 1);
	}
	return i;
}

static int
grow(struct word_set *set)
{
	uint32_t *old = set->slots;
	size_t i, oldcap = set->cap;
	const char *w;

	if ((set->slots = calloc(oldcap * 2, sizeof(*set->slots))) == NULL) {
		set->slots = old;
		return -1;
	}
	set->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++) {
		if (old[i] == 0)
			continue;
		w = set->out->data + set->start + old[i] - 1;
		set->slots[find_slot(set, w, strlen(w))] = old[i];
	}
	free(old);
	return 0;
}

static int
add_token(void *ctx, int tflags, const char *token, int len, int start, int end)
{
	struct word_set *set = ctx;
	size_t slot, at;

	(void)start;
	(void)end;
	if ((tflags & FTS5_TOKEN_COLOCATED) == 0 || set->tokens == 0)
		set->tokens++;
	if (len <= 0 || len > set->max_len)
		return SQLITE_OK;
	slot = find_slot(set, token, (size_t)len);
	if (set->slots[slot] != 0)
		return SQLITE_OK;
	at = set->out->len - set->start;
	if (at >= UINT32_MAX - WORDS_MAX_BYTES || buf_append(set->out, token, (size_t)len) == -1 ||
	    buf_append_char(set->out, '\0') == -1)
		return SQLITE_NOMEM;
	set->slots[slot] = (uint32_t)at + 1;
	if (++set->n * 2 > set->cap && grow(set) == -1)
		return SQLITE_NOMEM;
	return SQLITE_OK;
}

int
words_distinct(struct words_tokenizer *t, const char *const *texts, size_t n,
    struct buf *out)
{
	struct word_set set = { out, out->len, NULL, 1024, 0, WORDS_MAX_BYTES, 0 };
	size_t i;
	int rc = SQLITE_OK;

	if ((set.slots = calloc(set.cap, sizeof(*set.slots))) == NULL)
		return -1;
	for (i = 0; i < n && rc == SQLITE_OK; i++)
		if (texts[i] != NULL && strlen(texts[i]) <= INT32_MAX)
			rc = t->api.xTokenize(t->tokenizer, &set, FTS5_TOKENIZE_DOCUMENT, texts[i],
			    (int)strlen(texts[i]), add_token);
	free(set.slots);
	return rc == SQLITE_OK && !out->failed ? 0 : -1;
}

static int
by_bytes(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The words of set (NUL-separated in its buffer) in byte order, one space
 * between them, then the shortest again until there are set->tokens. */
static int
write_removal(const struct word_set *set, struct buf *out)
{
	const char **sorted, *w, *shortest = NULL;
	size_t i = 0;
	long long k;

	if (set->n == 0)
		return 0;
	if ((sorted = malloc(set->n * sizeof(*sorted))) == NULL)
		return -1;
	for (w = set->out->data; i < set->n; w += strlen(w) + 1) {
		sorted[i++] = w;
		if (shortest == NULL || strlen(w) < strlen(shortest))
			shortest = w;
	}
	qsort(sorted, set->n, sizeof(*sorted), by_bytes);
	for (i = 0; i < set->n; i++) {
		buf_append(out, sorted[i], strlen(sorted[i]));
		buf_append_char(out, ' ');
	}
	for (k = (long long)set->n; k < set->tokens; k++) {
		buf_append(out, shortest, strlen(shortest));
		buf_append_char(out, ' ');
	}
	free(sorted);
	return out->failed ? -1 : 0;
}

int
words_removal(struct words_tokenizer *t, const char *text, struct buf *out)
{
	struct buf distinct = BUF_INIT;
	struct word_set set = { &distinct, 0, NULL, 1024, 0, INT32_MAX, 0 };
	int rc = SQLITE_NOMEM;

	buf_truncate(out, 0);
	if (strlen(text) <= INT32_MAX && (set.slots = calloc(set.cap, sizeof(*set.slots))) != NULL)
		rc = t->api.xTokenize(t->tokenizer, &set, FTS5_TOKENIZE_DOCUMENT, text,
		    (int)strlen(text), add_token);
	if (rc == SQLITE_OK && !distinct.failed)
		rc = write_removal(&set, out) == 0 ? SQLITE_OK : SQLITE_NOMEM;
	free(set.slots);
	buf_free(&distinct);
	return rc == SQLITE_OK ? 0 : -1;
}

int
words_pack_kept(struct words_tokenizer *t, struct packer *p, const char *body, int whole,
    struct buf *out)
{
	struct buf removal = BUF_INIT;
	int rc;

	if (whole)
		return packer_pack(p, body, strlen(body), out);
	rc = words_removal(t, body, &removal) == 0 ?
	    packer_pack(p, removal.data != NULL ? removal.data : "", removal.len, out) : -1;
	buf_free(&removal);
	return rc;
}

int
words_filter_seen(struct words_filter *f, const char *word, size_t len)
{
	uint64_t h = text_hash64(word, len) | 1;
	size_t i;

	if (f->slots == NULL && (f->slots = calloc(WORDS_FILTER_SLOTS, sizeof(*f->slots))) == NULL)
		return -1;
	for (i = (size_t)(h >> 20) & (WORDS_FILTER_SLOTS - 1); f->slots[i] != 0;
	    i = (i + 1) & (WORDS_FILTER_SLOTS - 1))
		if (f->slots[i] == h)
			return 1;
	if (f->n >= WORDS_FILTER_SLOTS / 4 * 3) {
		memset(f->slots, 0, WORDS_FILTER_SLOTS * sizeof(*f->slots));
		f->n = 0;
		i = (size_t)(h >> 20) & (WORDS_FILTER_SLOTS - 1);
	}
	f->slots[i] = h;
	f->n++;
	return 0;
}

void
words_filter_free(struct words_filter *f)
{
	free(f->slots);
	f->slots = NULL;
	f->n = 0;
}

/* Tokens of a query string, in order, into a list. */
static int
add_query_token(void *ctx, int tflags, const char *token, int len, int start, int end)
{
	(void)tflags;
	(void)start;
	(void)end;
	return strlist_add(ctx, token, (size_t)len) == 0 ? SQLITE_OK : SQLITE_NOMEM;
}

static int
by_length(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);

	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

/* The words starting with prefix, shortest first, at most
 * WORDS_PREFIX_MAX (*capped set when there were more). */
static int
words_starting(sqlite3_stmt *range, const char *prefix, struct strlist *found, int *capped)
{
	size_t len = strlen(prefix);
	char *upper;
	int rc;

	/* Words with the prefix sort before the prefix with its last byte
	 * one higher: the last byte of UTF-8 text is below 0xf5. */
	if ((upper = strdup(prefix)) == NULL)
		return -1;
	upper[len - 1]++;
	sqlite3_bind_text(range, 1, prefix, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(range, 2, upper, (int)len, SQLITE_STATIC);
	sqlite3_bind_int(range, 3, WORDS_PREFIX_SCAN + 1);
	while ((rc = sqlite3_step(range)) == SQLITE_ROW)
		strlist_add(found, (const char *)sqlite3_column_text(range, 0),
		    (size_t)sqlite3_column_bytes(range, 0));
	sqlite3_reset(range);
	sqlite3_clear_bindings(range);
	free(upper);
	if (rc != SQLITE_DONE || found->failed)
		return -1;
	if (found->n > 1)
		qsort(found->v, found->n, sizeof(*found->v), by_length);
	if (found->n > WORDS_PREFIX_MAX) {
		*capped = 1;
		while (found->n > WORDS_PREFIX_MAX)
			free(found->v[--found->n]);
		found->v[found->n] = NULL;
	}
	return 0;
}

/* ("t1 t2 w1" OR "t1 t2 w2" ...): the phrase tokens[0..n-1) then each word. */
static void
append_alternatives(struct buf *out, const struct strlist *tokens, const struct strlist *words)
{
	size_t i, j;

	buf_append_char(out, '(');
	for (i = 0; i < words->n; i++) {
		buf_append_str(out, i > 0 ? " OR \"" : "\"");
		for (j = 0; j + 1 < tokens->n; j++) {
			buf_append_str(out, tokens->v[j]);
			buf_append_char(out, ' ');
		}
		buf_append_str(out, words->v[i]);
		buf_append_char(out, '"');
	}
	buf_append_char(out, ')');
}

/* The prefix string text (len bytes, without its quotes and star). */
static int
expand_prefix(struct words_tokenizer *t, sqlite3_stmt *range, const char *text, size_t len,
    struct buf *out, int *capped)
{
	struct strlist tokens = STRLIST_INIT, words = STRLIST_INIT;
	int rc = 0;

	if (len > INT32_MAX || t->api.xTokenize(t->tokenizer, &tokens,
	    FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, text, (int)len, add_query_token) !=
	    SQLITE_OK)
		rc = -1;
	else if (tokens.n > 0 && strlen(tokens.v[tokens.n - 1]) <= WORDS_MAX_BYTES)
		rc = words_starting(range, tokens.v[tokens.n - 1], &words, capped);
	if (rc == 0 && words.n > 0)
		append_alternatives(out, &tokens, &words);
	else if (rc == 0) {
		/* No word has it: FTS5's own prefix query finds nothing quickly. */
		buf_append_char(out, '"');
		buf_append(out, text, len);
		buf_append_str(out, "\"*");
	}
	strlist_clear(&tokens);
	strlist_clear(&words);
	return rc;
}

/* The end of the FTS5 string starting at the quote at s: its closing
 * quote, or the end of the text ("" inside is an escaped quote). */
static const char *
string_end(const char *s)
{
	for (s++; *s != '\0'; s++) {
		if (*s != '"')
			continue;
		if (s[1] != '"')
			return s;
		s++;
	}
	return s;
}

/* Where the expression stands while it is copied.  FTS5 joins phrases
 * side by side with an implicit AND, but not a parenthesised group:
 * one needs AND written out on both sides. */
struct expansion {
	struct buf *out;
	int operand;         /* the last thing written is an operand */
	int group;           /* ...and it is a group */
};

/* Before an operand (group: it is a group). */
static void
operand_start(struct expansion *e, int group)
{
	if (e->operand && (group || e->group))
		buf_append_str(e->out, "AND ");
}

/* Copy what lies between operands: spaces, operators, parentheses. */
static const char *
copy_between(struct expansion *e, const char *p)
{
	if (*p == '(') {
		operand_start(e, 1);
		e->operand = e->group = 0;
	} else if (*p == ')') {
		e->operand = e->group = 1;
	} else if (*p != ' ') {
		e->operand = e->group = 0;
	}
	buf_append_char(e->out, *p);
	return p + 1;
}

int
words_expand(struct words_tokenizer *t, sqlite3_stmt *range, const char *fts,
    struct buf *out, int *capped)
{
	struct expansion e = { out, 0, 0 };
	const char *p = fts, *end, *after;
	int prefix;

	*capped = 0;
	while (*p != '\0') {
		if (*p != '"') {
			p = copy_between(&e, p);
			continue;
		}
		end = string_end(p);
		after = *end == '"' ? end + 1 : end;
		prefix = *after == '*';
		operand_start(&e, prefix);
		if (!prefix)
			buf_append(out, p, (size_t)(after - p));
		else if (expand_prefix(t, range, p + 1, (size_t)(end - p - 1), out, capped) == -1)
			return -1;
		e.operand = 1;
		e.group = prefix;
		p = after + prefix;
	}
	return out->failed ? -1 : 0;
}
