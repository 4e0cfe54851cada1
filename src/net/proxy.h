/*
 * The PROXY protocol (HAProxy, versions 1 and 2): the header a load
 * balancer puts before the client's bytes to say who the client is.
 * A pure parser, so it can be fuzzed and tested without sockets.
 */
#ifndef CAPSULED_NET_PROXY_H
#define CAPSULED_NET_PROXY_H

#include <stddef.h>
#include <sys/socket.h>

/* Longest v1 line, CRLF included; v2 headers give their own length. */
#define PROXY_V1_MAX 107
#define PROXY_V2_FIXED 16

enum proxy_result { PROXY_NEED_MORE, PROXY_DONE, PROXY_BAD };

/*
 * Parse the header at the start of data[0..len).  PROXY_DONE: *consumed is
 * the header's whole length (which may exceed len for a v2 header with
 * long TLVs: the caller discards the rest), and *peer holds the client's
 * address, or has ss_family AF_UNSPEC for LOCAL / UNKNOWN (health checks:
 * keep the real peer).
 */
enum proxy_result proxy_header_parse(const unsigned char *data, size_t len, size_t *consumed,
    struct sockaddr_storage *peer);

#endif
