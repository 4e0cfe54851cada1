/*
 * The connection layer: listening sockets, one client connection from
 * accept to close (PROXY header, TLS handshake, the request line under a
 * deadline, the answer on the loop or on the handler pool, the response
 * under a deadline that grows with its size, close_notify, a bounded
 * lingering close), the per-address limits and the handler pool.
 *
 * It names no protocol: a listener carries a struct protocol
 * (response/response.h), and a connection frames, answers and logs
 * through that table.  What a connection needs from its surroundings is
 * handed in by the caller (server/): an event loop with the pool, the
 * limits and the open-connection counter (struct net_loop), and the
 * configuration generation the connection was accepted under (struct
 * net_generation: settings, TLS contexts, each protocol's context),
 * reference-counted so that a reload never changes the ground under a
 * connection in flight.  Everything here is this module's whole public
 * interface; its other headers are its own.
 */
#ifndef CAPSULED_NET_NET_H
#define CAPSULED_NET_NET_H

#include <stdatomic.h>
#include <stddef.h>
#include <sys/socket.h>

#include "config/config.h"
#include "response/response.h"
#include "tls/tls.h"

/* Listening sockets: bound once at start-up (before privileges are
 * dropped) and shared by every event loop. */
struct listener {
	int fd;
	int adopted;                     /* systemd's: it keeps listening after us */
	const struct protocol *protocol; /* what its connections speak */
	char name[80];                   /* "[::]:1965" for log lines */
};

/* Bind address:port ("*" = every IPv6 and IPv4 address) and append the
 * sockets to *list.  0, or -1 with *error (malloc'd). */
int listener_bind(const char *address, int port, const struct protocol *protocol,
    struct listener **list, size_t *n, char **error);
/* Take a listening socket made by someone else (systemd's socket
 * activation): checked to be a listening TCP stream socket, made
 * non-blocking and close-on-exec, and appended to *list under its
 * address.  0, or -1 with *error (malloc'd). */
int listener_adopt(int fd, const struct protocol *protocol, struct listener **list, size_t *n,
    char **error);
void listeners_close(struct listener *list, size_t n);
/* Stopping: sockets bound here stop listening at once, in every process
 * that shares them (new connections are refused, not left to queue);
 * systemd's keep listening for the next start.  This process's copies
 * are closed either way. */
void listeners_refuse(struct listener *list, size_t n);

/* The handler pool: threads that run protocols' produce() (disk,
 * conversion, index queries) so that event loops only do non-blocking
 * I/O.  Freeing it finishes the jobs already running and drops the
 * queued ones (their connections free them when they close). */
struct handler_pool;

struct handler_pool *handler_pool_new(unsigned threads);
void handler_pool_free(struct handler_pool *p);

/*
 * Per-address limits: open connections and a request rate (a token
 * bucket; over it the protocol's slow_down() answers or the answer
 * waits), so that one client cannot take every connection or handler of
 * a small server.  One table for every loop, bounded, thread-safe.  An
 * address is an IPv4 address or an IPv6 /64; loopback clients are exempt
 * unless limit_loopback is set (a local proxy speaks for many clients).
 */
struct address_limits_config {
	unsigned max_connections; /* per address; 0: no cap */
	unsigned per_minute;      /* requests a minute, sustained; 0: no rate limit */
	unsigned burst;           /* requests at once before the rate applies */
	int limit_loopback;
};

struct address_limits;

/* NULL when memory runs out. */
struct address_limits *address_limits_new(const struct address_limits_config *c);
void address_limits_free(struct address_limits *l);
/* New settings (a reload); counts and buckets are kept. */
void address_limits_configure(struct address_limits *l, const struct address_limits_config *c);

/* One protocol as a generation serves it. */
struct net_service {
	const struct protocol *protocol;
	const void *ctx; /* the protocol's context, passed to its functions */
	int tls_sniff;   /* a plain protocol: TLS when the first byte is 0x16 */
};

#define NET_SERVICES_MAX 4

/*
 * A configuration generation as connections see it.  Its owner fills it,
 * sets refs to 1 and release; each connection holds a reference from
 * conn_start() to its close; release(g) runs once the last one goes.
 */
struct net_generation {
	atomic_int refs;
	const struct config *config;    /* timeouts, write rate, logging, proxy_protocol */
	const struct tls_contexts *tls; /* NULL: no TLS */
	struct net_service services[NET_SERVICES_MAX];
	size_t nservices;
	void (*release)(struct net_generation *g);
};

struct net_generation *net_generation_ref(struct net_generation *g);
void net_generation_unref(struct net_generation *g);

struct conn;
struct event_base;

/* One event loop's connections.  The owner fills the first part before
 * the first conn_start() and runs the loop; the rest is net/'s. */
struct net_loop {
	struct event_base *base;
	struct handler_pool *pool;
	struct address_limits *limits;
	atomic_uint *connections; /* open connections on every loop: counted by the
	                           * caller before conn_start(), uncounted at close */
	void (*closed)(void *arg); /* after each close (a stopping loop may end) */
	void *closed_arg;
	struct conn *conns;        /* net/'s: every open connection of this loop */
	unsigned nconns;
};

/* Take over a socket accepted on listener l, with the caller's reference
 * to the generation it was accepted under. */
void conn_start(struct net_loop *loop, int fd, const struct listener *l,
    struct net_generation *gen, const struct sockaddr_storage *peer);
/* Close every connection of the loop at once (the shutdown deadline
 * passed; the handler pool has already been freed); a request whose
 * response was not sent whole is logged as cut. */
void net_loop_close_all(struct net_loop *loop);

#endif
