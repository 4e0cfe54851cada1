#include "tls/tls.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/clock.h"

/* One ticket key: its name (sent in the clear with each ticket), the
 * AES-256-CBC key that encrypts the session, the HMAC-SHA-256 key that
 * authenticates it. */
struct ticket_key {
	unsigned char name[16];
	unsigned char aes[32];
	unsigned char hmac[32];
	long long created_ms; /* monotonic */
	int valid;
};

struct tls_tickets {
	pthread_mutex_t lock;
	long long period_ms;
	struct ticket_key current;  /* encrypts new tickets */
	struct ticket_key previous; /* still decrypts, for one period */
};

static int
make_key(struct ticket_key *k, long long now_ms)
{
	if (RAND_bytes(k->name, sizeof(k->name)) != 1 || RAND_bytes(k->aes, sizeof(k->aes)) != 1 ||
	    RAND_bytes(k->hmac, sizeof(k->hmac)) != 1) {
		OPENSSL_cleanse(k, sizeof(*k));
		return -1;
	}
	k->created_ms = now_ms;
	k->valid = 1;
	return 0;
}

/* Rotate when the current key has served its period; the one before is
 * kept for one period more, unless it is older than that already.  Called
 * with the lock held. */
static void
rotate_when_due(struct tls_tickets *t, long long now_ms)
{
	long long age = now_ms - t->current.created_ms;

	if (t->current.valid && age < t->period_ms)
		return;
	OPENSSL_cleanse(&t->previous, sizeof(t->previous));
	if (t->current.valid && age < 2 * t->period_ms)
		t->previous = t->current;
	if (make_key(&t->current, now_ms) == -1)
		t->current.valid = 0;
}

struct tls_tickets *
tls_tickets_new(unsigned period_seconds)
{
	struct tls_tickets *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->period_ms = (long long)period_seconds * 1000;
	if (make_key(&t->current, monotonic_ms()) == -1) {
		tls_tickets_free(t);
		return NULL;
	}
	return t;
}

void
tls_tickets_free(struct tls_tickets *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->lock);
	OPENSSL_clear_free(t, sizeof(*t));
}

/* The key that encrypts (enc) or the one named name (the current or the
 * previous one), copied out of the lock: 1, or 0 for none. */
static int
find_key(struct tls_tickets *t, const unsigned char name[16], int enc, struct ticket_key *out)
{
	int found = 0;

	pthread_mutex_lock(&t->lock);
	rotate_when_due(t, monotonic_ms());
	if (t->current.valid && (enc || memcmp(name, t->current.name, 16) == 0)) {
		*out = t->current;
		found = 1;
	} else if (!enc && t->previous.valid && memcmp(name, t->previous.name, 16) == 0) {
		*out = t->previous;
		found = 1;
	}
	pthread_mutex_unlock(&t->lock);
	return found;
}

static int
set_mac_key(EVP_MAC_CTX *mac, struct ticket_key *k)
{
	static char digest[] = "SHA256";
	OSSL_PARAM params[3];

	params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, k->hmac, sizeof(k->hmac));
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
	params[2] = OSSL_PARAM_construct_end();
	return EVP_MAC_CTX_set_params(mac, params) == 1 ? 0 : -1;
}

/* OpenSSL's ticket callback: 1 ticket sealed, 2 opened (renew it), 0 no
 * ticket or a full handshake, -1 an error.  An opened ticket is always
 * renewed: a TLS 1.3 client spends each ticket once (RFC 8446), and
 * without a renewal OpenSSL sends a resumed client no new ticket, so
 * every other connection of a client would be a full handshake. */
static int
ticket_key_callback(SSL *ssl, unsigned char name[16], unsigned char iv[EVP_MAX_IV_LENGTH],
    EVP_CIPHER_CTX *cipher, EVP_MAC_CTX *mac, int enc)
{
	struct tls_tickets *t = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	struct ticket_key k;
	int rc = -1;

	if (!find_key(t, name, enc, &k))
		return 0;
	if (enc) {
		memcpy(name, k.name, sizeof(k.name));
		if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())) == 1 &&
		    EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), NULL, k.aes, iv) == 1 &&
		    set_mac_key(mac, &k) == 0)
			rc = 1;
	} else if (set_mac_key(mac, &k) == 0 &&
	    EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), NULL, k.aes, iv) == 1) {
		rc = 2;
	}
	OPENSSL_cleanse(&k, sizeof(k));
	return rc;
}

void
tls_tickets_use(struct tls_tickets *t, SSL_CTX *ctx)
{
	SSL_CTX_set_app_data(ctx, t);
	SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_key_callback);
}
