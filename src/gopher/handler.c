#include "gopher/handler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "content/path.h"
#include "convert/convert.h"
#include "gopher/article.h"
#include "gopher/directory.h"
#include "gopher/gemmenu.h"
#include "gopher/pages.h"
#include "gopher/reflow.h"
#include "gopher/rendercache.h"
#include "gopher/textdoc.h"
#include "gopher/types.h"

#define WIDTH_MIN 20
#define WIDTH_MAX 200
#define RAW_SUFFIX "?raw"
#define SEARCH_SELECTOR "/search"
#define INDEX_NAME "index.gmi"
#define GOPHERMAP_NAME "gophermap"

/* Kinds of cached answers, the first byte of their keys: generated pages
 * and tree items of the same path stay apart. */
enum answer_kind { KIND_ARCHIVE = 'a', KIND_DIRECTORY = 'd', KIND_FILE = 'f' };

static void
fail(struct response *resp, const char *message)
{
	buf_truncate(&resp->head, 0);
	resp->head.failed = 0;
	menu_error(&resp->head, message);
	resp->status = 3;
}

void
gopher_error_response(const struct gopher_context *ctx, const char *message,
    struct response *resp)
{
	(void)ctx;
	fail(resp, message);
}

static size_t
width_of(const struct gopher_context *ctx)
{
	if (ctx->width == 0)
		return GOPHER_DEFAULT_WIDTH;
	if (ctx->width < WIDTH_MIN)
		return WIDTH_MIN;
	return ctx->width > WIDTH_MAX ? WIDTH_MAX : ctx->width;
}

static void
finish(struct response *resp, int rc)
{
	if (rc != 0 || resp->head.failed)
		fail(resp, "Server error");
}

static int
gemtext_menu(const struct gopher_context *ctx, const struct menu *m, const char *base,
    const char *text, size_t len)
{
	struct gemtext_menu g = { m, base, gopher_item_type, (void *)ctx };

	if (gemtext_to_menu(&g, text, len) != 0)
		return -1;
	return menu_end(m);
}

/* The menu asking for search words (type 7) when a search came without. */
static int
search_prompt(const struct menu *m, const char *path, const char *prompt)
{
	if (menu_info_str(m, prompt != NULL ? prompt : "Search") != 0 ||
	    menu_item(m, '7', "Search articles", 15, path, strlen(path), NULL, 0) != 0)
		return -1;
	return menu_end(m);
}

/* The render cache's key for a request: a kind byte (set when looking up),
 * the path and the search words.  NULL when there is no cache. */
static struct buf *
answer_key(const struct gopher_context *ctx, const char *path,
    const struct gopher_request *req, struct buf *key)
{
	if (ctx->render_cache == NULL)
		return NULL;
	buf_append_char(key, '\0');
	buf_append_str(key, path);
	if (req->search != NULL) {
		buf_append_char(key, '\t');
		buf_append(key, req->search, req->search_len);
	}
	return key->failed ? NULL : key;
}

/* Answer from the render cache; 1 when done. */
static int
serve_cached(const struct gopher_context *ctx, struct buf *key, enum answer_kind kind,
    const struct render_stamp *stamp, struct response *resp)
{
	if (key == NULL)
		return 0;
	key->data[0] = (char)kind;
	return gopher_render_cache_serve(ctx->render_cache, key->data, key->len, stamp, resp);
}

/* Keep the answer just rendered under the key of the last lookup. */
static void
keep_answer(const struct gopher_context *ctx, const struct buf *key,
    const struct render_stamp *stamp, struct response *resp)
{
	if (key != NULL)
		gopher_render_cache_store(ctx->render_cache, key->data, key->len, stamp, resp);
}

/* Generated archive pages; 0 when answered, 1 when the path is not one. */
static int
archive_answer(const struct gopher_context *ctx, const struct menu *m, const char *selector,
    const struct gopher_request *req, struct buf *key, struct response *resp)
{
	struct archive_page page = { BUF_INIT, NULL, NULL };
	char *path = strndup(selector, strcspn(selector, "?"));
	const char *query = strchr(selector, '?');
	char *words = NULL;
	enum archive_status status;
	struct render_stamp stamp;

	if (path == NULL) {
		fail(resp, "Server error");
		return 0;
	}
	/* Read before rendering: a change meanwhile makes the stamp stale. */
	render_stamp_init(&stamp, m->width, archive_generation(ctx->archive));
	if (serve_cached(ctx, key, KIND_ARCHIVE, &stamp, resp)) {
		free(path);
		return 0;
	}
	query = query != NULL ? query + 1 : NULL;
	if (strncmp(path, SEARCH_SELECTOR, strlen(SEARCH_SELECTOR)) == 0 && req->search != NULL &&
	    req->search_len > 0)
		query = words = strndup(req->search, req->search_len);
	status = archive_render(ctx->archive, path, query, &page);
	switch (status) {
	case ARCHIVE_NOT_MINE:
		break;
	case ARCHIVE_OK:
		if (page.mime != NULL && strncmp(page.mime, "text/gemini", 11) == 0) {
			int rc = strcmp(path, "/archive/") != 0 ? 0 : menu_item(m, '7',
			    "Search articles", 15, SEARCH_SELECTOR, 7, NULL, 0);

			finish(resp, rc != 0 ? rc : gemtext_menu(ctx, m, path,
			    page.body.data != NULL ? page.body.data : "", page.body.len));
		} else
			finish(resp, reflow_text(&resp->head, page.body.data != NULL ?
			    page.body.data : "", page.body.len, m->width) || reflow_end(&resp->head));
		break;
	case ARCHIVE_INPUT:
		finish(resp, search_prompt(m, path, page.prompt));
		break;
	case ARCHIVE_NOT_FOUND:
		fail(resp, "Not found");
		break;
	default:
		fail(resp, "Server error");
		break;
	}
	if (status == ARCHIVE_OK)
		keep_answer(ctx, key, &stamp, resp);
	archive_page_free(&page);
	free(words);
	free(path);
	return status == ARCHIVE_NOT_MINE;
}

static void
serve_text_file(const struct gopher_context *ctx, const struct menu *m, const char *path,
    int fd, char type, struct response *resp)
{
	enum article_format format = article_format_of(path);
	struct buf data = BUF_INIT;
	struct article_view v;

	if (format == ARTICLE_MARKDOWN) {
		struct text_view tv = { m->width, ctx->host, ctx->port, path };

		if (gopher_article_open(ctx, path, fd, format, &v) != 0) {
			fail(resp, "Server error");
			return;
		}
		finish(resp, gopher_document_text(&resp->head, v.doc, &tv) || reflow_end(&resp->head));
		gopher_article_close(&v);
		return;
	}
	if (gopher_read_all(fd, &data) != 0) {
		buf_free(&data);
		fail(resp, "Server error");
		return;
	}
	if (type == '1')
		finish(resp, gemtext_menu(ctx, m, path, data.data != NULL ? data.data : "",
		    data.len));
	else
		finish(resp, reflow_text(&resp->head, data.data != NULL ? data.data : "",
		    data.len, m->width) || reflow_end(&resp->head));
	buf_free(&data);
}

/* Open a selector of the tree; answers the error itself when it fails. */
static int
open_selector(const struct gopher_context *ctx, const char *path, int *fd, struct stat *st,
    struct response *resp)
{
	if (content_path_check(path) != 0) {
		fail(resp, "Refused");
		return -1;
	}
	switch (content_open(ctx->root_fd, path, fd, st)) {
	case CONTENT_OK:
		return 0;
	case CONTENT_NOT_FOUND:
	case CONTENT_FORBIDDEN:
		fail(resp, "Not found");
		return -1;
	default:
		fail(resp, "Server error");
		return -1;
	}
}

/* "path?raw": the original bytes of an article, as Gemini gives them. */
static int
raw_request(const struct gopher_context *ctx, const char *path, struct response *resp)
{
	size_t len = strlen(path), suffix = strlen(RAW_SUFFIX);
	struct stat st;
	char *file;
	int fd;

	if (len <= suffix || strcmp(path + len - suffix, RAW_SUFFIX) != 0)
		return 0;
	if ((file = strndup(path, len - suffix)) == NULL) {
		fail(resp, "Server error");
		return 1;
	}
	if (open_selector(ctx, file, &fd, &st, resp) == 0) {
		if (S_ISREG(st.st_mode))
			response_set_file(resp, fd, st.st_size);
		else {
			close(fd);
			fail(resp, "Not found");
		}
	}
	free(file);
	return 1;
}

/* What a directory menu is made from: the directory, its index.gmi and
 * gophermap (there or not), the archive generation for the titles and
 * the tree's for the sizes of files rewritten in place (the directory's
 * own stat does not change then).  Both only grow: their sum changes
 * whenever either does. */
static void
directory_stamp(const struct gopher_context *ctx, int fd, const struct stat *st,
    struct render_stamp *stamp)
{
	struct stat file;

	stamp->generation = archive_generation(ctx->archive) +
	    archive_tree_generation(ctx->archive);
	render_stamp_file(stamp, 0, st);
	render_stamp_file(stamp, 1, fstatat(fd, INDEX_NAME, &file, 0) == 0 ? &file : NULL);
	render_stamp_file(stamp, 2, fstatat(fd, GOPHERMAP_NAME, &file, 0) == 0 ? &file : NULL);
}

/* Takes fd. */
static void
serve_directory(const struct gopher_context *ctx, const struct menu *m, const char *path,
    int fd, const struct stat *st, struct buf *key, struct response *resp)
{
	struct render_stamp stamp;
	char *dir;

	render_stamp_init(&stamp, m->width, 0);
	/* Without the archive's generation a change of a listed title would
	 * go unseen: such menus are not cached. */
	if (ctx->archive == NULL)
		key = NULL;
	else
		directory_stamp(ctx, fd, st, &stamp);
	close(fd);
	if (serve_cached(ctx, key, KIND_DIRECTORY, &stamp, resp))
		return;
	if (asprintf(&dir, "%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/") < 0) {
		fail(resp, "Server error");
		return;
	}
	finish(resp, gopher_directory_menu(ctx, m, dir));
	keep_answer(ctx, key, &stamp, resp);
	free(dir);
}

static void
serve_tree(const struct gopher_context *ctx, const struct menu *m, const char *path,
    struct buf *key, struct response *resp)
{
	struct render_stamp stamp;
	struct stat st;
	char type;
	int fd;

	if (raw_request(ctx, path, resp))
		return;
	if (open_selector(ctx, path, &fd, &st, resp) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		serve_directory(ctx, m, path, fd, &st, key, resp);
		return;
	}
	type = gopher_type_of_file(path, fd);
	if (gopher_type_is_binary(type)) {
		response_set_file(resp, fd, st.st_size);
		return;
	}
	/* A gemtext menu types its links by looking at the targets: cached,
	 * like directory menus, only with the archive's generation. */
	if (type == '1' && ctx->archive == NULL)
		key = NULL;
	render_stamp_init(&stamp, m->width, type == '1' && ctx->archive != NULL ?
	    archive_generation(ctx->archive) : 0);
	render_stamp_file(&stamp, 0, &st);
	if (!serve_cached(ctx, key, KIND_FILE, &stamp, resp)) {
		serve_text_file(ctx, m, path, fd, type, resp);
		keep_answer(ctx, key, &stamp, resp);
	}
	close(fd);
}

/* caps.txt and robots.txt, unless the tree has real ones. */
static int
generated_file(const struct gopher_context *ctx, const char *path, struct response *resp)
{
	struct caps_info caps = { ctx->tls_port, ctx->server_description, ctx->server_admin,
	    ctx->server_geolocation };
	struct stat st;
	int fd;

	if (strcmp(path, "/caps.txt") != 0 && strcmp(path, "/robots.txt") != 0)
		return 0;
	if (content_open(ctx->root_fd, path, &fd, &st) == CONTENT_OK) {
		close(fd);
		return 0;
	}
	if (strcmp(path, "/caps.txt") == 0)
		finish(resp, gopher_caps_text(&resp->head, &caps));
	else
		finish(resp, gopher_robots_text(&resp->head));
	return 1;
}

static void
answer(const struct gopher_context *ctx, const struct gopher_request *req,
    const char *selector, struct response *resp)
{
	struct menu m = { &resp->head, ctx->host, ctx->port, width_of(ctx) };
	size_t prefix = strlen(GOPHER_URL_PREFIX);
	struct buf key_bytes = BUF_INIT, *key;
	char *path;

	if (strncmp(selector, GOPHER_URL_PREFIX, prefix) == 0) {
		if (gopher_url_page(&resp->head, selector + prefix, strlen(selector + prefix)) != 0)
			fail(resp, "Refused: not a URL we link to");
		return;
	}
	if (asprintf(&path, "%s%s", *selector == '/' ? "" : "/", selector) < 0) {
		fail(resp, "Server error");
		return;
	}
	key = answer_key(ctx, path, req, &key_bytes);
	if (!generated_file(ctx, path, resp) && (ctx->archive == NULL ||
	    strcmp(path, "/") == 0 || archive_answer(ctx, &m, path, req, key, resp)))
		serve_tree(ctx, &m, path, key, resp);
	buf_free(&key_bytes);
	free(path);
}

/*
 * UMN gopher starts by asking for the root's Gopher+ attributes (an empty
 * selector, TAB, "$") and shows nothing unless the answer is Gopher+.  The
 * usual stub says the root is a plain menu, which it then fetches plainly.
 */
static void
umn_root_probe(const struct gopher_context *ctx, struct response *resp)
{
	buf_printf(&resp->head, "+-1\r\n+INFO: 1Main menu\t\t%s\t%d\r\n.\r\n", ctx->host, ctx->port);
}

void
gopher_handle(const struct gopher_context *ctx, const char *line, size_t len,
    struct response *resp)
{
	struct gopher_request req;
	char *selector;

	resp->status = 0;
	if (gopher_request_parse(line, len, &req) != 0 ||
	    memchr(req.selector, '\0', req.selector_len) != NULL)
		{
			fail(resp, "Bad request");
			return;
		}
	if (req.selector_len == 0 && req.search != NULL && req.search_len == 1 &&
	    req.search[0] == '$') {
		umn_root_probe(ctx, resp);
		return;
	}
	if ((selector = strndup(req.selector, req.selector_len)) == NULL) {
		fail(resp, "Server error");
		return;
	}
	answer(ctx, &req, selector, resp);
	free(selector);
}
