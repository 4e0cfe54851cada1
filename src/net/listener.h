/*
 * Listening sockets: bound once at start-up (before privileges are
 * dropped) and shared by every worker's event loop.
 */
#ifndef CAPSULED_NET_LISTENER_H
#define CAPSULED_NET_LISTENER_H

#include <stddef.h>

enum listener_proto { LISTENER_GEMINI, LISTENER_GOPHER };

struct listener {
	int fd;
	enum listener_proto proto;
	char name[80]; /* "[::]:1965" for log lines */
};

/* Bind address:port ("*" = every IPv6 and IPv4 address) and append the
 * sockets to *list.  0, or -1 with *error (malloc'd). */
int listener_bind(const char *address, int port, enum listener_proto proto,
    struct listener **list, size_t *n, char **error);
void listeners_close(struct listener *list, size_t n);

#endif
