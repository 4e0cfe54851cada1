/* The log: journal priorities on stderr, a log file reopened after
 * rotation, and a reopen that fails said on stderr, never written into
 * the rotated file, and retried. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

struct scratch {
	char dir[64];
	char log[128], rotated[128], err[128];
	int saved_stderr;
};

static int
setup(void **state)
{
	struct scratch *s = calloc(1, sizeof(*s));

	snprintf(s->dir, sizeof(s->dir), "/tmp/capsuled-log-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->log, sizeof(s->log), "%s/access.log", s->dir);
	snprintf(s->rotated, sizeof(s->rotated), "%s/access.log.1", s->dir);
	snprintf(s->err, sizeof(s->err), "%s/stderr", s->dir);
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct scratch *s = *state;
	char command[160];

	log_close();
	unsetenv("JOURNAL_STREAM");
	snprintf(command, sizeof(command), "rm -rf %s", s->dir);
	assert_int_equal(system(command), 0);
	free(s);
	return 0;
}

/* stderr into the scratch file (appended) until stderr_back(). */
static void
stderr_to_file(struct scratch *s)
{
	int fd = open(s->err, O_WRONLY | O_CREAT | O_APPEND, 0600);

	assert_true(fd != -1);
	fflush(stderr);
	s->saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static void
stderr_back(struct scratch *s)
{
	fflush(stderr);
	dup2(s->saved_stderr, STDERR_FILENO);
	close(s->saved_stderr);
}

static char *
slurp(const char *path)
{
	static char text[8192];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f != NULL) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	return text;
}

static void
test_journal_lines(void **state)
{
	struct scratch *s = *state;
	char stream[64];
	struct stat st;

	stderr_to_file(s);
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(stream, sizeof(stream), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", stream, 1);
	log_open(LOG_TO_STDERR, NULL);
	log_info("one %d", 1);
	log_warn("two");
	log_error("three");
	/* Another stream than ours: stderr was redirected since. */
	setenv("JOURNAL_STREAM", "1:1", 1);
	log_open(LOG_TO_STDERR, NULL);
	log_info("four");
	stderr_back(s);
	assert_non_null(strstr(slurp(s->err), "<6>info one 1\n<4>warn two\n<3>error three\n"));
	assert_null(strstr(slurp(s->err), "<6>info four"));
	assert_non_null(strstr(slurp(s->err), "Z info four\n"));
}

static void
test_reopen_after_rotation(void **state)
{
	struct scratch *s = *state;
	mode_t mask = umask(022);
	struct stat st;

	umask(mask);
	assert_int_equal(log_open(LOG_TO_FILE, s->log), 0);
	assert_int_equal(stat(s->log, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640 & ~mask);
	log_info("before");
	assert_int_equal(rename(s->log, s->rotated), 0);
	assert_int_equal(log_reopen(), 0);
	log_info("after");
	assert_non_null(strstr(slurp(s->rotated), "info before\n"));
	assert_null(strstr(slurp(s->rotated), "after"));
	assert_non_null(strstr(slurp(s->log), "info after\n"));
}

static void
test_failed_reopen_goes_to_stderr_until_it_succeeds(void **state)
{
	struct scratch *s = *state;
	int rc;

	assert_int_equal(log_open(LOG_TO_FILE, s->log), 0);
	assert_int_equal(rename(s->log, s->rotated), 0);
	assert_int_equal(mkdir(s->log, 0755), 0); /* cannot be opened as a file, even by root */
	stderr_to_file(s);
	rc = log_reopen();
	log_info("while lost");
	stderr_back(s);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(slurp(s->err), "error log: cannot reopen"));
	assert_non_null(strstr(slurp(s->err), "info while lost\n"));
	assert_non_null(strstr(slurp(s->rotated), "error log: cannot reopen"));
	assert_null(strstr(slurp(s->rotated), "while lost"));

	assert_int_equal(rmdir(s->log), 0);
	stderr_to_file(s);
	rc = log_reopen();
	log_info("found again");
	stderr_back(s);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(slurp(s->err), "log: reopened, back to the file"));
	assert_null(strstr(slurp(s->err), "found again"));
	assert_non_null(strstr(slurp(s->log), "info found again\n"));
}

static void
test_alarm_reaches_stderr_and_the_file(void **state)
{
	struct scratch *s = *state;

	assert_int_equal(log_open(LOG_TO_FILE, s->log), 0);
	stderr_to_file(s);
	log_alarm("loud %s", "news");
	stderr_back(s);
	assert_non_null(strstr(slurp(s->err), "error loud news\n"));
	assert_non_null(strstr(slurp(s->log), "error loud news\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_journal_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_after_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_reopen_goes_to_stderr_until_it_succeeds,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_alarm_reaches_stderr_and_the_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
