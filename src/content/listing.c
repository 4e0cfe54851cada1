#include "content/listing.h"

#include "content/path.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct entry_list {
	struct content_entry *v;
	size_t n;
	size_t cap;
};

/* Length of the valid UTF-8 sequence starting at s, or 0 (overlong forms,
 * surrogates and code points past U+10FFFF are not valid). */
static size_t
utf8_sequence(const unsigned char *s)
{
	unsigned int cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int
url_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~';
}

int
content_url_encode_segment(struct buf *out, const char *segment)
{
	const unsigned char *s = (const unsigned char *)segment;
	size_t len;

	while (*s != '\0') {
		if (*s >= 0x80 && (len = utf8_sequence(s)) > 0) {
			buf_append(out, s, len);
			s += len;
		} else if (url_unreserved(*s))
			buf_append_char(out, (char)*s++);
		else
			buf_printf(out, "%%%02X", *s++);
	}
	return out->failed ? -1 : 0;
}

/* Text for a reader: names are bytes, gemtext is UTF-8. */
static void
append_label(struct buf *out, const char *text, size_t textlen)
{
	const unsigned char *s = (const unsigned char *)text, *end = s + textlen;
	size_t len;

	while (s < end) {
		if ((len = utf8_sequence(s)) > 0 && len <= (size_t)(end - s)) {
			buf_append(out, s, len);
			s += len;
		} else {
			buf_append_str(out, "\xef\xbf\xbd");
			s++;
		}
	}
}

static void
append_size(struct buf *out, off_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v;
	size_t u;

	if (size < 1024) {
		buf_printf(out, "%lld B", (long long)size);
		return;
	}
	v = (double)size / 1024;
	/* 1023.95 and up would print as "1024.0": take the next unit. */
	for (u = 0; v >= 1023.95 && u + 1 < sizeof(units) / sizeof(units[0]); u++)
		v /= 1024;
	buf_printf(out, "%.1f %s", v, units[u]);
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Numeric order of two digit strings of any length. */
static int
digits_cmp(const char *a, const char *b)
{
	size_t la, lb;

	while (a[0] == '0' && a[1] != '\0')
		a++;
	while (b[0] == '0' && b[1] != '\0')
		b++;
	if ((la = strlen(a)) != (lb = strlen(b)))
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int
entry_order(const void *pa, const void *pb)
{
	const struct content_entry *a = pa, *b = pb;
	int da, db, c;

	if (a->is_dir != b->is_dir)
		return a->is_dir ? -1 : 1;
	da = all_digits(a->name);
	db = all_digits(b->name);
	if (da != db)
		return da ? -1 : 1;
	if (da)
		c = digits_cmp(b->name, a->name);
	else
		c = strcasecmp(a->name, b->name);
	return c != 0 ? c : strcmp(a->name, b->name);
}

static int
list_add(struct entry_list *l, const char *name, const struct stat *st)
{
	struct content_entry *v, *e;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 32;
		if ((v = reallocarray(l->v, cap, sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n];
	if ((e->name = strdup(name)) == NULL)
		return -1;
	e->is_dir = S_ISDIR(st->st_mode);
	e->size = st->st_size;
	e->mtime = st->st_mtim;
	l->n++;
	return 0;
}

/* Add the entry name of the directory whose path (with its trailing '/')
 * is in child, if content_open() would serve it. */
static int
list_consider(struct entry_list *l, int rootfd, struct buf *child, const char *name)
{
	size_t dirlen = child->len;
	struct stat st;
	int fd, rc = 0;

	if (buf_append_str(child, name) == -1)
		return -1;
	if (content_open(rootfd, child->data, &fd, &st) == CONTENT_OK) {
		close(fd);
		rc = list_add(l, name, &st);
	}
	buf_truncate(child, dirlen);
	return rc;
}

static int
list_read(struct entry_list *l, int rootfd, DIR *dir, struct buf *child)
{
	struct dirent *de;

	for (;;) {
		errno = 0;
		if ((de = readdir(dir)) == NULL)
			return errno == 0 ? 0 : -1;
		/* Dotfiles, "." and "..": never listed. */
		if (de->d_name[0] == '.')
			continue;
		if (list_consider(l, rootfd, child, de->d_name) == -1)
			return -1;
	}
}

/* dir_path without its leading and trailing '/'; *len is 0 at the root. */
static const char *
dir_relative(const char *dir_path, size_t *len)
{
	const char *rel = dir_path[0] == '/' ? dir_path + 1 : dir_path;

	*len = strlen(rel);
	if (*len > 0 && rel[*len - 1] == '/')
		(*len)--;
	return rel;
}

int
content_dir_entries(int rootfd, const char *dir_path, struct content_entry **entries, size_t *n)
{
	struct entry_list l = { NULL, 0, 0 };
	struct buf child = BUF_INIT;
	const char *rel;
	struct stat st;
	size_t len;
	DIR *dir;
	int fd, rc;

	*entries = NULL;
	*n = 0;
	if (content_open(rootfd, dir_path, &fd, &st) != CONTENT_OK)
		return -1;
	if (!S_ISDIR(st.st_mode) || (dir = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	rel = dir_relative(dir_path, &len);
	if (len > 0) {
		buf_append(&child, rel, len);
		buf_append_char(&child, '/');
	}
	rc = child.failed ? -1 : list_read(&l, rootfd, dir, &child);
	closedir(dir);
	buf_free(&child);
	if (rc == -1) {
		content_entries_free(l.v, l.n);
		return -1;
	}
	if (l.n > 0)
		qsort(l.v, l.n, sizeof(*l.v), entry_order);
	*entries = l.v;
	*n = l.n;
	return 0;
}

void
content_entries_free(struct content_entry *entries, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(entries[i].name);
	free(entries);
}

static void
append_entry_line(struct buf *out, const struct content_entry *e)
{
	buf_append_str(out, "=> ");
	content_url_encode_segment(out, e->name);
	if (e->is_dir)
		buf_append_char(out, '/');
	buf_append_char(out, ' ');
	append_label(out, e->name, strlen(e->name));
	if (e->is_dir)
		buf_append_char(out, '/');
	else {
		buf_append_str(out, " (");
		append_size(out, e->size);
		buf_append_char(out, ')');
	}
	buf_append_char(out, '\n');
}

int
content_listing_gemtext(int rootfd, const char *dir_path, struct buf *out)
{
	struct content_entry *entries;
	const char *rel;
	size_t n, i, len;

	if (content_dir_entries(rootfd, dir_path, &entries, &n) == -1)
		return -1;
	rel = dir_relative(dir_path, &len);
	buf_append_str(out, "# Index of /");
	if (len > 0) {
		append_label(out, rel, len);
		buf_append_char(out, '/');
	}
	buf_append_str(out, "\n\n");
	if (len > 0)
		buf_append_str(out, "=> ../ Parent directory\n");
	for (i = 0; i < n; i++)
		append_entry_line(out, &entries[i]);
	content_entries_free(entries, n);
	return out->failed ? -1 : 0;
}
