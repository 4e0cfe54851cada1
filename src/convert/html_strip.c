#include <string.h>
#include <strings.h>

#include "convert/html_strip.h"
#include "util/buf.h"
#include "util/text.h"

/* The largest JSON-LD block kept: metadata is a few kilobytes at most. */
#define JSONLD_MAX (1u << 20)

enum content {
	CONTENT_MARKUP,  /* parsed as it comes */
	CONTENT_RAW,     /* text up to the end tag, kept */
	CONTENT_DROPPED, /* text up to the end tag, left out */
	CONTENT_NESTED,  /* markup up to the matching end tag, left out */
};

struct stripper {
	const char *p, *end;
	struct buf out;
	size_t max;
	int full;
};

static enum content
content_of(const char *name, size_t n)
{
	static const struct {
		const char *name;
		enum content content;
	} kinds[] = {
		{ "script", CONTENT_DROPPED }, { "style", CONTENT_DROPPED },
		{ "svg", CONTENT_NESTED }, { "noscript", CONTENT_NESTED },
		{ "template", CONTENT_NESTED }, { "title", CONTENT_RAW },
		{ "textarea", CONTENT_RAW }, { "xmp", CONTENT_RAW }, { "iframe", CONTENT_RAW },
		{ "noembed", CONTENT_RAW }, { "noframes", CONTENT_RAW },
		{ "plaintext", CONTENT_RAW },
	};
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strlen(kinds[k].name) == n && strncasecmp(name, kinds[k].name, n) == 0)
			return kinds[k].content;
	return CONTENT_MARKUP;
}

static int
is_name_char(char c)
{
	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static int
ends_name(const char *p, const char *end)
{
	return p >= end || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' ||
	    *p == '/' || *p == '>';
}

/* The tag "<name" or "</name" at p, the name ending there (as the
 * tokenizer ends a script at the first "</script" that is followed by a
 * space, '/' or '>'). */
static int
is_tag_named(const char *p, const char *end, int closing, const char *name, size_t n)
{
	size_t skip = closing ? 2 : 1;

	if ((size_t)(end - p) < skip + n || p[0] != '<' || (closing && p[1] != '/'))
		return 0;
	return strncasecmp(p + skip, name, n) == 0 && ends_name(p + skip + n, end);
}

/* The end of the tag starting at p ('<'), quoted attribute values
 * skipped. */
static const char *
tag_end(const char *p, const char *end)
{
	char quote = 0;

	for (p++; p < end; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if ((*p == '"' || *p == '\'') && p[-1] == '=')
			quote = *p;
		else if (*p == '>')
			return p + 1;
	}
	return end;
}

/* Where the comment starting at p ("<!--") ends; an open comment runs
 * to the end of the page, as it does for the parser. */
static const char *
comment_end(const char *p, const char *end)
{
	const char *q = p + 4;

	if (q < end && *q == '>')
		return q + 1;
	if (end - q >= 2 && q[0] == '-' && q[1] == '>')
		return q + 2;
	for (; end - q >= 3; q++)
		if (q[0] == '-' && q[1] == '-' && q[2] == '>')
			return q + 3;
	return end;
}

/* The first "</name" at or after p that ends the element's text. */
static const char *
raw_end(const char *p, const char *end, const char *name, size_t n)
{
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (is_tag_named(p, end, 1, name, n))
			return p;
		p++;
	}
	return end;
}

/* The "</name" closing the element whose content starts at p, elements
 * of the same name counted. */
static const char *
nested_end(const char *p, const char *end, const char *name, size_t n)
{
	size_t depth = 1;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (is_tag_named(p, end, 1, name, n) && --depth == 0)
			return p;
		if (is_tag_named(p, end, 0, name, n))
			depth++;
		p++;
	}
	return end;
}

/* Copy s[0..n) unless the cap is reached; a text run is cut at a
 * character boundary, a tag is never cut. */
static void
emit(struct stripper *s, const char *from, size_t n, int is_text)
{
	size_t room;

	if (s->full)
		return;
	room = s->max - s->out.len;
	if (n > room) {
		s->full = 1;
		if (!is_text)
			return;
		n = utf8_prefix_len(from, n, room);
	}
	buf_append(&s->out, from, n);
}

static int
is_jsonld(const char *tag, const char *end)
{
	size_t n = strlen("ld+json");

	for (; tag + n <= end; tag++)
		if (strncasecmp(tag, "ld+json", n) == 0)
			return 1;
	return 0;
}

/* The start tag at s->p: copy it, then deal with its content. */
static void
start_tag(struct stripper *s)
{
	const char *tag = s->p, *name = tag + 1, *close = tag_end(tag, s->end), *stop;
	size_t n;
	enum content content;

	for (n = 0; name + n < close && is_name_char(name[n]); n++)
		;
	emit(s, tag, (size_t)(close - tag), 0);
	s->p = close;
	content = content_of(name, n);
	if (content == CONTENT_MARKUP)
		return;
	if (content == CONTENT_NESTED)
		stop = nested_end(close, s->end, name, n);
	else
		stop = raw_end(close, s->end, name, n);
	if (content == CONTENT_RAW ||
	    (n == 6 && strncasecmp(name, "script", n) == 0 && is_jsonld(tag, close) &&
	    (size_t)(stop - close) <= JSONLD_MAX))
		emit(s, close, (size_t)(stop - close), 1);
	s->p = stop;
}

static void
strip(struct stripper *s)
{
	const char *lt;

	while (s->p < s->end && !s->full) {
		if ((lt = memchr(s->p, '<', (size_t)(s->end - s->p))) == NULL)
			lt = s->end;
		emit(s, s->p, (size_t)(lt - s->p), 1);
		if ((s->p = lt) >= s->end)
			break;
		if (s->end - lt >= 4 && strncmp(lt, "<!--", 4) == 0)
			s->p = comment_end(lt, s->end);
		else if (s->end - lt >= 2 && ((lt[1] | 0x20) >= 'a' && (lt[1] | 0x20) <= 'z'))
			start_tag(s);
		else if (s->end - lt >= 2 && (lt[1] == '/' || lt[1] == '!' || lt[1] == '?')) {
			s->p = tag_end(lt, s->end);
			emit(s, lt, (size_t)(s->p - lt), 0);
		} else {
			emit(s, lt, 1, 1);
			s->p = lt + 1;
		}
	}
}

char *
html_strip_hidden(const char *html, size_t len, size_t max, size_t *outlen)
{
	struct stripper s = { html, html + len, BUF_INIT, max, 0 };

	/* Most pages shrink: reserving the input size (up to the cap) avoids
	 * regrowing, and a doubling past the cap. */
	if (buf_reserve(&s.out, (len < max ? len : max) + 1) == -1)
		return NULL;
	strip(&s);
	if (buf_append(&s.out, "", 0) == -1) {
		buf_free(&s.out);
		return NULL;
	}
	return buf_release(&s.out, outlen);
}
