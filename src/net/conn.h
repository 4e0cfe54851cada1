/*
 * One client connection, from accept to close, driven by its worker's
 * event loop: TLS handshake (Gemini), request line under a deadline, the
 * handler on the pool, the response written under a deadline that grows
 * with its size, close_notify, a bounded lingering close.
 */
#ifndef CAPSULED_NET_CONN_H
#define CAPSULED_NET_CONN_H

#include <sys/socket.h>

#include "net/listener.h"

struct worker;

/* Take over an accepted socket. */
void conn_start(struct worker *w, int fd, enum listener_proto proto,
    const struct sockaddr_storage *peer);
/* Close every connection of the worker at once (shutdown deadline passed;
 * the handler pool has already been stopped). */
void conn_close_all(struct worker *w);

#endif
