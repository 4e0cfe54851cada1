#include "server/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "server/directories.h"
#include "util/log.h"

/* The rights of Landlock ABI 1, all handled (denied unless a rule allows). */
#define FS_ALL ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)
#define FS_FILE (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
    LANDLOCK_ACCESS_FS_READ_FILE)
#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_WRITE (FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG | \
    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR)
/* A log's directory: append to the log, make a new one after logrotate;
 * read nothing, remove nothing (it may be a shared directory). */
#define FS_APPEND (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG)

/* Optional paths may be missing; a required one missing is an error. */
enum need { OPTIONAL, REQUIRED };

static int
add_rule(int ruleset, const char *path, uint64_t rights, enum need need)
{
	struct landlock_path_beneath_attr rule;
	struct stat st;
	int fd, rc;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1) {
		if (need == OPTIONAL && errno == ENOENT)
			return 0;
		log_error("sandbox: %s: %s", path, strerror(errno));
		return -1;
	}
	memset(&rule, 0, sizeof(rule));
	rule.allowed_access = rights;
	/* A file takes file rights only. */
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rule.allowed_access &= FS_FILE;
	rule.parent_fd = fd;
	rc = (int)syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	close(fd);
	if (rc == -1) {
		log_error("sandbox: rule for %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Read access to the directory of a file, and of the file it links to:
 * certbot's live/NAME/fullchain.pem points into archive/NAME/, where a
 * renewal writes the next one. */
static int
add_file_directories(int ruleset, const char *path, uint64_t rights)
{
	char dir[PATH_MAX], real[PATH_MAX];

	directory_of(path, dir);
	if (add_rule(ruleset, dir, rights, REQUIRED) == -1)
		return -1;
	if (realpath(path, real) == NULL)
		return 0;
	directory_of(real, dir);
	return add_rule(ruleset, dir, rights, REQUIRED);
}

/* Publish areas may be written (and nothing else in the roots); the CA
 * files of areas read. */
static int
add_area_rules(int ruleset, const struct config *c)
{
	const struct area_config *a;
	char path[PATH_MAX];
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < c->nareas; i++) {
		a = &c->areas[i];
		if (a->ca != NULL)
			rc = add_file_directories(ruleset, a->ca, FS_READ);
		if (rc != 0 || !(a->access & AREA_PUBLISH))
			continue;
		snprintf(path, sizeof(path), "%s%s", c->hosts[a->host_index].root, a->path);
		rc = add_rule(ruleset, path, FS_WRITE, REQUIRED);
	}
	return rc;
}

/* What every process may reach: the configuration (read again on
 * reload), the log's directory, /usr (libraries, and data loaded on
 * first use), /dev/urandom; and its own /proc entries, added by each
 * process as it enforces the rules (/proc/self is another directory in
 * every process). */
static int
add_common_rules(int ruleset, const struct config *c)
{
	int rc = 0;

	if (c->config_path != NULL)
		rc = add_file_directories(ruleset, c->config_path, FS_READ);
	if (rc == 0 && strcmp(c->log, "stderr") != 0 && strcmp(c->log, "syslog") != 0)
		rc = add_file_directories(ruleset, c->log, FS_APPEND);
	if (rc == 0)
		rc = add_rule(ruleset, "/usr", FS_READ | LANDLOCK_ACCESS_FS_EXECUTE, REQUIRED);
	if (rc == 0)
		rc = add_rule(ruleset, "/dev/urandom", FS_READ, OPTIONAL);
	return rc;
}

/* The server process: the roots, the state directory, publish areas,
 * MIME types; not the certificates and keys, which the key process reads
 * for it. */
static int
add_server_rules(int ruleset, const struct config *c)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < c->nhosts; i++)
		rc = add_rule(ruleset, c->hosts[i].root, FS_READ, REQUIRED);
	if (rc == 0 && c->archive)
		rc = add_rule(ruleset, c->state_dir, FS_WRITE, REQUIRED);
	if (rc == 0)
		rc = add_area_rules(ruleset, c);
	if (rc == 0)
		rc = add_rule(ruleset, "/etc/mime.types", FS_READ, OPTIONAL);
	return rc == 0 ? add_common_rules(ruleset, c) : rc;
}

/* The key process: the certificates' and keys' directories only. */
static int
add_key_rules(int ruleset, const struct config *c)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < c->nhosts; i++) {
		rc |= add_file_directories(ruleset, c->hosts[i].cert, FS_READ);
		rc |= add_file_directories(ruleset, c->hosts[i].key, FS_READ);
	}
	return rc == 0 ? add_common_rules(ruleset, c) : rc;
}

int
sandbox_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return abi > 0 ? (int)abi : 0;
}

static int
prepare(const struct config *c, int (*add)(int, const struct config *))
{
	struct landlock_ruleset_attr attr;
	int ruleset;

	if (!c->sandbox)
		return -1;
	if (sandbox_abi() < 1) {
		log_warn("sandbox: Landlock is not available (%s); running without it",
		    strerror(errno));
		return -1;
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = FS_ALL;
	if ((ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0)) == -1) {
		log_error("sandbox: %s", strerror(errno));
		return -2;
	}
	if (add(ruleset, c) != 0) {
		close(ruleset);
		return -2;
	}
	return ruleset;
}

int
sandbox_prepare(const struct config *c)
{
	return prepare(c, add_server_rules);
}

int
sandbox_prepare_keys(const struct config *c)
{
	return prepare(c, add_key_rules);
}

int
sandbox_enforce(int ruleset, const char *said)
{
	int rc = 0;

	/* glibc and the sanitizers read maps and tasks.  The rule stays in
	 * the ruleset the main process keeps: a dead process's entries lead
	 * nowhere, and a new process with its pid has entries of its own. */
	if (add_rule(ruleset, "/proc/self", FS_READ, OPTIONAL) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    syscall(__NR_landlock_restrict_self, ruleset, 0) == -1) {
		log_error("sandbox: cannot restrict the process: %s", strerror(errno));
		rc = -1;
	} else if (said != NULL) {
		log_info("%s", said);
	}
	close(ruleset);
	return rc;
}
