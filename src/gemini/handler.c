#include "gemini/handler.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/archive.h"
#include "content/listing.h"
#include "content/path.h"
#include "content/types.h"
#include "convert/cache.h"
#include "convert/convert.h"
#include "gemini/request.h"
#include "util/buf.h"
#include "util/text.h"

#define RAW_QUERY "raw"

static void
respond(struct response *resp, int status, const char *meta)
{
	response_reset(resp);
	response_gemini_header(resp, status, meta);
}

void
gemini_bad_request(struct response *resp, const char *reason)
{
	respond(resp, 59, reason);
}

void
gemini_slow_down(struct response *resp, unsigned seconds)
{
	char meta[16];

	snprintf(meta, sizeof(meta), "%u", seconds);
	respond(resp, 44, meta);
}

static int
is_ip_literal(const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

/* The host a well-formed request names, or NULL (53).  An IP literal
 * reaches the default host, like a client that sent no SNI. */
static const struct gemini_host *
find_host(const struct gemini_context *ctx, const struct gemini_request *req)
{
	size_t i;

	if (strcmp(req->scheme, "gemini") != 0)
		return NULL;
	/* No port means 1965, which is ours only when we are public on it. */
	if ((req->port == -1 ? 1965 : req->port) != config_public_port(ctx->config))
		return NULL;
	for (i = 0; i < ctx->nhosts; i++)
		if (!strcmp(ctx->hosts[i].config->name, req->host))
			return &ctx->hosts[i];
	if (is_ip_literal(req->host))
		return &ctx->hosts[0];
	return NULL;
}

/* lang= must stay a well-formed parameter whatever an article claims. */
static void
append_lang(struct buf *meta, const char *lang)
{
	const char *p;
	int list = 0;

	if (lang == NULL || *lang == '\0' || strlen(lang) > 64)
		return;
	for (p = lang; *p != '\0'; p++) {
		if (*p == ',')
			list = 1;
		else if (!(*p == '-' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z')))
			return;
	}
	buf_printf(meta, list ? "; lang=\"%s\"" : "; lang=%s", lang);
}

static void
respond_gemtext_meta(struct response *resp, const char *mime, const char *lang)
{
	struct buf meta = BUF_INIT;

	buf_append_str(&meta, mime);
	if (strncmp(mime, "text/gemini", 11) == 0) {
		if (strstr(mime, "charset=") == NULL)
			buf_append_str(&meta, "; charset=utf-8");
		append_lang(&meta, lang);
	}
	if (meta.failed)
		respond(resp, 40, "out of memory");
	else
		respond(resp, 20, meta.data);
	buf_free(&meta);
}

/* 31 to the same path with a trailing slash, so relative links resolve. */
static void
redirect_to_directory(struct response *resp, const char *path)
{
	struct buf target = BUF_INIT;
	const char *segment = path + 1, *slash;
	char name[1025];
	size_t len;

	buf_append_char(&target, '/');
	while (*segment != '\0') {
		slash = strchr(segment, '/');
		len = slash != NULL ? (size_t)(slash - segment) : strlen(segment);
		if (len >= sizeof(name))
			break;
		memcpy(name, segment, len);
		name[len] = '\0';
		percent_encode(&target, name, len, "", PERCENT_IRI);
		buf_append_char(&target, '/');
		segment += len + (slash != NULL);
	}
	if (target.failed)
		respond(resp, 40, "out of memory");
	else
		respond(resp, 31, target.data);
	buf_free(&target);
}

static int
render_archive(const struct gemini_host *host, const char *path, const char *raw_query,
    const char *lang, struct response *resp)
{
	struct archive_page page;
	enum archive_status st;
	char *query = NULL;

	if (host->archive == NULL)
		return 0;
	if (raw_query != NULL && (query = gemini_query_decode(raw_query)) == NULL) {
		if (strncmp(path, "/search", 7) == 0) {
			respond(resp, 59, "malformed query");
			return 1;
		}
	}
	memset(&page, 0, sizeof(page));
	st = archive_render(host->archive, path, query, &page);
	free(query);
	switch (st) {
	case ARCHIVE_NOT_MINE:
		archive_page_free(&page);
		return 0;
	case ARCHIVE_OK:
		respond_gemtext_meta(resp, page.mime, lang);
		buf_append(&resp->head, page.body.data, page.body.len);
		break;
	case ARCHIVE_INPUT:
		respond(resp, 10, page.prompt != NULL ? page.prompt : "Search");
		break;
	case ARCHIVE_NOT_FOUND:
		respond(resp, 51, "not found");
		break;
	case ARCHIVE_ERROR:
		respond(resp, 40, "the archive index is unavailable, try again later");
		break;
	}
	archive_page_free(&page);
	return 1;
}

/* A file served as it is (fd taken).  0 when quick and only libmagic
 * could name its type: then fd is closed. */
static int
serve_file(const struct gemini_context *ctx, const char *path, int fd, const struct stat *st,
    const char *lang, int quick, struct response *resp)
{
	const char *name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	const char *type;

	type = quick ? content_type_by_name(ctx->types, name) : content_type_of(ctx->types, name, fd);
	if (type == NULL) {
		close(fd);
		return 0;
	}
	respond_gemtext_meta(resp, type, lang);
	response_set_file(resp, fd, st->st_size);
	return 1;
}

/* An article converted to gemtext (fd taken).  0 when quick and not
 * converted yet. */
static int
serve_article(const struct gemini_context *ctx, const struct gemini_host *host, const char *path,
    int fd, const struct stat *st, enum article_format format, const char *lang, int quick,
    struct response *resp)
{
	const struct cached_article *article;
	struct convert_options options = { path, NULL, 0 };
	/* Plain-text dumps lose the site chrome the archive has learned. */
	int chrome = format == ARTICLE_TEXT && host->archive != NULL;
	char **lines = NULL;

	if (quick) {
		article = article_cache_peek(ctx->cache, st, format,
		    chrome ? archive_chrome_generation(host->archive) : 0);
		if (article == NULL) {
			close(fd);
			return 0;
		}
	} else {
		if (chrome)
			options.chrome_lines = (const char *const *)(lines =
			    archive_chrome_lines(host->archive, &options.chrome_generation));
		article = article_cache_get(ctx->cache, fd, st, format, &options);
		archive_chrome_free(lines);
	}
	close(fd);
	if (article == NULL) {
		respond(resp, 40, "the article could not be converted");
		return 1;
	}
	respond_gemtext_meta(resp, "text/gemini; charset=utf-8",
	    article->doc->meta.lang != NULL ? article->doc->meta.lang : lang);
	response_set_shared(resp, article->gemtext, article->gemtext_len, article_cache_release_cb,
	    (void *)article);
	return 1;
}

/* index.gmi, else a listing (or 51).  0 when quick and a listing is due. */
static int
serve_directory(const struct gemini_context *ctx, const struct gemini_host *host,
    const char *path, int dirfd, const char *lang, int quick, struct response *resp)
{
	struct stat st;
	struct buf listing = BUF_INIT;
	int fd;

	fd = openat(dirfd, "index.gmi", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(dirfd);
	if (fd != -1) {
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			respond_gemtext_meta(resp, "text/gemini; charset=utf-8", lang);
			response_set_file(resp, fd, st.st_size);
			return 1;
		}
		close(fd);
	}
	if (!ctx->config->directory_listing) {
		respond(resp, 51, "not found");
		return 1;
	}
	if (quick)
		return 0;
	if (content_listing_gemtext(host->root_fd, path, &listing) == -1 || listing.failed) {
		buf_free(&listing);
		respond(resp, 40, "cannot list this directory");
		return 1;
	}
	respond_gemtext_meta(resp, "text/gemini; charset=utf-8", lang);
	buf_append(&resp->head, listing.data, listing.len);
	buf_free(&listing);
	return 1;
}

/*
 * Answer req into resp: 1.  When quick (on an event loop), only what
 * cannot keep the loop waiting is answered; archive pages, conversions,
 * listings and types only libmagic can tell return 0 with resp untouched,
 * for the pool to answer in full.
 */
static int
serve_path(const struct gemini_context *ctx, const struct gemini_host *host,
    const struct gemini_request *req, int quick, struct response *resp)
{
	const char *lang = config_host_lang(ctx->config, host->config);
	enum article_format format;
	struct stat st;
	size_t len = strlen(req->path);
	int fd;

	if (quick && host->archive != NULL && archive_generates(host->archive, req->path))
		return 0;
	if (!quick && render_archive(host, req->path, req->query, lang, resp))
		return 1;
	if (content_path_check(req->path) == -1) {
		respond(resp, 51, "not found");
		return 1;
	}
	switch (content_open(host->root_fd, req->path, &fd, &st)) {
	case CONTENT_OK:
		break;
	case CONTENT_NOT_FOUND:
	case CONTENT_FORBIDDEN:
		respond(resp, 51, "not found");
		return 1;
	case CONTENT_ERROR:
		respond(resp, 40, "cannot read this file, try again later");
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (req->path[len - 1] != '/') {
			close(fd);
			redirect_to_directory(resp, req->path);
			return 1;
		}
		return serve_directory(ctx, host, req->path, fd, lang, quick, resp);
	}
	/* Files under /.well-known/ are for machines: served as they are. */
	format = strncmp(req->path, "/.well-known/", 13) == 0 ? ARTICLE_NONE :
	    article_format_of(req->path);
	if (format == ARTICLE_NONE || format == ARTICLE_GEMTEXT ||
	    (req->query != NULL && !strcmp(req->query, RAW_QUERY)))
		return serve_file(ctx, req->path, fd, &st, lang, quick, resp);
	return serve_article(ctx, host, req->path, fd, &st, format, lang, quick, resp);
}

static int
handle(const struct gemini_context *ctx, const char *line, size_t len, int quick,
    struct response *resp)
{
	struct gemini_request req;
	const struct gemini_host *host;
	const char *reason = NULL;
	int done = 1;

	if (gemini_request_parse(line, len, &req, &reason) != 0) {
		respond(resp, 59, reason != NULL ? reason : "bad request");
		return 1;
	}
	if ((host = find_host(ctx, &req)) == NULL)
		respond(resp, 53, "this server does not serve that URL");
	else
		done = serve_path(ctx, host, &req, quick, resp);
	gemini_request_free(&req);
	return done;
}

int
gemini_handle_quick(const struct gemini_context *ctx, const char *line, size_t len,
    struct response *resp)
{
	return handle(ctx, line, len, 1, resp);
}

void
gemini_handle(const struct gemini_context *ctx, const char *line, size_t len,
    struct response *resp)
{
	handle(ctx, line, len, 0, resp);
}
