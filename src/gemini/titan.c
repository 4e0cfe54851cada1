#include "gemini/titan.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "content/publish.h"
#include "convert/convert.h"
#include "site/site.h"
#include "util/buf.h"
#include "util/text.h"

/* A new article's title is read from its first bytes. */
#define TITLE_READ_MAX (256 * 1024)
/* slug.gmi, slug-2.gmi ... slug-100.gmi, then give up. */
#define SLUG_TRIES 100
#define SLUG_BYTES 80

/* What may be uploaded: the extension decides the format; the first of
 * each type is the one a new article gets. */
struct upload_format {
	const char *ext;
	const char *mime;
	enum article_format format;
};

static const struct upload_format formats[] = {
	{ ".gmi", "text/gemini", ARTICLE_GEMTEXT },
	{ ".md", "text/markdown", ARTICLE_MARKDOWN },
	{ ".txt", "text/plain", ARTICLE_TEXT },
	{ ".html", "text/html", ARTICLE_HTML },
	{ ".markdown", "text/markdown", ARTICLE_MARKDOWN },
	{ ".htm", "text/html", ARTICLE_HTML },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

struct titan_upload {
	struct content_upload file;
	int open;                /* file holds a temporary file */
	int root_fd;             /* the host's tree (the generation's) */
	long long size;          /* announced; -1 when absent */
	int write_errno;         /* a write failed: why */
	int delete;              /* size=0: remove path */
	int new_article;         /* path is the folder; the name comes from the title */
	const struct upload_format *format;
	char *path;              /* the page (or the new article's folder) */
	char *base;              /* "gemini://host[:port]" */
	const char *who;         /* the fingerprint, "token" or "-" */
	char *log_request;       /* the line with its token hidden; NULL without one */
};

/* The log line's note on the upload; the line without its token. */
static void
note(const struct titan_upload *u, struct response *resp, const char *outcome)
{
	char size[32] = "-";

	if (u->size >= 0)
		snprintf(size, sizeof(size), "%lld", u->size);
	free(resp->log_note);
	resp->log_note = format_string("upload %s %s %s bytes: %s", u->who, u->path, size, outcome);
	free(resp->log_request);
	resp->log_request = u->log_request != NULL ? strdup(u->log_request) : NULL;
}

static void
reply(const struct titan_upload *u, struct response *resp, int status, const char *meta,
    const char *outcome)
{
	response_reset(resp);
	response_gemini_header(resp, status, meta);
	note(u, resp, outcome);
}

char *
titan_hidden_line(const char *line, size_t len)
{
	static const char param[] = ";token=";
	struct buf b = BUF_INIT;
	const char *at, *end;

	for (at = line; (size_t)(at - line) + sizeof(param) - 1 <= len; at++)
		if (memcmp(at, param, sizeof(param) - 1) == 0)
			break;
	if ((size_t)(at - line) + sizeof(param) - 1 > len)
		return NULL;
	end = at + sizeof(param) - 1;
	while ((size_t)(end - line) < len && *end != ';')
		end++;
	buf_append(&b, line, (size_t)(at - line));
	buf_append_str(&b, ";token=(hidden)");
	buf_append(&b, end, len - (size_t)(end - line));
	return buf_release(&b, NULL);
}

static const struct upload_format *
format_of_name(const char *path)
{
	const char *name = strrchr(path, '/') + 1, *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot != NULL && i < NFORMATS; i++)
		if (strcasecmp(dot, formats[i].ext) == 0)
			return &formats[i];
	return NULL;
}

static const struct upload_format *
format_of_mime(const char *mime)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (strcmp(mime[0] ? mime : "text/gemini", formats[i].mime) == 0)
			return &formats[i];
	return NULL;
}

/* 60, 61, 62 for a client that may not publish at this path. */
static int
refuse_client(const struct titan_upload *u, const struct site_area *area,
    const struct site_client *client, struct response *resp)
{
	switch (site_area_check(area, AREA_PUBLISH, client)) {
	case SITE_LET_IN:
		return 0;
	case SITE_NEED_CERTIFICATE:
		reply(u, resp, 60, "Publishing here needs a client certificate",
		    "refused, no certificate");
		break;
	case SITE_CERTIFICATE_INVALID:
		reply(u, resp, 62, "This certificate is expired or not yet valid",
		    "refused, certificate out of its dates");
		break;
	default:
		if (area == NULL || !(area->config->access & AREA_PUBLISH))
			reply(u, resp, 61, "Uploads are not accepted at this path",
			    "refused, not a publish area");
		else
			reply(u, resp, 61, "This certificate may not publish here",
			    "refused, not authorised");
		break;
	}
	return 1;
}

/* 59 for parameters this upload cannot have; else u->format is set. */
static int
refuse_params(struct titan_upload *u, const struct site_area *area,
    const struct titan_params *p, struct response *resp)
{
	char meta[256];

	u->new_article = u->path[strlen(u->path) - 1] == '/';
	u->format = u->new_article ? format_of_mime(p->mime) : format_of_name(u->path);
	if (u->format == NULL) {
		reply(u, resp, 59, u->new_article ? "A new article is text/gemini, text/markdown, "
		    "text/plain or text/html" : "Only .gmi, .md, .txt and .html files can be uploaded",
		    "refused, not a text format");
		return 1;
	}
	if (p->edit)
		return 0;
	if (p->mime[0] && strcmp(p->mime, u->format->mime) != 0) {
		snprintf(meta, sizeof(meta), "mime %s does not match the extension %s", p->mime,
		    u->format->ext);
		reply(u, resp, 59, meta, "refused, mime contradicts the name");
		return 1;
	}
	if (p->size < 0) {
		reply(u, resp, 59, "A Titan upload needs size=N", "refused, no size");
		return 1;
	}
	if ((unsigned long long)p->size > area->config->max_upload) {
		snprintf(meta, sizeof(meta), "Larger than the upload limit here (%zu bytes)",
		    area->config->max_upload);
		reply(u, resp, 59, meta, "refused, over max_upload");
		return 1;
	}
	if (p->size == 0 && (!area->config->delete || u->new_article)) {
		reply(u, resp, 59, u->new_article ? "Name the file to delete" :
		    "Deleting (size=0) is not allowed here", "refused, delete");
		return 1;
	}
	return 0;
}

/* The temporary file in the target folder: the path's own, or the area's
 * articles folder and today's month for a new article. */
static int
start(struct titan_upload *u, const struct site_area *area, struct response *resp)
{
	char *slash = strrchr(u->path, '/'), *dir;
	enum content_status st;
	struct tm tm;
	time_t now = time(NULL);

	if (u->new_article) {
		gmtime_r(&now, &tm);
		dir = format_string("%s%04d/%02d/", area->config->articles, tm.tm_year + 1900,
		    tm.tm_mon + 1);
		free(u->path);
		u->path = dir;
	} else {
		dir = strndup(u->path, (size_t)(slash - u->path + 1));
	}
	if (dir == NULL) {
		reply(u, resp, 40, "Out of memory", "failed, out of memory");
		return 0;
	}
	st = content_upload_begin(u->root_fd, dir, u->new_article ? NULL : slash + 1, &u->file);
	if (!u->new_article)
		free(dir);
	if (st == CONTENT_OK) {
		u->open = 1;
		return 1;
	}
	if (st == CONTENT_FORBIDDEN)
		reply(u, resp, 59, "This path cannot be written (a hidden name, a symlink or a "
		    "folder in the way)", "refused, unwritable path");
	else
		reply(u, resp, 40, "Cannot write here now, try again later", strerror(errno));
	return 0;
}

static char *
base_url(int port, const struct gemini_request *req)
{
	int v6 = strchr(req->host, ':') != NULL;

	if (port == 1965)
		return format_string("gemini://%s%s%s", v6 ? "[" : "", req->host, v6 ? "]" : "");
	return format_string("gemini://%s%s%s:%d", v6 ? "[" : "", req->host, v6 ? "]" : "", port);
}

static struct titan_upload *
upload_new(const struct titan_host *host, const struct gemini_request *req,
    const struct request_info *info)
{
	struct titan_upload *u;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		return NULL;
	u->root_fd = host->root_fd;
	u->size = req->params.size;
	u->who = info->fingerprint != NULL && info->fingerprint[0] ? info->fingerprint :
	    req->params.token != NULL ? "token" : "-";
	u->log_request = req->params.token != NULL ? titan_hidden_line(info->line, info->len) :
	    NULL;
	u->path = strdup(req->path);
	u->base = base_url(host->public_port, req);
	if (u->path == NULL || u->base == NULL ||
	    (req->params.token != NULL && u->log_request == NULL)) {
		titan_upload_free(u);
		return NULL;
	}
	return u;
}

enum titan_decision
titan_answer(const struct titan_host *host, const struct gemini_request *req,
    const struct request_info *info, struct response *resp, struct titan_upload **out)
{
	struct site_client client = { info->fingerprint, info->certificate, req->params.token };
	const struct site_area *area = site_area_of(host->areas, req->path);
	struct titan_upload *u;
	enum titan_decision decision = TITAN_ANSWERED;

	*out = NULL;
	if ((u = upload_new(host, req, info)) == NULL) {
		response_reset(resp);
		response_gemini_header(resp, 40, "Out of memory");
		return TITAN_ANSWERED;
	}
	if (refuse_client(u, area, &client, resp) || refuse_params(u, area, &req->params, resp))
		decision = TITAN_ANSWERED;
	else if (req->params.edit)
		decision = TITAN_EDIT;
	else if ((u->delete = req->params.size == 0) || start(u, area, resp))
		decision = TITAN_UPLOAD;
	if (decision != TITAN_ANSWERED) {
		/* Noted now for a line logged before produce() (a body cut short). */
		note(u, resp, decision == TITAN_EDIT ? "source sent" : "incomplete");
		*out = decision == TITAN_UPLOAD ? u : NULL;
	}
	if (*out == NULL)
		titan_upload_free(u);
	return decision;
}

size_t
titan_body_length(const struct titan_upload *u)
{
	return u->delete ? 0 : (size_t)u->size;
}

int
titan_body(struct titan_upload *u, const char *data, size_t len)
{
	if (content_upload_write(&u->file, data, len) == 0)
		return 0;
	u->write_errno = errno;
	return -1;
}

void
titan_slug(const char *title, char out[TITAN_SLUG_MAX])
{
	/* U+00C0 to U+00FF without accents (U+00D7 and U+00F7 are signs). */
	static const char *const latin1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
	};
	size_t len = strlen(title), i, n, o = 0, cut = 0;
	uint32_t cp;

	for (i = 0; i < len && o < SLUG_BYTES; i += n ? n : 1) {
		n = utf8_next(title + i, len - i, &cp);
		if (n == 1 && ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')))
			out[o++] = (char)cp;
		else if (n == 1 && cp >= 'A' && cp <= 'Z')
			out[o++] = (char)(cp - 'A' + 'a');
		else if (n == 2 && cp >= 0xc0 && cp <= 0xff && latin1[cp - 0xc0] != NULL &&
		    o + strlen(latin1[cp - 0xc0]) <= SLUG_BYTES)
			o += (size_t)snprintf(out + o, TITAN_SLUG_MAX - o, "%s", latin1[cp - 0xc0]);
		else if (n > 1 && cp >= 0x100 && !(cp >= 0x2000 && cp <= 0x206f) &&
		    !(cp >= 0x3000 && cp <= 0x303f) && !(cp >= 0xfe30 && cp <= 0xfe4f) &&
		    !(cp >= 0xff00 && cp <= 0xff20) && o + n <= SLUG_BYTES) {
			memcpy(out + o, title + i, n);
			o += n;
		} else if (o > 0 && out[o - 1] != '-') {
			cut = o;
			out[o++] = '-';
		}
	}
	/* Cut short: at the last separator, never inside a word. */
	if (i < len && cut > 0)
		o = cut;
	while (o > 0 && out[o - 1] == '-')
		o--;
	if (o == 0)
		o = (size_t)snprintf(out, TITAN_SLUG_MAX, "untitled");
	out[o] = '\0';
}

/* The title of the uploaded article, from its first bytes. */
static void
upload_slug(struct titan_upload *u, char slug[TITAN_SLUG_MAX])
{
	struct convert_options options = { .base_url = NULL };
	size_t want = u->file.written < TITLE_READ_MAX ? u->file.written : TITLE_READ_MAX;
	struct document *doc = NULL;
	char *data, *untitled;
	ssize_t n;

	titan_slug("", slug);
	if ((data = malloc(want + 1)) == NULL)
		return;
	untitled = format_string("%suntitled%s", u->path, u->format->ext);
	options.base_url = untitled;
	if ((n = pread(u->file.fd, data, want, 0)) >= 0)
		doc = convert_read(u->format->format, data, (size_t)n, &options);
	if (doc != NULL && doc->meta.title != NULL)
		titan_slug(doc->meta.title, slug);
	document_free(doc);
	free(untitled);
	free(data);
}

/* The new article's name: the slug of its title, then -2, -3 ... until
 * one is free.  0 with u->path the article's path, or -1 (errno). */
static int
commit_new_article(struct titan_upload *u)
{
	char slug[TITAN_SLUG_MAX], name[TITAN_SLUG_MAX + 32], *path;
	int i;

	upload_slug(u, slug);
	for (i = 1; i <= SLUG_TRIES; i++) {
		if (i == 1)
			snprintf(name, sizeof(name), "%s%s", slug, u->format->ext);
		else
			snprintf(name, sizeof(name), "%s-%d%s", slug, i, u->format->ext);
		if ((path = format_string("%s%s", u->path, name)) == NULL)
			return -1;
		if (content_upload_commit(&u->file, name, 0) == 0) {
			free(u->path);
			u->path = path;
			return 0;
		}
		free(path);
		/* Taken by a file, or by a folder of that name. */
		if (errno != EEXIST && errno != EISDIR)
			return -1;
	}
	return -1;
}

/* 30 to the gemini:// URL of path. */
static void
redirect(struct titan_upload *u, struct response *resp, const char *path, const char *outcome)
{
	struct buf url = BUF_INIT;

	buf_append_str(&url, u->base);
	percent_encode(&url, path, strlen(path), PERCENT_KEEP_PATH, PERCENT_IRI);
	if (url.failed || url.len > GEMINI_URL_MAX)
		reply(u, resp, 40, "Done, but its URL is too long to send", outcome);
	else
		reply(u, resp, 30, url.data, outcome);
	buf_free(&url);
}

static void
produce_delete(struct titan_upload *u, struct response *resp)
{
	char *folder;

	switch (content_remove(u->root_fd, u->path)) {
	case CONTENT_OK:
		if ((folder = strndup(u->path, (size_t)(strrchr(u->path, '/') - u->path + 1))) ==
		    NULL) {
			reply(u, resp, 40, "Out of memory", "deleted");
			return;
		}
		redirect(u, resp, folder, "deleted");
		free(folder);
		return;
	case CONTENT_NOT_FOUND:
		reply(u, resp, 51, "Nothing to delete at this path", "nothing to delete");
		return;
	case CONTENT_FORBIDDEN:
		reply(u, resp, 59, "Not a file that can be deleted", "refused, not a file");
		return;
	default:
		reply(u, resp, 40, "Cannot delete now, try again later", strerror(errno));
		return;
	}
}

void
titan_produce(struct titan_upload *u, struct response *resp)
{
	int rc;

	if (u->delete) {
		produce_delete(u, resp);
		return;
	}
	if (u->write_errno != 0 || u->file.written != (size_t)u->size) {
		reply(u, resp, 40, "Cannot write the upload, nothing was changed",
		    strerror(u->write_errno ? u->write_errno : EIO));
		return;
	}
	rc = u->new_article ? commit_new_article(u) : content_upload_commit(&u->file, strrchr(
	    u->path, '/') + 1, 1);
	if (rc == -1) {
		reply(u, resp, 40, "Cannot write the upload, nothing was changed", strerror(errno));
		return;
	}
	u->open = 0;
	redirect(u, resp, u->path, u->new_article ? "created" : "written");
}

void
titan_upload_free(struct titan_upload *u)
{
	if (u == NULL)
		return;
	if (u->open)
		content_upload_abort(&u->file);
	free(u->path);
	free(u->base);
	free(u->log_request);
	free(u);
}
