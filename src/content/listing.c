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
