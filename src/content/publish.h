/*
 * Writing into the tree, for uploads.  A file is written whole into a
 * temporary file beside its final place (a dotfile, which nothing serves,
 * lists or indexes), flushed to disk and renamed over its name, so that
 * a reader sees the old file or the new one, never a part of either.
 * Folders are opened beneath the root one component at a time with
 * O_NOFOLLOW: for writing, no symlink is followed at all, and no segment
 * may be empty, "." or "..", or start with '.'.  Missing folders are made,
 * and removed again when the upload is abandoned.  Which paths may be
 * written is the caller's decision; this module only keeps writes safe.
 */
#ifndef CAPSULED_CONTENT_PUBLISH_H
#define CAPSULED_CONTENT_PUBLISH_H

#include <stddef.h>

#include "content/path.h"

/* Folders an upload may make at most (articles/YYYY/MM/ is three). */
#define CONTENT_UPLOAD_MAX_MADE 8

/* One upload in progress; owned by its caller, between
 * content_upload_begin() and content_upload_commit() or _abort(). */
struct content_upload {
	int dir_fd;             /* the target folder */
	int fd;                 /* the temporary file (read and write), -1 when none */
	char temp[32];          /* its name in the folder */
	size_t written;         /* bytes written to it so far */
	int made_parent[CONTENT_UPLOAD_MAX_MADE]; /* folders made: parent fd ... */
	char *made_name[CONTENT_UPLOAD_MAX_MADE]; /* ... and name, outermost first */
	size_t nmade;
};

/*
 * Start an upload into the folder dir (from '/', ending with '/'),
 * making missing folders, whose final name will be name (NULL: not known
 * yet).  CONTENT_FORBIDDEN: a segment that may not be written (see above),
 * a symlink or a file in the way, or name holding something other than a
 * regular file; CONTENT_ERROR: the disk refused (errno says why).  On
 * CONTENT_OK the upload must be ended with _commit() or _abort().
 */
enum content_status content_upload_begin(int root_fd, const char *dir, const char *name,
    struct content_upload *u);
/* Append to the temporary file.  0, or -1 (errno). */
int content_upload_write(struct content_upload *u, const char *data, size_t len);
/*
 * Flush the file and rename it to name in its folder (replace: over an
 * existing regular file; else EEXIST when name is taken, and the upload
 * stays open for another name).  0: done, the upload is over; -1 with
 * errno: nothing changed (end it with _abort(), or try another name).
 */
int content_upload_commit(struct content_upload *u, const char *name, int replace);
/* Drop the temporary file and the folders the upload made; the upload is over. */
void content_upload_abort(struct content_upload *u);

/* Remove the regular file at path (from '/') beneath the root, no symlink
 * followed: CONTENT_OK, CONTENT_NOT_FOUND, CONTENT_FORBIDDEN (not a
 * regular file, or a segment that may not be written) or CONTENT_ERROR. */
enum content_status content_remove(int root_fd, const char *path);

#endif
