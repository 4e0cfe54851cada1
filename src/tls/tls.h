/*
 * TLS for the Gemini listener: one OpenSSL context per virtual host, the
 * SNI callback that picks among them (no SNI or an unknown name: the first
 * host), TLS 1.2 and 1.3 only, session tickets, optional client
 * certificates.  And the self-signed certificate generator.
 *
 * Session ticket keys belong to the process, not to a set of contexts:
 * struct tls_tickets is made once and handed to every tls_contexts_new(),
 * so that a session from before a reload resumes after it.  The keys
 * rotate on their own: a key seals new tickets for one period, then still
 * opens them for one more (a ticket it opens then is renewed).
 *
 * Private keys can live in another process (the key process): it serves
 * tls_key_service() on one end of a socketpair, and the server process
 * asks it, through a struct tls_signer on the other end, to load the keys
 * of a configuration's hosts (a keyset, named by a number the server
 * chooses) and to sign handshakes with them.  The server process then
 * holds the certificates only; a request names a key by keyset and host
 * index, never by a path.
 */
#ifndef CAPSULED_TLS_TLS_H
#define CAPSULED_TLS_TLS_H

#include <stddef.h>
#include <openssl/ssl.h>

#include "config/config.h"

struct tls_contexts;
struct tls_tickets;

/* Ticket keys that rotate every period_seconds (new keys from the
 * system's random source).  NULL when memory or randomness fails.
 * Thread-safe; free after every context that uses them. */
struct tls_tickets *tls_tickets_new(unsigned period_seconds);
void tls_tickets_free(struct tls_tickets *t);

struct tls_signer;
struct tls_keyset;

/* The key process: answer requests on fd until the other end closes, with
 * the hosts of the configuration that argc and argv load (read again on
 * every load).  SIGHUP and SIGUSR1 reopen the log.  Returns 0. */
int tls_key_service(int fd, int argc, char **argv);

/* The server process's channel to the key process (fd: its end; taken). */
struct tls_signer *tls_signer_new(int fd);
/* A new key process, after the last one died: fd replaces the channel. */
void tls_signer_set_channel(struct tls_signer *s, int fd);
void tls_signer_free(struct tls_signer *s);
/* Ask the key process to load the keys of c's hosts as keyset id (an id
 * loaded before is replaced).  The certificate chains it read come back;
 * NULL with *error (malloc'd) when a key does not load or the key process
 * does not answer. */
struct tls_keyset *tls_signer_load(struct tls_signer *s, const struct config *c, unsigned id,
    char **error);
void tls_keyset_free(struct tls_keyset *k);

/* Every host's certificate and key: with keys (from tls_signer_load(),
 * which may be freed after), the certificates it holds and keys that sign
 * through the key process; with NULL, both read from the host's files.
 * tickets (NULL: each context its own keys, as OpenSSL makes them) seal
 * the sessions.  NULL with *error (malloc'd) naming the file and the
 * reason when one cannot be used. */
struct tls_contexts *tls_contexts_new(const struct config *c, struct tls_tickets *tickets,
    const struct tls_keyset *keys, char **error);
void tls_contexts_free(struct tls_contexts *t);
/* The context new connections start with (the default host's). */
SSL_CTX *tls_default_context(const struct tls_contexts *t);

/* SHA-256 fingerprint "ab:cd:..." (95 chars + NUL) of the client's
 * certificate, only after a completed handshake (which verified its
 * signature).  0, or -1 when the client sent none. */
int tls_peer_fingerprint(SSL *ssl, char out[96]);
/* The fingerprint of the certificate host's context serves; -1 when no
 * context is named host. */
int tls_host_fingerprint(const struct tls_contexts *t, const char *host, char out[96]);
/* The client's certificate itself, borrowed from ssl (valid while it
 * lives), only after a completed handshake; NULL when it sent none. */
X509 *tls_peer_certificate(SSL *ssl);
/* The same fingerprint of a PEM certificate file, for the start-up log
 * and `capsuled --fingerprint`. */
int tls_file_fingerprint(const char *cert_path, char out[96]);

/* Make sure host's certificate and key exist, generating a self-signed
 * ECDSA P-256 pair (subjectAltName host and localhost, valid until 9999)
 * when the certificate is missing.  *generated tells which.  The key is
 * written with mode 0600.  0, or -1 with *error (malloc'd). */
int tls_ensure_certificate(const struct host_config *h, int *generated, char **error);
int tls_generate_certificate(const char *host, const char *cert_path, const char *key_path,
    char **error);

/* A malloc'd message: the formatted text, then OpenSSL's last error. */
char *tls_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
