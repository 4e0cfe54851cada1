#include "content/publish.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMP_PREFIX ".upload-"
#define TEMP_TRIES 8
#define NAME_MAX_BYTES 255

/* A segment a write may name: not empty, no leading '.', no controls or
 * backslash, not longer than a file name may be. */
static int
writable_segment(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > NAME_MAX_BYTES || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\' || s[i] == '/')
			return 0;
	return 1;
}

static enum content_status
status_of(int err)
{
	if (err == ENOENT)
		return CONTENT_NOT_FOUND;
	return err == ELOOP || err == ENOTDIR || err == EXDEV ? CONTENT_FORBIDDEN : CONTENT_ERROR;
}

/* Remember a folder made in parent, to remove it on abort. */
static int
note_made(struct content_upload *u, int parent, const char *name, size_t len)
{
	int copy;

	if (u->nmade == CONTENT_UPLOAD_MAX_MADE || (copy = dup(parent)) == -1)
		return -1;
	if ((u->made_name[u->nmade] = strndup(name, len)) == NULL) {
		close(copy);
		return -1;
	}
	u->made_parent[u->nmade++] = copy;
	return 0;
}

/* Enter the segment [s, s+len) below the folder *dir (replacing it);
 * when it is missing, make it if u is not NULL. */
static enum content_status
enter(struct content_upload *u, int *dir, const char *s, size_t len)
{
	char name[NAME_MAX_BYTES + 1];
	int next;

	if (!writable_segment(s, len))
		return CONTENT_FORBIDDEN;
	memcpy(name, s, len);
	name[len] = '\0';
	next = openat(*dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (next == -1 && errno == ENOENT && u != NULL) {
		if (mkdirat(*dir, name, 0755) == 0) {
			if (note_made(u, *dir, s, len) == -1)
				return CONTENT_ERROR;
		} else if (errno != EEXIST) {
			return status_of(errno);
		}
		next = openat(*dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (next == -1)
		return status_of(errno);
	close(*dir);
	*dir = next;
	return CONTENT_OK;
}

/* The folder path beneath the root into *out, each component entered in
 * turn; missing ones are made for the upload u (NULL: none made). */
static enum content_status
open_folder(int root_fd, const char *path, struct content_upload *u, int *out)
{
	const char *p = path, *end;
	enum content_status st;
	int dir;

	if ((dir = dup(root_fd)) == -1)
		return CONTENT_ERROR;
	while (*p == '/')
		p++;
	while (*p != '\0') {
		end = strchrnul(p, '/');
		if ((st = enter(u, &dir, p, (size_t)(end - p))) != CONTENT_OK) {
			close(dir);
			return st;
		}
		p = *end == '/' ? end + 1 : end;
	}
	*out = dir;
	return CONTENT_OK;
}

/* A name in the folder that is free or a regular file (never followed). */
static enum content_status
check_name(int dir, const char *name)
{
	struct stat st;

	if (!writable_segment(name, strlen(name)))
		return CONTENT_FORBIDDEN;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? CONTENT_OK : CONTENT_ERROR;
	return S_ISREG(st.st_mode) ? CONTENT_OK : CONTENT_FORBIDDEN;
}

static int
open_temp(struct content_upload *u)
{
	unsigned char random[4];
	int i;

	for (i = 0; i < TEMP_TRIES; i++) {
		if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random))
			return -1;
		snprintf(u->temp, sizeof(u->temp), TEMP_PREFIX "%02x%02x%02x%02x", random[0],
		    random[1], random[2], random[3]);
		u->fd = openat(u->dir_fd, u->temp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0644);
		if (u->fd != -1 || errno != EEXIST)
			return u->fd == -1 ? -1 : 0;
	}
	return -1;
}

enum content_status
content_upload_begin(int root_fd, const char *dir, const char *name, struct content_upload *u)
{
	enum content_status st;

	memset(u, 0, sizeof(*u));
	u->dir_fd = -1;
	u->fd = -1;
	if ((st = open_folder(root_fd, dir, u, &u->dir_fd)) != CONTENT_OK ||
	    (name != NULL && (st = check_name(u->dir_fd, name)) != CONTENT_OK))
		goto fail;
	if (open_temp(u) == -1) {
		st = status_of(errno);
		goto fail;
	}
	return CONTENT_OK;
fail:
	content_upload_abort(u);
	return st;
}

int
content_upload_write(struct content_upload *u, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(u->fd, data, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
		u->written += (size_t)n;
	}
	return 0;
}

/* The end of an upload, whatever became of it. */
static void
upload_close(struct content_upload *u)
{
	size_t i;

	if (u->fd != -1)
		close(u->fd);
	if (u->dir_fd != -1)
		close(u->dir_fd);
	for (i = 0; i < u->nmade; i++) {
		close(u->made_parent[i]);
		free(u->made_name[i]);
	}
	u->fd = u->dir_fd = -1;
	u->nmade = 0;
}

int
content_upload_commit(struct content_upload *u, const char *name, int replace)
{
	enum content_status st = check_name(u->dir_fd, name);

	if (st != CONTENT_OK) {
		errno = st == CONTENT_FORBIDDEN ? EISDIR : errno;
		return -1;
	}
	if (fsync(u->fd) == -1)
		return -1;
	if (renameat2(u->dir_fd, u->temp, u->dir_fd, name, replace ? 0 : RENAME_NOREPLACE) == -1)
		return -1;
	/* The rename itself reaches the disk with its folder. */
	fsync(u->dir_fd);
	upload_close(u);
	return 0;
}

void
content_upload_abort(struct content_upload *u)
{
	size_t i;

	if (u->fd != -1)
		unlinkat(u->dir_fd, u->temp, 0);
	/* Innermost first; a folder something else filled meanwhile stays. */
	for (i = u->nmade; i > 0; i--)
		unlinkat(u->made_parent[i - 1], u->made_name[i - 1], AT_REMOVEDIR);
	upload_close(u);
}

enum content_status
content_remove(int root_fd, const char *path)
{
	const char *slash = strrchr(path, '/');
	enum content_status st;
	struct stat sb;
	char *dir;
	int dir_fd;

	if (slash == NULL || (dir = strndup(path, (size_t)(slash - path + 1))) == NULL)
		return CONTENT_ERROR;
	st = open_folder(root_fd, dir, NULL, &dir_fd);
	free(dir);
	if (st != CONTENT_OK)
		return st;
	if (!writable_segment(slash + 1, strlen(slash + 1)))
		st = CONTENT_FORBIDDEN;
	else if (fstatat(dir_fd, slash + 1, &sb, AT_SYMLINK_NOFOLLOW) == -1)
		st = status_of(errno);
	else if (!S_ISREG(sb.st_mode))
		st = CONTENT_FORBIDDEN;
	else if (unlinkat(dir_fd, slash + 1, 0) == -1)
		st = status_of(errno);
	close(dir_fd);
	return st;
}
