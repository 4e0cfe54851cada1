/*
 * Telling systemd how the service is doing (sd_notify(3), written here:
 * one datagram a message on the AF_UNIX socket named by NOTIFY_SOCKET, a
 * path or "@" for an abstract name).  READY=1 once the first generation
 * serves, RELOADING=1 (with MONOTONIC_USEC, as systemd 253 asks) when a
 * reload starts and READY=1 when it is done, STOPPING=1 on the way out,
 * STATUS= for `systemctl status`.  Without NOTIFY_SOCKET every call does
 * nothing.  The server process's notifier is its channel to the main
 * process, which alone talks to systemd (NotifyAccess=main) and forwards
 * what the server process says.
 */
#ifndef CAPSULED_SERVER_NOTIFY_H
#define CAPSULED_SERVER_NOTIFY_H

struct notifier {
	int fd; /* connected to systemd's socket; -1: not under systemd */
};

/* Connect to NOTIFY_SOCKET (and take it out of the environment, so that
 * nothing started from here talks to systemd as us).  A socket that
 * cannot be reached is said in the log and ignored. */
void notify_open(struct notifier *n);
void notify_close(struct notifier *n);

/* One message as it is: the main process forwards the server process's. */
void notify_send(struct notifier *n, const char *message);
void notify_ready(struct notifier *n, const char *status);
void notify_reloading(struct notifier *n);
void notify_stopping(struct notifier *n);

#endif
