/*
 * Per-address limits as a connection uses them (net.h has the table's
 * life): the key of a client address, its connection count and its
 * request bucket.
 */
#ifndef CAPSULED_NET_LIMITS_H
#define CAPSULED_NET_LIMITS_H

#include <stdint.h>
#include <sys/socket.h>

#include "net/net.h"

struct address_key {
	uint8_t bytes[16]; /* IPv4 in the first 4, IPv6 /64 in the first 8 */
	uint8_t family;    /* AF_INET, AF_INET6; 0: not limited */
};

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
