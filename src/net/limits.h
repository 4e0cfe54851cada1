/*
 * Per-address limits: open connections and a request rate (a token bucket
 * answered with 44 SLOW DOWN), so that one client cannot take every
 * connection or every handler of a small server.  One table for all
 * workers, bounded in size, thread-safe.
 *
 * An address is an IPv4 address or an IPv6 /64 (one host commonly holds a
 * whole /64).  Loopback clients are exempt unless limit_loopback is set: a
 * local proxy, monitor or benchmark speaks for many clients.
 */
#ifndef CAPSULED_NET_LIMITS_H
#define CAPSULED_NET_LIMITS_H

#include <stdint.h>
#include <sys/socket.h>

struct address_key {
	uint8_t bytes[16]; /* IPv4 in the first 4, IPv6 /64 in the first 8 */
	uint8_t family;    /* AF_INET, AF_INET6; 0: not limited */
};

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

/* The key of a peer address; family 0 when it is not limited (loopback
 * without limit_loopback, or not IP). */
void address_key_of(const struct address_limits *l, const struct sockaddr_storage *ss,
    struct address_key *key);

/* Count a new connection at now_ms (a monotonic clock): 1 counted, 0 over
 * the cap (refuse it), -1 not counted (no cap, key not limited, or the
 * table is full of busy addresses: then the connection is let through).
 * Only a 1 needs the disconnect call. */
int address_limits_connect(struct address_limits *l, const struct address_key *key,
    long long now_ms);
void address_limits_disconnect(struct address_limits *l, const struct address_key *key);

/* Take one request from the address's bucket at now_ms: 0 when it may go
 * on, else the seconds to wait (at least 1). */
unsigned address_limits_request(struct address_limits *l, const struct address_key *key,
    long long now_ms);

#endif
