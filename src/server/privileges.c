#include "server/privileges.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

int
lookup_user(const struct config *c, struct passwd **pw)
{
	*pw = NULL;
	if (geteuid() != 0)
		return 0;
	if (c->user[0] == '\0') {
		log_warn("running as root: set user= to drop privileges after binding the ports");
		return 0;
	}
	if ((*pw = getpwnam(c->user)) == NULL) {
		log_error("user %s: no such user", c->user);
		return -1;
	}
	return 0;
}

int
drop_privileges(const struct passwd *pw)
{
	if (pw == NULL)
		return 0;
	if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1) {
		log_error("cannot drop privileges to %s: %s", pw->pw_name, strerror(errno));
		return -1;
	}
	if (setuid(0) != -1) {
		log_error("privileges could be regained after dropping them: refusing to run");
		return -1;
	}
	log_info("running as %s (uid %u, gid %u)", pw->pw_name, (unsigned)pw->pw_uid,
	    (unsigned)pw->pw_gid);
	return 0;
}
