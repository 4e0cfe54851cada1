#include <string.h>

#include "util/text.h"

static int
unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~';
}

int
percent_encode(struct buf *out, const char *s, size_t len, const char *keep,
    enum percent_policy policy)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, span = 0, n;
	uint32_t cp;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		char escape[3] = { '%', hex[c >> 4], hex[c & 0xf] };

		if (unreserved(c) || (c != '\0' && c < 0x80 && strchr(keep, c) != NULL)) {
			i++;
			continue;
		}
		if (c >= 0x80 && policy == PERCENT_IRI && (n = utf8_next(s + i, len - i, &cp)) > 0) {
			i += n;
			continue;
		}
		buf_append(out, s + span, i - span);
		buf_append(out, escape, sizeof(escape));
		span = ++i;
	}
	buf_append(out, s + span, len - span);
	return out->failed ? -1 : 0;
}

int
hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
percent_decode(const char *s, size_t len, char *out)
{
	size_t i, n = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && (hi = hex_digit_value(s[i + 1])) >= 0 &&
		    (lo = hex_digit_value(s[i + 2])) >= 0) {
			out[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[n++] = s[i];
	}
	return n;
}

int
percent_decode_buf(struct buf *out, const char *s, size_t len)
{
	if (buf_reserve(out, len) != 0)
		return -1;
	out->len += percent_decode(s, len, out->data + out->len);
	out->data[out->len] = '\0';
	return 0;
}

int
percent_well_formed(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '%' && (i + 2 >= len || hex_digit_value(s[i + 1]) < 0 ||
		    hex_digit_value(s[i + 2]) < 0))
			return 0;
	return 1;
}
