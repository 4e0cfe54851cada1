#include "gopher/links.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/text.h"

static const char *const url_schemes[] = {
	"http", "https", "gemini", "ftp", "irc", "mailto",
};

/* Length of the scheme before ':' or 0 when the reference has none. */
static size_t
scheme_length(const char *url, size_t len)
{
	size_t i;

	if (len == 0 || !isalpha((unsigned char)url[0]))
		return 0;
	for (i = 1; i < len; i++) {
		if (url[i] == ':')
			return i;
		if (!isalnum((unsigned char)url[i]) && url[i] != '+' && url[i] != '-' &&
		    url[i] != '.')
			return 0;
	}
	return 0;
}

int
gopher_link_scheme_allowed(const char *url, size_t len)
{
	size_t n = scheme_length(url, len), i;

	for (i = 0; n > 0 && i < sizeof(url_schemes) / sizeof(url_schemes[0]); i++)
		if (strlen(url_schemes[i]) == n && strncasecmp(url, url_schemes[i], n) == 0)
			return 1;
	return 0;
}

/* Append path to out with "." and ".." segments removed (RFC 3986 5.2.4);
 * ".." never climbs above the root. */
static void
append_without_dots(struct buf *out, const char *path, size_t len)
{
	size_t start = out->len, i = 0;
	int ends_as_directory = 0;

	while (i < len) {
		size_t seg_end, seg_len;
		int dot, dot_dot;

		while (i < len && path[i] == '/')
			i++;
		seg_end = i;
		while (seg_end < len && path[seg_end] != '/')
			seg_end++;
		seg_len = seg_end - i;
		dot = seg_len == 1 && path[i] == '.';
		dot_dot = seg_len == 2 && path[i] == '.' && path[i + 1] == '.';
		if (dot_dot) {
			while (out->len > start && out->data[out->len - 1] != '/')
				buf_truncate(out, out->len - 1);
			if (out->len > start)
				buf_truncate(out, out->len - 1);
		} else if (seg_len > 0 && !dot) {
			buf_append_char(out, '/');
			buf_append(out, path + i, seg_len);
		}
		ends_as_directory = seg_len == 0 || dot || dot_dot;
		i = seg_end;
	}
	if (out->len == start || (ends_as_directory && out->data[out->len - 1] != '/'))
		buf_append_char(out, '/');
}

static int
has_unsafe_byte(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] == '\0' || b->data[i] == '\t' || b->data[i] == '\r' ||
		    b->data[i] == '\n')
			return 1;
	return 0;
}

/* A reference to our own tree: merge with base, drop dot segments,
 * percent-decode the path once (selectors are raw bytes). */
static int
resolve_local(const char *ref, size_t len, const char *base, struct link_target *t)
{
	struct buf merged = BUF_INIT;
	size_t path_len = strcspn(ref, "?#");
	const char *query = ref + path_len;
	size_t query_len = *query == '?' ? strcspn(query, "#") : 0;

	if (path_len > len)
		path_len = len;
	if (path_len == 0)
		buf_append_str(&merged, base);
	else if (ref[0] == '/')
		buf_append(&merged, ref, path_len);
	else {
		const char *slash = strrchr(base, '/');

		buf_append(&merged, base, slash != NULL ? (size_t)(slash - base) + 1 : 0);
		buf_append(&merged, ref, path_len);
	}
	if (!merged.failed) {
		struct buf clean = BUF_INIT;

		append_without_dots(&clean, merged.data, merged.len);
		percent_decode_buf(&t->selector, clean.data != NULL ? clean.data : "", clean.len);
		buf_free(&clean);
	}
	buf_free(&merged);
	buf_append(&t->selector, query, query_len);
	t->kind = has_unsafe_byte(&t->selector) ? LINK_REFUSED : LINK_LOCAL;
	return t->selector.failed ? -1 : 0;
}

/* Split "//host[:port]rest": host into t->host, returns the rest or NULL. */
static const char *
split_authority(const char *p, struct link_target *t, int default_port)
{
	size_t host_len = strcspn(p, ":/?#");

	if (host_len == 0 || host_len >= sizeof(t->host))
		return NULL;
	memcpy(t->host, p, host_len);
	t->host[host_len] = '\0';
	t->port = default_port;
	p += host_len;
	if (*p == ':') {
		char *end;
		long port = strtol(p + 1, &end, 10);

		if (end == p + 1)
			port = default_port;
		if (port < 1 || port > 65535)
			return NULL;
		t->port = (int)port;
		p = end;
	}
	return p;
}

static int
resolve_gopher(const char *rest, struct link_target *t)
{
	const char *path = split_authority(rest, t, 70);
	char *tab;

	if (path == NULL || (*path != '\0' && *path != '/')) {
		t->kind = LINK_REFUSED;
		return 0;
	}
	t->kind = LINK_GOPHER;
	t->type = '1';
	if (path[0] == '/' && path[1] != '\0') {
		t->type = path[1];
		percent_decode_buf(&t->selector, path + 2, strcspn(path + 2, "#"));
	}
	if (t->selector.data != NULL && (tab = memchr(t->selector.data, '\t',
	    t->selector.len)) != NULL)
		buf_truncate(&t->selector, (size_t)(tab - t->selector.data));
	if (has_unsafe_byte(&t->selector))
		t->kind = LINK_REFUSED;
	return t->selector.failed ? -1 : 0;
}

int
gopher_link_resolve(const char *url, const char *base, const char *own_host,
    struct link_target *t)
{
	size_t len = strlen(url), scheme = scheme_length(url, len);
	struct buf empty = BUF_INIT;

	t->selector = empty;
	t->type = '\0';
	t->host[0] = '\0';
	t->port = 0;
	t->kind = LINK_REFUSED;
	if (len == 0)
		return 0;
	if (scheme == 0 && strncmp(url, "//", 2) != 0)
		return resolve_local(url, len, base, t);
	if (scheme == 6 && strncasecmp(url, "gopher", 6) == 0 && strncmp(url + 6, "://", 3) == 0)
		return resolve_gopher(url + 9, t);
	if ((scheme == 6 && strncasecmp(url, "gemini", 6) == 0 && strncmp(url + 6, "://", 3) == 0) ||
	    scheme == 0) {
		const char *rest = url + (scheme == 0 ? 2 : 9);
		const char *path = split_authority(rest, t, 1965);

		if (path != NULL && own_host != NULL && strcasecmp(t->host, own_host) == 0)
			return resolve_local(*path == '\0' ? "/" : path,
			    *path == '\0' ? 1 : strlen(path), "/", t);
		if (scheme == 0)
			return 0;
	}
	if (!gopher_link_scheme_allowed(url, len))
		return 0;
	t->kind = LINK_URL;
	return buf_append(&t->selector, url, len);
}

void
gopher_link_target_free(struct link_target *t)
{
	buf_free(&t->selector);
}
