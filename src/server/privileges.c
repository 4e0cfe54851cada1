#include "server/privileges.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

void
give_to_user(const char *path, const struct passwd *pw)
{
	if (pw != NULL && chown(path, pw->pw_uid, pw->pw_gid) == -1)
		log_warn("chown %s to %s: %s", path, pw->pw_name, strerror(errno));
}

static int
state_dir_inside_a_root(const struct config *c)
{
	char state[PATH_MAX], root[PATH_MAX];
	size_t i, len;

	if (realpath(c->state_dir, state) == NULL)
		return 0;
	for (i = 0; i < c->nhosts; i++) {
		if (realpath(c->hosts[i].root, root) == NULL)
			continue;
		len = strlen(root);
		if (strncmp(state, root, len) == 0 && (state[len] == '/' || state[len] == '\0')) {
			log_error("state directory %s is inside the content root %s: choose another",
			    c->state_dir, c->hosts[i].root);
			return 1;
		}
	}
	return 0;
}

int
ensure_state_dir(const struct config *c, const struct passwd *pw)
{
	if (!c->archive)
		return 0;
	if (mkdir(c->state_dir, 0755) == 0)
		give_to_user(c->state_dir, pw);
	else if (errno != EEXIST) {
		log_error("state directory %s: %s", c->state_dir, strerror(errno));
		return -1;
	}
	return state_dir_inside_a_root(c) ? -1 : 0;
}

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
