#include "archive/query.h"

#include <stddef.h>

struct term {
	const char *start;
	size_t len;
	int prefix;
};

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
has_word(const struct term *t)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (is_word_byte((unsigned char)t->start[i]))
			return 1;
	return 0;
}

/* Read one term at p; returns where the next one starts. */
static const char *
next_term(const char *p, struct term *t)
{
	const char *end;

	if (*p == '"') {
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
	t->prefix = 0;
	while (end > t->start && end[-1] == '*') {
		t->prefix = 1;
		end--;
	}
	t->len = (size_t)(end - t->start);
	return p;
}

/* Cut to the byte limit without splitting a UTF-8 sequence. */
static size_t
capped_length(const struct term *t)
{
	size_t len = t->len;

	if (len <= QUERY_MAX_TERM_BYTES)
		return len;
	len = QUERY_MAX_TERM_BYTES;
	while (len > 0 && ((unsigned char)t->start[len] & 0xc0) == 0x80)
		len--;
	return len;
}

static void
append_term(struct buf *out, const struct term *t)
{
	size_t len = capped_length(t);

	/* Terms end at any quote, so none needs escaping inside the string. */
	buf_append_char(out, '"');
	buf_append(out, t->start, len);
	buf_append_char(out, '"');
	if (t->prefix)
		buf_append_char(out, '*');
}

int
query_to_fts(const char *words, struct buf *out)
{
	struct term t;
	const char *p = words;
	int n = 0;

	while (*p != '\0' && n < QUERY_MAX_TERMS) {
		while (*p != '\0' && is_space((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		p = next_term(p, &t);
		if (!has_word(&t))
			continue;
		if (n > 0)
			buf_append_char(out, ' ');
		append_term(out, &t);
		n++;
	}
	return out->failed ? -1 : n;
}
