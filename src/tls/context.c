#include "tls/tls.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tls/signer.h"
#include "tls/tickets.h"
#include "util/buf.h"

struct tls_contexts {
	SSL_CTX **ctx;
	char **names;
	struct key_ref *refs; /* each host's key in the key process */
	size_t n;
};

char *
tls_error(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	unsigned long e;
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if ((e = ERR_peek_last_error()) != 0) {
		ERR_error_string_n(e, reason, sizeof(reason));
		buf_printf(&b, ": %s", reason);
	}
	ERR_clear_error();
	return buf_release(&b, NULL);
}

/* Client certificates are identities chosen by the client, usually
 * self-signed: accept whatever was offered; handlers decide what it means. */
static int
accept_any_client_certificate(int preverify_ok, X509_STORE_CTX *store)
{
	(void)preverify_ok;
	(void)store;
	return 1;
}

static int
select_host_by_sni(SSL *ssl, int *alert, void *arg)
{
	struct tls_contexts *t = arg;
	const char *name;
	size_t i;

	(void)alert;
	if ((name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) == NULL)
		return SSL_TLSEXT_ERR_OK;
	for (i = 1; i < t->n; i++) {
		if (!strcasecmp(name, t->names[i])) {
			SSL_set_SSL_CTX(ssl, t->ctx[i]);
			/* SSL_set_SSL_CTX keeps the old verify mode; copy the host's */
			SSL_set_verify(ssl, SSL_CTX_get_verify_mode(t->ctx[i]),
			    accept_any_client_certificate);
			return SSL_TLSEXT_ERR_OK;
		}
	}
	/* An unknown name or an IP literal gets the default host, not a refusal. */
	return SSL_TLSEXT_ERR_OK;
}

static int
use_files(SSL_CTX *ctx, const struct host_config *h, char **error)
{
	if (SSL_CTX_use_certificate_chain_file(ctx, h->cert) != 1) {
		*error = tls_error("certificate %s", h->cert);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, h->key, SSL_FILETYPE_PEM) != 1) {
		*error = tls_error("private key %s", h->key);
		return -1;
	}
	return 0;
}

/* The chain the key process read (the leaf first), and a key that signs
 * through it. */
static int
use_remote_pair(SSL_CTX *ctx, const struct host_config *h, const char *chain,
    const struct key_ref *ref, char **error)
{
	BIO *bio = BIO_new_mem_buf(chain, -1);
	X509 *cert = bio != NULL ? PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL) : NULL, *extra;
	EVP_PKEY *key = NULL;
	int rc = -1;

	if (cert == NULL || SSL_CTX_use_certificate(ctx, cert) != 1) {
		*error = tls_error("certificate %s", h->cert);
	} else if ((key = tls_remote_key(cert, ref, error)) != NULL &&
	    SSL_CTX_use_PrivateKey(ctx, key) == 1) {
		rc = 0;
		while (rc == 0 && (extra = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
			if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
				X509_free(extra);
				*error = tls_error("certificate chain %s", h->cert);
				rc = -1;
			}
		ERR_clear_error(); /* the end of the chain */
	} else if (*error == NULL) {
		*error = tls_error("private key %s", h->key);
	}
	EVP_PKEY_free(key);
	X509_free(cert);
	BIO_free(bio);
	return rc;
}

static SSL_CTX *
context_for_host(const struct host_config *h, struct tls_tickets *tickets, const char *chain,
    const struct key_ref *ref, char **error)
{
	static const unsigned char session_context[] = "capsuled";
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		*error = tls_error("SSL_CTX_new");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_NO_COMPRESSION);
	/* AES-128-GCM and SHA-256 first: as strong as Gemini needs, and the
	 * key schedule's HMACs cost less than with SHA-384. */
	SSL_CTX_set_ciphersuites(ctx,
	    "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384");
	SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!SHA1:!kRSA");
	SSL_CTX_set1_groups_list(ctx, "X25519:P-256:X448:P-384:P-521");
	/* Idle connections keep no 16 KiB record buffers; partial writes let
	 * one connection stream a file without holding it all. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* One read for what the client sent together (Finished and request)
	 * instead of two for every record. */
	SSL_CTX_set_read_ahead(ctx, 1);
	/* Resumption by stateless tickets only: a server-side cache would
	 * grow with every client and cost a flush on every 255th handshake. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_session_id_context(ctx, session_context, sizeof(session_context) - 1);
	SSL_CTX_set_num_tickets(ctx, 1);
	if (tickets != NULL)
		tls_tickets_use(tickets, ctx);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE,
	    accept_any_client_certificate);
	if (chain != NULL ? use_remote_pair(ctx, h, chain, ref, error) == -1 :
	    use_files(ctx, h, error) == -1)
		goto fail;
	if (SSL_CTX_check_private_key(ctx) != 1) {
		*error = tls_error("%s does not match %s", h->key, h->cert);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

struct tls_contexts *
tls_contexts_new(const struct config *c, struct tls_tickets *tickets,
    const struct tls_keyset *keys, char **error)
{
	const char *chain = NULL;
	struct tls_contexts *t;
	size_t i;

	*error = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->ctx = calloc(c->nhosts, sizeof(*t->ctx))) == NULL ||
	    (t->names = calloc(c->nhosts, sizeof(*t->names))) == NULL ||
	    (t->refs = calloc(c->nhosts, sizeof(*t->refs))) == NULL) {
		tls_contexts_free(t);
		*error = strdup("out of memory");
		return NULL;
	}
	for (i = 0; i < c->nhosts; i++) {
		t->n++;
		if ((t->names[i] = strdup(c->hosts[i].name)) == NULL) {
			*error = strdup("out of memory");
			goto fail;
		}
		if (keys != NULL && (chain = tls_keyset_chain(keys, i, &t->refs[i])) == NULL) {
			*error = tls_error("host %s: no certificate from the key process", c->hosts[i].name);
			goto fail;
		}
		if ((t->ctx[i] = context_for_host(&c->hosts[i], tickets, chain, &t->refs[i],
		    error)) == NULL)
			goto fail;
	}
	SSL_CTX_set_tlsext_servername_callback(t->ctx[0], select_host_by_sni);
	SSL_CTX_set_tlsext_servername_arg(t->ctx[0], t);
	return t;
fail:
	tls_contexts_free(t);
	return NULL;
}

void
tls_contexts_free(struct tls_contexts *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		SSL_CTX_free(t->ctx[i]);
		free(t->names[i]);
	}
	free(t->ctx);
	free(t->names);
	free(t->refs);
	free(t);
}

SSL_CTX *
tls_default_context(const struct tls_contexts *t)
{
	return t->ctx[0];
}

/* "ab:cd:..." of the SHA-256 of a certificate. */
static int
certificate_fingerprint(X509 *cert, char out[96])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len, i;

	if (X509_digest(cert, EVP_sha256(), md, &len) != 1)
		return -1;
	for (i = 0; i < len && i < 32; i++)
		snprintf(out + i * 3, 4, i + 1 < len ? "%02x:" : "%02x", md[i]);
	return 0;
}

int
tls_peer_fingerprint(SSL *ssl, char out[96])
{
	X509 *cert;
	int rc;

	if (!SSL_is_init_finished(ssl) || (cert = SSL_get1_peer_certificate(ssl)) == NULL)
		return -1;
	rc = certificate_fingerprint(cert, out);
	X509_free(cert);
	return rc;
}

X509 *
tls_peer_certificate(SSL *ssl)
{
	return SSL_is_init_finished(ssl) ? SSL_get0_peer_certificate(ssl) : NULL;
}

int
tls_file_fingerprint(const char *cert_path, char out[96])
{
	X509 *cert;
	FILE *f;
	int rc;

	if ((f = fopen(cert_path, "r")) == NULL)
		return -1;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (cert == NULL)
		return -1;
	rc = certificate_fingerprint(cert, out);
	X509_free(cert);
	return rc;
}

int
tls_host_fingerprint(const struct tls_contexts *t, const char *host, char out[96])
{
	X509 *cert;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->names[i], host) && (cert = SSL_CTX_get0_certificate(t->ctx[i])) != NULL)
			return certificate_fingerprint(cert, out);
	return -1;
}
