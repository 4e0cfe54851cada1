#include <stdio.h>

#include "util/text.h"

void
format_size(char *out, size_t outsize, long long size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v;
	size_t u;

	if (size < 1024) {
		snprintf(out, outsize, "%lld B", size);
		return;
	}
	v = (double)size / 1024;
	/* 1023.95 and up would print as "1024.0": take the next unit. */
	for (u = 0; v >= 1023.95 && u + 1 < sizeof(units) / sizeof(units[0]); u++)
		v /= 1024;
	snprintf(out, outsize, "%.1f %s", v, units[u]);
}

const char *
month_name(int month)
{
	static const char *const names[] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December",
	};

	return month >= 1 && month <= 12 ? names[month - 1] : NULL;
}

uint64_t
text_hash64(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	while (len-- > 0)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}
