/*
 * Who the server runs as: the user to drop to (set user=, started as
 * root), dropping to it for good once the ports are bound and the files
 * it generates are made, and the state directory that user owns.
 */
#ifndef CAPSULED_SERVER_PRIVILEGES_H
#define CAPSULED_SERVER_PRIVILEGES_H

#include <pwd.h>

#include "config/config.h"

/* *pw: the user to drop to, NULL to stay as we are.  0, or -1 (said in
 * the log). */
int lookup_user(const struct config *c, struct passwd **pw);
/* Setting the groups, group and user, and checking they cannot be
 * regained.  No-op for a NULL pw.  0, or -1 (said). */
int drop_privileges(const struct passwd *pw);
/* Generated files belong to the user we run as, so that a reload after
 * dropping privileges can still read them. */
void give_to_user(const char *path, const struct passwd *pw);
/* Make the archive's state directory (for pw), refusing one inside a
 * content root: the index must never be served.  0, or -1 (said). */
int ensure_state_dir(const struct config *c, const struct passwd *pw);

#endif
