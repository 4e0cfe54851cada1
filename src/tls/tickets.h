/*
 * Session ticket keys kept by the process rather than by a context (the
 * public part is in tls/tls.h): every context given them seals and opens
 * tickets with the same keys, so that a session resumes on the contexts a
 * reload made.
 */
#ifndef CAPSULED_TLS_TICKETS_H
#define CAPSULED_TLS_TICKETS_H

#include <openssl/ssl.h>

struct tls_tickets;

/* Seal and open ctx's tickets with t's keys (t outlives ctx). */
void tls_tickets_use(struct tls_tickets *t, SSL_CTX *ctx);

#endif
