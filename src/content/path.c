#include "content/path.h"

#include <linux/openat2.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The kernel's own limit on symlinks followed in one lookup (MAXSYMLINKS). */
#define MAX_SYMLINKS 40
/* openat2() answers EAGAIN when a rename raced the lookup; retry a little. */
#define OPENAT2_TRIES 4

/* State of content_open_walk(): the directories entered so far (O_PATH fds
 * below the root, innermost last), then the regular file or the socket,
 * FIFO or device reached. */
struct walk {
	int rootfd;
	int *dirs;
	size_t ndirs;
	size_t cap;
	int leaf;
	struct stat leaf_st;
	int special;
	int links;
};

static enum content_status walk_path(struct walk *w, const char *path);

static int
segment_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	if (s[0] == '.')
		return len == strlen(".well-known") && memcmp(s, ".well-known", len) == 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '\\')
			return 0;
	}
	return 1;
}

int
content_path_check(const char *path)
{
	const char *p = path, *end;

	if (*p == '/')
		p++;
	while (*p != '\0') {
		end = strchrnul(p, '/');
		if (!segment_ok(p, (size_t)(end - p)))
			return -1;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return 0;
}

static enum content_status
status_of_errno(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		return CONTENT_NOT_FOUND;
	case EXDEV:
	case ELOOP:
	case EACCES:
	case EPERM:
		return CONTENT_FORBIDDEN;
	default:
		return CONTENT_ERROR;
	}
}

static enum content_status
precheck(const char *path)
{
	if (content_path_check(path) == -1)
		return CONTENT_FORBIDDEN;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return CONTENT_NOT_FOUND;
	return CONTENT_OK;
}

/*
 * Take over rfd, a readable fd opened after an O_PATH look-up found *expect
 * (NULL when rfd cannot differ from it): refuse it if a rename swapped the
 * file in between.  The O_NONBLOCK that kept a swapped-in FIFO from
 * blocking the open stays: it changes nothing for regular files and
 * directories, the only kinds let through.
 */
static enum content_status
finish_open(int rfd, const struct stat *expect, int *fd, struct stat *st)
{
	if (rfd == -1)
		return status_of_errno(errno);
	if (fstat(rfd, st) == -1)
		goto error;
	if (expect != NULL &&
	    (st->st_dev != expect->st_dev || st->st_ino != expect->st_ino))
		goto error;
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
		close(rfd);
		return CONTENT_FORBIDDEN;
	}
	*fd = rfd;
	return CONTENT_OK;
error:
	close(rfd);
	return CONTENT_ERROR;
}

static int
openat2_beneath(int rootfd, const char *rel, int flags)
{
	struct open_how how;
	int fd, tries;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned)(flags | O_CLOEXEC);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	for (tries = 0; tries < OPENAT2_TRIES; tries++) {
		fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
		if (fd != -1 || errno != EAGAIN)
			break;
	}
	return fd;
}

enum content_status
content_open(int rootfd, const char *path, int *fd, struct stat *st)
{
	enum content_status status;
	struct stat pst;
	const char *rel;
	int pfd;

	if ((status = precheck(path)) != CONTENT_OK)
		return status;
	rel = path[0] == '/' ? path + 1 : path;
	if (*rel == '\0')
		rel = ".";
	/* O_PATH first: a FIFO or device is never opened for reading. */
	if ((pfd = openat2_beneath(rootfd, rel, O_PATH)) == -1) {
		/* EPERM: a seccomp filter that does not know openat2. */
		if (errno == ENOSYS || errno == EPERM)
			return content_open_walk(rootfd, path, fd, st);
		return status_of_errno(errno);
	}
	if (fstat(pfd, &pst) == -1) {
		close(pfd);
		return CONTENT_ERROR;
	}
	if (S_ISDIR(pst.st_mode))
		status = finish_open(openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC),
		    NULL, fd, st);
	else if (S_ISREG(pst.st_mode))
		status = finish_open(openat2_beneath(rootfd, rel,
		    O_RDONLY | O_NONBLOCK | O_NOCTTY), &pst, fd, st);
	else
		status = CONTENT_FORBIDDEN;
	close(pfd);
	return status;
}

static int
walk_cwd(const struct walk *w)
{
	return w->ndirs > 0 ? w->dirs[w->ndirs - 1] : w->rootfd;
}

static enum content_status
walk_push(struct walk *w, int dirfd)
{
	int *dirs;
	size_t cap;

	if (w->ndirs == w->cap) {
		cap = w->cap ? w->cap * 2 : 16;
		if ((dirs = reallocarray(w->dirs, cap, sizeof(*dirs))) == NULL) {
			close(dirfd);
			return CONTENT_ERROR;
		}
		w->dirs = dirs;
		w->cap = cap;
	}
	w->dirs[w->ndirs++] = dirfd;
	return CONTENT_OK;
}

static enum content_status
walk_up(struct walk *w)
{
	if (w->ndirs == 0)
		return CONTENT_FORBIDDEN;
	close(w->dirs[--w->ndirs]);
	return CONTENT_OK;
}

/* Expand the symlink linkfd in the current directory, as the kernel does
 * with RESOLVE_BENEATH: relative targets only. */
static enum content_status
walk_link(struct walk *w, int linkfd)
{
	enum content_status status;
	char *target;
	ssize_t n;

	if (++w->links > MAX_SYMLINKS)
		return CONTENT_FORBIDDEN;
	/* On the heap: walk_link() recurses once per nested symlink. */
	if ((target = malloc(PATH_MAX)) == NULL)
		return CONTENT_ERROR;
	n = readlinkat(linkfd, "", target, PATH_MAX);
	if (n == -1)
		status = status_of_errno(errno);
	else if (n == 0 || n == PATH_MAX)
		status = CONTENT_NOT_FOUND;
	else if (target[0] == '/')
		status = CONTENT_FORBIDDEN;
	else {
		target[n] = '\0';
		status = walk_path(w, target);
	}
	free(target);
	return status;
}

static enum content_status
walk_down(struct walk *w, const char *name)
{
	enum content_status status;
	struct stat st;
	int pfd, rfd;

	pfd = openat(walk_cwd(w), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd == -1)
		return status_of_errno(errno);
	if (fstat(pfd, &st) == -1) {
		close(pfd);
		return CONTENT_ERROR;
	}
	if (S_ISDIR(st.st_mode))
		return walk_push(w, pfd);
	if (S_ISLNK(st.st_mode))
		status = walk_link(w, pfd);
	else if (S_ISREG(st.st_mode)) {
		rfd = openat(walk_cwd(w), name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		status = finish_open(rfd, &st, &w->leaf, &w->leaf_st);
	} else {
		/* Refused at the end: "fifo/x" is ENOTDIR like "file/x". */
		w->special = 1;
		status = CONTENT_OK;
	}
	close(pfd);
	return status;
}

static enum content_status
walk_path(struct walk *w, const char *path)
{
	enum content_status status;
	char name[NAME_MAX + 1];
	const char *p = path, *end;
	size_t len;

	while (*p != '\0') {
		/* Anything after a non-directory, even "/" or ".": ENOTDIR. */
		if (w->leaf != -1 || w->special)
			return CONTENT_NOT_FOUND;
		if (*p == '/') {
			p++;
			continue;
		}
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len > NAME_MAX)
			return CONTENT_NOT_FOUND;
		memcpy(name, p, len);
		name[len] = '\0';
		p = end;
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0)
			status = walk_up(w);
		else
			status = walk_down(w, name);
		if (status != CONTENT_OK)
			return status;
	}
	return CONTENT_OK;
}

enum content_status
content_open_walk(int rootfd, const char *path, int *fd, struct stat *st)
{
	struct walk w = { .rootfd = rootfd, .leaf = -1 };
	enum content_status status;

	if ((status = precheck(path)) != CONTENT_OK)
		return status;
	status = walk_path(&w, path);
	if (status == CONTENT_OK && w.special)
		status = CONTENT_FORBIDDEN;
	else if (status == CONTENT_OK && w.leaf != -1) {
		*fd = w.leaf;
		*st = w.leaf_st;
		w.leaf = -1;
	} else if (status == CONTENT_OK)
		status = finish_open(openat(walk_cwd(&w), ".",
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC), NULL, fd, st);
	if (w.leaf != -1)
		close(w.leaf);
	while (w.ndirs > 0)
		close(w.dirs[--w.ndirs]);
	free(w.dirs);
	return status;
}
