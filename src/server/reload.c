#include "server/daemon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"

void
server_reopen_log(void)
{
	if (log_reopen() == 0)
		log_info("log reopened (SIGUSR1)");
}

/* The log: where the new configuration says, or reopened where it is
 * (after rotation).  One that cannot be opened leaves the log where it
 * was, loudly, and fresh keeps the running value (the next reload tries
 * again). */
static void
apply_log(struct config *fresh, const struct config *running)
{
	if (fresh == NULL || strcmp(fresh->log, running->log) == 0) {
		log_reopen();
		return;
	}
	if (server_open_log(fresh) == 0)
		return;
	log_alarm("reload: log %s: %s; the log stays %s", fresh->log, strerror(errno), running->log);
	if (config_keep(fresh, running, "log") == -1)
		log_error("reload: out of memory");
	log_reopen();
}

/* Certificates renewed in place (same files, a new certificate): named
 * too, since returning readers will see a new fingerprint. */
static void
certificate_changes(const struct generation *running, const struct generation *fresh,
    struct buf *applied)
{
	const struct host_config *h, *was;
	char old_fp[96], new_fp[96];
	size_t i;

	for (i = 0; i < fresh->config->nhosts; i++) {
		h = &fresh->config->hosts[i];
		was = config_find_host(running->config, h->name);
		if (was == NULL || strcmp(was->cert, h->cert) != 0 ||
		    tls_host_fingerprint(running->tls, h->name, old_fp) == -1 ||
		    tls_host_fingerprint(fresh->tls, h->name, new_fp) == -1 ||
		    strcmp(old_fp, new_fp) == 0)
			continue;
		buf_printf(applied, "%scertificate of %s (SHA-256 %s)", applied->len > 0 ? ", " : "",
		    h->name, new_fp);
	}
}

/* What the services and the workers share take from a new generation. */
static int
apply_shared(struct server *s, const struct config *c)
{
	struct address_limits_config limits;

	atomic_store(&s->shared.max_connections, c->max_connections);
	server_limits_config(c, &limits);
	address_limits_configure(s->shared.limits, &limits);
	return services_reconfigure(&s->services, c);
}

static void
say_reloaded(struct notifier *n, const struct buf *applied, const struct buf *restart)
{
	if (applied->len == 0 && restart->len == 0)
		log_info("reloaded configuration: nothing changed");
	else if (restart->len == 0)
		log_info("reloaded configuration: changed %s", applied->data);
	else
		log_info("reloaded configuration: changed %s; needs a restart: %s (kept as running)",
		    applied->len > 0 ? applied->data : "nothing", restart->data);
	notify_ready(n, "serving (configuration reloaded)");
}

static void
say_failed(struct notifier *n, char *error)
{
	log_alarm("reload: %s; keeping the running configuration", error ? error : "out of memory");
	free(error);
	notify_ready(n, "serving; the last reload failed, see the log");
}

/* A generation from fresh (which it takes), installed: NULL on failure. */
static struct generation *
make_current(struct server *s, struct generation *running, struct config *fresh,
    struct buf *applied, struct buf *restart, char **error)
{
	struct generation *g;

	apply_log(fresh, running->config);
	if (config_reload_changes(fresh, running->config, applied, restart) == -1 ||
	    applied->failed || restart->failed) {
		config_free(fresh);
		return NULL;
	}
	if ((g = generation_new(fresh, &s->services, error)) == NULL)
		return NULL;
	certificate_changes(running, g, applied);
	if (apply_shared(s, g->config) == -1) {
		generation_unref(g);
		return NULL;
	}
	generation_install(&s->generations, g);
	return g;
}

void
server_reload(struct server *s)
{
	struct buf applied = BUF_INIT, restart = BUF_INIT;
	struct generation *running;
	struct config *fresh;
	char *error = NULL;

	notify_reloading(&s->notifier);
	running = generation_current(&s->generations);
	if ((fresh = config_load(s->argc, s->argv, &error)) == NULL) {
		apply_log(NULL, running->config);
		say_failed(&s->notifier, error);
	} else if (make_current(s, running, fresh, &applied, &restart, &error) == NULL) {
		say_failed(&s->notifier, error);
	} else {
		say_reloaded(&s->notifier, &applied, &restart);
	}
	generation_unref(running);
	buf_free(&applied);
	buf_free(&restart);
}

void
server_reload_keys(struct server *s)
{
	struct generation *running = generation_current(&s->generations);
	char *error = NULL;

	if (generation_reload_keys(running, &s->services, &error) == 0)
		log_info("key process started again: the keys of %zu host(s) are loaded",
		    running->config->nhosts);
	else
		log_alarm("key process started again, but the keys do not load: %s; "
		    "handshakes fail until a reload succeeds", error ? error : "out of memory");
	free(error);
	generation_unref(running);
}
