#include "util/text.h"

/* Which ASCII bytes percent_encode() leaves as they are, one bit a byte:
 * a look-up instead of a search of keep for every byte.  Unreserved
 * (RFC 3986): '-', '.', '0'-'9' below 64; 'A'-'Z', '_', 'a'-'z', '~'
 * above. */
struct ascii_set {
	uint64_t bits[2];
};

static void
ascii_kept(const char *keep, struct ascii_set *kept)
{
	unsigned char c;

	if (keep == NULL) {
		kept->bits[0] = kept->bits[1] = ~(uint64_t)0;
		return;
	}
	kept->bits[0] = 0x03ff600000000000ull;
	kept->bits[1] = 0x47fffffe87fffffeull;
	for (; (c = (unsigned char)*keep) != '\0'; keep++)
		if (c < 0x80)
			kept->bits[c >> 6] |= (uint64_t)1 << (c & 63);
}

static int
ascii_in(const struct ascii_set *set, unsigned char c)
{
	return c < 0x80 && (set->bits[c >> 6] >> (c & 63) & 1);
}

/* What RFC 3987 leaves out of IRIs although it is a character: C1
 * controls and the bidirectional formatting characters, with which a
 * link could show other than it leads. */
static int
iri_excluded(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int
percent_encode(struct buf *out, const char *s, size_t len, const char *keep,
    enum percent_policy policy)
{
	static const char hex[] = "0123456789ABCDEF";
	struct ascii_set kept;
	size_t i = 0, span = 0, n;
	uint32_t cp;

	ascii_kept(keep, &kept);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (ascii_in(&kept, c)) {
			i++;
			continue;
		}
		/* A character left encoded is encoded byte by byte: its
		 * first byte here, the others as stray continuation bytes. */
		if (c >= 0x80 && policy != PERCENT_ASCII && (n = utf8_next(s + i, len - i, &cp)) > 0 &&
		    !iri_excluded(cp) &&
		    (policy == PERCENT_IRI || !(char_is_space(cp) || char_is_invisible(cp)))) {
			i += n;
			continue;
		}
		buf_append(out, s + span, i - span);
		buf_append(out, (char[]){ '%', hex[c >> 4], hex[c & 0xf] }, 3);
		span = ++i;
	}
	buf_append(out, s + span, len - span);
	return out->failed ? -1 : 0;
}

int
hex_digit_value(int c)
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
