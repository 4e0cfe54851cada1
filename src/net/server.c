#include "net/server.h"

#include <errno.h>
#include <limits.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "archive/archive.h"
#include "content/types.h"
#include "site/site.h"
#include "net/pool.h"
#include "net/sandbox.h"
#include "net/worker.h"
#include "tls/tls.h"
#include "util/buf.h"
#include "util/log.h"

struct site_state *
server_current_state(struct server *s)
{
	struct site_state *st;

	pthread_mutex_lock(&s->state_lock);
	st = site_state_ref(s->state);
	pthread_mutex_unlock(&s->state_lock);
	return st;
}

static int
open_log(const struct config *c)
{
	if (!strcmp(c->log, "stderr"))
		return log_open(LOG_TO_STDERR, NULL);
	if (!strcmp(c->log, "syslog"))
		return log_open(LOG_TO_SYSLOG, NULL);
	return log_open(LOG_TO_FILE, c->log);
}

static int
bind_listeners(struct server *s, const struct config *c)
{
	char *error = NULL;
	size_t i;

	for (i = 0; i < c->nlisten; i++) {
		if (listener_bind(c->listen[i], c->port, LISTENER_GEMINI, &s->listeners,
		    &s->nlisteners, &error) == -1)
			goto fail;
		if (c->gopher_port != 0 && listener_bind(c->listen[i], c->gopher_port,
		    LISTENER_GOPHER, &s->listeners, &s->nlisteners, &error) == -1)
			goto fail;
	}
	for (i = 0; i < s->nlisteners; i++)
		log_info("listening on %s (%s)", s->listeners[i].name,
		    s->listeners[i].proto == LISTENER_GEMINI ? "gemini" : "gopher");
	return 0;
fail:
	log_error("%s", error);
	free(error);
	return -1;
}

/* Generated files belong to the user we run as, so that a reload after
 * dropping privileges can still read them. */
static void
give_to_user(const char *path, const struct passwd *pw)
{
	if (pw != NULL && chown(path, pw->pw_uid, pw->pw_gid) == -1)
		log_warn("chown %s to %s: %s", path, pw->pw_name, strerror(errno));
}

static int
ensure_certificates(const struct config *c, const struct passwd *pw)
{
	char fingerprint[96], *error;
	int generated;
	size_t i;

	for (i = 0; i < c->nhosts; i++) {
		const struct host_config *h = &c->hosts[i];

		if (tls_ensure_certificate(h, &generated, &error) == -1) {
			log_error("%s", error);
			free(error);
			return -1;
		}
		if (generated) {
			log_info("generated a self-signed certificate for %s: %s (key %s)", h->name,
			    h->cert, h->key);
			give_to_user(h->cert, pw);
			give_to_user(h->key, pw);
		}
		if (tls_file_fingerprint(h->cert, fingerprint) == 0)
			log_info("host %s: certificate %s, SHA-256 %s", h->name, h->cert, fingerprint);
	}
	return 0;
}

/* The index must never be served: refuse a state directory in a root. */
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

static int
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

static int
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

static int
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

static int
start_services(struct server *s, const struct config *c)
{
	struct archive_options ao;
	char *error = NULL, *base_url = NULL;
	struct buf b = BUF_INIT;

	if ((s->services.types = content_types_new(NULL)) == NULL ||
	    (s->services.cache = article_cache_new(c->cache_bytes)) == NULL) {
		log_error("out of memory");
		return -1;
	}
	if (!c->archive)
		return 0;
	if (config_public_port(c) == 1965)
		buf_printf(&b, "gemini://%s", c->hosts[0].name);
	else
		buf_printf(&b, "gemini://%s:%d", c->hosts[0].name, config_public_port(c));
	base_url = buf_release(&b, NULL);
	memset(&ao, 0, sizeof(ao));
	ao.state_dir = c->state_dir;
	ao.root_path = c->hosts[0].root;
	ao.title = c->title;
	ao.base_url = base_url;
	ao.default_lang = config_host_lang(c, &c->hosts[0]);
	ao.feed_entries = c->feed_entries;
	ao.article_format = site_article_format;
	ao.article_paths = c->article_paths;
	s->services.archive = archive_open(&ao, &error);
	free(base_url);
	if (s->services.archive == NULL) {
		log_error("%s", error ? error : "archive: cannot open");
		free(error);
		return -1;
	}
	return 0;
}

static void
stop_services(struct server *s)
{
	if (s->services.archive != NULL)
		archive_close(s->services.archive);
	if (s->services.cache != NULL)
		article_cache_free(s->services.cache);
	if (s->services.types != NULL)
		content_types_free(s->services.types);
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
reload(struct server *s)
{
	struct address_limits_config limits;
	struct site_state *fresh, *old;
	struct config *c;
	char *error = NULL;

	log_reopen();
	if ((c = config_load(s->argc, s->argv, &error)) == NULL) {
		log_error("reload: %s; keeping the running configuration", error);
		free(error);
		return;
	}
	if ((fresh = site_state_new(c, &s->services, &error)) == NULL) {
		log_error("reload: %s; keeping the running configuration", error);
		free(error);
		return;
	}
	pthread_mutex_lock(&s->state_lock);
	old = s->state;
	s->state = fresh;
	s->max_connections = fresh->config->max_connections;
	pthread_mutex_unlock(&s->state_lock);
	server_limits_config(fresh->config, &limits);
	address_limits_configure(s->limits, &limits);
	site_state_unref(old);
	log_info("reloaded configuration and certificates; connections in flight continue");
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	unsigned i;

	(void)what;
	if (sig == SIGHUP) {
		reload(s);
		return;
	}
	log_info("%s: finishing responses in flight, then exiting", strsignal((int)sig));
	s->stop_requested = 1;
	for (i = 0; i < s->nworkers; i++)
		worker_stop(&s->workers[i]);
}

/* After a burst (many connections, now mostly closed) hand the freed heap
 * back to the system: glibc keeps it otherwise. */
#define TRIM_INTERVAL_SECONDS 5
#define TRIM_MIN_PEAK 64

static void
on_trim_timer(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	unsigned peak = atomic_load(&s->peak_connections);

	(void)fd;
	(void)what;
	if (peak >= TRIM_MIN_PEAK && atomic_load(&s->connections) < peak / 4) {
		malloc_trim(0);
		atomic_store(&s->peak_connections, atomic_load(&s->connections));
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

static int
run_loops(struct server *s)
{
	struct timeval trim_every = { TRIM_INTERVAL_SECONDS, 0 };
	struct event *signals[3], *trim;
	static const int signos[3] = { SIGTERM, SIGINT, SIGHUP };
	struct event_base *main_base;
	unsigned i, started = 0;
	int rc = 1;

	if ((main_base = event_base_new()) == NULL)
		return 1;
	for (i = 0; i < 3; i++) {
		signals[i] = evsignal_new(main_base, signos[i], on_signal, s);
		event_add(signals[i], NULL);
	}
	trim = event_new(main_base, -1, EV_PERSIST, on_trim_timer, s);
	event_add(trim, &trim_every);
	for (; started < s->nworkers; started++)
		if (worker_init(&s->workers[started], s) == -1 || worker_start(&s->workers[started]) == -1)
			break;
	if (started == s->nworkers) {
		log_info("capsuled %s serving with %u worker(s)", CAPSULED_VERSION, s->nworkers);
		/* The main loop only waits for signals; it ends when the
		 * workers have finished. */
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
	handler_pool_free(s->pool);
	s->pool = NULL;
	for (i = 0; i < s->nworkers; i++)
		worker_free(&s->workers[i]);
	for (i = 0; i < 3; i++)
		event_free(signals[i]);
	event_free(trim);
	event_base_free(main_base);
	return rc;
}

int
server_main(struct config *config, int argc, char **argv)
{
	struct address_limits_config limits;
	struct server s;
	struct passwd *pw;
	char *error = NULL;
	int rc = 1, ruleset = -1;

	memset(&s, 0, sizeof(s));
	s.argc = argc;
	s.argv = argv;
	pthread_mutex_init(&s.state_lock, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Threads share two heaps: fewer arenas, less memory held idle. */
	mallopt(M_ARENA_MAX, 2);
	if (open_log(config) == -1) {
		fprintf(stderr, "capsuled: log %s: %s\n", config->log, strerror(errno));
		config_free(config);
		return 1;
	}
	if (evthread_use_pthreads() == -1 || lookup_user(config, &pw) == -1 ||
	    bind_listeners(&s, config) == -1 || ensure_certificates(config, pw) == -1 ||
	    ensure_state_dir(config, pw) == -1 ||
	    (ruleset = sandbox_prepare(config)) == -2 || drop_privileges(pw) == -1 ||
	    (ruleset >= 0 && sandbox_enforce(ruleset) == -1) ||
	    start_services(&s, config) == -1) {
		config_free(config);
		goto done;
	}
	s.max_connections = config->max_connections;
	server_limits_config(config, &limits);
	if ((s.limits = address_limits_new(&limits)) == NULL) {
		log_error("out of memory");
		config_free(config);
		goto done;
	}
	s.nworkers = worker_count(config);
	if ((s.state = site_state_new(config, &s.services, &error)) == NULL) {
		log_error("%s", error);
		free(error);
		goto done;
	}
	if ((s.workers = calloc(s.nworkers, sizeof(*s.workers))) == NULL ||
	    (s.pool = handler_pool_new(s.nworkers * 2 + 2)) == NULL) {
		log_error("out of memory");
		goto done;
	}
	rc = run_loops(&s);
	log_info("stopped");
done:
	if (s.pool != NULL)
		handler_pool_free(s.pool);
	free(s.workers);
	site_state_unref(s.state);
	address_limits_free(s.limits);
	stop_services(&s);
	listeners_close(s.listeners, s.nlisteners);
	pthread_mutex_destroy(&s.state_lock);
	log_close();
	return rc;
}
