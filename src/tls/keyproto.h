/*
 * What the server process and the key process say to each other (the
 * public part is in tls/tls.h): one message a request and one a reply on
 * a SOCK_SEQPACKET socketpair, each a fixed header and its bytes.  A key
 * is named by its keyset (the server's generation) and its index in it,
 * never by a path: the key process reads the paths from the configuration
 * itself.
 *
 *   LOAD  keyset, index = number of hosts, data = their names, NUL-separated
 *         -> one KEY_CERT reply a host (data: its certificate chain, PEM),
 *            then KEY_DONE (status 0), or KEY_DONE with status -1 and the
 *            reason as data
 *   SIGN  keyset, index, op (KEY_OP_*), padding (RSA), data = what to sign
 *         -> KEY_DONE, data = the signature (status -1: refused)
 */
#ifndef CAPSULED_TLS_KEYPROTO_H
#define CAPSULED_TLS_KEYPROTO_H

#include <stdint.h>

enum key_message { KEY_LOAD = 1, KEY_SIGN, KEY_CERT, KEY_DONE };

/* ECDSA over a digest; the RSA private-key operation on a padded block. */
enum key_op { KEY_OP_ECDSA = 1, KEY_OP_RSA };

struct key_header {
	uint32_t type;    /* enum key_message */
	uint32_t seq;     /* a reply carries its request's */
	uint32_t keyset;
	uint32_t index;
	uint32_t op;      /* enum key_op */
	int32_t padding;  /* RSA padding mode */
	int32_t status;   /* replies: 0, or -1 */
	uint32_t len;     /* bytes that follow */
};

/* The largest message: a certificate chain, or a reason. */
#define KEY_MESSAGE_MAX (64 * 1024)
/* Keysets the key process keeps: connections still in their handshake
 * under an older generation finish it after a reload. */
#define KEY_KEYSETS 4

#endif
