#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

enum setting_kind { SETTING_STRING, SETTING_UINT, SETTING_PORT, SETTING_BOOL, SETTING_SIZE,
	SETTING_LOG_FORMAT, SETTING_LISTEN };

/* When a new value takes effect: at the next reload (SIGHUP), or only at
 * a restart (what the listeners, the user, the sandbox, the services built
 * once at start-up or the certificates generated then depend on). */
enum setting_when { RELOAD, RESTART };

/* One row per global setting: the INI key, whose flag is the same with '-'
 * for '_', so the file and the command line can never drift apart. */
struct setting {
	const char *key;
	enum setting_kind kind;
	size_t offset;
	enum setting_when when;
	const char *help;
};

#define S(key, kind, field, when, help) { key, kind, offsetof(struct config, field), when, help }
static const struct setting settings[] = {
	S("listen", SETTING_LISTEN, listen, RESTART, "address to bind (repeatable; * = all, IPv6 and IPv4)"),
	S("port", SETTING_PORT, port, RESTART, "Gemini port"),
	S("public_port", SETTING_PORT, public_port, RELOAD, "port clients use, behind NAT or a proxy (0 = port)"),
	S("proxy_protocol", SETTING_BOOL, proxy_protocol, RELOAD, "connections come through a balancer that sends a PROXY v1/v2 header (yes/no)"),
	S("gopher_port", SETTING_PORT, gopher_port, RESTART, "Gopher port (0 disables Gopher)"),
	S("gopher_public_port", SETTING_PORT, gopher_public_port, RELOAD, "Gopher port announced in menus (0 = gopher_port)"),
	S("gopher_host", SETTING_STRING, gopher_host, RELOAD, "Gopher host announced in menus (default: first host)"),
	S("gopher_tls", SETTING_BOOL, gopher_tls, RELOAD, "also accept TLS (gophers://) on the Gopher port, with the Gemini certificate (yes/no)"),
	S("gopher_width", SETTING_UINT, gopher_width, RELOAD, "Gopher text width in columns (60-80)"),
	S("workers", SETTING_UINT, workers, RESTART, "event-loop threads (0 = number of cores)"),
	S("max_connections", SETTING_UINT, max_connections, RELOAD, "open connections at most; more are closed at once"),
	S("max_connections_per_ip", SETTING_UINT, max_connections_per_ip, RELOAD, "open connections per client address (IPv6: per /64; 0 = no cap)"),
	S("rate_limit", SETTING_UINT, rate_limit, RELOAD, "requests a minute per client address; beyond: 44, Gopher answers wait (0 = none)"),
	S("rate_burst", SETTING_UINT, rate_burst, RELOAD, "requests a client may make at once before rate_limit applies"),
	S("limit_loopback", SETTING_BOOL, limit_loopback, RELOAD, "apply the per-address limits to loopback clients too (yes/no)"),
	S("request_timeout", SETTING_UINT, request_timeout, RELOAD, "seconds for the handshake and request line"),
	S("write_timeout", SETTING_UINT, write_timeout, RELOAD, "seconds a response may fall behind write_min_rate before it is closed"),
	S("write_min_rate", SETTING_UINT, write_min_rate, RELOAD, "bytes per second a client must read at least"),
	S("shutdown_timeout", SETTING_UINT, shutdown_timeout, RELOAD, "seconds to finish responses in flight on SIGTERM"),
	S("lang", SETTING_STRING, lang, RELOAD, "default language of text/gemini (BCP 47)"),
	S("log", SETTING_STRING, log, RELOAD, "stderr, syslog or a file path"),
	S("log_format", SETTING_LOG_FORMAT, log_format, RELOAD, "text or tsv"),
	S("log_addresses", SETTING_BOOL, log_addresses, RELOAD, "log client addresses (yes/no)"),
	S("user", SETTING_STRING, user, RESTART, "user to run as when started as root (empty: stay root)"),
	S("sandbox", SETTING_BOOL, sandbox, RESTART, "Landlock and seccomp: each process reaches only its files and system calls (yes/no)"),
	S("cert_dir", SETTING_STRING, cert_dir, RESTART, "where generated certificates are written"),
	S("state_dir", SETTING_STRING, state_dir, RESTART, "where the archive index lives (never inside the root)"),
	S("directory_listing", SETTING_BOOL, directory_listing, RELOAD, "list directories without index.gmi (yes/no)"),
	S("article_paths", SETTING_STRING, article_paths, RESTART, "which files are articles: folders or files from the root, separated by spaces (default /: the whole tree)"),
	S("archive", SETTING_BOOL, archive, RESTART, "index the tree: archive pages, feeds, search (yes/no)"),
	S("title", SETTING_STRING, title, RELOAD, "capsule title on generated pages and feeds (empty: the host name)"),
	S("description", SETTING_STRING, description, RELOAD, "one line under the title of the generated home page"),
	S("about", SETTING_STRING, about, RELOAD, "gemtext file of the tree shown on the generated home page (empty: none)"),
	S("cache_bytes", SETTING_SIZE, cache_bytes, RESTART, "memory for converted articles (e.g. 32M)"),
	S("feed_entries", SETTING_UINT, feed_entries, RELOAD, "articles in the feed and on the home page"),
	S("server_description", SETTING_STRING, server_description, RELOAD, "one line describing the server (Gopher caps.txt)"),
	S("server_admin", SETTING_STRING, server_admin, RELOAD, "administrator contact (Gopher caps.txt)"),
};
#undef S

/* Settings of a [host "name"] section, also flags for the first host. */
static const char *const host_keys[] = { "host", "root", "cert", "key", NULL };

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int
same_string(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int
parse_uint(const char *value, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*value == '\0' || !isdigit((unsigned char)*value))
		return -1;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_size(const char *value, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!isdigit((unsigned char)*value))
		return -1;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno != 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	default: return -1;
	}
	if (*end != '\0' || v > (SIZE_MAX >> shift))
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}

static int
parse_bool(const char *value, int *out)
{
	if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") || !strcmp(value, "1") ||
	    !strcasecmp(value, "on"))
		*out = 1;
	else if (!strcasecmp(value, "no") || !strcasecmp(value, "false") || !strcmp(value, "0") ||
	    !strcasecmp(value, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int
add_listen(struct config *c, const char *value)
{
	char **list;

	if ((list = reallocarray(c->listen, c->nlisten + 1, sizeof(*list))) == NULL)
		return -1;
	c->listen = list;
	if ((list[c->nlisten] = strdup(value)) == NULL)
		return -1;
	c->nlisten++;
	return 0;
}

static char *
apply_setting(struct config *c, const struct setting *s, const char *value)
{
	void *field = (char *)c + s->offset;
	unsigned long n;
	int flag;

	switch (s->kind) {
	case SETTING_STRING:
		if (string_replace(field, value) == -1)
			return strdup("out of memory");
		return NULL;
	case SETTING_UINT:
		if (parse_uint(value, UINT_MAX, &n) == -1)
			return format_string("%s: \"%s\" is not a whole number", s->key, value);
		*(unsigned *)field = (unsigned)n;
		return NULL;
	case SETTING_PORT:
		if (parse_uint(value, 65535, &n) == -1)
			return format_string("%s: \"%s\" is not a port (0-65535)", s->key, value);
		*(int *)field = (int)n;
		return NULL;
	case SETTING_BOOL:
		if (parse_bool(value, &flag) == -1)
			return format_string("%s: \"%s\" is not yes or no", s->key, value);
		*(int *)field = flag;
		return NULL;
	case SETTING_SIZE:
		if (parse_size(value, field) == -1)
			return format_string("%s: \"%s\" is not a size (e.g. 512K, 32M)", s->key, value);
		return NULL;
	case SETTING_LOG_FORMAT:
		if (!strcmp(value, "text"))
			c->log_format = LOG_FORMAT_TEXT;
		else if (!strcmp(value, "tsv"))
			c->log_format = LOG_FORMAT_TSV;
		else
			return format_string("log_format: \"%s\" is not text or tsv", value);
		return NULL;
	case SETTING_LISTEN:
		if (add_listen(c, value) == -1)
			return strdup("out of memory");
		return NULL;
	}
	return strdup("unknown setting kind");
}

static const struct setting *
find_setting(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (!strcmp(settings[i].key, key))
			return &settings[i];
	return NULL;
}

static struct host_config *
add_host(struct config *c, const char *name)
{
	struct host_config *hosts, *h;

	if ((hosts = reallocarray(c->hosts, c->nhosts + 1, sizeof(*hosts))) == NULL)
		return NULL;
	c->hosts = hosts;
	h = &hosts[c->nhosts];
	memset(h, 0, sizeof(*h));
	if ((h->name = strdup(name)) == NULL)
		return NULL;
	lower(h->name);
	c->nhosts++;
	return h;
}

static char *
apply_host_setting(struct host_config *h, const char *key, const char *value)
{
	char **field;

	if (!strcmp(key, "host")) {
		if (string_replace(&h->name, value) == -1)
			return strdup("out of memory");
		lower(h->name);
		return NULL;
	}
	if (!strcmp(key, "root"))
		field = &h->root;
	else if (!strcmp(key, "cert"))
		field = &h->cert;
	else if (!strcmp(key, "key"))
		field = &h->key;
	else if (!strcmp(key, "lang"))
		field = &h->lang;
	else
		return format_string("unknown host setting \"%s\"", key);
	if (string_replace(field, value) == -1)
		return strdup("out of memory");
	return NULL;
}

/* "ab:cd:..." from 64 hex digits, with or without colons, in any case. */
int
config_fingerprint_normalise(const char *in, char out[96])
{
	size_t digits = 0;

	for (; *in != '\0'; in++) {
		if (*in == ':')
			continue;
		if (!isxdigit((unsigned char)*in) || digits == 64)
			return -1;
		if (digits > 0 && digits % 2 == 0)
			*out++ = ':';
		*out++ = (char)tolower((unsigned char)*in);
		digits++;
	}
	*out = '\0';
	return digits == 64 ? 0 : -1;
}

static int
add_fingerprints(struct area_config *a, const char *value, char **error)
{
	char fingerprint[96], word[256], **list;
	const char *p = value;
	size_t len;

	while (*(p += strspn(p, " ,\t")) != '\0') {
		len = strcspn(p, " ,\t");
		snprintf(word, sizeof(word), "%.*s", (int)(len < sizeof(word) ? len : sizeof(word) - 1), p);
		p += len;
		if (len >= sizeof(word) || config_fingerprint_normalise(word, fingerprint) == -1) {
			*error = format_string("fingerprints: \"%s\" is not a SHA-256 fingerprint "
			    "(64 hex digits, colons optional)", word);
			return -1;
		}
		if ((list = reallocarray(a->fingerprints, a->nfingerprints + 1, sizeof(*list))) == NULL)
			goto oom;
		a->fingerprints = list;
		if ((list[a->nfingerprints] = strdup(fingerprint)) == NULL)
			goto oom;
		a->nfingerprints++;
	}
	return 0;
oom:
	*error = strdup("out of memory");
	return -1;
}

/* "read", "publish" or both, separated by spaces or commas. */
static int
parse_access(const char *value, unsigned *out)
{
	const char *p = value;
	size_t len;

	*out = 0;
	while (*(p += strspn(p, " ,\t")) != '\0') {
		len = strcspn(p, " ,\t");
		if (len == 4 && strncmp(p, "read", 4) == 0)
			*out |= AREA_READ;
		else if (len == 7 && strncmp(p, "publish", 7) == 0)
			*out |= AREA_PUBLISH;
		else
			return -1;
		p += len;
	}
	return *out != 0 ? 0 : -1;
}

static char *
apply_area_setting(struct area_config *a, const char *key, const char *value)
{
	char *error = NULL;
	int flag;

	if (!strcmp(key, "access")) {
		if (parse_access(value, &a->access) == -1)
			return format_string("access: \"%s\" is not read, publish or both", value);
	} else if (!strcmp(key, "fingerprints")) {
		if (add_fingerprints(a, value, &error) == -1)
			return error;
	} else if (!strcmp(key, "ca") || !strcmp(key, "token") || !strcmp(key, "articles")) {
		if (string_replace(!strcmp(key, "ca") ? &a->ca : !strcmp(key, "token") ? &a->token :
		    &a->articles, value) == -1)
			return strdup("out of memory");
	} else if (!strcmp(key, "max_upload")) {
		if (parse_size(value, &a->max_upload) == -1)
			return format_string("max_upload: \"%s\" is not a size (e.g. 512K, 1M)", value);
	} else if (!strcmp(key, "delete")) {
		if (parse_bool(value, &flag) == -1)
			return format_string("delete: \"%s\" is not yes or no", value);
		a->delete = flag;
	} else {
		return format_string("unknown area setting \"%s\"", key);
	}
	return NULL;
}


/* The area named "HOST/PATH" or "/PATH" (the first host), added if new. */
static struct area_config *
find_area(struct config *c, const char *name)
{
	const char *slash = strchr(name, '/');
	struct area_config *areas, *a;
	char *host = NULL;
	size_t i;

	if (slash == NULL)
		return NULL;
	if (slash > name && (host = strndup(name, (size_t)(slash - name))) == NULL)
		return NULL;
	if (host != NULL)
		lower(host);
	for (i = 0; i < c->nareas; i++)
		if (same_string(c->areas[i].host, host) && !strcmp(c->areas[i].path, slash)) {
			free(host);
			return &c->areas[i];
		}
	if ((areas = reallocarray(c->areas, c->nareas + 1, sizeof(*areas))) == NULL) {
		free(host);
		return NULL;
	}
	c->areas = areas;
	a = &areas[c->nareas];
	memset(a, 0, sizeof(*a));
	a->host = host;
	a->access = AREA_READ;
	a->max_upload = AREA_MAX_UPLOAD_DEFAULT;
	if ((a->path = strdup(slash)) == NULL) {
		free(host);
		return NULL;
	}
	c->nareas++;
	return a;
}

struct ini_state {
	struct config *config;
	int listen_from_file; /* the file's first listen line replaces the default */
	char *error;
};

/* The quoted (or bare) name of a section "[kind \"name\"]" into name;
 * -1 when section is not of that kind. */
static int
section_name(const char *section, const char *kind, char *name, size_t size)
{
	size_t klen = strlen(kind);
	const char *p, *q;

	if (strncmp(section, kind, klen) != 0 || (section[klen] != ' ' && section[klen] != '"'))
		return -1;
	p = section + klen;
	while (*p == ' ')
		p++;
	if (*p == '"') {
		p++;
		if ((q = strchr(p, '"')) == NULL || q[1] != '\0')
			return -1;
	} else {
		q = p + strlen(p);
	}
	if (q == p || (size_t)(q - p) >= size)
		return -1;
	memcpy(name, p, (size_t)(q - p));
	name[q - p] = '\0';
	return 0;
}

/* Section names: none or [server] for globals, [host "name"] per virtual host. */
static struct host_config *
section_host(struct ini_state *st, const char *section)
{
	char name[256];
	size_t i;

	if (section_name(section, "host", name, sizeof(name)) == -1)
		return NULL;
	lower(name);
	for (i = 0; i < st->config->nhosts; i++)
		if (!strcmp(st->config->hosts[i].name, name))
			return &st->config->hosts[i];
	return add_host(st->config, name);
}

static int
on_ini_line(void *user, const char *section, const char *key, const char *value)
{
	struct ini_state *st = user;
	const struct setting *s;
	struct host_config *h;
	struct area_config *a;
	char name[1024];
	char *err;

	if (st->error != NULL)
		return 0;
	if (section_name(section, "area", name, sizeof(name)) == 0) {
		if ((a = find_area(st->config, name)) == NULL) {
			st->error = format_string("bad section [%s] (an area is [area \"/path/\"] or "
			    "[area \"host/path/\"])", section);
			return 0;
		}
		if ((err = apply_area_setting(a, key, value)) != NULL)
			goto fail;
		return 1;
	}
	if (*section != '\0' && strcmp(section, "server") != 0) {
		if ((h = section_host(st, section)) == NULL) {
			st->error = format_string("bad section [%s] (use [server], [host \"name\"] "
			    "or [area \"host/path/\"])", section);
			return 0;
		}
		if ((err = apply_host_setting(h, key, value)) != NULL)
			goto fail;
		return 1;
	}
	if ((s = find_setting(key)) == NULL) {
		if (!strcmp(key, "host") || !strcmp(key, "root") || !strcmp(key, "cert") ||
		    !strcmp(key, "key")) {
			if ((err = apply_host_setting(&st->config->hosts[0], key, value)) != NULL)
				goto fail;
			return 1;
		}
		st->error = format_string("unknown setting \"%s\"", key);
		return 0;
	}
	if (s->kind == SETTING_LISTEN && !st->listen_from_file) {
		while (st->config->nlisten > 0)
			free(st->config->listen[--st->config->nlisten]);
		st->listen_from_file = 1;
	}
	if ((err = apply_setting(st->config, s, value)) != NULL)
		goto fail;
	return 1;
fail:
	st->error = err;
	return 0;
}

static struct config *
config_defaults(void)
{
	struct config *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->port = 1965;
	c->gopher_port = 7070;
	c->gopher_width = 67;
	c->gopher_tls = 1;
	c->max_connections = 1024;
	c->max_connections_per_ip = 32;
	c->rate_limit = 600;
	c->rate_burst = 60;
	c->request_timeout = 10;
	c->write_timeout = 30;
	c->write_min_rate = 1024;
	c->shutdown_timeout = 10;
	c->log_addresses = 1;
	c->sandbox = 1;
	c->directory_listing = 1;
	c->archive = 1;
	c->cache_bytes = 32u << 20;
	c->feed_entries = 20;
	if (add_host(c, "localhost") == NULL || add_listen(c, "*") == -1 ||
	    (c->lang = strdup("en")) == NULL || (c->log = strdup("stderr")) == NULL ||
	    (c->user = strdup("nobody")) == NULL || (c->cert_dir = strdup("certs")) == NULL ||
	    (c->state_dir = strdup("var")) == NULL || (c->title = strdup("")) == NULL ||
	    (c->description = strdup("")) == NULL || (c->about = strdup("/about.gmi")) == NULL ||
	    (c->article_paths = strdup("/")) == NULL) {
		config_free(c);
		return NULL;
	}
	return c;
}

/* getopt_long options: one per setting and host key, plus the commands. */
enum { OPT_CONFIG = 1000, OPT_HOST_KEY = 2000, OPT_SETTING = 3000 };

static struct option *
build_options(char names[][40])
{
	size_t nsettings = sizeof(settings) / sizeof(settings[0]), i, n = 0, j;
	struct option *opts;

	if ((opts = calloc(nsettings + 8, sizeof(*opts))) == NULL)
		return NULL;
	opts[n++] = (struct option){ "config", required_argument, NULL, 'c' };
	for (i = 0; host_keys[i] != NULL; i++)
		opts[n++] = (struct option){ host_keys[i], required_argument, NULL, OPT_HOST_KEY + (int)i };
	for (i = 0; i < nsettings; i++) {
		snprintf(names[i], 40, "%s", settings[i].key);
		for (j = 0; names[i][j] != '\0'; j++)
			if (names[i][j] == '_')
				names[i][j] = '-';
		opts[n++] = (struct option){ names[i], required_argument, NULL, OPT_SETTING + (int)i };
	}
	return opts;
}

static char *
read_file_setting(struct config *c, const char *path)
{
	struct ini_state st = { c, 0, NULL };
	int rc;

	if (string_replace(&c->config_path, path) == -1)
		return strdup("out of memory");
	rc = ini_parse(path, on_ini_line, &st);
	if (rc == -1)
		return format_string("%s: %s", path, strerror(errno));
	if (st.error != NULL) {
		char *msg = format_string("%s: line %d: %s", path, rc, st.error);
		free(st.error);
		return msg;
	}
	if (rc != 0)
		return format_string("%s: line %d: syntax error", path, rc);
	return NULL;
}

/* Entries separated by spaces or commas, each a path from the root. */
static int
article_paths_valid(const char *p)
{
	while (*(p += strspn(p, " ,\t")) != '\0') {
		if (*p != '/')
			return 0;
		p += strcspn(p, " ,\t");
	}
	return 1;
}

/* An area's path: from '/', no empty, dot or hidden segment, no control
 * character, and no space or comma (the index's rule lists paths). */
static int
area_path_valid(const char *path)
{
	const char *p = path + 1, *end;

	if (path[0] != '/' || strpbrk(path, " ,\t\\") != NULL)
		return 0;
	while (*p != '\0') {
		end = strchrnul(p, '/');
		if (end == p || *p == '.')
			return 0;
		for (; p < end; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return 0;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return 1;
}

/* Whether path lies in the folder dir (which ends with '/'). */
static int
in_folder(const char *path, const char *dir)
{
	return strncmp(path, dir, strlen(dir)) == 0;
}

static char *
check_area(struct config *c, struct area_config *a)
{
	const char *where = a->host != NULL ? a->host : "";
	const struct host_config *h = a->host != NULL ? config_find_host(c, a->host) : &c->hosts[0];

	if (h == NULL)
		return format_string("[area \"%s%s\"]: no host %s is configured", where, a->path,
		    a->host);
	a->host_index = (size_t)(h - c->hosts);
	if (!area_path_valid(a->path))
		return format_string("[area \"%s%s\"]: a path from /, without dot, empty or hidden "
		    "segments, spaces or commas", where, a->path);
	if (a->nfingerprints == 0 && a->ca == NULL &&
	    (a->token == NULL || a->access != AREA_PUBLISH))
		return format_string("[area \"%s%s\"]: no fingerprints or ca: nobody could use it",
		    where, a->path);
	if (!(a->access & AREA_PUBLISH))
		return NULL;
	if (a->path[strlen(a->path) - 1] != '/')
		return format_string("[area \"%s%s\"]: a publish area is a folder: end it with /",
		    where, a->path);
	if (a->articles == NULL && string_replace(&a->articles, in_folder(AREA_ARTICLES_DEFAULT,
	    a->path) ? AREA_ARTICLES_DEFAULT : a->path) == -1)
		return strdup("out of memory");
	if (!area_path_valid(a->articles) || a->articles[strlen(a->articles) - 1] != '/' ||
	    !in_folder(a->articles, a->path))
		return format_string("[area \"%s%s\"]: articles = %s is not a folder inside the area",
		    where, a->path, a->articles);
	return NULL;
}

/* A host's certificate or key where it is by default: CERT_DIR/HOST.ext,
 * malloc'd (NULL when memory ran out). */
static char *
cert_dir_file(const char *cert_dir, const char *host, const char *ext)
{
	return format_string("%s/%s.%s", cert_dir, host, ext);
}

static char *
check_config(struct config *c)
{
	char *err;
	size_t i;

	if (c->gopher_width < 60 || c->gopher_width > 80)
		return format_string("gopher_width must be between 60 and 80");
	if (c->max_connections == 0)
		return format_string("max_connections must be at least 1");
	if (c->request_timeout == 0 || c->write_timeout == 0)
		return format_string("timeouts must be at least one second");
	if (c->nlisten == 0)
		return format_string("no listen address");
	if (!article_paths_valid(c->article_paths))
		return format_string("article_paths: every entry starts with / (%s)", c->article_paths);
	if (*c->about != '\0' && *c->about != '/')
		return format_string("about: a path from the root, starting with / (%s)", c->about);
	for (i = 0; i < c->nhosts; i++) {
		struct host_config *h = &c->hosts[i];

		if (h->root == NULL && string_replace(&h->root, i == 0 ? "capsule" : h->name) == -1)
			return strdup("out of memory");
		if (h->cert == NULL)
			h->cert = cert_dir_file(c->cert_dir, h->name, "crt");
		if (h->key == NULL)
			h->key = cert_dir_file(c->cert_dir, h->name, "key");
		if (h->cert == NULL || h->key == NULL)
			return strdup("out of memory");
	}
	for (i = 0; i < c->nareas; i++)
		if ((err = check_area(c, &c->areas[i])) != NULL)
			return err;
	return NULL;
}

struct config *
config_load(int argc, char **argv, char **error)
{
	char names[sizeof(settings) / sizeof(settings[0])][40];
	struct config *c;
	struct option *opts;
	const char *path = NULL;
	char *err = NULL;
	int ch, listen_from_flags = 0;

	*error = NULL;
	if ((c = config_defaults()) == NULL || (opts = build_options(names)) == NULL) {
		config_free(c);
		*error = strdup("out of memory");
		return NULL;
	}
	/* First pass: only find the configuration file, which flags override. */
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1)
		if (ch == 'c')
			path = optarg;
	if (path != NULL && (err = read_file_setting(c, path)) != NULL)
		goto fail;
	optind = 0;
	opterr = 0;
	while (err == NULL && (ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (ch == 'c')
			continue;
		if (ch >= OPT_SETTING) {
			const struct setting *s = &settings[ch - OPT_SETTING];

			if (s->kind == SETTING_LISTEN && !listen_from_flags) {
				while (c->nlisten > 0)
					free(c->listen[--c->nlisten]);
				listen_from_flags = 1;
			}
			err = apply_setting(c, s, optarg);
		} else if (ch >= OPT_HOST_KEY) {
			err = apply_host_setting(&c->hosts[0], host_keys[ch - OPT_HOST_KEY], optarg);
		} else {
			err = format_string("unknown or incomplete option \"%s\" (see --help)",
			    argv[optind - 1]);
		}
	}
	if (err == NULL && optind < argc)
		err = format_string("unexpected argument \"%s\"", argv[optind]);
	if (err == NULL)
		err = check_config(c);
	if (err != NULL)
		goto fail;
	free(opts);
	return c;
fail:
	free(opts);
	config_free(c);
	*error = err;
	return NULL;
}

static void
area_free(struct area_config *a)
{
	size_t i;

	for (i = 0; i < a->nfingerprints; i++)
		free(a->fingerprints[i]);
	free(a->fingerprints);
	free(a->host);
	free(a->path);
	free(a->ca);
	free(a->token);
	free(a->articles);
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nhosts; i++) {
		free(c->hosts[i].name);
		free(c->hosts[i].root);
		free(c->hosts[i].cert);
		free(c->hosts[i].key);
		free(c->hosts[i].lang);
	}
	free(c->hosts);
	for (i = 0; i < c->nareas; i++)
		area_free(&c->areas[i]);
	free(c->areas);
	for (i = 0; i < c->nlisten; i++)
		free(c->listen[i]);
	free(c->listen);
	free(c->config_path);
	free(c->gopher_host);
	free(c->lang);
	free(c->log);
	free(c->user);
	free(c->cert_dir);
	free(c->state_dir);
	free(c->title);
	free(c->description);
	free(c->about);
	free(c->article_paths);
	free(c->server_description);
	free(c->server_admin);
	free(c);
}

const struct host_config *
config_find_host(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nhosts; i++)
		if (!strcasecmp(c->hosts[i].name, name))
			return &c->hosts[i];
	return NULL;
}

int
config_public_port(const struct config *c)
{
	return c->public_port != 0 ? c->public_port : c->port;
}

int
config_gopher_public_port(const struct config *c)
{
	return c->gopher_public_port != 0 ? c->gopher_public_port : c->gopher_port;
}

const char *
config_gopher_host(const struct config *c)
{
	return c->gopher_host != NULL ? c->gopher_host : c->hosts[0].name;
}

const char *
config_host_lang(const struct config *c, const struct host_config *h)
{
	return h != NULL && h->lang != NULL ? h->lang : c->lang;
}

/* A setting's value as it is written in the file ("" for none). */
static void
setting_value(const struct config *c, const struct setting *s, char *out, size_t len)
{
	const void *field = (const char *)c + s->offset;
	const char *str;

	switch (s->kind) {
	case SETTING_STRING:
		str = *(char *const *)field;
		snprintf(out, len, "%s", str != NULL ? str : "");
		break;
	case SETTING_UINT:
		snprintf(out, len, "%u", *(const unsigned *)field);
		break;
	case SETTING_PORT:
		snprintf(out, len, "%d", *(const int *)field);
		break;
	case SETTING_BOOL:
		snprintf(out, len, "%s", *(const int *)field ? "yes" : "no");
		break;
	case SETTING_SIZE:
		snprintf(out, len, "%zu", *(const size_t *)field);
		break;
	case SETTING_LOG_FORMAT:
		snprintf(out, len, "%s", c->log_format == LOG_FORMAT_TSV ? "tsv" : "text");
		break;
	case SETTING_LISTEN:
		snprintf(out, len, "%s", c->nlisten > 0 ? c->listen[0] : "");
		break;
	}
}

void
config_usage(FILE *out)
{
	struct config *defaults = config_defaults();
	char flag[40], value[256];
	size_t i, j;

	fprintf(out,
	    "usage: capsuled [-c FILE] [--SETTING VALUE ...]\n"
	    "       capsuled --check-config [-c FILE] [--SETTING VALUE ...]\n"
	    "       capsuled --gen-cert HOST [--cert-dir DIR]\n"
	    "       capsuled --fingerprint FILE.pem\n"
	    "       capsuled convert [--base URL] [--meta] FILE|-\n"
	    "       capsuled --help | --version\n\n"
	    "Every setting of the [server] section of the file is also a flag\n"
	    "(max_connections is --max-connections); flags win over the file.\n"
	    "SIGHUP applies a changed file, except settings marked (restart).\n\n"
	    "  -c, --config FILE           INI configuration file\n"
	    "  --host NAME                 the first (default) virtual host [localhost]\n"
	    "  --root DIR                  its content tree [capsule]\n"
	    "  --cert FILE, --key FILE     its certificate and key [CERT_DIR/HOST.crt, .key]\n");
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		snprintf(flag, sizeof(flag), "%s", settings[i].key);
		for (j = 0; flag[j] != '\0'; j++)
			if (flag[j] == '_')
				flag[j] = '-';
		value[0] = '\0';
		if (defaults != NULL)
			setting_value(defaults, &settings[i], value, sizeof(value));
		fprintf(out, "  --%-26s%s%s [%s]\n", flag, settings[i].help,
		    settings[i].when == RESTART ? " (restart)" : "", value);
	}
	config_free(defaults);
}

static void
print_setting(const struct config *c, const struct setting *s, FILE *out)
{
	char value[4096];
	size_t i;

	if (s->kind == SETTING_LISTEN) {
		for (i = 0; i < c->nlisten; i++)
			fprintf(out, "%s = %s\n", s->key, c->listen[i]);
		return;
	}
	setting_value(c, s, value, sizeof(value));
	fprintf(out, "%s = %s\n", s->key, value);
}

/* An area as its section; the token is a secret, so only whether there is one. */
static void
print_area(const struct area_config *a, const struct config *c, FILE *out)
{
	size_t i;

	fprintf(out, "\n[area \"%s%s\"]\naccess =%s%s\n", c->hosts[a->host_index].name, a->path,
	    a->access & AREA_READ ? " read" : "", a->access & AREA_PUBLISH ? " publish" : "");
	for (i = 0; i < a->nfingerprints; i++)
		fprintf(out, "fingerprints = %s\n", a->fingerprints[i]);
	if (a->ca != NULL)
		fprintf(out, "ca = %s\n", a->ca);
	if (!(a->access & AREA_PUBLISH))
		return;
	if (a->token != NULL)
		fprintf(out, "; token = (set, not shown)\n");
	fprintf(out, "max_upload = %zu\ndelete = %s\narticles = %s\n", a->max_upload,
	    a->delete ? "yes" : "no", a->articles);
}

void
config_print(const struct config *c, FILE *out)
{
	size_t i;

	fprintf(out, "[server]\n");
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		print_setting(c, &settings[i], out);
	for (i = 0; i < c->nhosts; i++) {
		const struct host_config *h = &c->hosts[i];

		fprintf(out, "\n[host \"%s\"]\nroot = %s\ncert = %s\nkey = %s\n", h->name, h->root,
		    h->cert, h->key);
		if (h->lang != NULL)
			fprintf(out, "lang = %s\n", h->lang);
	}
	for (i = 0; i < c->nareas; i++)
		print_area(&c->areas[i], c, out);
}

/* Whether a setting holds the same value in both configurations. */
static int
same_setting(const struct config *a, const struct config *b, const struct setting *s)
{
	char va[4096], vb[4096];
	size_t i;

	if (s->kind == SETTING_LISTEN) {
		if (a->nlisten != b->nlisten)
			return 0;
		for (i = 0; i < a->nlisten; i++)
			if (strcmp(a->listen[i], b->listen[i]) != 0)
				return 0;
		return 1;
	}
	setting_value(a, s, va, sizeof(va));
	setting_value(b, s, vb, sizeof(vb));
	return strcmp(va, vb) == 0;
}

static size_t
field_size(enum setting_kind kind)
{
	switch (kind) {
	case SETTING_UINT: return sizeof(unsigned);
	case SETTING_PORT:
	case SETTING_BOOL: return sizeof(int);
	case SETTING_SIZE: return sizeof(size_t);
	case SETTING_LOG_FORMAT: return sizeof(enum log_format);
	case SETTING_STRING:
	case SETTING_LISTEN: break;
	}
	return 0;
}

/* Copy from's value of a setting into to: one that only a restart may change. */
static int
keep_setting(struct config *to, const struct config *from, const struct setting *s)
{
	char **field = (char **)((char *)to + s->offset);
	char *const *value = (char *const *)((const char *)from + s->offset);
	size_t i;

	if (s->kind == SETTING_LISTEN) {
		while (to->nlisten > 0)
			free(to->listen[--to->nlisten]);
		for (i = 0; i < from->nlisten; i++)
			if (add_listen(to, from->listen[i]) == -1)
				return -1;
		return 0;
	}
	if (s->kind != SETTING_STRING) {
		memcpy((char *)to + s->offset, (const char *)from + s->offset, field_size(s->kind));
		return 0;
	}
	return string_replace(field, *value);
}

/* A file of a host where fresh's cert_dir puts it by default follows
 * cert_dir back to running's. */
static int
keep_default_file(char **path, const struct config *fresh, const struct config *running,
    const char *host, const char *ext)
{
	char *fresh_default = cert_dir_file(fresh->cert_dir, host, ext);
	int rc = 0;

	if (fresh_default == NULL)
		return -1;
	if (strcmp(*path, fresh_default) == 0) {
		free(*path);
		if ((*path = cert_dir_file(running->cert_dir, host, ext)) == NULL)
			rc = -1;
	}
	free(fresh_default);
	return rc;
}

/* cert_dir, kept for a restart, with the certificates it names. */
static int
keep_cert_dir(struct config *fresh, const struct config *running)
{
	struct host_config *h;
	size_t i;

	for (i = 0; i < fresh->nhosts; i++) {
		h = &fresh->hosts[i];
		if (keep_default_file(&h->cert, fresh, running, h->name, "crt") == -1 ||
		    keep_default_file(&h->key, fresh, running, h->name, "key") == -1)
			return -1;
	}
	return string_replace(&fresh->cert_dir, running->cert_dir);
}

/* fresh takes running's value of s (cert_dir with the files it names). */
static int
keep(struct config *fresh, const struct config *running, const struct setting *s)
{
	if (s->offset == offsetof(struct config, cert_dir))
		return keep_cert_dir(fresh, running);
	return keep_setting(fresh, running, s);
}

/* Add "what" (or "what of host") to a list of changes. */
static void
name_change(struct buf *list, const char *what, const char *host)
{
	if (list->len > 0)
		buf_append_str(list, ", ");
	buf_append_str(list, what);
	if (host != NULL)
		buf_printf(list, " of %s", host);
}


/* The hosts: their list, then each one's files and language.  The first
 * host's root is indexed by the archive, which is built once. */
static int
host_changes(struct config *fresh, const struct config *running, struct buf *applied,
    struct buf *restart)
{
	const struct host_config *r;
	struct host_config *f;
	size_t i;

	if (fresh->nhosts != running->nhosts) {
		name_change(applied, "hosts", NULL);
		return 0;
	}
	for (i = 0; i < fresh->nhosts; i++)
		if (strcmp(fresh->hosts[i].name, running->hosts[i].name) != 0) {
			name_change(applied, "hosts", NULL);
			return 0;
		}
	for (i = 0; i < fresh->nhosts; i++) {
		f = &fresh->hosts[i];
		r = &running->hosts[i];
		if (strcmp(f->root, r->root) != 0) {
			if (i > 0 || !running->archive) {
				name_change(applied, "root", f->name);
			} else {
				name_change(restart, "root", f->name);
				if (string_replace(&f->root, r->root) == -1)
					return -1;
			}
		}
		if (strcmp(f->cert, r->cert) != 0 || strcmp(f->key, r->key) != 0)
			name_change(applied, "cert", f->name);
		if (!same_string(f->lang, r->lang))
			name_change(applied, "lang", f->name);
	}
	return 0;
}

/* An area's shape, which start-up fixes (the index leaves the first
 * host's guarded areas out; the sandbox lets publish areas be written):
 * its host (and whether it is the first), its path and its access. */
static int
same_shape(const struct config *ca, const struct area_config *a, const struct config *cb,
    const struct area_config *b)
{
	return (a->host_index == 0) == (b->host_index == 0) && a->access == b->access &&
	    strcmp(a->path, b->path) == 0 &&
	    strcmp(ca->hosts[a->host_index].name, cb->hosts[b->host_index].name) == 0;
}

/* The area of c shaped like a (of config ca), or NULL. */
static const struct area_config *
area_like(const struct config *c, const struct config *ca, const struct area_config *a)
{
	size_t i;

	for (i = 0; i < c->nareas; i++)
		if (same_shape(c, &c->areas[i], ca, a))
			return &c->areas[i];
	return NULL;
}

/* What a reload applies to an area: its certificates, token and limits. */
static int
same_area(const struct area_config *a, const struct area_config *b)
{
	size_t i;

	if (a->nfingerprints != b->nfingerprints || !same_string(a->ca, b->ca) ||
	    !same_string(a->token, b->token) || a->max_upload != b->max_upload ||
	    a->delete != b->delete || !same_string(a->articles, b->articles))
		return 0;
	for (i = 0; i < a->nfingerprints; i++)
		if (strcmp(a->fingerprints[i], b->fingerprints[i]) != 0)
			return 0;
	return 1;
}

static int
area_copy(struct area_config *to, const struct area_config *from, size_t host_index)
{
	size_t i;

	memset(to, 0, sizeof(*to));
	to->host_index = host_index;
	to->access = from->access;
	to->max_upload = from->max_upload;
	to->delete = from->delete;
	if (string_replace(&to->host, from->host) == -1 ||
	    string_replace(&to->path, from->path) == -1 ||
	    string_replace(&to->ca, from->ca) == -1 ||
	    string_replace(&to->token, from->token) == -1 ||
	    string_replace(&to->articles, from->articles) == -1 ||
	    (from->nfingerprints > 0 && (to->fingerprints = calloc(from->nfingerprints,
	    sizeof(*to->fingerprints))) == NULL))
		return -1;
	for (i = 0; i < from->nfingerprints; i++, to->nfingerprints++)
		if ((to->fingerprints[i] = strdup(from->fingerprints[i])) == NULL)
			return -1;
	return 0;
}

/* fresh takes running's areas whole, on the hosts of the same names
 * (the first host's on the first host); a host gone takes its areas. */
static int
keep_areas(struct config *fresh, const struct config *running)
{
	struct area_config *kept = NULL;
	const struct host_config *h;
	size_t i, n = 0;

	if (running->nareas > 0 && (kept = calloc(running->nareas, sizeof(*kept))) == NULL)
		return -1;
	for (i = 0; i < running->nareas; i++) {
		h = running->areas[i].host_index == 0 ? &fresh->hosts[0] :
		    config_find_host(fresh, running->hosts[running->areas[i].host_index].name);
		if (h == NULL || (h == &fresh->hosts[0]) != (running->areas[i].host_index == 0))
			continue;
		if (area_copy(&kept[n++], &running->areas[i], (size_t)(h - fresh->hosts)) == -1)
			goto fail;
	}
	for (i = 0; i < fresh->nareas; i++)
		area_free(&fresh->areas[i]);
	free(fresh->areas);
	fresh->areas = running->nareas > 0 ? kept : NULL;
	fresh->nareas = n;
	return 0;
fail:
	for (i = 0; i < n; i++)
		area_free(&kept[i]);
	free(kept);
	return -1;
}

/* Areas added, removed or given another access wait for a restart (fresh
 * keeps running's); otherwise their certificates and limits apply. */
static int
area_changes(struct config *fresh, const struct config *running, struct buf *applied,
    struct buf *restart)
{
	const struct area_config *was;
	size_t i;
	int same = fresh->nareas == running->nareas;

	for (i = 0; same && i < fresh->nareas; i++)
		same = area_like(running, fresh, &fresh->areas[i]) != NULL;
	if (!same) {
		name_change(restart, "areas", NULL);
		return keep_areas(fresh, running);
	}
	for (i = 0; i < fresh->nareas; i++) {
		was = area_like(running, fresh, &fresh->areas[i]);
		if (!same_area(&fresh->areas[i], was)) {
			name_change(applied, "areas", NULL);
			break;
		}
	}
	return 0;
}

int
config_reload_changes(struct config *fresh, const struct config *running, struct buf *applied,
    struct buf *restart)
{
	const struct setting *s;
	size_t i;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		s = &settings[i];
		if (same_setting(fresh, running, s))
			continue;
		if (s->when == RELOAD) {
			name_change(applied, s->key, NULL);
			continue;
		}
		name_change(restart, s->key, NULL);
		if (keep(fresh, running, s) == -1)
			return -1;
	}
	if (host_changes(fresh, running, applied, restart) == -1)
		return -1;
	return area_changes(fresh, running, applied, restart);
}

int
config_keep(struct config *fresh, const struct config *running, const char *key)
{
	const struct setting *s = find_setting(key);

	return s == NULL ? -1 : keep(fresh, running, s);
}
