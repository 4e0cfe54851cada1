#include "archive/gemlines.h"

#include <string.h>

#include "util/text.h"

void
gem_url_path(struct buf *b, const char *path)
{
	percent_encode(b, path, strlen(path), PERCENT_KEEP_PATH, PERCENT_ASCII);
}

void
gem_url_query(struct buf *b, const char *query)
{
	percent_encode(b, query, strlen(query), "", PERCENT_ASCII);
}

void
gem_text(struct buf *b, const char *text)
{
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p != '\0'; p++)
		buf_append_char(b, *p < 0x20 || *p == 0x7f ? ' ' : (char)*p);
}

void
gem_article_line(struct buf *b, const char *path, const char *date, const char *title)
{
	buf_append_str(b, "=> ");
	gem_url_path(b, path);
	buf_append_char(b, ' ');
	if (*date != '\0')
		buf_printf(b, "%s ", date);
	gem_text(b, title);
	buf_append_char(b, '\n');
}

void
gem_building_line(struct buf *b, long indexed)
{
	if (indexed >= 0)
		buf_printf(b, "The index is being built (%ld articles so far)\n\n", indexed);
}
