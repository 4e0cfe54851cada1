#include "gemini/handler.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gemini/page.h"
#include "gemini/request.h"
#include "gemini/titan.h"
#include "site/site.h"
#include "util/buf.h"
#include "util/text.h"

/* What the pool finishes: the request parsed once on the loop and its
 * target resolved there, the file still open. */
struct gemini_job {
	struct site site;
	struct gemini_request req;
	struct site_target target;
	const char *lang;
	struct titan_upload *upload; /* a titan:// upload: produced by titan_produce() */
};

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

	if (strcmp(req->scheme, "gemini") != 0 && !req->titan)
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

/* The site a host serves, as the site layer sees it. */
static void
site_of(const struct gemini_context *ctx, const struct gemini_host *host, struct site *s)
{
	s->areas = host->areas;
	s->root_fd = host->root_fd;
	s->archive = host->archive;
	s->cache = ctx->cache;
	s->types = ctx->types;
	s->article_paths = ctx->config->article_paths;
	s->directory_listing = ctx->config->directory_listing;
}

static void
serve_page(struct response *resp, const struct page *page, const char *base, const char *lang)
{
	struct buf body = BUF_INIT;

	if (gemini_write_page(&body, page, base) != 0) {
		buf_free(&body);
		respond(resp, 40, "out of memory");
		return;
	}
	respond_gemtext_meta(resp, "text/gemini", lang);
	buf_append(&resp->head, body.data, body.len);
	buf_free(&body);
}

static void
render_archive(const struct gemini_job *job, struct response *resp)
{
	struct archive_page page = { PAGE_INIT, BUF_INIT, NULL, NULL };
	const char *path = job->req.path;
	enum archive_status st;
	char *query = NULL;

	if (job->req.query != NULL && (query = gemini_query_decode(job->req.query)) == NULL &&
	    job->target.route == ARCHIVE_ROUTE_SEARCH) {
		respond(resp, 59, "malformed query");
		return;
	}
	st = archive_render(job->site.archive, path, query, ARCHIVE_FEED_ATOM, &page);
	free(query);
	switch (st) {
	case ARCHIVE_OK:
		if (strcmp(page.mime, "text/gemini") != 0) {
			respond_gemtext_meta(resp, page.mime, job->lang);
			buf_append(&resp->head, page.body.data, page.body.len);
		} else
			serve_page(resp, &page.page, NULL, job->lang);
		break;
	case ARCHIVE_INPUT:
		respond(resp, 10, page.prompt != NULL ? page.prompt : "Search");
		break;
	case ARCHIVE_NOT_FOUND:
	case ARCHIVE_NOT_MINE:
		respond(resp, 51, "not found");
		break;
	default:
		respond(resp, 40, "the archive index is unavailable, try again later");
		break;
	}
	archive_page_free(&page);
}

static void
serve_listing(const struct gemini_job *job, struct response *resp)
{
	struct page page = PAGE_INIT;
	char *query = job->req.query != NULL ? gemini_query_decode(job->req.query) : NULL;
	int rc = site_listing(&job->site, job->req.path, query, NULL, 0, &page);

	if (rc == SITE_NO_SUCH_PAGE)
		respond(resp, 51, "not found");
	else if (rc != 0)
		respond(resp, 40, "cannot list this directory");
	else
		serve_page(resp, &page, job->req.path, job->lang);
	free(query);
	page_free(&page);
}

/* A file served as it is (its fd moves to the response).  0 when quick
 * and only libmagic could name its type. */
static int
serve_file(const struct site *s, struct site_target *t, const char *lang, int quick,
    struct response *resp)
{
	const char *type = site_mime(s, t, quick);

	if (type == NULL)
		return 0;
	respond_gemtext_meta(resp, type, lang);
	response_set_file(resp, t->fd, t->st.st_size);
	t->fd = -1;
	return 1;
}

/* The article page: its head, the cached body (shared, never copied),
 * its foot.  The reference to article moves to the response. */
static void
serve_article(const struct gemini_job *job, struct response *resp,
    const struct cached_article *article)
{
	struct page head = PAGE_INIT, foot = PAGE_INIT;

	if (article == NULL) {
		respond(resp, 40, "the article could not be converted");
		return;
	}
	if (site_article_frame(&job->site, job->req.path, article, &head, &foot) != 0) {
		article_cache_release(article);
		respond(resp, 40, "out of memory");
	} else {
		respond_gemtext_meta(resp, "text/gemini; charset=utf-8",
		    article->doc->meta.lang != NULL ? article->doc->meta.lang : job->lang);
		gemini_write_page(&resp->head, &head, NULL);
		response_set_shared(resp, article->gemtext, article->gemtext_len,
		    article_cache_release_cb, (void *)article);
		gemini_write_page(&resp->foot, &foot, NULL);
	}
	page_free(&head);
	page_free(&foot);
}

static void
serve_robots(struct response *resp)
{
	respond(resp, 20, "text/plain; charset=utf-8");
	if (site_robots_text(&resp->head) != 0)
		respond(resp, 40, "out of memory");
}

/* What the loop answers itself: 1, or 0 when the pool must. */
static int
answer_target(struct gemini_job *job, struct response *resp)
{
	struct site_target *t = &job->target;

	switch (t->kind) {
	case SITE_REFUSED:
	case SITE_NOT_FOUND:
		respond(resp, 51, "not found");
		return 1;
	case SITE_ERROR:
		respond(resp, 40, "cannot read this file, try again later");
		return 1;
	case SITE_DIRECTORY:
		if (t->slash_missing) {
			redirect_to_directory(resp, job->req.path);
			return 1;
		}
		if (t->index_fd == -1)
			return 0;
		respond_gemtext_meta(resp, "text/gemini; charset=utf-8", job->lang);
		response_set_file(resp, t->index_fd, t->index_st.st_size);
		t->index_fd = -1;
		return 1;
	case SITE_FILE:
	case SITE_RAW:
		return serve_file(&job->site, t, job->lang, 1, resp);
	case SITE_PAGE:
		if (!t->slash_missing)
			return 0;
		redirect_to_directory(resp, job->req.path);
		return 1;
	case SITE_ROBOTS:
		serve_robots(resp);
		return 1;
	case SITE_ARTICLE:
		/* Its page asks the index for the articles around it. */
		if (t->article == NULL || job->site.archive != NULL)
			return 0;
		serve_article(job, resp, t->article);
		t->article = NULL;
		return 1;
	default:
		return 0;
	}
}

void
gemini_job_free(void *arg)
{
	struct gemini_job *job = arg;

	if (job == NULL)
		return;
	site_target_free(&job->target);
	gemini_request_free(&job->req);
	titan_upload_free(job->upload);
	free(job);
}

/* 60, 61 or 62 for a client that may not read the path; the log line
 * names the certificate shown in a guarded area. */
static int
refuse_reader(const struct gemini_host *host, const char *path,
    const struct request_info *info, struct response *resp)
{
	struct site_client client = { info->fingerprint, info->certificate, NULL };
	const struct site_area *area = site_area_of(host->areas, path);
	enum site_verdict verdict = site_area_check(area, AREA_READ, &client);

	if (verdict == SITE_NEED_CERTIFICATE)
		respond(resp, 60, "Please choose an identity (client certificate) to read this");
	else if (verdict == SITE_CERTIFICATE_INVALID)
		respond(resp, 62, "This certificate is expired or not yet valid");
	else if (verdict == SITE_NOT_AUTHORISED)
		respond(resp, 61, "This certificate is not allowed here");
	if (site_area_guarded(area)) {
		free(resp->log_note);
		resp->log_note = format_string("certificate %s", info->fingerprint != NULL &&
		    info->fingerprint[0] ? info->fingerprint : "none");
	}
	return verdict != SITE_LET_IN;
}

/* ";edit": the source of the page as it is, where the client may publish;
 * the note and the line (token hidden) titan_answer() left are kept. */
static int
answer_edit(struct gemini_job *job, struct response *resp)
{
	char *note = resp->log_note, *line = resp->log_request;
	int answered = 1;

	resp->log_note = resp->log_request = NULL;
	free(job->req.query);
	if ((job->req.query = strdup(SITE_RAW_QUERY)) == NULL) {
		respond(resp, 40, "out of memory");
	} else {
		site_resolve(&job->site, job->req.path, job->req.query, &job->target);
		if (job->target.kind == SITE_FILE || job->target.kind == SITE_RAW)
			answered = answer_target(job, resp);
		else
			respond(resp, 51, "Nothing to edit at this path");
	}
	free(resp->log_note);
	free(resp->log_request);
	resp->log_note = note;
	resp->log_request = line;
	return answered;
}

/* A titan:// request: an upload (a job that waits for its body), the
 * source for ";edit", or a refusal. */
static int
answer_titan(const struct gemini_context *ctx, const struct gemini_host *host,
    const struct request_info *info, struct gemini_job *job, struct response *resp, void **out)
{
	struct titan_host target = { host->root_fd, host->areas, config_public_port(ctx->config) };

	switch (titan_answer(&target, &job->req, info, resp, &job->upload)) {
	case TITAN_UPLOAD:
		*out = job;
		return 0;
	case TITAN_EDIT:
		if (!answer_edit(job, resp)) {
			*out = job;
			return 0;
		}
		break;
	default:
		break;
	}
	gemini_job_free(job);
	return 1;
}

int
gemini_answer(const struct gemini_context *ctx, const struct request_info *info,
    struct response *resp, void **out)
{
	const struct gemini_host *host;
	struct gemini_job *job;
	const char *reason = NULL;

	*out = NULL;
	if ((job = calloc(1, sizeof(*job))) == NULL) {
		respond(resp, 40, "out of memory");
		return 1;
	}
	/* Nothing resolved yet: gemini_job_free() closes no file. */
	job->target.fd = job->target.index_fd = -1;
	if (gemini_request_parse(info->line, info->len, &job->req, &reason) != 0) {
		free(job);
		respond(resp, 59, reason != NULL ? reason : "bad request");
		/* A Titan token stays out of the log even in a bad request. */
		resp->log_request = titan_hidden_line(info->line, info->len);
		return 1;
	}
	if ((host = find_host(ctx, &job->req)) == NULL) {
		gemini_job_free(job);
		respond(resp, 53, "this server does not serve that URL");
		resp->log_request = titan_hidden_line(info->line, info->len);
		return 1;
	}
	site_of(ctx, host, &job->site);
	job->lang = config_host_lang(ctx->config, host->config);
	if (job->req.titan)
		return answer_titan(ctx, host, info, job, resp, out);
	if (refuse_reader(host, job->req.path, info, resp)) {
		gemini_job_free(job);
		return 1;
	}
	site_resolve(&job->site, job->req.path, job->req.query, &job->target);
	if (answer_target(job, resp)) {
		gemini_job_free(job);
		return 1;
	}
	*out = job;
	return 0;
}

size_t
gemini_body_length(const void *arg)
{
	const struct gemini_job *job = arg;

	return job->upload != NULL ? titan_body_length(job->upload) : 0;
}

int
gemini_body(void *arg, const char *data, size_t len)
{
	struct gemini_job *job = arg;

	return titan_body(job->upload, data, len);
}

void
gemini_produce(void *arg, struct response *resp)
{
	struct gemini_job *job = arg;
	struct site_target *t = &job->target;

	if (job->upload != NULL) {
		titan_produce(job->upload, resp);
		gemini_job_free(job);
		return;
	}
	switch (t->kind) {
	case SITE_PAGE:
		render_archive(job, resp);
		break;
	case SITE_DIRECTORY:
		serve_listing(job, resp);
		break;
	case SITE_ARTICLE:
		serve_article(job, resp, site_article(&job->site, t));
		break;
	default:
		serve_file(&job->site, t, job->lang, 0, resp);
		break;
	}
	gemini_job_free(job);
}

int
gemini_handle_quick(const struct gemini_context *ctx, const char *line, size_t len,
    struct response *resp)
{
	struct request_info req = { line, len, "", "", NULL };
	void *job;

	if (gemini_answer(ctx, &req, resp, &job))
		return 1;
	gemini_job_free(job);
	return 0;
}

void
gemini_handle(const struct gemini_context *ctx, const char *line, size_t len,
    struct response *resp)
{
	struct request_info req = { line, len, "", "", NULL };
	void *job;

	if (!gemini_answer(ctx, &req, resp, &job))
		gemini_produce(job, resp);
}
