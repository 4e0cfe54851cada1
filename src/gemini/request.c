#include "gemini/request.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

#define PORT_MAX 65535
#define SUB_DELIMS "!$&'()*+,;="
#define UTF8_BOM "\xef\xbb\xbf"

static int
in_set(unsigned char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII only, so the result never depends on the process locale. */
static char
to_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : (char)c;
}

static int
is_unreserved(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || in_set(c, "-._~");
}

/* Bytes >= 0x80 are the UTF-8 of an IRI (RFC 3987); the line as a whole is
 * checked to be valid UTF-8 without controls before any component is. */
static int
is_regname_char(unsigned char c)
{
	return c >= 0x80 || is_unreserved(c) || in_set(c, SUB_DELIMS "%");
}

static int
is_pchar(unsigned char c)
{
	return is_regname_char(c) || c == ':' || c == '@';
}

static int
is_path_char(unsigned char c)
{
	return is_pchar(c) || c == '/';
}

static int
is_query_char(unsigned char c)
{
	return is_path_char(c) || c == '?';
}

static int
is_scheme_char(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || in_set(c, "+-.");
}

/* C0, DEL and C1: none of them belongs in a URL or a file name. */
static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Why s (raw or decoded) is not clean UTF-8 text, or NULL when it is. */
static const char *
check_text(const char *s, size_t len)
{
	size_t i, n;
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_next(s + i, len - i, &cp)) == 0)
			return "invalid UTF-8";
		if (cp == 0)
			return "NUL byte";
		if (is_control(cp))
			return "control character";
	}
	return NULL;
}

/* Whole-line checks that hold for every scheme, with precise reasons. */
static const char *
check_line(const char *line, size_t len)
{
	const char *reason;
	size_t i;
	unsigned char c;

	if (len == 0)
		return "empty request";
	if (len > GEMINI_URL_MAX)
		return "request longer than 1024 bytes";
	if (len >= 3 && memcmp(line, UTF8_BOM, 3) == 0)
		return "byte-order mark before the URL";
	if ((reason = check_text(line, len)) != NULL)
		return reason;
	for (i = 0; i < len; i++) {
		c = (unsigned char)line[i];
		if (c == ' ')
			return "raw space (send %20)";
		if (c == '\\')
			return "backslash in URL";
		if (c == '#')
			return "fragment not allowed";
		if (!is_pchar(c) && !in_set(c, "/?[]"))
			return "character not allowed in a URL";
	}
	return NULL;
}

/* Whether s holds only bytes that allowed() accepts, every '%' starting a
 * two-hex-digit escape. */
static int
component_valid(const char *s, size_t len, int (*allowed)(unsigned char))
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!allowed((unsigned char)s[i]))
			return 0;
	return percent_well_formed(s, len);
}

static void
copy_lower(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = to_lower((unsigned char)src[i]);
	dst[len] = '\0';
}

/* scheme ":" at the start of the line; *used = bytes up to the colon's end. */
static const char *
parse_scheme(const char *s, size_t len, struct gemini_request *req, size_t *used)
{
	size_t i;

	if (!is_alpha((unsigned char)s[0]))
		return "not an absolute URL";
	for (i = 1; i < len && s[i] != ':'; i++)
		if (!is_scheme_char((unsigned char)s[i]))
			return "not an absolute URL";
	if (i == len)
		return "not an absolute URL";
	if (i >= sizeof(req->scheme))
		return "scheme too long";
	copy_lower(req->scheme, s, i);
	*used = i + 1;
	return NULL;
}

static const char *
parse_ipv6(const char *s, size_t len, struct gemini_request *req)
{
	char text[INET6_ADDRSTRLEN];
	struct in6_addr addr;

	if (len >= sizeof(text))
		return "bad IPv6 address";
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET6, text, &addr) != 1)
		return "bad IPv6 address";
	copy_lower(req->host, text, len);
	return NULL;
}

/* A Unicode host name becomes its A-label form, the only one SNI and our
 * configuration use (UTS #46 non-transitional, as browsers do). */
static const char *
store_idn_host(const char *name, struct gemini_request *req)
{
	char *ascii;
	size_t len;

	if (idn2_to_ascii_8z(name, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK)
		return "bad international host name";
	len = strlen(ascii);
	/* libidn2 caps names at 253 bytes; the copy must not rely on it. */
	if (len >= sizeof(req->host)) {
		idn2_free(ascii);
		return "host name too long";
	}
	copy_lower(req->host, ascii, len);
	idn2_free(ascii);
	return NULL;
}

/* A reg-name, percent-decoded once (RFC 3986 allows escapes in it). */
static const char *
parse_reg_name(const char *s, size_t len, struct gemini_request *req)
{
	char name[GEMINI_URL_MAX + 1];
	size_t i, n;
	int ascii = 1;

	if (!component_valid(s, len, is_regname_char))
		return "bad host name";
	n = percent_decode(s, len, name);
	name[n] = '\0';
	if (check_text(name, n) != NULL)
		return "bad host name";
	for (i = 0; i < n; i++) {
		if ((unsigned char)name[i] >= 0x80)
			ascii = 0;
		else if (!is_unreserved((unsigned char)name[i]) &&
		    !in_set((unsigned char)name[i], SUB_DELIMS))
			return "bad host name";
	}
	if (!ascii)
		return store_idn_host(name, req);
	if (n >= sizeof(req->host))
		return "host name too long";
	copy_lower(req->host, name, n);
	return NULL;
}

/* An empty port is the same as no port (RFC 3986 §3.2.3). */
static const char *
parse_port(const char *s, size_t len, int *port)
{
	size_t i;
	int value = 0;

	if (len == 0)
		return NULL;
	for (i = 0; i < len; i++) {
		if (!is_digit((unsigned char)s[i]))
			return "bad port";
		value = value * 10 + (s[i] - '0');
		if (value > PORT_MAX)
			return "bad port";
	}
	*port = value;
	return NULL;
}

static const char *
parse_authority(const char *s, size_t len, struct gemini_request *req)
{
	const char *end = s + len, *host_end, *close;
	const char *reason;

	if (memchr(s, '@', len) != NULL)
		return "userinfo not allowed";
	if (len > 0 && s[0] == '[') {
		if ((close = memchr(s, ']', len)) == NULL)
			return "bad IPv6 address";
		if ((reason = parse_ipv6(s + 1, (size_t)(close - s - 1), req)) != NULL)
			return reason;
		host_end = close + 1;
		if (host_end < end && *host_end != ':')
			return "bad IPv6 address";
	} else {
		if ((host_end = memchr(s, ':', len)) == NULL)
			host_end = end;
		if ((reason = parse_reg_name(s, (size_t)(host_end - s), req)) != NULL)
			return reason;
	}
	if (host_end == end)
		return NULL;
	return parse_port(host_end + 1, (size_t)(end - host_end - 1), &req->port);
}

/* Decode one segment at out (*n bytes); refuse what could escape the root
 * or name something other than what the client sees. */
static const char *
decode_segment(const char *s, size_t len, int last, char *out, size_t *n)
{
	*n = 0;
	if (len == 0)
		return last ? NULL : "empty path segment";
	if (!component_valid(s, len, is_pchar))
		return "bad character or escape in path";
	*n = percent_decode(s, len, out);
	if (memchr(out, '\0', *n) != NULL)
		return "encoded NUL in path";
	if (memchr(out, '/', *n) != NULL)
		return "encoded slash in path";
	if (memchr(out, '\\', *n) != NULL)
		return "encoded backslash in path";
	if (check_text(out, *n) != NULL)
		return "path is not clean UTF-8 text";
	if ((*n == 1 && out[0] == '.') || (*n == 2 && memcmp(out, "..", 2) == 0))
		return "dot segment in path";
	return NULL;
}

/* The path of a gemini URL: empty, or starting with '/'. */
static const char *
parse_gemini_path(const char *s, size_t len, struct gemini_request *req)
{
	const char *end = s + len, *seg, *seg_end;
	const char *reason;
	char *out;
	size_t n = 0, decoded;

	if ((out = malloc(len + 2)) == NULL)
		return "out of memory";
	req->path = out;
	seg = len == 0 ? end : s + 1;
	for (;;) {
		out[n++] = '/';
		if ((seg_end = memchr(seg, '/', (size_t)(end - seg))) == NULL)
			seg_end = end;
		reason = decode_segment(seg, (size_t)(seg_end - seg), seg_end == end,
		    out + n, &decoded);
		if (reason != NULL)
			return reason;
		n += decoded;
		if (seg_end == end)
			break;
		seg = seg_end + 1;
	}
	out[n] = '\0';
	return NULL;
}

static const char *
parse_query(const char *s, size_t len, struct gemini_request *req)
{
	if (!component_valid(s, len, is_query_char))
		return "bad character or escape in query";
	if ((req->query = strndup(s, len)) == NULL)
		return "out of memory";
	return NULL;
}

/* A MIME type as Titan sends it: type/subtype in RFC 6838 characters. */
static const char *
store_mime(const char *value, size_t len, struct titan_params *p)
{
	const char *slash = memchr(value, '/', len);
	size_t i;

	if (len == 0 || len >= sizeof(p->mime) || slash == NULL || slash == value ||
	    slash == value + len - 1 || memchr(slash + 1, '/', len - (size_t)(slash - value) - 1))
		return "bad Titan mime";
	for (i = 0; i < len; i++)
		if (!is_alpha((unsigned char)value[i]) && !is_digit((unsigned char)value[i]) &&
		    !in_set((unsigned char)value[i], "!#$&^_.+-/"))
			return "bad Titan mime";
	copy_lower(p->mime, value, len);
	return NULL;
}

static const char *
store_size(const char *value, size_t len, struct titan_params *p)
{
	size_t i;

	/* 15 digits: far beyond any upload limit, far from overflowing. */
	if (len == 0 || len > 15)
		return "bad Titan size";
	p->size = 0;
	for (i = 0; i < len; i++) {
		if (!is_digit((unsigned char)value[i]))
			return "bad Titan size";
		p->size = p->size * 10 + (value[i] - '0');
	}
	return NULL;
}

/* One parameter: name, and its value percent-decoded once (or NULL). */
static const char *
store_param(const char *name, size_t name_len, const char *value, size_t len,
    struct titan_params *p)
{
#define NAMED(word) (name_len == sizeof(word) - 1 && memcmp(name, word, name_len) == 0)
	if (NAMED("edit")) {
		if (p->edit)
			return "repeated Titan parameter";
		p->edit = 1;
		return NULL;
	}
	if (!NAMED("size") && !NAMED("mime") && !NAMED("token"))
		return NULL;
	if (value == NULL)
		return "Titan parameter without a value";
	if (NAMED("size"))
		return p->size != -1 ? "repeated Titan parameter" : store_size(value, len, p);
	if (NAMED("mime"))
		return p->mime[0] ? "repeated Titan parameter" : store_mime(value, len, p);
	if (p->token != NULL)
		return "repeated Titan parameter";
	if (len == 0 || len >= TITAN_TOKEN_MAX)
		return "bad Titan token";
	return (p->token = strndup(value, len)) == NULL ? "out of memory" : NULL;
#undef NAMED
}

/* The parameters after the path of a titan:// URL: name[=value] pairs
 * separated by ';' (empty ones ignored). */
static const char *
parse_titan_params(const char *s, size_t len, struct titan_params *p)
{
	const char *end = s + len, *param = s, *param_end, *eq, *reason;
	char value[GEMINI_URL_MAX + 1];
	size_t n = 0;

	while (param < end) {
		if ((param_end = memchr(param, ';', (size_t)(end - param))) == NULL)
			param_end = end;
		eq = memchr(param, '=', (size_t)(param_end - param));
		if (eq != NULL) {
			if (!component_valid(eq + 1, (size_t)(param_end - eq - 1), is_path_char))
				return "bad character or escape in a Titan parameter";
			n = percent_decode(eq + 1, (size_t)(param_end - eq - 1), value);
			if (check_text(value, n) != NULL)
				return "Titan parameter is not clean UTF-8 text";
		}
		if (param_end > param && (reason = store_param(param,
		    (size_t)((eq != NULL ? eq : param_end) - param), eq != NULL ? value : NULL, n,
		    p)) != NULL)
			return reason;
		param = param_end + 1;
	}
	return NULL;
}

/* Foreign URLs only need to be well-formed: the caller answers 53. */
static const char *
check_foreign_path(const char *s, size_t len, struct gemini_request *req)
{
	if (!component_valid(s, len, is_path_char))
		return "bad character or escape in path";
	if ((req->path = strdup("/")) == NULL)
		return "out of memory";
	return NULL;
}

static const char *
parse_line(const char *line, size_t len, struct gemini_request *req)
{
	const char *end = line + len, *hier, *hier_end, *path, *params;
	const char *reason;
	size_t used;
	int gemini;

	if ((reason = check_line(line, len)) != NULL)
		return reason;
	if ((reason = parse_scheme(line, len, req, &used)) != NULL)
		return reason;
	req->titan = strcmp(req->scheme, "titan") == 0;
	gemini = req->titan || strcmp(req->scheme, "gemini") == 0;
	hier = line + used;
	if ((hier_end = memchr(hier, '?', (size_t)(end - hier))) == NULL)
		hier_end = end;
	else if (req->titan)
		return "query in a Titan URL";
	else if ((reason = parse_query(hier_end + 1, (size_t)(end - hier_end - 1), req)) != NULL)
		return reason;
	if (req->titan && (params = memchr(hier, ';', (size_t)(hier_end - hier))) != NULL) {
		if ((reason = parse_titan_params(params + 1, (size_t)(hier_end - params - 1),
		    &req->params)) != NULL)
			return reason;
		hier_end = params;
	}
	path = hier;
	if (hier_end - hier >= 2 && memcmp(hier, "//", 2) == 0) {
		if ((path = memchr(hier + 2, '/', (size_t)(hier_end - hier - 2))) == NULL)
			path = hier_end;
		if ((reason = parse_authority(hier + 2, (size_t)(path - hier - 2), req)) != NULL)
			return reason;
	}
	if (!gemini)
		return check_foreign_path(path, (size_t)(hier_end - path), req);
	if (req->host[0] == '\0')
		return "missing host";
	return parse_gemini_path(path, (size_t)(hier_end - path), req);
}

int
gemini_request_parse(const char *line, size_t len, struct gemini_request *req,
    const char **reason)
{
	memset(req, 0, sizeof(*req));
	req->port = -1;
	req->params.size = -1;
	if ((*reason = parse_line(line, len, req)) == NULL)
		return 0;
	gemini_request_free(req);
	return 59;
}

void
gemini_request_free(struct gemini_request *req)
{
	free(req->path);
	free(req->query);
	free(req->params.token);
	req->path = NULL;
	req->query = NULL;
	req->params.token = NULL;
}

enum frame
gemini_request_frame(const char *data, size_t len, size_t *line_len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (data[i] == '\r') {
			if (i + 1 == len)
				return FRAME_NEED_MORE;
			if (data[i + 1] != '\n')
				return FRAME_BAD;
			*line_len = i;
			return FRAME_COMPLETE;
		}
		if (i == GEMINI_URL_MAX || data[i] == '\n' || data[i] == '\0')
			return FRAME_BAD;
	}
	return FRAME_NEED_MORE;
}

char *
gemini_query_decode(const char *query)
{
	size_t len = strlen(query), n;
	char *out;

	if (!component_valid(query, len, is_query_char))
		return NULL;
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	n = percent_decode(query, len, out);
	out[n] = '\0';
	if (memchr(out, '\0', n) != NULL || !utf8_valid(out, n)) {
		free(out);
		return NULL;
	}
	return out;
}
