/*
 * The main process, once it listens and has dropped privileges: it
 * starts the key process and the server process and keeps them running.
 *
 * The key process alone reads the private keys (tls_key_service()) and
 * answers the server process's requests on a socketpair; the server
 * process runs the event loops, the handler pool and the archive and asks
 * it for signatures.  The main process restarts either when it dies
 * (saying why, with a growing delay when one keeps dying), never closes
 * the listening sockets while it does (clients queue in the backlog, then
 * are served), forwards SIGHUP and SIGUSR1, talks to systemd for the
 * server process (which says READY=1 through it), and on SIGTERM makes
 * the listening sockets refuse at once, then lets the server process
 * finish the responses in flight.  A server process that dies before it
 * first served ends the main process with its status: a start-up error
 * is not retried.
 */
#ifndef CAPSULED_SERVER_SUPERVISOR_H
#define CAPSULED_SERVER_SUPERVISOR_H

#include "config/config.h"
#include "server/daemon.h"

/* What each process started from here runs. */
struct supervised {
	struct server *server;
	struct config *config;  /* the start-up configuration */
	int server_ruleset;     /* Landlock rulesets, -1: none */
	int key_ruleset;
	/* The server process's work: serve with the key process on key_fd
	 * and the main process on control_fd.  Its exit status. */
	int (*serve)(struct server *s, struct config *c, int key_fd, int control_fd, int ruleset);
};

/* Run the processes until SIGTERM or SIGINT.  The exit status. */
int supervise(struct supervised *what);

#endif
