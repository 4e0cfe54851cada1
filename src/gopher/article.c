#include "gopher/article.h"

#include <errno.h>
#include <unistd.h>

#include "archive/archive.h"

#define READ_CHUNK 65536

int
gopher_read_all(int fd, struct buf *out)
{
	for (;;) {
		ssize_t n;

		if (buf_reserve(out, READ_CHUNK) != 0)
			return -1;
		n = read(fd, out->data + out->len, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
	}
}

/* The site chrome the archive learned, for a .txt (the same as over
 * Gemini, so both share one cache entry); NULL otherwise.  A query of
 * the index: only made when the article must be converted. */
static char **
chrome_for(const struct gopher_context *ctx, enum article_format format,
    struct convert_options *options)
{
	char **lines = NULL;

	if (format == ARTICLE_TEXT && ctx->archive != NULL)
		options->chrome_lines = (const char *const *)(lines =
		    archive_chrome_lines(ctx->archive, &options->chrome_generation));
	return lines;
}

int
gopher_article_open(const struct gopher_context *ctx, const char *path, int fd,
    enum article_format format, struct article_view *v)
{
	struct convert_options options = { path, NULL, 0 };
	struct buf data = BUF_INIT;
	char **lines;
	struct stat st;
	int rc;

	v->doc = NULL;
	v->cached = NULL;
	v->owned = NULL;
	if (ctx->cache != NULL) {
		if (fstat(fd, &st) != 0)
			return -1;
		/* Listing a month of .txt articles reads each one's title:
		 * converted ones are taken without asking the index. */
		v->cached = article_cache_peek(ctx->cache, &st, format,
		    format == ARTICLE_TEXT && ctx->archive != NULL ?
		    archive_chrome_generation(ctx->archive) : 0);
		if (v->cached == NULL) {
			lines = chrome_for(ctx, format, &options);
			v->cached = article_cache_get(ctx->cache, fd, &st, format, &options);
			archive_chrome_free(lines);
		}
		if (v->cached == NULL)
			return -1;
		v->doc = v->cached->doc;
		if (v->doc == NULL) {
			gopher_article_close(v);
			return -1;
		}
		return 0;
	}
	lines = chrome_for(ctx, format, &options);
	rc = lseek(fd, 0, SEEK_SET) == -1 || gopher_read_all(fd, &data) != 0 ? -1 : 0;
	if (rc == 0)
		v->owned = convert_read(format, data.data != NULL ? data.data : "", data.len,
		    &options);
	archive_chrome_free(lines);
	buf_free(&data);
	v->doc = v->owned;
	return v->doc != NULL ? 0 : -1;
}

void
gopher_article_close(struct article_view *v)
{
	if (v->cached != NULL)
		article_cache_release(v->cached);
	document_free(v->owned);
	v->cached = NULL;
	v->owned = NULL;
	v->doc = NULL;
}
