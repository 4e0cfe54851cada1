#include "server/server.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "net/net.h"
#include "server/activation.h"
#include "server/certs.h"
#include "server/daemon.h"
#include "server/directories.h"
#include "server/privileges.h"
#include "server/sandbox.h"
#include "server/supervisor.h"
#include "server/syscalls.h"
#include "util/log.h"

int
server_open_log(const struct config *c)
{
	if (!strcmp(c->log, "stderr"))
		return log_open(LOG_TO_STDERR, NULL);
	if (!strcmp(c->log, "syslog"))
		return log_open(LOG_TO_SYSLOG, NULL);
	return log_open(LOG_TO_FILE, c->log);
}

/* The log, first: its directory made for the user we will run as, the
 * file opened (and made) and given to that user.  0, or -1 (said on
 * stderr). */
static int
start_log(const struct config *c, const struct passwd *pw)
{
	if (prepare_log_directory(c, pw) == -1)
		return -1;
	if (server_open_log(c) == -1) {
		log_error("log %s: %s", c->log, strerror(errno));
		return -1;
	}
	prepare_log_file(c, pw);
	return 0;
}

/* The protocols served, each on its port of every listen address. */
static int
bind_listeners(struct server *s, const struct config *c)
{
	char *error = NULL;
	size_t i;

	for (i = 0; i < c->nlisten; i++) {
		if (listener_bind(c->listen[i], c->port, &gemini_protocol, &s->listeners,
		    &s->nlisteners, &error) == -1)
			goto fail;
		if (c->gopher_port != 0 && listener_bind(c->listen[i], c->gopher_port,
		    &gopher_protocol, &s->listeners, &s->nlisteners, &error) == -1)
			goto fail;
	}
	for (i = 0; i < s->nlisteners; i++)
		log_info("listening on %s (%s)", s->listeners[i].name, s->listeners[i].protocol->name);
	return 0;
fail:
	log_error("%s", error);
	free(error);
	return -1;
}

void
server_limits_config(const struct config *c, struct address_limits_config *out)
{
	out->max_connections = c->max_connections_per_ip;
	out->per_minute = c->rate_limit;
	out->burst = c->rate_burst;
	out->limit_loopback = c->limit_loopback;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	unsigned i;

	(void)what;
	if (sig == SIGHUP) {
		server_reload(s);
		return;
	}
	if (sig == SIGUSR1) {
		server_reopen_log();
		return;
	}
	if (s->stop_requested)
		return;
	log_info("%s: finishing responses in flight, then exiting", strsignal((int)sig));
	notify_stopping(&s->notifier);
	s->stop_requested = 1;
	for (i = 0; i < s->nworkers; i++)
		worker_stop(&s->workers[i]);
}

/* The main process hands over the channel to a new key process (the last
 * one died), or has gone (then stop as on SIGTERM). */
static void
on_control(evutil_socket_t fd, short what, void *arg)
{
	char data[16], space[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
	    .msg_controllen = sizeof(space) };
	struct server *s = arg;
	struct cmsghdr *cm;
	ssize_t n;
	int key_fd;

	(void)what;
	if ((n = recvmsg(fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) == -1)
		return;
	if (n == 0) {
		event_del(s->control_event);
		on_signal(SIGTERM, 0, s);
		return;
	}
	if ((cm = CMSG_FIRSTHDR(&m)) == NULL || cm->cmsg_type != SCM_RIGHTS)
		return;
	memcpy(&key_fd, CMSG_DATA(cm), sizeof(int));
	tls_signer_set_channel(s->services.signer, key_fd);
	server_reload_keys(s);
}

/* After a burst (many connections, now mostly closed) hand the freed heap
 * back to the system: glibc keeps it otherwise. */
#define TRIM_INTERVAL_SECONDS 5
#define TRIM_MIN_PEAK 64

static void
on_trim_timer(evutil_socket_t fd, short what, void *arg)
{
	struct worker_shared *shared = arg;
	unsigned peak = atomic_load(&shared->peak_connections);

	(void)fd;
	(void)what;
	if (peak >= TRIM_MIN_PEAK && atomic_load(&shared->connections) < peak / 4) {
		malloc_trim(0);
		atomic_store(&shared->peak_connections, atomic_load(&shared->connections));
	}
}

static unsigned
worker_count(const struct config *c)
{
	long cores;

	if (c->workers != 0)
		return c->workers;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores > 0 ? (unsigned)cores : 1;
}

/* Start the workers; the main loop then only waits for signals, and ends
 * when they have finished.  The process exit status. */
static int
serve(struct server *s, struct event_base *main_base)
{
	unsigned i, started = 0;
	int rc = 1;

	for (; started < s->nworkers; started++)
		if (worker_init(&s->workers[started], &s->shared) == -1 ||
		    worker_start(&s->workers[started]) == -1)
			break;
	if (started == s->nworkers) {
		log_info("capsuled %s serving with %u worker(s)", CAPSULED_VERSION, s->nworkers);
		notify_ready(&s->notifier, "serving");
		rc = 0;
		while (!s->stop_requested && event_base_loop(main_base, EVLOOP_ONCE) == 0)
			;
	} else {
		log_error("cannot start worker threads");
		for (i = 0; i < started; i++)
			worker_stop(&s->workers[i]);
	}
	for (i = 0; i < started; i++)
		worker_join(&s->workers[i]);
	handler_pool_free(s->shared.pool);
	s->shared.pool = NULL;
	for (i = 0; i < s->nworkers; i++)
		worker_free(&s->workers[i]);
	return rc;
}

static int
run_loops(struct server *s)
{
	struct timeval trim_every = { TRIM_INTERVAL_SECONDS, 0 };
	static const int signos[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct event *signals[sizeof(signos) / sizeof(signos[0])], *trim;
	struct event_base *main_base;
	unsigned i;
	int rc;

	if ((main_base = event_base_new()) == NULL)
		return 1;
	for (i = 0; i < sizeof(signos) / sizeof(signos[0]); i++) {
		signals[i] = evsignal_new(main_base, signos[i], on_signal, s);
		event_add(signals[i], NULL);
	}
	trim = event_new(main_base, -1, EV_PERSIST, on_trim_timer, &s->shared);
	event_add(trim, &trim_every);
	s->control_event = event_new(main_base, s->notifier.fd, EV_READ | EV_PERSIST, on_control, s);
	event_add(s->control_event, NULL);
	rc = serve(s, main_base);
	for (i = 0; i < sizeof(signos) / sizeof(signos[0]); i++)
		event_free(signals[i]);
	event_free(s->control_event);
	event_free(trim);
	event_base_free(main_base);
	return rc;
}

/* The listening sockets: systemd's, or bound here.  0, or -1 (said). */
static int
start_listening(struct server *s, const struct config *c)
{
	int activated = activation_listeners(c, &s->listeners, &s->nlisteners);

	if (activated == -1)
		return -1;
	return activated ? 0 : bind_listeners(s, c);
}

/* Certificates made in a process of their own: a key generated here
 * must not be in the memory the server process is forked from. */
static int
certificates_apart(const struct config *c, const struct passwd *pw)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(ensure_certificates(c, pw) == 0 ? 0 : 1);
	if (pid == -1 || waitpid(pid, &status, 0) != pid)
		return ensure_certificates(c, pw);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Everything that needs root, then dropping it for good: 0, or -1
 * (said).  The sandboxes' rules are made now, while every path can be
 * opened, and enforced by each process the main one starts. */
static int
start_up(struct server *s, const struct config *config, struct supervised *what)
{
	struct passwd *pw;

	if (evthread_use_pthreads() == -1 || lookup_user(config, &pw) == -1 ||
	    start_log(config, pw) == -1)
		return -1;
	notify_open(&s->notifier);
	if (start_listening(s, config) == -1 || prepare_directories(config, pw) == -1 ||
	    certificates_apart(config, pw) == -1 ||
	    (what->server_ruleset = sandbox_prepare(config)) == -2 ||
	    (what->key_ruleset = sandbox_prepare_keys(config)) == -2 || drop_privileges(pw) == -1)
		return -1;
	warn_keys_in_reach(config);
	return 0;
}

/* What the workers share, and the first generation (owning config).
 * 0, or -1 (said). */
static int
prepare(struct server *s, struct config *config)
{
	struct address_limits_config limits;
	struct generation *first;
	char *error = NULL;

	s->shared.listeners = s->listeners;
	s->shared.nlisteners = s->nlisteners;
	s->shared.generations = &s->generations;
	atomic_init(&s->shared.max_connections, config->max_connections);
	server_limits_config(config, &limits);
	s->nworkers = worker_count(config);
	if ((first = generation_new(config, &s->services, &error)) == NULL) {
		log_error("%s", error);
		free(error);
		return -1;
	}
	generation_install(&s->generations, first);
	if ((s->shared.limits = address_limits_new(&limits)) == NULL ||
	    (s->workers = calloc(s->nworkers, sizeof(*s->workers))) == NULL ||
	    (s->shared.pool = handler_pool_new(s->nworkers * 2 + 2)) == NULL) {
		log_error("out of memory");
		return -1;
	}
	return 0;
}

static const char landlock_on[] = "sandbox: Landlock on: only the roots, configuration, "
    "state and log directories and /usr are reachable; only the state directory and publish "
    "areas can be written; the certificates and keys are the key process's";

/* The server process: its sandbox, the services, the first generation
 * (keys loaded by the key process), the filter, then the loops. */
static int
serve_process(struct server *s, struct config *config, int key_fd, int control_fd, int ruleset)
{
	int rc = 1;

	s->notifier.fd = control_fd;
	if ((ruleset >= 0 && sandbox_enforce(ruleset, landlock_on) == -1) ||
	    (s->services.signer = tls_signer_new(key_fd)) == NULL ||
	    services_start(&s->services, config) == -1) {
		config_free(config);
	} else if (prepare(s, config) == 0 &&
	    (!config->sandbox || syscalls_restrict(SYSCALLS_SERVER) == 0)) {
		rc = run_loops(s);
		log_info("stopped");
	}
	if (s->shared.pool != NULL)
		handler_pool_free(s->shared.pool);
	free(s->workers);
	generation_slot_destroy(&s->generations);
	address_limits_free(s->shared.limits);
	services_stop(&s->services);
	listeners_close(s->listeners, s->nlisteners);
	notify_close(&s->notifier);
	log_close();
	return rc;
}

int
server_main(struct config *config, int argc, char **argv)
{
	static struct server s; /* reachable from every process forked here */
	struct supervised what = { &s, config, -1, -1, serve_process };
	int rc = 1;

	memset(&s, 0, sizeof(s));
	s.argc = argc;
	s.argv = argv;
	s.notifier.fd = -1;
	generation_slot_init(&s.generations);
	signal(SIGPIPE, SIG_IGN);
	/* Threads share two heaps: fewer arenas, less memory held idle. */
	mallopt(M_ARENA_MAX, 2);
	if (start_up(&s, config, &what) == 0)
		rc = supervise(&what);
	config_free(config);
	if (what.server_ruleset >= 0)
		close(what.server_ruleset);
	if (what.key_ruleset >= 0)
		close(what.key_ruleset);
	generation_slot_destroy(&s.generations);
	listeners_close(s.listeners, s.nlisteners);
	notify_close(&s.notifier);
	log_close();
	return rc;
}

int
server_generate_certificate(const struct config *c, const char *host)
{
	return generate_certificate(c, host);
}

void
server_print_version(FILE *out)
{
	int abi = sandbox_abi();

	fprintf(out, "capsuled %s\n", CAPSULED_VERSION);
	if (abi > 0)
		fprintf(out, "sandbox: Landlock ABI %d (on unless sandbox = no)\n", abi);
	else
		fprintf(out, "sandbox: none (this kernel has no Landlock)\n");
	fprintf(out, "system-call filter: %s\n", syscalls_available() ?
	    "seccomp (on unless sandbox = no)" : "none (this kernel has no seccomp filter)");
	fprintf(out, "private keys: in a key process of their own\n");
}
