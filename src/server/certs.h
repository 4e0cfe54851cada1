/*
 * Certificates at start-up and on request: each host's certificate and
 * key made when missing (self-signed, given to the user we run as) and
 * their fingerprints logged; `--gen-cert HOST` for one more.
 */
#ifndef CAPSULED_SERVER_CERTS_H
#define CAPSULED_SERVER_CERTS_H

#include <pwd.h>

#include "config/config.h"

/* 0, or -1 (said in the log). */
int ensure_certificates(const struct config *c, const struct passwd *pw);
/* HOST.crt and HOST.key in cert_dir, printed with the fingerprint; an
 * existing pair is left alone.  The process exit status. */
int generate_certificate(const struct config *c, const char *host);

#endif
