/*
 * The directories the server keeps things in, owned right: the state
 * directory (written), the certificate directory (read; generated pairs
 * go there) and the log file's directory (new files after rotation).
 *
 * Started as root with a user to drop to, a missing directory is made for
 * that user, and one that is root's and empty is given to it; generated
 * files (certificates, keys, the log) are given to it too.  Otherwise a
 * directory the user cannot use is a start-up error naming the directory,
 * its owner and the command that fixes it (the log's directory only a
 * warning: logrotate's `create` can still make the new file).  Started
 * as any other user, capsuled makes what is missing and never changes an
 * owner.  Permissions are judged by the mode bits and the user's own
 * group, as they will be once supplementary groups are dropped; a file
 * with an ACL is given the benefit of the doubt.
 */
#ifndef CAPSULED_SERVER_DIRECTORIES_H
#define CAPSULED_SERVER_DIRECTORIES_H

#include <limits.h>
#include <pwd.h>

#include "config/config.h"

/* pw: the user we drop to, or NULL when we stay who we are. */

/* The log file's directory, before the log is opened.  0, or -1 (said). */
int prepare_log_directory(const struct config *c, const struct passwd *pw);
/* The log file, once opened: given to pw when it is ours (root's). */
void prepare_log_file(const struct config *c, const struct passwd *pw);
/* The state directory (refused inside a content root: the index must
 * never be served) and the certificate directory when a host's files are
 * in it.  0, or -1 (said). */
int prepare_directories(const struct config *c, const struct passwd *pw);
/* A file we made (a certificate, a key) is given to pw. */
void give_to_user(const char *path, const struct passwd *pw);
/* The directory holding path ("." for a bare name) into out. */
void directory_of(const char *path, char out[PATH_MAX]);

#endif
