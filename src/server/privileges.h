/*
 * Who the server runs as: the user to drop to (set user=, started as
 * root), and dropping to it for good once the ports are bound and the
 * files and directories it keeps are made (server/directories.h).
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

#endif
