#include "util/text.h"

#include "util/width_table.h"

static int
in_ranges(uint32_t cp, const struct width_range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid].first)
			hi = mid;
		else if (cp > r[mid].last)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

unsigned
display_width_char(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
		return 0;
	if (in_ranges(cp, double_width, sizeof(double_width) / sizeof(double_width[0])))
		return 2;
	return 1;
}

size_t
display_width(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, width = 0;

	while (i < len) {
		uint32_t cp;
		size_t run = i, n;

		/* Printable ASCII is nearly all text: one column a byte, no
		 * decoding, no table search. */
		while (run < len && u[run] >= 0x20 && u[run] < 0x7f)
			run++;
		width += run - i;
		if ((i = run) == len)
			break;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_next(s + i, len - i, &cp)) == 0) {
			width++;
			i++;
			continue;
		}
		width += display_width_char(cp);
		i += n;
	}
	return width;
}

int
char_is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
	    cp == '\v' || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

int
char_is_invisible(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0xad ||
	    cp == 0x200b || cp == 0x2060 || cp == 0xfeff;
}
