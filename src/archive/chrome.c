#include "archive/chrome.h"

#include <stdlib.h>
#include <string.h>

#include "convert/textutil.h"

int
chrome_heads(const char *data, size_t len, struct strlist *heads)
{
	const char *p = data, *end = data + len, *eol;
	size_t seen = 0, clean_len;
	char *clean;

	/* Lines end at CR, LF or CRLF, as in the text reader. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && seen < CHROME_HEAD_LINES) {
		for (eol = p; eol < end && *eol != '\n' && *eol != '\r'; eol++)
			;
		if ((clean = text_squeeze(p, (size_t)(eol - p))) == NULL)
			return -1;
		clean_len = strlen(clean);
		if (clean_len > 0)
			seen++;
		if (clean_len > 0 && clean_len <= CHROME_LINE_MAX)
			strlist_add(heads, clean, clean_len);
		free(clean);
		if (eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n')
			eol++;
		p = eol < end ? eol + 1 : end;
	}
	strlist_sort_unique(heads);
	return heads->failed ? -1 : 0;
}

long long
chrome_threshold(long long text_files)
{
	long long share = (text_files * CHROME_SHARE_PCT + 99) / 100;

	return share > CHROME_MIN_FILES ? share : CHROME_MIN_FILES;
}
