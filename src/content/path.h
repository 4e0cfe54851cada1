/*
 * Safe paths: every file capsuled serves is opened beneath one root
 * directory fd, so no request and no symlink can reach outside it.
 */
#ifndef CAPSULED_CONTENT_PATH_H
#define CAPSULED_CONTENT_PATH_H

#include <sys/stat.h>

enum content_status { CONTENT_OK, CONTENT_NOT_FOUND, CONTENT_FORBIDDEN, CONTENT_ERROR };

/* Check a '/'-separated path from a request (already percent-decoded; a
 * leading '/' is allowed and ignored; a trailing '/' allowed).  0 if
 * acceptable, -1 if it has an empty segment in the middle, a "." or ".."
 * segment, a backslash, NUL or control char, or a dotfile segment other
 * than ".well-known".  Defence in depth: callers have validated already. */
int content_path_check(const char *path);

/* Open path beneath the root directory fd.  Uses openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS) when the kernel has it, else (ENOSYS, or EPERM from
 * a seccomp filter that predates openat2) content_open_walk().
 * A symlink is followed only while its target stays inside the root; an
 * absolute target counts as leaving it, as with RESOLVE_BENEATH.  A symlink
 * leaving the root, a dotfile, a socket, FIFO or device: CONTENT_FORBIDDEN
 * (the caller answers 51 "not found", never revealing which).  Missing:
 * CONTENT_NOT_FOUND.  On CONTENT_OK *fd is an O_RDONLY|O_CLOEXEC fd on a
 * regular file or directory and *st describes it. */
enum content_status content_open(int rootfd, const char *path, int *fd, struct stat *st);

/* The portable resolver behind content_open(): one openat(O_PATH |
 * O_NOFOLLOW) per component, symlinks expanded by hand.  Same contract;
 * public so that tests exercise it on kernels that have openat2. */
enum content_status content_open_walk(int rootfd, const char *path, int *fd, struct stat *st);

#endif
