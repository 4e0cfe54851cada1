#include "archive/query.h"
#include "util/text.h"

#include <string.h>

static int
is_space(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

/* Letters and digits of any script: unicode61 keeps them as tokens. */
static int
is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c >= 0x80;
}

static int
has_word(const struct query_term *t)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (is_word_byte((unsigned char)t->start[i]))
			return 1;
	return 0;
}

/* Read one term at p; returns where the next one starts. */
static const char *
next_term(const char *p, struct query_term *t)
{
	const char *end;

	memset(t, 0, sizeof(*t));
	if (*p == '-' && (p[1] == '"' || is_word_byte((unsigned char)p[1]))) {
		t->negated = 1;
		p++;
	}
	if (*p == '"') {
		t->quoted = 1;
		t->start = ++p;
		while (*p != '\0' && *p != '"')
			p++;
		t->len = (size_t)(p - t->start);
		if (*p == '"')
			p++;
		t->prefix = *p == '*';
		while (*p == '*')
			p++;
		return p;
	}
	t->start = p;
	while (*p != '\0' && *p != '"' && !is_space((unsigned char)*p))
		p++;
	end = p;
	while (end > t->start && end[-1] == '*') {
		t->prefix = 1;
		end--;
	}
	t->len = (size_t)(end - t->start);
	return p;
}

static int
is_or(const struct query_term *t)
{
	return !t->quoted && !t->negated && !t->prefix && t->len == 2 &&
	    strncmp(t->start, "OR", 2) == 0;
}

void
query_parse(const char *words, struct query *q)
{
	struct query_term t;
	const char *p = words;
	int pending_or = 0;

	memset(q, 0, sizeof(*q));
	while (*p != '\0' && q->n < QUERY_MAX_TERMS) {
		while (*p != '\0' && is_space((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		p = next_term(p, &t);
		if (is_or(&t)) {
			pending_or = 1;
			continue;
		}
		if (!has_word(&t))
			continue;
		/* OR joins two terms that are searched for. */
		if (pending_or && !t.negated && q->n > 0 && !q->terms[q->n - 1].negated)
			q->terms[q->n - 1].or_next = 1;
		pending_or = 0;
		q->positive += !t.negated;
		q->terms[q->n++] = t;
	}
	if (q->n > 0)
		q->terms[q->n - 1].or_next = 0;
}

/* Cut to the byte limit without splitting a UTF-8 sequence. */
static size_t
capped_length(const struct query_term *t)
{
	return utf8_prefix_len(t->start, t->len, QUERY_MAX_TERM_BYTES);
}

static void
append_phrase(struct buf *out, const struct query_term *t)
{
	/* Terms end at any quote, so none needs escaping inside the string. */
	buf_append_char(out, '"');
	buf_append(out, t->start, capped_length(t));
	buf_append_char(out, '"');
	if (t->prefix)
		buf_append_char(out, '*');
}

/* The terms negated (or not), each group of ORs in parentheses. */
static int
append_terms(struct buf *out, const struct query *q, int negated, const char *joint)
{
	int i, n = 0, open = 0;

	for (i = 0; i < q->n; i++) {
		const struct query_term *t = &q->terms[i];

		if (t->negated != negated)
			continue;
		if (n++ > 0)
			buf_append_str(out, open ? " OR " : joint);
		if (!open && t->or_next) {
			buf_append_char(out, '(');
			open = 1;
		}
		append_phrase(out, t);
		if (open && !t->or_next) {
			buf_append_char(out, ')');
			open = 0;
		}
	}
	return n;
}

int
query_fts(const struct query *q, struct buf *out)
{
	/* FTS5 joins a group in parentheses to the rest only by a written AND. */
	const char *joint = " ";
	int i, n;

	for (i = 0; i < q->n; i++)
		if (q->terms[i].or_next)
			joint = " AND ";
	if (q->positive == 0)
		return out->failed ? -1 : 0;
	if (q->positive == q->n) {
		n = append_terms(out, q, 0, joint);
		return out->failed ? -1 : n;
	}
	buf_append_char(out, '(');
	n = append_terms(out, q, 0, joint);
	buf_append_str(out, ") NOT (");
	n += append_terms(out, q, 1, " OR ");
	buf_append_char(out, ')');
	return out->failed ? -1 : n;
}

int
query_to_fts(const char *words, struct buf *out)
{
	struct query q;

	query_parse(words, &q);
	return query_fts(&q, out);
}

static void
append_typed(struct buf *out, const struct query_term *t)
{
	if (t->negated)
		buf_append_char(out, '-');
	if (t->quoted)
		buf_append_char(out, '"');
	buf_append(out, t->start, capped_length(t));
	if (t->quoted)
		buf_append_char(out, '"');
	if (t->prefix)
		buf_append_char(out, '*');
}

/* Whether the terms from a to b (a < b) are one run of ORs. */
static int
ored(const struct query *q, int a, int b)
{
	for (; a < b; a++)
		if (!q->terms[a].or_next)
			return 0;
	return 1;
}

int
query_without(const struct query *q, int i, struct buf *out)
{
	int j, last = -1;

	for (j = 0; j < q->n; j++) {
		if (j == i)
			continue;
		if (last >= 0)
			buf_append_str(out, ored(q, last, j) ? " OR " : " ");
		append_typed(out, &q->terms[j]);
		last = j;
	}
	return out->failed ? -1 : 0;
}
