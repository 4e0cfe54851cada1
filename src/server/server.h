/*
 * The daemon, and the only place that wires the protocols, the archive,
 * content and the connection layer together: start-up (user, log,
 * listeners bound or taken from systemd, directories, certificates,
 * sandbox, privileges), the services that outlive configurations (types,
 * article cache, archive, session ticket keys), configuration
 * generations, worker threads each running one event loop, the handler
 * pool, systemd's notifications, and signals (SIGTERM/SIGINT finish
 * responses in flight and exit; SIGHUP reopens the log and reloads the
 * configuration and certificates; SIGUSR1 reopens the log).
 */
#ifndef CAPSULED_SERVER_SERVER_H
#define CAPSULED_SERVER_SERVER_H

#include <stdio.h>

#include "config/config.h"

/* Run the server until SIGTERM/SIGINT.  Takes ownership of config.
 * Returns the process exit status. */
int server_main(struct config *config, int argc, char **argv);

/* `--gen-cert HOST`: a self-signed pair for host in cert_dir, printed
 * with its fingerprint.  The process exit status. */
int server_generate_certificate(const struct config *c, const char *host);

/* `--version`: the version and the sandbox this kernel allows. */
void server_print_version(FILE *out);

#endif
