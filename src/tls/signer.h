/*
 * Keys kept by the key process, as tls/context.c uses them (the public
 * part is in tls/tls.h): a host's key is named by a struct key_ref, owned
 * by the contexts, and tls_remote_key() makes a key OpenSSL signs with by
 * asking the key process.
 */
#ifndef CAPSULED_TLS_SIGNER_H
#define CAPSULED_TLS_SIGNER_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

struct tls_signer;
struct tls_keyset;

struct key_ref {
	struct tls_signer *signer;
	uint32_t keyset;
	uint32_t index;
};

/* Host index's certificate chain (PEM) in k, and the reference to its key
 * in *ref.  NULL when k has no such host. */
const char *tls_keyset_chain(const struct tls_keyset *k, size_t index, struct key_ref *ref);
/* The public key of cert, signing through the key process as ref says
 * (ref must outlive the key).  NULL with *error (malloc'd). */
EVP_PKEY *tls_remote_key(X509 *cert, const struct key_ref *ref, char **error);

#endif
