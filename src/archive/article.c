#include "archive/article.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive/chrome.h"
#include "convert/convert.h"
#include "util/buf.h"
#include "util/text.h"

long long
article_mtime(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

int
article_is_indexed(const char *path, const struct article_rule *rule)
{
	const char *name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;

	if (name[0] == '.' || strcmp(name, "index.gmi") == 0)
		return 0;
	if (rule != NULL && rule->format != NULL)
		return rule->format(rule->article_paths, path) != ARTICLE_NONE;
	return article_format_of(name) != ARTICLE_NONE;
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "YYYY-MM" at s. */
static int
valid_month(const char *s)
{
	int month;

	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2))
		return 0;
	month = atoi(s + 5);
	return month >= 1 && month <= 12;
}

/* "YYYY-MM-DD" at s. */
static int
valid_date(const char *s)
{
	int day;

	if (strlen(s) < 10 || !valid_month(s) || s[7] != '-' || !digits(s + 8, 2))
		return 0;
	day = atoi(s + 8);
	return day >= 1 && day <= 31;
}

/* The zone of an ISO 8601 time: "Z", "+HH:MM" or "-HH:MM"; NULL when
 * malformed.  No zone at all reads as UTC. */
static const char *
zone(const char *z, char out[8])
{
	if (*z == '\0' || strcmp(z, "Z") == 0 || strcmp(z, "z") == 0)
		return "Z";
	if ((*z != '+' && *z != '-') || !digits(z + 1, 2))
		return NULL;
	if (z[3] == ':' && digits(z + 4, 2) && z[6] == '\0')
		snprintf(out, 8, "%.6s", z);
	else if (digits(z + 3, 2) && z[5] == '\0')
		snprintf(out, 8, "%.3s:%.2s", z, z + 3);
	else
		return NULL;
	return out;
}

/* "THH:MM[:SS][.fff][zone]" after the date, as RFC 3339; 0 or -1. */
static int
iso_time(const char *iso, char updated[40])
{
	const char *t = iso + 10, *tz, *sec = "00";
	char zbuf[8];

	if (*t == '\0') {
		snprintf(updated, 40, "%.10sT00:00:00Z", iso);
		return 0;
	}
	if ((*t != 'T' && *t != ' ') || !digits(t + 1, 2) || t[3] != ':' || !digits(t + 4, 2))
		return -1;
	t += 6;
	if (*t == ':' && digits(t + 1, 2)) {
		sec = t + 1;
		t += 3;
	}
	if (*t == '.')
		for (t++; *t >= '0' && *t <= '9'; t++)
			;
	if ((tz = zone(t, zbuf)) == NULL)
		return -1;
	snprintf(updated, 40, "%.10sT%.5s:%.2s%s", iso, iso + 11, sec, tz);
	return 0;
}

void
article_dates(const char *iso, long long mtime_ns, char date[11], char updated[40])
{
	struct tm tm;
	time_t t = (time_t)(mtime_ns / 1000000000LL);

	if (iso != NULL && valid_date(iso) && iso_time(iso, updated) == 0) {
		snprintf(date, 11, "%.10s", iso);
		return;
	}
	/* A month alone ("2014-02", read from a /2014/02/ path): its first day. */
	if (iso != NULL && strlen(iso) == 7 && valid_month(iso)) {
		snprintf(date, 11, "%.7s-01", iso);
		snprintf(updated, 40, "%.7s-01T00:00:00Z", iso);
		return;
	}
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	*date = '\0';
	strftime(updated, 40, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* s on one line: runs of white space and control characters become one
 * space, none at either end.  NULL for NULL or when memory runs out. */
static char *
one_line(const char *s)
{
	struct buf b = BUF_INIT;
	const unsigned char *p;
	int space = 0;

	if (s == NULL)
		return NULL;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f) {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_append_char(&b, ' ');
		space = 0;
		buf_append_char(&b, (char)*p);
	}
	buf_append_str(&b, "");
	return buf_release(&b, NULL);
}

/* Cut s to at most max bytes at a space, without splitting UTF-8. */
static void
cut(char *s, size_t max)
{
	size_t len = strlen(s), at;

	if (len <= max)
		return;
	at = max;
	while (at > max / 2 && s[at] != ' ')
		at--;
	if (s[at] != ' ')
		at = utf8_prefix_len(s, len, max);
	s[at] = '\0';
}

#define ELLIPSIS "\xe2\x80\xa6"

/* Cut a summary to at most max bytes; when anything was cut, it ends on
 * the last whole word (no dangling comma or dash) and an ellipsis. */
static void
cut_summary(char *s, size_t max)
{
	size_t len = strlen(s);

	if (len <= max)
		return;
	cut(s, max - (sizeof(ELLIPSIS) - 1));
	len = strlen(s);
	while (len > 0 && strchr(" ,;:-(", s[len - 1]) != NULL)
		len--;
	memcpy(s + len, ELLIPSIS, sizeof(ELLIPSIS));
}

static char *
body_text(const struct document *doc)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < doc->nblocks && b.len < ARTICLE_MAX_BODY; i++) {
		if (doc->blocks[i].text == NULL)
			continue;
		buf_append_str(&b, doc->blocks[i].text);
		buf_append_char(&b, '\n');
	}
	buf_append_str(&b, "");
	if (b.data != NULL)
		cut(b.data, ARTICLE_MAX_BODY);
	return buf_release(&b, NULL);
}

/* The description, else the start of the first paragraph. */
static char *
summary_text(const struct document *doc)
{
	char *s = NULL;
	size_t i;

	if (doc->meta.description != NULL && *doc->meta.description != '\0')
		s = one_line(doc->meta.description);
	for (i = 0; s == NULL && i < doc->nblocks; i++)
		if (doc->blocks[i].type == BLOCK_PARAGRAPH)
			s = one_line(doc->blocks[i].text);
	if (s == NULL)
		s = strdup("");
	if (s != NULL)
		cut_summary(s, ARTICLE_SUMMARY_BYTES);
	return s;
}

/* The file name without its extension. */
static char *
name_title(const char *path)
{
	const char *name = strrchr(path, '/'), *dot;

	name = name != NULL ? name + 1 : path;
	dot = strrchr(name, '.');
	return strndup(name, dot != NULL && dot != name ? (size_t)(dot - name) : strlen(name));
}

static int
has_tag(const struct article *a, size_t n, const char *tag)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(a->tags[i], tag) == 0)
			return 1;
	return 0;
}

char *
article_tag_key(const char *tag)
{
	char *key = strdup(tag), *p;

	for (p = key; p != NULL && *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return key;
}

/* Tags on one line, without duplicates: each as the article spells it and
 * its key. */
static int
take_tags(struct article *a, const struct doc_meta *meta)
{
	size_t i, n = 0;
	char *shown, *key;

	for (i = 0; i < meta->ntags && n < ARTICLE_MAX_TAGS; i++) {
		if ((shown = one_line(meta->tags[i])) == NULL)
			return -1;
		if ((key = article_tag_key(shown)) == NULL) {
			free(shown);
			return -1;
		}
		if (*key == '\0' || has_tag(a, n, key)) {
			free(shown);
			free(key);
			continue;
		}
		a->shown[n] = shown;
		a->tags[n++] = key;
	}
	a->row.tags = (const char *const *)a->tags;
	a->row.tags_shown = (const char *const *)a->shown;
	a->row.ntags = n;
	return 0;
}

char *
article_source_key(const char *url)
{
	struct buf key = BUF_INIT;
	const char *p, *host_end, *end;

	if (url == NULL)
		return NULL;
	if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return NULL;
	end = p + strcspn(p, "#");
	host_end = p + strcspn(p, "/?#");
	if (host_end == p)
		return NULL;
	for (; p < host_end; p++)
		buf_append_char(&key, (char)tolower((unsigned char)*p));
	if (key.len > 4 && (strcmp(key.data + key.len - 4, ":443") == 0 ||
	    strcmp(key.data + key.len - 3, ":80") == 0))
		buf_truncate(&key, key.len - (key.data[key.len - 1] == '3' ? 4 : 3));
	buf_append(&key, p, (size_t)(end - p));
	while (key.len > 0 && key.data[key.len - 1] == '/')
		buf_truncate(&key, key.len - 1);
	return buf_release(&key, NULL);
}

static int
take_document(struct article *a, const struct document *doc, const char *path)
{
	const char *title = doc->meta.title;

	a->title = title != NULL && *title != '\0' ? one_line(title) : name_title(path);
	a->author = one_line(doc->meta.author);
	a->summary = summary_text(doc);
	a->body = body_text(doc);
	a->source = article_source_key(doc->meta.source_url);
	if (a->title == NULL || a->summary == NULL || a->body == NULL ||
	    (doc->meta.author != NULL && a->author == NULL) || take_tags(a, &doc->meta) == -1)
		return -1;
	a->row.source = a->source;
	article_dates(doc->meta.date, a->row.mtime, a->date, a->updated);
	a->row.path = path;
	a->row.date = a->date;
	a->row.updated = a->updated;
	a->row.title = a->title;
	a->row.author = a->author;
	a->row.summary = a->summary;
	a->row.body = a->body;
	return 0;
}

/* Read the whole file (up to ARTICLE_MAX_BYTES); returns its length or -1. */
static ssize_t
read_all(int fd, const struct stat *st, char **data)
{
	size_t want, len = 0;
	ssize_t n;

	want = st->st_size < ARTICLE_MAX_BYTES ? (size_t)st->st_size : ARTICLE_MAX_BYTES;
	if ((*data = malloc(want + 1)) == NULL)
		return -1;
	while (len < want && (n = read(fd, *data + len, want - len)) > 0)
		len += (size_t)n;
	(*data)[len] = '\0';
	return (ssize_t)len;
}

/* Convert data into the row; a text file also gives its heads. */
static int
take_data(struct article *a, const char *data, size_t len, const char *path,
    char *const *chrome)
{
	struct convert_options options = {
		.base_url = path,
		.chrome_lines = (const char *const *)chrome,
		.saved_time = (time_t)(a->row.mtime / 1000000000LL),
	};
	enum article_format format = article_format_of(path);
	struct document *doc;
	int rc;

	if ((doc = convert_read(format, data, len, &options)) == NULL)
		return -1;
	rc = take_document(a, doc, path);
	document_free(doc);
	a->row.whole = format == ARTICLE_HTML;
	if (rc == 0 && format == ARTICLE_TEXT) {
		rc = chrome_heads(data, len, &a->heads);
		a->row.heads = a->heads.v;
	}
	return rc;
}

int
article_read(struct article *a, int fd, const char *path, char *const *chrome)
{
	struct stat st;
	char *data = NULL;
	ssize_t len = -1;
	int rc = -1;

	memset(a, 0, sizeof(*a));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		len = read_all(fd, &st, &data);
	if (len >= 0) {
		a->row.mtime = article_mtime(&st);
		a->row.size = (long long)st.st_size;
		rc = take_data(a, data, (size_t)len, path, chrome);
		if (st.st_size > ARTICLE_READ_BACK_MAX)
			a->row.whole = 1;
	}
	free(data);
	if (rc == -1)
		article_free(a);
	return rc;
}

int
article_load(struct article *a, int dirfd, const char *name, const char *path,
    char *const *chrome)
{
	int fd, rc;

	memset(a, 0, sizeof(*a));
	if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	rc = article_read(a, fd, path, chrome);
	close(fd);
	return rc;
}

void
article_free(struct article *a)
{
	size_t i;

	free(a->title);
	free(a->author);
	free(a->summary);
	free(a->body);
	free(a->source);
	for (i = 0; i < ARTICLE_MAX_TAGS; i++) {
		free(a->tags[i]);
		free(a->shown[i]);
	}
	strlist_clear(&a->heads);
	memset(a, 0, sizeof(*a));
}
