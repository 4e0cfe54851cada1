#include "server/directories.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/log.h"

/* What a directory or file must let its user do, as rwx bits (the values
 * of R_OK, W_OK and X_OK). */
enum need {
	NEED_READ_DIR = 05,   /* certificates: read them */
	NEED_WRITE_DIR = 07,  /* state: read, make and remove files */
	NEED_MAKE_FILES = 03, /* the log's: make a new file after rotation */
	NEED_READ_FILE = 04,  /* a key */
	NEED_WRITE_FILE = 02, /* the log */
	NEED_PASS = 01,       /* a folder on the way: go through it */
};

void
give_to_user(const char *path, const struct passwd *pw)
{
	if (pw != NULL && chown(path, pw->pw_uid, pw->pw_gid) == -1)
		log_warn("chown %s to %s: %s", path, pw->pw_name, strerror(errno));
}

/* "name:group" of a file's owner, by number when a name is unknown.  The
 * reentrant calls leave getpwnam()'s buffer (pw) alone. */
static void
owner_of(const struct stat *st, char *out, size_t size)
{
	char buf[4096], user[64], group[64];
	struct passwd pwd, *p = NULL;
	struct group grp, *g = NULL;

	if (getpwuid_r(st->st_uid, &pwd, buf, sizeof(buf), &p) == 0 && p != NULL)
		snprintf(user, sizeof(user), "%s", p->pw_name);
	else
		snprintf(user, sizeof(user), "%u", (unsigned)st->st_uid);
	if (getgrgid_r(st->st_gid, &grp, buf, sizeof(buf), &g) == 0 && g != NULL)
		snprintf(group, sizeof(group), "%s", g->gr_name);
	else
		snprintf(group, sizeof(group), "%u", (unsigned)st->st_gid);
	snprintf(out, size, "%s:%s", user, group);
}

/* The name of the user that will run: pw's, or ours. */
static void
runner_name(const struct passwd *pw, char *out, size_t size)
{
	char buf[4096];
	struct passwd pwd, *p = NULL;

	if (pw != NULL)
		snprintf(out, size, "%s", pw->pw_name);
	else if (getpwuid_r(geteuid(), &pwd, buf, sizeof(buf), &p) == 0 && p != NULL)
		snprintf(out, size, "%s", p->pw_name);
	else
		snprintf(out, size, "%u", (unsigned)geteuid());
}

static int
has_acl(const char *path)
{
	return getxattr(path, "system.posix_acl_access", NULL, 0) > 0;
}

/* Whether the user that will run may use path as need says.  Ourselves:
 * ask the kernel.  Another user: its mode bits, owner then group then
 * others, as the kernel will judge them. */
static int
may_use(const char *path, const struct stat *st, const struct passwd *pw, enum need need)
{
	unsigned bits;

	if (pw == NULL)
		return access(path, (int)need) == 0;
	if (pw->pw_uid == 0 || has_acl(path))
		return 1;
	if (st->st_uid == pw->pw_uid)
		bits = (st->st_mode >> 6) & 07;
	else if (st->st_gid == pw->pw_gid)
		bits = (st->st_mode >> 3) & 07;
	else
		bits = st->st_mode & 07;
	return (bits & (unsigned)need) == (unsigned)need;
}

static int
is_empty(const char *dir)
{
	struct dirent *e;
	DIR *d;
	int empty = 1;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while (empty && (e = readdir(d)) != NULL)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

/* Append "WHAT PATH belongs to OWNER (mode M) and USER cannot VERB it". */
static void
describe(struct buf *b, const char *what, const char *path, const struct stat *st,
    const struct passwd *pw, enum need need)
{
	char owner[160], runner[64];

	owner_of(st, owner, sizeof(owner));
	runner_name(pw, runner, sizeof(runner));
	buf_printf(b, "%s %s belongs to %s (mode %04o) and %s cannot %s it", what, path, owner,
	    (unsigned)(st->st_mode & 07777), runner, (need & W_OK) ? "write to" :
	    (need & R_OK) ? "read" : "go through");
}

/* The start-up error that says who owns path and how to fix it. */
static void
say_fix(const char *what, const char *path, const struct stat *st, const struct passwd *pw,
    enum need need)
{
	struct buf b = BUF_INIT;
	char runner[64];

	describe(&b, what, path, st, pw, need);
	runner_name(pw, runner, sizeof(runner));
	buf_printf(&b, "; as root: chown -R %s: %s", runner, path);
	log_error("%s", b.failed ? "out of memory" : b.data);
	buf_free(&b);
}

/* Make dir for the user that will run, give it one that is ours and
 * empty, or check it: 0; 1 when it exists and that user cannot use it
 * (*st says how it is); -1 on another error (said). */
static int
prepare_dir(const char *what, const char *dir, mode_t mode, enum need need,
    const struct passwd *pw, struct stat *st)
{
	if (mkdir(dir, mode) == 0) {
		give_to_user(dir, pw);
		return 0;
	}
	if (errno != EEXIST || stat(dir, st) == -1) {
		log_error("%s %s: %s", what, dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st->st_mode)) {
		log_error("%s %s is not a directory", what, dir);
		return -1;
	}
	if (pw != NULL && st->st_uid == geteuid() && st->st_uid != pw->pw_uid && is_empty(dir)) {
		give_to_user(dir, pw);
		return 0;
	}
	return may_use(dir, st, pw, need) ? 0 : 1;
}

void
directory_of(const char *path, char out[PATH_MAX])
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, PATH_MAX, ".");
	else if (slash == path)
		snprintf(out, PATH_MAX, "/");
	else
		snprintf(out, PATH_MAX, "%.*s", (int)(slash - path), path);
}

/* The first folder above path that the user cannot go through, into
 * blocked (with its stat): 1, or 0 when every one lets it through.  A
 * path made by root for another user can still be out of its reach. */
static int
blocked_on_the_way(const char *path, const struct passwd *pw, char blocked[PATH_MAX],
    struct stat *st)
{
	char below[PATH_MAX];

	snprintf(below, sizeof(below), "%s", path);
	for (;;) {
		directory_of(below, blocked);
		if (stat(blocked, st) == 0 && !may_use(blocked, st, pw, NEED_PASS))
			return 1;
		if (strcmp(blocked, below) == 0 || strcmp(blocked, "/") == 0 ||
		    strcmp(blocked, ".") == 0)
			return 0;
		snprintf(below, sizeof(below), "%s", blocked);
	}
}

/* The start-up error for a directory the user cannot reach: "WHAT DIR is
 * out of USER's reach: BLOCKED belongs to ... and USER cannot go through
 * it; as root: chown -R USER: BLOCKED, or ...". */
static void
say_blocked(const char *what, const char *dir, const char *blocked, const struct stat *st,
    const struct passwd *pw)
{
	struct buf b = BUF_INIT;
	char runner[64];

	runner_name(pw, runner, sizeof(runner));
	buf_printf(&b, "%s %s is out of %s's reach: ", what, dir, runner);
	describe(&b, "folder", blocked, st, pw, NEED_PASS);
	buf_printf(&b, "; as root: chown %s: %s, or run as its owner (user) or choose another %s",
	    runner, blocked, what);
	log_error("%s", b.failed ? "out of memory" : b.data);
	buf_free(&b);
}

/* A directory the service cannot run without: 0, or -1 (said). */
static int
require_dir(const char *what, const char *dir, mode_t mode, enum need need,
    const struct passwd *pw)
{
	char blocked[PATH_MAX];
	struct stat st;
	int rc = prepare_dir(what, dir, mode, need, pw, &st);

	if (rc == 1)
		say_fix(what, dir, &st, pw, need);
	if (rc == 0 && pw != NULL && blocked_on_the_way(dir, pw, blocked, &st)) {
		say_blocked(what, dir, blocked, &st, pw);
		return -1;
	}
	return rc == 0 ? 0 : -1;
}

static int
log_is_a_file(const struct config *c)
{
	return strcmp(c->log, "stderr") != 0 && strcmp(c->log, "syslog") != 0;
}

/* A log directory that is not ours may be shared (/var/log): no chown -R
 * there, and logrotate's `create` can still make the new file for us. */
int
prepare_log_directory(const struct config *c, const struct passwd *pw)
{
	struct buf b = BUF_INIT;
	char dir[PATH_MAX];
	struct stat st;
	int rc;

	if (!log_is_a_file(c))
		return 0;
	directory_of(c->log, dir);
	if ((rc = prepare_dir("log directory", dir, 0750, NEED_MAKE_FILES, pw, &st)) != 1)
		return rc;
	describe(&b, "log directory", dir, &st, pw, NEED_MAKE_FILES);
	buf_append_str(&b, ": after rotation the log cannot be made again; give it a directory of "
	    "its own (made at start-up) or have logrotate create the file");
	log_warn("%s", b.failed ? "out of memory" : b.data);
	buf_free(&b);
	return 0;
}

void
prepare_log_file(const struct config *c, const struct passwd *pw)
{
	struct buf b = BUF_INIT;
	struct stat st;

	if (!log_is_a_file(c) || stat(c->log, &st) == -1)
		return;
	if (pw != NULL && st.st_uid == geteuid() && st.st_uid != pw->pw_uid) {
		give_to_user(c->log, pw);
	} else if (!may_use(c->log, &st, pw, NEED_WRITE_FILE)) {
		describe(&b, "log file", c->log, &st, pw, NEED_WRITE_FILE);
		buf_append_str(&b, ": a reload cannot reopen it");
		log_warn("%s", b.failed ? "out of memory" : b.data);
		buf_free(&b);
	}
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

/* Whether path is a file directly inside dir. */
static int
directly_inside(const char *path, const char *dir)
{
	char parent[PATH_MAX];

	directory_of(path, parent);
	return strcmp(parent, dir) == 0;
}

/* The certificate directory, when a host's files are in it (generated
 * ones always are), and the keys in it. */
static int
prepare_cert_dir(const struct config *c, const struct passwd *pw)
{
	struct stat st;
	int used = 0, rc = 0;
	size_t i;

	for (i = 0; i < c->nhosts; i++)
		used |= directly_inside(c->hosts[i].cert, c->cert_dir) ||
		    directly_inside(c->hosts[i].key, c->cert_dir);
	if (!used)
		return 0;
	if (require_dir("certificate directory", c->cert_dir, 0750, NEED_READ_DIR, pw) == -1)
		return -1;
	for (i = 0; i < c->nhosts; i++) {
		const char *key = c->hosts[i].key;

		if (directly_inside(key, c->cert_dir) && stat(key, &st) == 0 &&
		    !may_use(key, &st, pw, NEED_READ_FILE)) {
			say_fix("key", key, &st, pw, NEED_READ_FILE);
			rc = -1;
		}
	}
	return rc;
}

int
prepare_directories(const struct config *c, const struct passwd *pw)
{
	if (c->archive && (require_dir("state directory", c->state_dir, 0750, NEED_WRITE_DIR, pw) == -1 ||
	    state_dir_inside_a_root(c)))
		return -1;
	return prepare_cert_dir(c, pw);
}
