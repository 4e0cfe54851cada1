#include <gumbo.h>
#include <string.h>

#include "convert/html_entity.h"
#include "util/text.h"

/* Length of the entity at s ('&'): "&name;", "&#N;" or "&#xN;", else 0.
 * Names and numbers longer than any real one are not entities. */
static size_t
entity_at(const char *s, size_t len)
{
	size_t i = 1, start;
	int hex = 0, numeric = 0;

	if (len > 1 && s[1] == '#') {
		numeric = 1;
		i = 2;
		if (len > 2 && (s[2] | 0x20) == 'x') {
			hex = 1;
			i = 3;
		}
	}
	for (start = i; i < len && i - start < 32; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			continue;
		if (!numeric && (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')
			continue;
		if (hex && hex_digit_value(s[i]) >= 0)
			continue;
		break;
	}
	return i > start && i < len && s[i] == ';' ? i + 1 : 0;
}

int
html_has_entity(const char *s, size_t len)
{
	const char *amp;

	while ((amp = memchr(s, '&', len)) != NULL) {
		len -= (size_t)(amp - s);
		if (entity_at(amp, len) > 0)
			return 1;
		s = amp + 1;
		len--;
	}
	return 0;
}

/* The text as markup whose only references are its complete entities:
 * every other '&' and every '<' escaped, so nothing else can change. */
static int
escape_for_parser(const char *s, size_t len, struct buf *markup)
{
	size_t i, n;
	int rc = buf_append_str(markup, "<body>");

	for (i = 0; i < len && rc == 0; i++) {
		if (s[i] == '<')
			rc = buf_append_str(markup, "&lt;");
		else if (s[i] == '&' && (n = entity_at(s + i, len - i)) > 0) {
			rc = buf_append(markup, s + i, n);
			i += n - 1;
		} else if (s[i] == '&')
			rc = buf_append_str(markup, "&amp;");
		else if (s[i] == '\0')
			rc = buf_append_str(markup, "&#xfffd;");
		else
			rc = buf_append_char(markup, s[i]);
	}
	return rc;
}

static int
append_body_text(const GumboNode *root, struct buf *out)
{
	const GumboVector *children;
	const GumboNode *body = NULL, *child;
	unsigned int k;
	int rc = 0;

	children = &root->v.element.children;
	for (k = 0; k < children->length; k++) {
		child = children->data[k];
		if (child->type == GUMBO_NODE_ELEMENT && child->v.element.tag == GUMBO_TAG_BODY)
			body = child;
	}
	if (body == NULL)
		return 0;
	children = &body->v.element.children;
	for (k = 0; k < children->length && rc == 0; k++) {
		child = children->data[k];
		if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE)
			rc = buf_append_str(out, child->v.text.text);
	}
	return rc;
}

int
html_append_decoded(struct buf *out, const char *s, size_t len)
{
	GumboOptions options = kGumboDefaultOptions;
	struct buf markup = BUF_INIT;
	GumboOutput *parsed;
	int rc;

	if (!html_has_entity(s, len))
		return buf_append(out, s, len);
	/* gumbo knows every HTML5 entity and the numeric rules; it has no
	 * decoding call of its own, so the text is parsed as a body. */
	options.max_errors = 0;
	if (escape_for_parser(s, len, &markup) == -1 ||
	    (parsed = gumbo_parse_with_options(&options, markup.data, markup.len)) == NULL) {
		buf_free(&markup);
		return -1;
	}
	rc = append_body_text(parsed->root, out);
	gumbo_destroy_output(&options, parsed);
	buf_free(&markup);
	return rc;
}

char *
html_decode_entities(const char *s)
{
	struct buf out = BUF_INIT;

	if (html_append_decoded(&out, s, strlen(s)) == -1 || buf_append(&out, "", 0) == -1) {
		buf_free(&out);
		return NULL;
	}
	return buf_release(&out, NULL);
}
