#include "content/types.h"

#include "util/log.h"

#include <ctype.h>
#include <errno.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define SYSTEM_MIME_TYPES "/etc/mime.types"
#define GEMTEXT "text/gemini"
#define OCTET_STREAM "application/octet-stream"
/* Longer extensions are not in any table worth having. */
#define EXT_MAX 32
/* Enough for libmagic to tell text from binary and find the common magics. */
#define SNIFF_BYTES 16384

/* Strings live in blocks that never move: /etc/mime.types holds some 2,000
 * extensions, and two mallocs for each cost four times their size. */
#define STRING_BLOCK 8192

struct string_block {
	struct string_block *next;
	size_t used;
	char data[STRING_BLOCK];
};

struct type_entry {
	const char *ext;   /* lower case, without the dot */
	const char *type;  /* with "; charset=" for text types; one per mime.types line */
	size_t order;      /* when it was added: a later entry overrides */
};

struct content_types {
	struct type_entry *entries;     /* sorted by ext, unique */
	size_t nentries;
	size_t cap;
	struct string_block *strings;   /* every ext and type above */
	pthread_mutex_t lock;           /* guards magic and sniffed */
	magic_t magic;                  /* loaded at the first file no extension names */
	int magic_tried;
	char **sniffed;                 /* types libmagic gave, kept for the caller */
	size_t nsniffed;
};

static const struct {
	const char *ext;
	const char *type;
} builtin_types[] = {
	{ "gmi", GEMTEXT }, { "gemini", GEMTEXT },
	{ "txt", "text/plain" }, { "text", "text/plain" },
	{ "md", "text/markdown" }, { "markdown", "text/markdown" },
	{ "html", "text/html" }, { "htm", "text/html" }, { "xhtml", "application/xhtml+xml" },
	{ "css", "text/css" }, { "csv", "text/csv" }, { "js", "text/javascript" },
	{ "xml", "application/xml" }, { "atom", "application/atom+xml" },
	{ "rss", "application/rss+xml" }, { "json", "application/json" },
	{ "png", "image/png" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
	{ "gif", "image/gif" }, { "webp", "image/webp" }, { "svg", "image/svg+xml" },
	{ "avif", "image/avif" }, { "ico", "image/vnd.microsoft.icon" },
	{ "pdf", "application/pdf" }, { "ps", "application/postscript" },
	{ "epub", "application/epub+zip" },
	{ "mp3", "audio/mpeg" }, { "ogg", "audio/ogg" }, { "opus", "audio/ogg" },
	{ "flac", "audio/flac" }, { "wav", "audio/wav" }, { "m4a", "audio/mp4" },
	{ "mp4", "video/mp4" }, { "webm", "video/webm" },
	{ "zip", "application/zip" }, { "gz", "application/gzip" },
	{ "tar", "application/x-tar" }, { "xz", "application/x-xz" },
	{ "bz2", "application/x-bzip2" }, { "7z", "application/x-7z-compressed" },
	{ "bin", OCTET_STREAM },
};

/* A MIME type token as mime.types writes it: type "/" subtype, RFC 6838
 * characters only (so no parameters and nothing to break a header). */
static int
mime_type_ok(const char *s)
{
	size_t slashes = 0;

	if (*s == '\0' || strlen(s) > 127)
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '/')
			slashes++;
		else if (!isalnum((unsigned char)*s) && strchr("!#$&^_.+-", *s) == NULL)
			return 0;
	}
	return slashes == 1;
}

/* Lower-case copy of ext into out (EXT_MAX + 1 bytes); -1 if unusable. */
static int
ext_normalise(char *out, const char *ext)
{
	size_t i;

	for (i = 0; ext[i] != '\0'; i++) {
		if (i == EXT_MAX)
			return -1;
		if (!isalnum((unsigned char)ext[i]) && strchr("+-_", ext[i]) == NULL)
			return -1;
		out[i] = (char)tolower((unsigned char)ext[i]);
	}
	out[i] = '\0';
	return i > 0 ? 0 : -1;
}

/* A copy of the n bytes at s (plus NUL) that lives as long as t. */
static const char *
string_keep(struct content_types *t, const char *s, size_t n)
{
	struct string_block *b = t->strings;
	char *copy;

	if (n >= STRING_BLOCK)
		return NULL;
	if (b == NULL || STRING_BLOCK - b->used < n + 1) {
		if ((b = malloc(sizeof(*b))) == NULL)
			return NULL;
		b->next = t->strings;
		b->used = 0;
		t->strings = b;
	}
	copy = b->data + b->used;
	memcpy(copy, s, n);
	copy[n] = '\0';
	b->used += n + 1;
	return copy;
}

/* type, with "; charset=..." added for text types (malloc'd). */
static char *
type_string(const char *type, const char *charset)
{
	char *s;

	if (strncasecmp(type, "text/", 5) != 0)
		return strdup(type);
	if (asprintf(&s, "%s; charset=%s", type, charset) == -1)
		return NULL;
	return s;
}

/* The same with UTF-8, kept in t's string blocks. */
static const char *
type_kept(struct content_types *t, const char *type)
{
	const char *kept;
	char *s;

	if ((s = type_string(type, "utf-8")) == NULL)
		return NULL;
	kept = string_keep(t, s, strlen(s));
	free(s);
	return kept;
}

/* Map ext to type, a string from type_kept(). */
static int
types_add(struct content_types *t, const char *ext, const char *type)
{
	char norm[EXT_MAX + 1];
	struct type_entry *e;
	size_t cap;

	if (ext_normalise(norm, ext) == -1)
		return 0;
	if (t->nentries == t->cap) {
		cap = t->cap ? t->cap * 2 : 256;
		if ((e = reallocarray(t->entries, cap, sizeof(*e))) == NULL)
			return -1;
		t->entries = e;
		t->cap = cap;
	}
	e = &t->entries[t->nentries];
	e->order = t->nentries;
	e->type = type;
	if ((e->ext = string_keep(t, norm, strlen(norm))) == NULL)
		return -1;
	t->nentries++;
	return 0;
}

static int
types_add_builtin(struct content_types *t, const char *ext, const char *type)
{
	const char *kept;

	if ((kept = type_kept(t, type)) == NULL)
		return -1;
	return types_add(t, ext, kept);
}

/* One mime.types line: a type, then its extensions; '#' starts a comment. */
static int
types_add_line(struct content_types *t, char *line)
{
	char *type, *ext, *save;
	const char *kept = NULL;

	line[strcspn(line, "#")] = '\0';
	if ((type = strtok_r(line, " \t\r\n", &save)) == NULL || !mime_type_ok(type))
		return 0;
	while ((ext = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		if (kept == NULL && (kept = type_kept(t, type)) == NULL)
			return -1;
		if (types_add(t, ext, kept) == -1)
			return -1;
	}
	return 0;
}

static int
types_load_file(struct content_types *t, const char *path)
{
	char *line = NULL;
	size_t size = 0;
	int rc = 0;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno != ENOENT)
			log_warn("%s: %s", path, strerror(errno));
		return 0;
	}
	while (rc == 0 && getline(&line, &size, f) != -1)
		rc = types_add_line(t, line);
	if (rc == 0 && ferror(f))
		log_warn("%s: read error", path);
	free(line);
	fclose(f);
	return rc;
}

static int
entry_cmp_ext(const void *a, const void *b)
{
	const struct type_entry *x = a, *y = b;

	return strcmp(x->ext, y->ext);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct type_entry *x = a, *y = b;
	int c;

	if ((c = entry_cmp_ext(a, b)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Sort by extension and keep only the last entry added for each. */
static void
types_index(struct content_types *t)
{
	struct type_entry *fitted;
	size_t i, kept = 0;

	qsort(t->entries, t->nentries, sizeof(*t->entries), entry_cmp);
	for (i = 0; i < t->nentries; i++) {
		if (i + 1 < t->nentries &&
		    strcmp(t->entries[i].ext, t->entries[i + 1].ext) == 0)
			continue;
		t->entries[kept++] = t->entries[i];
	}
	t->nentries = kept;
	if (kept > 0 && (fitted = reallocarray(t->entries, kept, sizeof(*fitted))) != NULL) {
		t->entries = fitted;
		t->cap = kept;
	}
}

static magic_t
magic_start(void)
{
	magic_t m;

	if ((m = magic_open(MAGIC_MIME_TYPE | MAGIC_MIME_ENCODING | MAGIC_ERROR)) == NULL) {
		log_warn("libmagic: %s", strerror(errno));
		return NULL;
	}
	if (magic_load(m, NULL) == -1) {
		log_warn("libmagic: %s", magic_error(m));
		magic_close(m);
		return NULL;
	}
	return m;
}

struct content_types *
content_types_new(const char *mime_types_path)
{
	struct content_types *t;
	size_t i;
	int rc = 0;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (pthread_mutex_init(&t->lock, NULL) != 0) {
		free(t);
		return NULL;
	}
	for (i = 0; rc == 0 && i < sizeof(builtin_types) / sizeof(builtin_types[0]); i++)
		rc = types_add_builtin(t, builtin_types[i].ext, builtin_types[i].type);
	if (rc == 0)
		rc = types_load_file(t, mime_types_path ? mime_types_path : SYSTEM_MIME_TYPES);
	/* Last, so that no mime.types can take gemtext away. */
	if (rc == 0 && (rc = types_add_builtin(t, "gmi", GEMTEXT)) == 0)
		rc = types_add_builtin(t, "gemini", GEMTEXT);
	if (rc == -1) {
		content_types_free(t);
		return NULL;
	}
	types_index(t);
	return t;
}

void
content_types_free(struct content_types *t)
{
	struct string_block *b;
	size_t i;

	if (t == NULL)
		return;
	while ((b = t->strings) != NULL) {
		t->strings = b->next;
		free(b);
	}
	free(t->entries);
	for (i = 0; i < t->nsniffed; i++)
		free(t->sniffed[i]);
	free(t->sniffed);
	if (t->magic != NULL)
		magic_close(t->magic);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static const char *
type_by_ext(const struct content_types *t, const char *name)
{
	char norm[EXT_MAX + 1];
	const char *base, *dot;
	struct type_entry key, *e;

	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	/* A leading dot names a dotfile, not an extension. */
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		return NULL;
	if (ext_normalise(norm, dot + 1) == -1)
		return NULL;
	key.ext = norm;
	key.order = 0;
	e = bsearch(&key, t->entries, t->nentries, sizeof(*e), entry_cmp_ext);
	return e ? e->type : NULL;
}

/* The charset to announce for a sniffed text: UTF-8 covers ASCII, and
 * libmagic's "unknown-8bit" or "binary" name no charset at all. */
static const char *
sniffed_charset(const char *answer)
{
	const char *cs, *p;

	if ((cs = strstr(answer, "charset=")) == NULL)
		return "utf-8";
	cs += strlen("charset=");
	if (*cs == '\0' || strcmp(cs, "us-ascii") == 0 ||
	    strcmp(cs, "unknown-8bit") == 0 || strcmp(cs, "binary") == 0)
		return "utf-8";
	for (p = cs; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-_.:", *p) == NULL)
			return "utf-8";
	return cs;
}

/* The kept copy of a sniffed type (called with t->lock held). */
static const char *
sniffed_intern(struct content_types *t, const char *type, const char *charset)
{
	char *s, **v;
	size_t i;

	if ((s = type_string(type, charset)) == NULL)
		return NULL;
	for (i = 0; i < t->nsniffed; i++) {
		if (strcmp(t->sniffed[i], s) == 0) {
			free(s);
			return t->sniffed[i];
		}
	}
	/* Grows by one: libmagic knows a bounded set of types. */
	if ((v = reallocarray(t->sniffed, t->nsniffed + 1, sizeof(*v))) == NULL) {
		free(s);
		return NULL;
	}
	t->sniffed = v;
	t->sniffed[t->nsniffed++] = s;
	return s;
}

static const char *
type_by_magic(struct content_types *t, int fd)
{
	const char *answer, *kept, *result = OCTET_STREAM;
	char *data, type[128];
	ssize_t n;
	size_t len;

	if (fd < 0 || (data = malloc(SNIFF_BYTES)) == NULL)
		return OCTET_STREAM;
	do
		n = pread(fd, data, SNIFF_BYTES, 0);
	while (n == -1 && errno == EINTR);
	if (n == 0)
		result = "text/plain; charset=utf-8";
	else if (n > 0) {
		pthread_mutex_lock(&t->lock);
		/* Loaded when first needed: most trees never need it, and its
		 * database costs memory for as long as the server runs. */
		if (!t->magic_tried) {
			t->magic_tried = 1;
			t->magic = magic_start();
		}
		answer = t->magic != NULL ? magic_buffer(t->magic, data, (size_t)n) : NULL;
		if (answer != NULL && (len = strcspn(answer, ";")) < sizeof(type)) {
			memcpy(type, answer, len);
			type[len] = '\0';
			if (mime_type_ok(type) &&
			    (kept = sniffed_intern(t, type, sniffed_charset(answer))) != NULL)
				result = kept;
		}
		pthread_mutex_unlock(&t->lock);
	}
	free(data);
	return result;
}

const char *
content_type_of(struct content_types *t, const char *name, int fd)
{
	const char *type;

	if ((type = type_by_ext(t, name)) != NULL)
		return type;
	return type_by_magic(t, fd);
}

const char *
content_type_by_name(const struct content_types *t, const char *name)
{
	return type_by_ext(t, name);
}
