/*
 * The running daemon, shared by the files of server/ that run it:
 * server.c (start-up, the server process's loops, signals), reload.c
 * (SIGHUP reloads, SIGUSR1 reopens the log, keys loaded into a new key
 * process) and supervisor.c (the main process).  Everything here is touched by the main
 * thread only, except what worker_shared and the generation slot guard.
 */
#ifndef CAPSULED_SERVER_DAEMON_H
#define CAPSULED_SERVER_DAEMON_H

#include <stddef.h>

struct event;

#include "config/config.h"
#include "net/net.h"
#include "server/generation.h"
#include "server/notify.h"
#include "server/worker.h"

struct server {
	char **argv; /* kept to reload the configuration */
	int argc;
	struct listener *listeners;
	size_t nlisteners;
	struct worker *workers;
	unsigned nworkers;
	struct worker_shared shared;
	struct services services;
	struct generation_slot generations;
	struct notifier notifier;
	int stop_requested; /* SIGTERM or SIGINT seen */
	struct event *control_event; /* the main process's channel */
};

/* Point the log where c says.  0, or -1 with errno set. */
int server_open_log(const struct config *c);
/* The per-address limits a configuration asks for. */
void server_limits_config(const struct config *c, struct address_limits_config *out);

/* SIGHUP: reopen the log, load the configuration again and serve new
 * connections with it; one log line says what changed and what needs a
 * restart.  A configuration that does not load keeps the running one. */
void server_reload(struct server *s);
/* A new key process (the last one died): the current generation's keys
 * loaded into it again, said in the log. */
void server_reload_keys(struct server *s);
/* At start-up: a key the server process could read through the file
 * system (beneath a root, the state or configuration directory) is
 * warned about. */
void warn_keys_in_reach(const struct config *c);
/* SIGUSR1: reopen the log file (after rotation), nothing else. */
void server_reopen_log(void);

#endif
