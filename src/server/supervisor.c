#include "server/supervisor.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/sandbox.h"
#include "server/syscalls.h"
#include "tls/tls.h"
#include "util/clock.h"
#include "util/log.h"

/* A process that lived this long before it died starts its delays over. */
#define STABLE_MS 60000
#define RESTART_DELAY_MAX_MS 60000

struct child {
	const char *name;
	pid_t pid;              /* 0: not running */
	unsigned deaths;        /* in a row, each soon after its start */
	long long started_ms;
	long long restart_ms;   /* when to start it again; -1: not due */
};

struct supervisor {
	struct supervised *what;
	sigset_t blocked, old_mask;
	int signals;            /* signalfd */
	int control;            /* main's end of the channel with the server process */
	struct child key, server;
	/* The channels of the key process being started: its ends and the
	 * server process's (the first shared, then one per worker). */
	int key_ends[TLS_KEY_CHANNELS_MAX], server_ends[TLS_KEY_CHANNELS_MAX];
	size_t nchannels;
	int stopping;
	int served;             /* the first server process said READY=1 */
	int status;             /* the exit status once stopping */
	pid_t pid;              /* the main process */
};

/* Static: a child's leak check finds the parent's state reachable. */
static struct supervisor sup;

/* What a process started from here must not keep: the main process's
 * signals, descriptors and systemd's socket. */
static void
child_setup(int server)
{
	struct server *s = sup.what->server;
	size_t i;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != sup.pid) /* it died before the line above */
		_exit(1);
	close(sup.signals);
	if (sup.control != -1)
		close(sup.control);
	notify_close(&s->notifier);
	for (i = 0; !server && i < s->nlisteners; i++)
		close(s->listeners[i].fd);
	if (server && sup.what->key_ruleset >= 0)
		close(sup.what->key_ruleset);
	if (!server && sup.what->server_ruleset >= 0)
		close(sup.what->server_ruleset);
	sigprocmask(SIG_SETMASK, &sup.old_mask, NULL);
}

static int
key_process(const int *fds, size_t n)
{
	struct server *s = sup.what->server;

	/* Neither ptrace nor /proc/PID/mem from the server process (same
	 * user), and no core file with the keys in it. */
	prctl(PR_SET_DUMPABLE, 0);
	/* systemd signals every process of the service: this one leaves when
	 * the server process, its only client, has gone. */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	if (sup.what->key_ruleset >= 0 && sandbox_enforce(sup.what->key_ruleset, NULL) == -1)
		return 1;
	if (sup.what->config->sandbox && syscalls_restrict(SYSCALLS_KEY) == -1)
		return 1;
	return tls_key_service(fds, n, s->argc, s->argv);
}

static pid_t
start(struct child *c, int (*body)(int, int), int a, int b)
{
	pid_t pid = fork();

	if (pid == -1) {
		log_error("cannot start the %s: %s", c->name, strerror(errno));
		return -1;
	}
	if (pid == 0)
		exit(body(a, b));
	c->pid = pid;
	c->started_ms = monotonic_ms();
	c->restart_ms = -1;
	return pid;
}

static void
close_all(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fds[i] != -1)
			close(fds[i]);
}

static int
key_body(int unused_a, int unused_b)
{
	(void)unused_a;
	(void)unused_b;
	/* The server's ends too: their last holder gone, the key process's
	 * reads end and so does it. */
	close_all(sup.server_ends, sup.nchannels);
	child_setup(0);
	return key_process(sup.key_ends, sup.nchannels);
}

static int
server_body(int unused, int control_fd)
{
	(void)unused;
	child_setup(1);
	return sup.what->serve(sup.what->server, sup.what->config, sup.server_ends, sup.nchannels,
	    control_fd, sup.what->server_ruleset);
}

/* A key process on fresh channels: one shared, one per worker (as many
 * as there may be).  The server's ends are left in sup.server_ends. */
static int
start_key(void)
{
	unsigned workers = worker_count(sup.what->config);
	int pair[2];

	sup.nchannels = 1 + (workers < TLS_KEY_CHANNELS_MAX - 1 ? workers : TLS_KEY_CHANNELS_MAX - 1);
	memset(sup.key_ends, -1, sizeof(sup.key_ends));
	memset(sup.server_ends, -1, sizeof(sup.server_ends));
	for (size_t i = 0; i < sup.nchannels; i++) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) == -1) {
			log_error("cannot start the key process: %s", strerror(errno));
			close_all(sup.key_ends, i);
			close_all(sup.server_ends, i);
			return -1;
		}
		sup.server_ends[i] = pair[0];
		sup.key_ends[i] = pair[1];
	}
	if (start(&sup.key, key_body, 0, 0) == -1) {
		close_all(sup.server_ends, sup.nchannels);
		close_all(sup.key_ends, sup.nchannels);
		return -1;
	}
	close_all(sup.key_ends, sup.nchannels);
	return 0;
}

/* Both, the key process first: the server process loads its keys at once. */
static void
start_both(void)
{
	int control[2];

	if (start_key() == -1)
		return;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control) == -1) {
		close_all(sup.server_ends, sup.nchannels);
		return;
	}
	sup.control = control[0];
	if (start(&sup.server, server_body, 0, control[1]) == -1) {
		close(sup.control);
		sup.control = -1;
	}
	close(control[1]);
	close_all(sup.server_ends, sup.nchannels);
}

/* A new key process for the running server: its channels are handed
 * over with SCM_RIGHTS. */
static void
restart_key(void)
{
	char data[] = "KEYS", space[CMSG_SPACE(sizeof(int) * TLS_KEY_CHANNELS_MAX)];
	struct iovec iov = { data, sizeof(data) - 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
	    .msg_controllen = CMSG_SPACE(sizeof(int) * sup.nchannels) };
	struct cmsghdr *cm;

	if (start_key() == -1)
		return;
	memset(space, 0, sizeof(space));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * sup.nchannels);
	memcpy(CMSG_DATA(cm), sup.server_ends, sizeof(int) * sup.nchannels);
	if (sup.control == -1 || sendmsg(sup.control, &m, MSG_NOSIGNAL) == -1)
		log_warn("cannot hand the new key process to the server process: %s",
		    strerror(errno));
	close_all(sup.server_ends, sup.nchannels);
}

/* When c, dead just now, starts again: at once the first time, then
 * after 1, 2, 4 ... 60 seconds while it keeps dying soon after a start. */
static long long
restart_delay(struct child *c)
{
	long long now = monotonic_ms();
	unsigned shift;

	if (now - c->started_ms > STABLE_MS)
		c->deaths = 0;
	c->deaths++;
	if (c->deaths == 1)
		return 0;
	shift = c->deaths - 2 < 16 ? c->deaths - 2 : 16;
	return 1000LL << shift < RESTART_DELAY_MAX_MS ? 1000LL << shift : RESTART_DELAY_MAX_MS;
}

static void
say_death(const struct child *c, pid_t pid, int status, long long delay)
{
	char why[160];

	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "was killed by signal %d (%s)%s", WTERMSIG(status),
		    strsignal(WTERMSIG(status)), WTERMSIG(status) == SIGSYS ?
		    ": a system call outside its filter" : "");
	else
		snprintf(why, sizeof(why), "exited with status %d", WEXITSTATUS(status));
	if (delay < 0)
		log_warn("%s (pid %d) %s", c->name, (int)pid, why);
	else
		log_warn("%s (pid %d) %s; starting it again in %lld.%01lld s", c->name, (int)pid, why,
		    delay / 1000, delay % 1000 / 100);
}

static int
exit_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static void
on_server_death(pid_t pid, int status)
{
	long long delay;

	sup.server.pid = 0;
	if (sup.control != -1)
		close(sup.control);
	sup.control = -1;
	if (sup.stopping) {
		sup.status = exit_status(status);
		return;
	}
	if (!sup.served) {
		/* It never served: a start-up error, said in the log. */
		sup.stopping = 1;
		sup.status = exit_status(status) ? exit_status(status) : 1;
		return;
	}
	delay = restart_delay(&sup.server);
	say_death(&sup.server, pid, status, delay);
	/* The key process leaves when its channel closes; both start again. */
	sup.server.restart_ms = monotonic_ms() + delay;
}

static void
on_key_death(pid_t pid, int status)
{
	long long delay;

	sup.key.pid = 0;
	if (sup.stopping || sup.server.pid == 0) {
		if (sup.stopping && sup.status == 0)
			sup.status = exit_status(status);
		return;
	}
	/* Status 0: its channel closed, so the server process is ending;
	 * reaped next, it starts both again, and says why itself. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		sup.key.restart_ms = -1;
		return;
	}
	delay = restart_delay(&sup.key);
	say_death(&sup.key, pid, status, delay);
	sup.key.restart_ms = monotonic_ms() + delay;
}

static void
reap(void)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == sup.server.pid)
			on_server_death(pid, status);
		else if (pid == sup.key.pid)
			on_key_death(pid, status);
	}
}

static void
forward(int sig)
{
	if (sup.server.pid > 0)
		kill(sup.server.pid, sig);
	if (sup.key.pid > 0 && sig != SIGTERM)
		kill(sup.key.pid, sig);
}

static void
stop(void)
{
	struct server *s = sup.what->server;

	if (sup.stopping)
		return;
	sup.stopping = 1;
	notify_stopping(&s->notifier);
	/* New connections are refused from now on, whatever the server
	 * process is doing. */
	listeners_refuse(s->listeners, s->nlisteners);
	forward(SIGTERM);
}

static void
on_signal(void)
{
	struct signalfd_siginfo info;

	while (read(sup.signals, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
		switch (info.ssi_signo) {
		case SIGCHLD:
			reap();
			break;
		case SIGHUP:
		case SIGUSR1:
			log_reopen_quietly();
			forward((int)info.ssi_signo);
			break;
		default:
			stop();
			break;
		}
	}
}

/* What the server process says for systemd, passed on as it is. */
static void
on_control(void)
{
	char message[1024];
	ssize_t n = recv(sup.control, message, sizeof(message) - 1, MSG_DONTWAIT);

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			close(sup.control);
			sup.control = -1;
		}
		return;
	}
	message[n] = '\0';
	if (strstr(message, "READY=1") != NULL)
		sup.served = 1;
	if (!sup.stopping || strstr(message, "STOPPING=1") == NULL)
		notify_send(&sup.what->server->notifier, message);
}

/* Start what is due; the poll timeout until the next start (-1: none). */
static int
start_due(void)
{
	long long now = monotonic_ms(), next = -1;

	if (sup.stopping)
		return -1;
	if (sup.server.pid == 0 && sup.key.pid == 0 && sup.server.restart_ms >= 0) {
		if (sup.server.restart_ms <= now)
			start_both();
		else
			next = sup.server.restart_ms;
	}
	if (sup.server.pid > 0 && sup.key.pid == 0 && sup.key.restart_ms >= 0) {
		if (sup.key.restart_ms <= now)
			restart_key();
		else if (next == -1 || sup.key.restart_ms < next)
			next = sup.key.restart_ms;
	}
	return next == -1 ? -1 : (int)(next - now > 0 ? next - now : 0);
}

static void
run(void)
{
	struct pollfd p[2];
	int timeout;

	while (!sup.stopping || sup.server.pid > 0 || sup.key.pid > 0) {
		timeout = start_due();
		p[0] = (struct pollfd){ sup.signals, POLLIN, 0 };
		p[1] = (struct pollfd){ sup.control, POLLIN, 0 };
		if (poll(p, sup.control != -1 ? 2 : 1, timeout) == -1 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN)
			on_signal();
		if (sup.control != -1 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			on_control();
	}
}

/* SCHED_BATCH, which the processes started from here inherit: a thread
 * woken (a worker by a client or by the key process's answers, the key
 * process by a batch of requests) does not preempt the one running but
 * waits for it to wait, so that the server process and the key process,
 * on one core, take turns once a batch rather than once a signature and
 * a loop finds more ready at each wake-up.  On an idle core it runs at
 * once.  A policy the administrator chose (chrt, systemd's
 * CPUSchedulingPolicy=) is kept. */
static void
batch_scheduling(void)
{
	struct sched_param none = { 0 };

	if (sched_getscheduler(0) == SCHED_OTHER)
		sched_setscheduler(0, SCHED_BATCH, &none);
}

int
supervise(struct supervised *what)
{
	memset(&sup, 0, sizeof(sup));
	sup.what = what;
	sup.pid = getpid();
	sup.control = -1;
	sup.key = (struct child){ "key process", 0, 0, 0, -1 };
	sup.server = (struct child){ "server process", 0, 0, 0, -1 };
	sigemptyset(&sup.blocked);
	sigaddset(&sup.blocked, SIGCHLD);
	sigaddset(&sup.blocked, SIGTERM);
	sigaddset(&sup.blocked, SIGINT);
	sigaddset(&sup.blocked, SIGHUP);
	sigaddset(&sup.blocked, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &sup.blocked, &sup.old_mask) == -1 ||
	    (sup.signals = signalfd(-1, &sup.blocked, SFD_CLOEXEC | SFD_NONBLOCK)) == -1) {
		log_error("signals: %s", strerror(errno));
		return 1;
	}
	batch_scheduling();
	start_both();
	if (sup.server.pid == 0)
		return 1;
	run();
	close(sup.signals);
	sigprocmask(SIG_SETMASK, &sup.old_mask, NULL);
	return sup.status;
}
