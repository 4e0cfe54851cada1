#include <string.h>

#include "util/text.h"

size_t
utf8_next(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, i;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
		min = 0x80;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
		min = 0x800;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t
utf8_next_lossy(const char *s, size_t len, uint32_t *cp)
{
	size_t n = utf8_next(s, len, cp);

	if (n > 0)
		return n;
	*cp = 0xfffd;
	return 1;
}

size_t
utf8_ascii_len(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	uint64_t word;

	/* Eight bytes at a time: a saved page is mostly ASCII markup. */
	for (; i + 8 <= len; i += 8) {
		memcpy(&word, u + i, 8);
		if (word & 0x8080808080808080ull)
			break;
	}
	while (i < len && u[i] < 0x80)
		i++;
	return i;
}

int
utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	while ((i += utf8_ascii_len(s + i, len - i)) < len) {
		if ((n = utf8_next(s + i, len - i, &cp)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
utf8_append_clean(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, span = 0, n;
	uint32_t cp;

	while ((i += utf8_ascii_len(s + i, len - i)) < len) {
		if ((n = utf8_next(s + i, len - i, &cp)) > 0) {
			i += n;
			continue;
		}
		buf_append(out, s + span, i - span);
		buf_append_str(out, "\xef\xbf\xbd");
		span = ++i;
	}
	buf_append(out, s + span, len - span);
	return out->failed ? -1 : 0;
}

int
utf8_append_char(struct buf *out, uint32_t cp)
{
	char seq[4];
	size_t n;

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		seq[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		seq[0] = (char)(0xc0 | (cp >> 6));
		seq[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		seq[0] = (char)(0xe0 | (cp >> 12));
		seq[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		seq[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		seq[0] = (char)(0xf0 | (cp >> 18));
		seq[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		seq[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		seq[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_append(out, seq, n);
}

size_t
utf8_prefix_len(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	/* s[max] starts the first character left out, unless it continues one. */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}
