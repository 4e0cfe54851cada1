#include "gopher/handler.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content/path.h"
#include "gopher/gemmenu.h"
#include "gopher/gophermap.h"
#include "gopher/page.h"
#include "gopher/pages.h"
#include "gopher/reflow.h"
#include "gopher/rendercache.h"
#include "gopher/textdoc.h"
#include "gopher/types.h"
#include "site/site.h"

#define WIDTH_MIN 20
#define WIDTH_MAX 200
#define GOPHERMAP_NAME "gophermap"
#define LISTING_HEAD "Files in this directory:"
#define READ_CHUNK 65536

/* Kinds of cached answers, the first byte of their keys: generated pages
 * and tree items of the same path stay apart. */
enum answer_kind { KIND_ARCHIVE = 'a', KIND_ARTICLE = 'r', KIND_DIRECTORY = 'd', KIND_FILE = 'f' };

/* What the pool finishes: the selector split once on the loop, its
 * target resolved there with the file still open. */
struct gopher_job {
	const struct gopher_context *ctx;
	struct site site;
	char *path;               /* the selector's path, from '/' */
	const char *query;        /* after '?', or the search words; NULL */
	char *words;              /* the search words (owned), or NULL */
	struct site_target target;
};

static void
fail(struct response *resp, const char *message)
{
	response_reset(resp);
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

static void
site_of(const struct gopher_context *ctx, struct site *s)
{
	s->areas = ctx->areas;
	s->root_fd = ctx->root_fd;
	s->archive = ctx->archive;
	s->cache = ctx->cache;
	s->types = ctx->types;
	s->article_paths = ctx->config != NULL ? ctx->config->article_paths : NULL;
	s->directory_listing = ctx->config != NULL ? ctx->config->directory_listing : 1;
}

/* Append everything left to read on fd to out.  0, or -1. */
static int
read_all(int fd, struct buf *out)
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

static char
type_of_path(const struct site *s, const char *path, const char *query)
{
	enum article_format format;
	struct stat st;
	char type;
	int fd;

	if (s->archive != NULL && archive_generates(s->archive, path))
		return archive_route_of(path) == ARCHIVE_ROUTE_SEARCH && query == NULL ? '7' : '1';
	format = site_article_format(s->article_paths, path);
	if ((query == NULL || strcmp(query, SITE_RAW_QUERY) != 0) &&
	    (format == ARTICLE_HTML || format == ARTICLE_MARKDOWN || format == ARTICLE_TEXT))
		return '0';
	if ((type = gopher_type_by_name(path)) != '\0')
		return type;
	if (content_open(s->root_fd, path, &fd, &st) != CONTENT_OK)
		return '1';
	type = S_ISDIR(st.st_mode) ? '1' : gopher_type_of_file(path, fd);
	close(fd);
	return type;
}

char
gopher_item_type(void *arg, const char *selector)
{
	size_t len = strcspn(selector, "?");
	struct site s;
	char *path, type;

	site_of(arg, &s);
	if ((path = strndup(selector, len)) == NULL)
		return '1';
	type = type_of_path(&s, path, selector[len] == '?' ? selector + len + 1 : NULL);
	free(path);
	return type;
}

static int
gemtext_menu(const struct gopher_job *job, const struct menu *m, const char *base,
    const char *text, size_t len)
{
	struct gemtext_menu g = { m, base, gopher_item_type, (void *)job->ctx };

	return gemtext_to_menu(&g, text, len);
}

/* The render cache's key for a job: a kind byte (set when looking up),
 * the path and the query.  NULL when there is no cache. */
static struct buf *
answer_key(const struct gopher_job *job, struct buf *key)
{
	if (job->ctx->render_cache == NULL)
		return NULL;
	buf_append_char(key, '\0');
	buf_append_str(key, job->path);
	if (job->query != NULL) {
		buf_append_char(key, '\t');
		buf_append_str(key, job->query);
	}
	return key->failed ? NULL : key;
}

/* Answer from the render cache; 1 when done. */
static int
serve_cached(const struct gopher_job *job, struct buf *key, enum answer_kind kind,
    const struct render_stamp *stamp, struct response *resp)
{
	if (key == NULL)
		return 0;
	key->data[0] = (char)kind;
	return gopher_render_cache_serve(job->ctx->render_cache, key->data, key->len, stamp, resp);
}

/* Keep the answer just rendered under the key of the last lookup. */
static void
keep_answer(const struct gopher_job *job, const struct buf *key,
    const struct render_stamp *stamp, struct response *resp)
{
	if (key != NULL)
		gopher_render_cache_store(job->ctx->render_cache, key->data, key->len, stamp, resp);
}

/* The entries of the directory's listing, without its title and parent
 * (the menu has its own head). */
static int
listing_entries(void *arg, char *const *hidden, size_t nhidden)
{
	const struct gopher_job *job = ((void **)arg)[0];
	const struct menu *m = ((void **)arg)[1];
	struct page page = PAGE_INIT, entries = PAGE_INIT;
	size_t first = 0;
	char **names;
	int rc;

	if (!job->site.directory_listing)
		return 0;
	/* The gophermap is never listed, nor what it hides. */
	if ((names = calloc(nhidden + 1, sizeof(*names))) == NULL)
		return -1;
	if (nhidden > 0)
		memcpy(names, hidden, nhidden * sizeof(*names));
	names[nhidden] = (char *)GOPHERMAP_NAME;
	rc = site_listing(&job->site, job->target.path, job->query, names, nhidden + 1, &page);
	free(names);
	if (rc != 0) {
		rc = page.failed ? -1 : 0;
		page_free(&page);
		return rc;
	}
	while (first < page.n && (page.lines[first].kind == PAGE_HEADING ||
	    page.lines[first].kind == PAGE_BLANK || page.lines[first].kind == PAGE_PARENT))
		first++;
	entries.lines = page.lines + first;
	entries.n = page.n - first;
	rc = gopher_write_page(m, &entries, gopher_item_type, (void *)job->ctx);
	page_free(&page);
	return rc;
}

/* The head of a directory menu (its index.gmi, or the archive home at
 * the root) followed by the listing when listings are on. */
static int
head_then_listing(const struct gopher_job *job, const struct menu *m, const char *skip)
{
	char *hidden[1] = { (char *)skip };
	void *arg[2] = { (void *)job, (void *)m };

	if (!job->site.directory_listing)
		return 0;
	if (menu_info(m, "", 0) != 0 || menu_info_str(m, LISTING_HEAD) != 0)
		return -1;
	return listing_entries(arg, hidden, skip != NULL ? 1 : 0);
}

static int
parent_item(const struct menu *m, const char *dir)
{
	size_t len = strlen(dir) - 1;

	while (len > 0 && dir[len - 1] != '/')
		len--;
	return menu_item(m, '1', ".. (up)", 7, dir, len, NULL, 0);
}

/* Read a file of the directory open on dirfd; 0 when it exists and was read. */
static int
read_dir_file(int dirfd, const char *name, struct buf *out)
{
	struct stat st;
	int fd, rc = -1;

	if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		rc = read_all(fd, out);
	close(fd);
	return rc;
}

/* A directory menu: a gophermap when it has one, else its index.gmi and
 * the listing, else the listing with its title; the listing's page the
 * query asks for.  0, -1, or SITE_NO_SUCH_PAGE. */
static int
directory_menu(const struct gopher_job *job, const struct menu *m)
{
	const char *dir = job->target.path;
	struct page page = PAGE_INIT;
	struct buf text = BUF_INIT;
	void *arg[2] = { (void *)job, (void *)m };
	int head = read_dir_file(job->target.fd, GOPHERMAP_NAME, &text) == 0 ? 'm' :
	    job->target.index_fd != -1 ? 'i' : 0;
	int rc = head != 0 && strcmp(dir, "/") != 0 ? parent_item(m, dir) : 0;

	if (rc == 0 && head == 'm')
		rc = gophermap_to_menu(m, dir, text.data != NULL ? text.data : "", text.len,
		    listing_entries, arg);
	else if (rc == 0 && head == 'i') {
		struct buf base = BUF_INIT;

		buf_printf(&base, "%s%s", dir, SITE_INDEX_NAME);
		rc = base.failed || read_all(job->target.index_fd, &text) != 0 ? -1 :
		    gemtext_menu(job, m, base.data, text.data != NULL ? text.data : "", text.len);
		if (rc == 0)
			rc = head_then_listing(job, m, SITE_INDEX_NAME);
		buf_free(&base);
	} else if (rc == 0) {
		rc = site_listing(&job->site, dir, job->query, (char *[]){ (char *)GOPHERMAP_NAME },
		    1, &page);
		if (rc == 0)
			rc = gopher_write_page(m, &page, gopher_item_type, (void *)job->ctx);
		page_free(&page);
	}
	buf_free(&text);
	if (rc == SITE_NO_SUCH_PAGE)
		return rc;
	return rc != 0 ? -1 : menu_end(m);
}

/* What a directory menu is made from: the directory, its index.gmi and
 * gophermap (there or not), the archive generation for the titles and
 * the tree's for the sizes of files rewritten in place (the directory's
 * own stat does not change then).  Both only grow: their sum changes
 * whenever either does. */
static void
directory_stamp(const struct gopher_job *job, struct render_stamp *stamp)
{
	struct archive *a = job->site.archive;
	struct stat file;

	stamp->generation = archive_generation(a) + archive_tree_generation(a);
	render_stamp_file(stamp, 0, &job->target.st);
	render_stamp_file(stamp, 1, job->target.index_fd != -1 ? &job->target.index_st : NULL);
	render_stamp_file(stamp, 2, fstatat(job->target.fd, GOPHERMAP_NAME, &file, 0) == 0 ?
	    &file : NULL);
}

static void
serve_directory(const struct gopher_job *job, const struct menu *m, struct buf *key,
    struct response *resp)
{
	struct render_stamp stamp;
	int rc;

	render_stamp_init(&stamp, m->width, 0);
	/* Without the archive's generation a change of a listed title would
	 * go unseen: such menus are not cached. */
	if (job->site.archive == NULL)
		key = NULL;
	else
		directory_stamp(job, &stamp);
	if (serve_cached(job, key, KIND_DIRECTORY, &stamp, resp))
		return;
	rc = directory_menu(job, m);
	if (rc == SITE_NO_SUCH_PAGE)
		fail(resp, "Not found");
	else
		finish(resp, rc);
	keep_answer(job, key, &stamp, resp);
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

/* A generated page as a menu: the same entries as on Gemini (the home
 * page too: no file listing under it, as Gemini shows none). */
static int
page_menu(const struct gopher_job *job, const struct menu *m, const struct page *page)
{
	return gopher_write_page(m, page, gopher_item_type, (void *)job->ctx) != 0 ? -1 :
	    menu_end(m);
}

static void
serve_archive(struct gopher_job *job, const struct menu *m, struct buf *key,
    struct response *resp)
{
	struct archive_page page = { PAGE_INIT, BUF_INIT, NULL, NULL };
	enum archive_status status;
	struct render_stamp stamp;

	/* Read before rendering: a change meanwhile makes the stamp stale. */
	render_stamp_init(&stamp, m->width, archive_generation(job->site.archive) +
	    (job->target.route == ARCHIVE_ROUTE_HOME ?
	    archive_tree_generation(job->site.archive) : 0));
	if (serve_cached(job, key, KIND_ARCHIVE, &stamp, resp))
		return;
	status = archive_render(job->site.archive, job->path, job->query, ARCHIVE_FEED_PAGE, &page);
	switch (status) {
	case ARCHIVE_OK:
		finish(resp, page_menu(job, m, &page.page));
		keep_answer(job, key, &stamp, resp);
		break;
	case ARCHIVE_INPUT:
		finish(resp, search_prompt(m, job->path, page.prompt));
		break;
	case ARCHIVE_NOT_FOUND:
	case ARCHIVE_NOT_MINE:
		fail(resp, "Not found");
		break;
	default:
		fail(resp, "Server error");
		break;
	}
	archive_page_free(&page);
}

/* What an article's answer depends on: its file, the width, and the index
 * and tree generations (the articles around it, its tags, its links into
 * the capsule). */
static void
article_stamp(const struct gopher_job *job, size_t width, struct render_stamp *stamp)
{
	render_stamp_init(stamp, width, site_article_generation(&job->site));
	render_stamp_file(stamp, 0, &job->target.st);
}

/* The article's head, body and foot as type-0 text into resp->head. */
static int
article_text(const struct gopher_job *job, const struct menu *m,
    const struct cached_article *a, struct response *resp)
{
	const struct site_target *t = &job->target;
	struct text_view view = { m->width, m->host, m->port, job->path,
	    t->format == ARTICLE_HTML, gopher_item_type, (void *)job->ctx };
	struct page head = PAGE_INIT, foot = PAGE_INIT;
	int rc;

	rc = site_article_frame(&job->site, job->path, a, &head, &foot);
	if (rc == 0)
		rc = gopher_page_text(&resp->head, &head, &view) ||
		    gopher_document_text(&resp->head, a->doc, &view) != 0 ||
		    gopher_page_text(&resp->head, &foot, &view) || reflow_end(&resp->head);
	page_free(&head);
	page_free(&foot);
	return rc;
}

/* An article as type-0 text: the converted document, as Gemini readers
 * get it, reflowed with numbered link references, between the head and
 * the foot of its page; kept whole in the render cache under its stamp. */
static void
serve_article(const struct gopher_job *job, const struct menu *m, struct buf *key,
    struct response *resp)
{
	const struct cached_article *a;
	struct render_stamp stamp;
	int rc;

	/* Read before rendering: a change meanwhile makes the stamp stale. */
	article_stamp(job, m->width, &stamp);
	if (serve_cached(job, key, KIND_ARTICLE, &stamp, resp))
		return;
	if ((a = site_article(&job->site, &job->target)) == NULL || a->doc == NULL) {
		if (a != NULL)
			article_cache_release(a);
		fail(resp, "Server error");
		return;
	}
	rc = article_text(job, m, a, resp);
	article_cache_release(a);
	finish(resp, rc);
	if (rc == 0)
		keep_answer(job, key, &stamp, resp);
}

/* An article already rendered, answered on the loop; 1 when done. */
static int
answer_kept_article(const struct gopher_job *job, struct response *resp)
{
	struct buf key_bytes = BUF_INIT, *key = answer_key(job, &key_bytes);
	struct render_stamp stamp;
	int done;

	article_stamp(job, width_of(job->ctx), &stamp);
	done = serve_cached(job, key, KIND_ARTICLE, &stamp, resp);
	buf_free(&key_bytes);
	return done;
}

/* A file of the tree that is no article: a .gmi page as a menu, text
 * reflowed, anything else byte for byte. */
static void
serve_file(struct gopher_job *job, const struct menu *m, struct buf *key, struct response *resp)
{
	struct site_target *t = &job->target;
	char type = gopher_type_of_file(job->path, t->fd);
	struct render_stamp stamp;
	struct buf data = BUF_INIT;

	if (gopher_type_is_binary(type)) {
		response_set_file(resp, t->fd, t->st.st_size);
		t->fd = -1;
		return;
	}
	/* A gemtext menu types its links by looking at the targets: cached,
	 * like directory menus, only with the archive's generation. */
	if (type == '1' && job->site.archive == NULL)
		key = NULL;
	render_stamp_init(&stamp, m->width, type == '1' && job->site.archive != NULL ?
	    archive_generation(job->site.archive) : 0);
	render_stamp_file(&stamp, 0, &t->st);
	if (serve_cached(job, key, KIND_FILE, &stamp, resp))
		return;
	if (read_all(t->fd, &data) != 0) {
		buf_free(&data);
		fail(resp, "Server error");
		return;
	}
	if (type == '1')
		finish(resp, gemtext_menu(job, m, job->path, data.data != NULL ? data.data : "",
		    data.len) || menu_end(m));
	else
		finish(resp, reflow_text(&resp->head, data.data != NULL ? data.data : "",
		    data.len, m->width) || reflow_end(&resp->head));
	keep_answer(job, key, &stamp, resp);
	buf_free(&data);
}

/* caps.txt, when the tree has none. */
static int
generated_file(const struct gopher_context *ctx, const char *path, struct response *resp)
{
	struct caps_info caps = { ctx->tls_port, ctx->server_description, ctx->server_admin,
	    ctx->server_geolocation };

	if (strcmp(path, "/caps.txt") != 0)
		return 0;
	finish(resp, gopher_caps_text(&resp->head, &caps));
	return 1;
}

/* The site's robots.txt, when the tree has none: the same rules as on
 * Gemini, as a type-0 text. */
static void
serve_robots(struct response *resp)
{
	struct buf text = BUF_INIT;

	finish(resp, site_robots_text(&text) ||
	    reflow_text(&resp->head, text.data, text.len, GOPHER_DEFAULT_WIDTH) ||
	    reflow_end(&resp->head));
	buf_free(&text);
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
gopher_job_free(void *arg)
{
	struct gopher_job *job = arg;

	if (job == NULL)
		return;
	site_target_free(&job->target);
	free(job->path);
	free(job->words);
	free(job);
}

/* The job of a tree or archive selector: its path (from '/') and query. */
static struct gopher_job *
new_job(const struct gopher_context *ctx, const struct gopher_request *req)
{
	const char *mark = memchr(req->selector, '?', req->selector_len);
	size_t len = mark != NULL ? (size_t)(mark - req->selector) : req->selector_len;
	struct gopher_job *job;

	if ((job = calloc(1, sizeof(*job))) == NULL)
		return NULL;
	/* Nothing resolved yet: gopher_job_free() closes no file. */
	job->target.fd = job->target.index_fd = -1;
	job->ctx = ctx;
	site_of(ctx, &job->site);
	if (asprintf(&job->path, "%s%.*s", len > 0 && req->selector[0] == '/' ? "" : "/",
	    (int)len, req->selector) < 0) {
		free(job);
		return NULL;
	}
	if (len < req->selector_len && (job->words = strndup(req->selector + len + 1,
	    req->selector_len - len - 1)) == NULL) {
		gopher_job_free(job);
		return NULL;
	}
	job->query = job->words;
	return job;
}

/* Search words come in the second field of a search selector. */
static int
take_search_words(struct gopher_job *job, const struct gopher_request *req)
{
	if (archive_route_of(job->path) != ARCHIVE_ROUTE_SEARCH || req->search == NULL ||
	    req->search_len == 0)
		return 0;
	free(job->words);
	job->query = job->words = strndup(req->search, req->search_len);
	return job->words != NULL ? 0 : -1;
}

static int
add_slash(struct gopher_job *job)
{
	char *path;

	if (asprintf(&path, "%s/", job->path) < 0)
		return -1;
	free(job->path);
	job->target.path = job->path = path;
	job->target.slash_missing = 0;
	return 0;
}

/* What the loop answers itself: 1, or 0 when the pool must. */
static int
answer_target(struct gopher_job *job, struct response *resp)
{
	struct site_target *t = &job->target;
	char type;

	switch (t->kind) {
	case SITE_REFUSED:
		fail(resp, "Refused");
		return 1;
	case SITE_NOT_FOUND:
		if (!generated_file(job->ctx, job->path, resp))
			fail(resp, "Not found");
		return 1;
	case SITE_ROBOTS:
		serve_robots(resp);
		return 1;
	case SITE_ERROR:
		fail(resp, "Server error");
		return 1;
	case SITE_RAW:
		response_set_file(resp, t->fd, t->st.st_size);
		t->fd = -1;
		return 1;
	case SITE_ARTICLE:
		return answer_kept_article(job, resp);
	case SITE_FILE:
		type = gopher_type_by_name(job->path);
		if (type == '\0' || !gopher_type_is_binary(type))
			return 0;
		response_set_file(resp, t->fd, t->st.st_size);
		t->fd = -1;
		return 1;
	default:
		return 0;
	}
}

int
gopher_answer(const struct gopher_context *ctx, const char *line, size_t len,
    struct response *resp, void **out)
{
	size_t prefix = strlen(GOPHER_URL_PREFIX);
	struct gopher_request req;
	struct gopher_job *job;

	*out = NULL;
	resp->status = 0;
	if (gopher_request_parse(line, len, &req) != 0 ||
	    memchr(req.selector, '\0', req.selector_len) != NULL) {
		fail(resp, "Bad request");
		return 1;
	}
	if (req.selector_len == 0 && req.search != NULL && req.search_len == 1 &&
	    req.search[0] == '$') {
		umn_root_probe(ctx, resp);
		return 1;
	}
	if (req.selector_len >= prefix && memcmp(req.selector, GOPHER_URL_PREFIX, prefix) == 0) {
		if (gopher_url_page(&resp->head, req.selector + prefix, req.selector_len - prefix) != 0)
			fail(resp, "Refused: not a URL we link to");
		return 1;
	}
	if ((job = new_job(ctx, &req)) == NULL || take_search_words(job, &req) != 0) {
		gopher_job_free(job);
		fail(resp, "Server error");
		return 1;
	}
	if (site_area_guarded(site_area_of(ctx->areas, job->path))) {
		gopher_job_free(job);
		fail(resp, "Not served over Gopher: it needs a Gemini client certificate");
		return 1;
	}
	site_resolve(&job->site, job->path, job->query, &job->target);
	/* A directory asked without its '/' is served as with it. */
	if ((job->target.kind == SITE_DIRECTORY || job->target.kind == SITE_PAGE) &&
	    job->target.slash_missing && add_slash(job) != 0) {
		gopher_job_free(job);
		fail(resp, "Server error");
		return 1;
	}
	if (answer_target(job, resp)) {
		gopher_job_free(job);
		return 1;
	}
	*out = job;
	return 0;
}

void
gopher_produce(void *arg, struct response *resp)
{
	struct gopher_job *job = arg;
	struct menu m = { &resp->head, job->ctx->host, job->ctx->port, width_of(job->ctx) };
	struct buf key_bytes = BUF_INIT, *key = answer_key(job, &key_bytes);

	switch (job->target.kind) {
	case SITE_PAGE:
		serve_archive(job, &m, key, resp);
		break;
	case SITE_DIRECTORY:
		serve_directory(job, &m, key, resp);
		break;
	case SITE_ARTICLE:
		serve_article(job, &m, key, resp);
		break;
	default:
		serve_file(job, &m, key, resp);
		break;
	}
	buf_free(&key_bytes);
	gopher_job_free(job);
}

void
gopher_handle(const struct gopher_context *ctx, const char *line, size_t len,
    struct response *resp)
{
	void *job;

	if (!gopher_answer(ctx, line, len, resp, &job))
		gopher_produce(job, resp);
}
