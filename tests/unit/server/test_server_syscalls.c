/* The system-call filters, applied in a child each time: what serving
 * needs still works, a call outside the list fails with EPERM, and the
 * calls only an intruder makes (execve, ptrace) kill the process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/syscalls.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

/* What the child's filter did to it: its exit status, or 128 + signal. */
static int
in_child(enum syscalls_kind kind, int (*body)(void))
{
	pid_t pid;
	int status;

	if (!syscalls_available())
		skip();
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		if (syscalls_restrict(kind) != 0)
			_exit(99);
		_exit(body());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* 0 when reading a file works, and calls outside the list fail. */
static int
key_calls(void)
{
	char buf[16];
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd == -1 || read(fd, buf, sizeof(buf)) != 0 || close(fd) != 0)
		return 1;
	if (syscall(SYS_chroot, "/") != -1 || errno != EPERM)
		return 3;
	if (socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EPERM)
		return 4; /* a listening or connecting socket of its own: never */
	return 0;
}

/* The same, and a pipe between threads, as the event loops make. */
static int
serving_calls(void)
{
	char buf[1];
	int pipe[2];

	if (syscall(SYS_pipe2, pipe, O_CLOEXEC) != 0 || write(pipe[1], "x", 1) != 1 ||
	    read(pipe[0], buf, 1) != 1)
		return 2;
	return key_calls();
}

static int
calls_execve(void)
{
	char *argv[] = { "/bin/true", NULL }, *envp[] = { NULL };

	execve(argv[0], argv, envp);
	return 0; /* not reached: the filter kills it first */
}

static int
calls_ptrace(void)
{
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	return 0;
}

static void
server_filter_keeps_what_serving_needs(void **state)
{
	(void)state;
	assert_int_equal(in_child(SYSCALLS_SERVER, serving_calls), 0);
}

static void
key_filter_refuses_even_a_socket(void **state)
{
	(void)state;
	assert_int_equal(in_child(SYSCALLS_KEY, key_calls), 0);
}

static void
execve_kills_either_process(void **state)
{
	(void)state;
	assert_int_equal(in_child(SYSCALLS_SERVER, calls_execve), 128 + SIGSYS);
	assert_int_equal(in_child(SYSCALLS_KEY, calls_execve), 128 + SIGSYS);
}

static void
ptrace_kills_the_server_process(void **state)
{
	(void)state;
	if (SANITIZED)
		skip(); /* the leak check at exit traces our own threads */
	assert_int_equal(in_child(SYSCALLS_SERVER, calls_ptrace), 128 + SIGSYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(server_filter_keeps_what_serving_needs),
		cmocka_unit_test(key_filter_refuses_even_a_socket),
		cmocka_unit_test(execve_kills_either_process),
		cmocka_unit_test(ptrace_kills_the_server_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
