#include "server/syscalls.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <ucontext.h>
#include <unistd.h>

#include "util/log.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

/* Both processes: memory, time, futexes, their descriptors, signals to
 * themselves, leaving. */
static const char *const common_calls[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "close", "lseek", "fstat",
	"newfstatat", "statx", "stat", "lstat", "openat", "fcntl", "munmap", "mremap", "madvise",
	"brk", "futex", "set_robust_list", "get_robust_list", "rseq", "getrandom", "clock_gettime",
	"clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time", "getpid", "gettid",
	"getuid", "geteuid", "getgid", "getegid", "sendmsg", "recvmsg", "sendto", "recvfrom",
	"connect", "poll", "ppoll", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	"restart_syscall", "tgkill", "exit", "exit_group", "sched_yield", "uname", "getcwd",
};

/* The server process: serving, the archive's index, its threads. */
static const char *const server_calls[] = {
	"preadv", "pwritev", "openat2", "fstatfs", "statfs", "access", "faccessat", "faccessat2",
	"getdents64", "readlink", "readlinkat", "dup", "dup2", "dup3", "pipe2", "ioctl",
	"set_tid_address", "sched_getaffinity", "prlimit64", "getrlimit", "sysinfo", "membarrier",
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "select",
	"pselect6", "eventfd2", "timerfd_create", "timerfd_settime", "accept", "accept4",
	"recvmmsg", "sendmmsg", "shutdown", "getsockname", "getpeername", "getsockopt",
	"setsockopt", "sendfile", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
	"fsync", "fdatasync", "ftruncate", "fallocate", "unlink", "unlinkat", "rename",
	"renameat", "renameat2", "mkdir", "mkdirat", "rmdir", "flock", "fchmod", "fchown",
	"utimensat", "umask", "prctl", "sched_setaffinity", "getpriority", "setpriority",
};

/* What only an intruder asks for: the process dies. */
static const char *const fatal_calls[] = {
	"execve", "execveat", "process_vm_readv", "process_vm_writev", "fork", "vfork",
#if !SANITIZED
	"ptrace",
#endif
};

/* The leak check at exit: a tracer made with clone that stops our threads
 * (it lists them with the raw open and getdents, with every signal
 * blocked: a call refused there would end it silently, and the exit would
 * wait for it for ever). */
static const char *const sanitizer_calls[] = {
	"ptrace", "clone", "wait4", "sched_getaffinity", "prctl", "getppid", "kill", "readlink",
	"getdents", "getdents64", "open", "openat", "pipe2", "set_tid_address", "sigaltstack",
};

/* Not a library call may take the place of a log line here (the log's
 * lock may be held by the thread that trapped): the number, on stderr,
 * and EPERM for the caller. */
static void
on_refused(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;
	char line[96] = "capsuled: system call ", digits[16];
	int nr = info->si_syscall, len = 0, saved = errno;

	(void)sig;
	do {
		digits[len++] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr > 0 && len < (int)sizeof(digits));
	for (size_t at = strlen(line); len > 0; at++)
		line[at] = digits[--len], line[at + 1] = '\0';
	strcat(line, " refused by the filter (EPERM)\n");
	(void)!write(STDERR_FILENO, line, strlen(line));
#if defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
#elif defined(__aarch64__)
	uc->uc_mcontext.regs[0] = (unsigned long long)-EPERM;
#else
	(void)uc;
#endif
	errno = saved;
}

static int
add_all(scmp_filter_ctx ctx, uint32_t action, const char *const *names, size_t n)
{
	size_t i;
	int nr;

	for (i = 0; i < n; i++) {
		if ((nr = seccomp_syscall_resolve_name(names[i])) == __NR_SCMP_ERROR)
			continue;
		if (seccomp_rule_add(ctx, action, nr, 0) != 0 && action != SCMP_ACT_ALLOW)
			return -1;
	}
	return 0;
}

#define ADD_ALL(ctx, action, list) add_all(ctx, action, list, sizeof(list) / sizeof(list[0]))

/* Memory is never writable and executable at once, and mprotect never
 * makes it executable (libraries loaded later, iconv's modules, are
 * mapped read-execute from their files). */
static int
add_memory_rules(scmp_filter_ctx ctx)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) | seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
	    SCMP_SYS(mmap), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE, 0)) |
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
}

/* Threads, but no other process; sockets only for syslog's. */
static int
add_server_rules(scmp_filter_ctx ctx)
{
	int rc = ADD_ALL(ctx, SCMP_ACT_ALLOW, server_calls);

	if (!SANITIZED)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	/* glibc falls back to clone, whose flags a filter can read. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	return rc;
}

static scmp_filter_ctx
build(enum syscalls_kind kind)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int rc;

	if (ctx == NULL)
		return NULL;
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	rc |= ADD_ALL(ctx, SCMP_ACT_ALLOW, common_calls);
	rc |= ADD_ALL(ctx, SCMP_ACT_KILL_PROCESS, fatal_calls);
	rc |= add_memory_rules(ctx);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
	    SCMP_A0(SCMP_CMP_EQ, AF_UNIX, 0));
	if (kind == SYSCALLS_SERVER)
		rc |= add_server_rules(ctx);
	if (SANITIZED)
		rc |= ADD_ALL(ctx, SCMP_ACT_ALLOW, sanitizer_calls);
	if (rc != 0) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

int
syscalls_restrict(enum syscalls_kind kind)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_refused;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) == -1 || (ctx = build(kind)) == NULL) {
		log_error("system-call filter: cannot be built");
		return -1;
	}
	if ((rc = seccomp_load(ctx)) != 0)
		log_error("system-call filter: %s", strerror(-rc));
	seccomp_release(ctx);
	return rc == 0 ? 0 : -1;
}

int
syscalls_available(void)
{
	/* EFAULT: filters are there (the NULL filter is refused); EINVAL: not. */
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 && seccomp_api_get() >= 1;
}
