/*
 * The system-call filter (seccomp-bpf, through libseccomp): what each
 * process may ask the kernel once it serves.
 *
 * The server process: file and network I/O, epoll, timers, futexes,
 * threads (clone with CLONE_THREAD only), memory never writable and
 * executable at once (mprotect never makes it executable), inotify,
 * the file calls of SQLite, signals to itself.  The key process: reading
 * files, its socketpair, memory, time, randomness.  Calls that only an
 * intruder makes (execve, execveat, ptrace, process_vm_readv and
 * _writev, fork) kill the process: the main process logs it
 * ("killed by signal 31 (Bad system call)") and starts another.  Any other
 * call outside the list fails with EPERM and one line on stderr naming
 * it, so that a path no test took degrades instead of dying.
 * AddressSanitizer builds also allow what its leak check at exit needs
 * (clone of a tracer, ptrace of our own threads).
 */
#ifndef CAPSULED_SERVER_SYSCALLS_H
#define CAPSULED_SERVER_SYSCALLS_H

enum syscalls_kind { SYSCALLS_SERVER, SYSCALLS_KEY };

/* 1 when this kernel filters system calls (seccomp with filters). */
int syscalls_available(void);
/* Apply kind's filter to every thread of the process, for good.  0, or
 * -1 (said in the log). */
int syscalls_restrict(enum syscalls_kind kind);

#endif
