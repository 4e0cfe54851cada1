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

/* Channels to a key process at most: the first, and one per event loop
 * (loops beyond sign through the first). */
#define TLS_KEY_CHANNELS_MAX 16

/* The key process: answer requests on the n channels fds until the first
 * one's other end closes, with the hosts of the configuration that argc
 * and argv load (read again on every load).  fds[0] takes loads and
 * signatures, the others signatures only.  SIGHUP and SIGUSR1 reopen the
 * log.  Returns 0. */
int tls_key_service(const int *fds, size_t n, int argc, char **argv);

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

/*
 * Signing without blocking, for an event loop: a channel of its own to the
 * key process (fd, taken; one of tls_key_service()'s fds other than the
 * first), bound to the loop's thread.  A handshake that
 * tls_handshake_async() made asynchronous then pauses for its signature
 * (SSL_do_handshake() says SSL_ERROR_WANT_ASYNC) and resume(ssl, arg) is
 * called, on the thread, when it can go on: call SSL_do_handshake()
 * again.  The request waits until the thread calls
 * tls_sign_channel_flush(), which flush_soon(arg) asks for (once per
 * batch: run it when the loop has served what is ready).  The thread
 * calls tls_sign_channel_receive() when fd is readable, and
 * tls_sign_channel_expire() every second or so while requests are out: a
 * request unanswered after 2 s fails its handshake, as does every request
 * out when the key process dies.  Signatures made elsewhere (another
 * thread, outside an async handshake) are sent on the first channel and
 * waited for.
 */
struct tls_sign_channel;

struct tls_sign_channel *tls_sign_channel_new(int fd, void (*flush_soon)(void *arg), void *arg);
/* The calling thread signs through ch (NULL: through none). */
void tls_sign_channel_bind(struct tls_sign_channel *ch);
/* What to watch for reading; -1 while the channel is closed. */
int tls_sign_channel_fd(const struct tls_sign_channel *ch);
void tls_sign_channel_flush(struct tls_sign_channel *ch);
/* The answers that came.  0, or -1 when the key process has gone: the
 * channel is closed (its requests failed) until replaced. */
int tls_sign_channel_receive(struct tls_sign_channel *ch);
/* Fail the requests past their time.  1 while requests are still out. */
int tls_sign_channel_expire(struct tls_sign_channel *ch);
/* A new key process's channel: the requests out on the old one fail. */
void tls_sign_channel_replace(struct tls_sign_channel *ch, int fd);
/* The requests out fail (their callbacks run). */
void tls_sign_channel_free(struct tls_sign_channel *ch);
/* Make ssl's handshake asynchronous when this thread has a channel: 1,
 * or 0 (it signs blocking).  Clear SSL_MODE_ASYNC once it is done. */
int tls_handshake_async(SSL *ssl, SSL_async_callback_fn resume, void *arg);

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
