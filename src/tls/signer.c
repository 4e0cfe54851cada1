/*
 * The server process's side of tls/keyproto.h: private keys that are not
 * here.  A context's key is the certificate's public key with an
 * EC_KEY_METHOD or RSA_METHOD whose private operation sends what is to be
 * signed to the key process and returns its answer, as OpenBSD's relayd
 * and gmid do.  Those methods are deprecated in OpenSSL 3.0 but kept
 * working (a "foreign" key takes the legacy signing path); a provider
 * would do the same in ten times the code.  This file alone uses them.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "tls/tls.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "tls/keyproto.h"
#include "tls/signer.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"

/* How long a handshake waits for a signature, and a reload for keys. */
#define SIGN_WAIT_MS 2000
#define LOAD_WAIT_MS 10000

struct tls_signer {
	pthread_mutex_t lock; /* one request at a time on the channel */
	int fd;
	uint32_t seq;
};

struct tls_keyset {
	struct tls_signer *signer;
	uint32_t id;
	size_t n;
	char **chains; /* each host's certificate chain, PEM */
};

static struct log_limit sign_failures = LOG_LIMIT_INIT;

/* A channel's reads wait at most SIGN_WAIT_MS each (no poll() before
 * every read: a handshake's signature is one send and one receive). */
static void
set_wait(int fd)
{
	struct timeval tv = { SIGN_WAIT_MS / 1000, SIGN_WAIT_MS % 1000 * 1000 };

	if (fd != -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

struct tls_signer *
tls_signer_new(int fd)
{
	struct tls_signer *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	s->fd = fd;
	set_wait(fd);
	return s;
}

void
tls_signer_set_channel(struct tls_signer *s, int fd)
{
	pthread_mutex_lock(&s->lock);
	if (s->fd != -1)
		close(s->fd);
	s->fd = fd;
	set_wait(fd);
	pthread_mutex_unlock(&s->lock);
}

void
tls_signer_free(struct tls_signer *s)
{
	if (s == NULL)
		return;
	if (s->fd != -1)
		close(s->fd);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* The reply to request seq, by deadline (monotonic ms); replies to
 * requests given up on before are skipped.  Its data length, or -1. */
static ssize_t
receive(struct tls_signer *s, uint32_t seq, long long deadline, struct key_header *h,
    void *out, size_t outsize)
{
	struct iovec iov[2] = { { h, sizeof(*h) }, { out, outsize } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	while (monotonic_ms() < deadline) {
		if ((n = recvmsg(s->fd, &m, 0)) == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0 || (size_t)n < sizeof(*h) || (m.msg_flags & MSG_TRUNC))
			return -1;
		if (h->seq == seq)
			return (ssize_t)h->len == n - (ssize_t)sizeof(*h) ? (ssize_t)h->len : -1;
	}
	return -1;
}

static int
send_request(struct tls_signer *s, struct key_header *h, const void *data, size_t len)
{
	struct iovec iov[2] = { { h, sizeof(*h) }, { (void *)data, len } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };

	h->seq = ++s->seq;
	h->len = (uint32_t)len;
	return s->fd == -1 || sendmsg(s->fd, &m, MSG_NOSIGNAL) == -1 ? -1 : 0;
}

/* One signature from the key process, into out.  Its length, or -1
 * (said in the log, at most a few lines a minute). */
static int
remote_sign(const struct key_ref *ref, enum key_op op, int padding, const unsigned char *tbs,
    size_t len, unsigned char *out, size_t outsize)
{
	struct tls_signer *s = ref->signer;
	struct key_header h = { KEY_SIGN, 0, ref->keyset, ref->index, op, padding, 0, 0 };
	ssize_t n = -1;

	pthread_mutex_lock(&s->lock);
	if (send_request(s, &h, tbs, len) == 0)
		n = receive(s, h.seq, monotonic_ms() + SIGN_WAIT_MS, &h, out, outsize);
	pthread_mutex_unlock(&s->lock);
	if (n <= 0 || h.status != 0) {
		log_limited(&sign_failures, "TLS: the key process %s; handshake refused",
		    n < 0 ? "does not answer" : "refused to sign");
		return -1;
	}
	return (int)n;
}

static int ec_index = -1, rsa_index = -1;
static EC_KEY_METHOD *ec_method;
static RSA_METHOD *rsa_method;
static pthread_once_t methods_once = PTHREAD_ONCE_INIT;

static int
ec_sign(int type, const unsigned char *dgst, int dlen, unsigned char *sig, unsigned int *siglen,
    const BIGNUM *kinv, const BIGNUM *r, EC_KEY *eckey)
{
	const struct key_ref *ref = EC_KEY_get_ex_data(eckey, ec_index);
	int n;

	(void)type;
	(void)kinv;
	(void)r;
	if (ref == NULL || (n = remote_sign(ref, KEY_OP_ECDSA, 0, dgst, (size_t)dlen, sig,
	    (size_t)ECDSA_size(eckey))) < 0)
		return 0;
	*siglen = (unsigned int)n;
	return 1;
}

static ECDSA_SIG *
ec_sign_sig(const unsigned char *dgst, int dlen, const BIGNUM *kinv, const BIGNUM *r,
    EC_KEY *eckey)
{
	unsigned char der[256];
	const unsigned char *p = der;
	unsigned int len;

	if (ECDSA_size(eckey) > (int)sizeof(der) ||
	    !ec_sign(0, dgst, dlen, der, &len, kinv, r, eckey))
		return NULL;
	return d2i_ECDSA_SIG(NULL, &p, len);
}

static int
rsa_priv_enc(int flen, const unsigned char *from, unsigned char *to, RSA *rsa, int padding)
{
	const struct key_ref *ref = RSA_get_ex_data(rsa, rsa_index);

	if (ref == NULL)
		return -1;
	return remote_sign(ref, KEY_OP_RSA, padding, from, (size_t)flen, to, (size_t)RSA_size(rsa));
}

/* Decryption with the key is RSA key exchange, which no cipher allows. */
static int
rsa_priv_dec(int flen, const unsigned char *from, unsigned char *to, RSA *rsa, int padding)
{
	(void)flen;
	(void)from;
	(void)to;
	(void)rsa;
	(void)padding;
	return -1;
}

static void
make_methods(void)
{
	int (*sign)(int, const unsigned char *, int, unsigned char *, unsigned int *,
	    const BIGNUM *, const BIGNUM *, EC_KEY *);
	int (*setup)(EC_KEY *, BN_CTX *, BIGNUM **, BIGNUM **);
	ECDSA_SIG *(*sign_sig)(const unsigned char *, int, const BIGNUM *, const BIGNUM *, EC_KEY *);

	ec_index = EC_KEY_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	rsa_index = RSA_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if ((ec_method = EC_KEY_METHOD_new(EC_KEY_OpenSSL())) != NULL) {
		EC_KEY_METHOD_get_sign(ec_method, &sign, &setup, &sign_sig);
		EC_KEY_METHOD_set_sign(ec_method, ec_sign, setup, ec_sign_sig);
	}
	if ((rsa_method = RSA_meth_dup(RSA_get_default_method())) != NULL) {
		RSA_meth_set1_name(rsa_method, "capsuled key process");
		RSA_meth_set_priv_enc(rsa_method, rsa_priv_enc);
		RSA_meth_set_priv_dec(rsa_method, rsa_priv_dec);
	}
}

static EVP_PKEY *
remote_ec(EVP_PKEY *pub, const struct key_ref *ref)
{
	EC_KEY *ec = EC_KEY_dup(EVP_PKEY_get0_EC_KEY(pub));
	EVP_PKEY *key = EVP_PKEY_new();

	if (ec == NULL || key == NULL || EC_KEY_set_method(ec, ec_method) != 1 ||
	    EC_KEY_set_ex_data(ec, ec_index, (void *)ref) != 1 || EVP_PKEY_assign_EC_KEY(key, ec) != 1) {
		EC_KEY_free(ec);
		EVP_PKEY_free(key);
		return NULL;
	}
	return key;
}

static EVP_PKEY *
remote_rsa(EVP_PKEY *pub, const struct key_ref *ref)
{
	RSA *rsa = RSAPublicKey_dup(EVP_PKEY_get0_RSA(pub));
	EVP_PKEY *key = EVP_PKEY_new();

	if (rsa == NULL || key == NULL || RSA_set_method(rsa, rsa_method) != 1 ||
	    RSA_set_ex_data(rsa, rsa_index, (void *)ref) != 1 || EVP_PKEY_assign_RSA(key, rsa) != 1) {
		RSA_free(rsa);
		EVP_PKEY_free(key);
		return NULL;
	}
	return key;
}

EVP_PKEY *
tls_remote_key(X509 *cert, const struct key_ref *ref, char **error)
{
	EVP_PKEY *pub = X509_get0_pubkey(cert), *key = NULL;

	pthread_once(&methods_once, make_methods);
	if (pub != NULL && ec_method != NULL && EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC)
		key = remote_ec(pub, ref);
	else if (pub != NULL && rsa_method != NULL && EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA)
		key = remote_rsa(pub, ref);
	else
		*error = tls_error("certificate key type: only ECDSA and RSA keys are served");
	if (key == NULL && *error == NULL)
		*error = tls_error("key of the certificate");
	return key;
}

static struct tls_keyset *
keyset_new(struct tls_signer *s, uint32_t id, size_t n)
{
	struct tls_keyset *k = calloc(1, sizeof(*k));

	if (k == NULL || (k->chains = calloc(n, sizeof(*k->chains))) == NULL) {
		free(k);
		return NULL;
	}
	k->signer = s;
	k->id = id;
	return k;
}

/* Send LOAD with the hosts' names; collect the chains until KEY_DONE. */
static int
load_exchange(struct tls_signer *s, const struct config *c, struct tls_keyset *k,
    unsigned char *in, char **error)
{
	struct key_header h = { KEY_LOAD, 0, k->id, (uint32_t)c->nhosts, 0, 0, 0, 0 };
	long long deadline = monotonic_ms() + LOAD_WAIT_MS;
	struct buf names = BUF_INIT;
	ssize_t n;
	size_t i;

	for (i = 0; i < c->nhosts; i++)
		buf_append(&names, c->hosts[i].name, strlen(c->hosts[i].name) + 1);
	if (names.failed || send_request(s, &h, names.data, names.len) == -1) {
		buf_free(&names);
		*error = strdup("the key process cannot be reached");
		return -1;
	}
	buf_free(&names);
	while ((n = receive(s, h.seq, deadline, &h, in, KEY_MESSAGE_MAX)) >= 0 &&
	    h.type == KEY_CERT && k->n < c->nhosts) {
		if ((k->chains[k->n] = strndup((char *)in, (size_t)n)) == NULL)
			break;
		k->n++;
	}
	if (n >= 0 && h.type == KEY_DONE && h.status == 0 && k->n == c->nhosts)
		return 0;
	if (n >= 0 && h.type == KEY_DONE && h.status != 0)
		*error = strndup((char *)in, (size_t)n);
	else
		*error = strdup("the key process does not answer");
	return -1;
}

struct tls_keyset *
tls_signer_load(struct tls_signer *s, const struct config *c, unsigned id, char **error)
{
	struct tls_keyset *k = keyset_new(s, id, c->nhosts);
	unsigned char *in = malloc(KEY_MESSAGE_MAX);
	int rc = -1;

	*error = NULL;
	if (k != NULL && in != NULL) {
		pthread_mutex_lock(&s->lock);
		rc = load_exchange(s, c, k, in, error);
		pthread_mutex_unlock(&s->lock);
	}
	free(in);
	if (rc == -1) {
		if (*error == NULL)
			*error = strdup("out of memory");
		tls_keyset_free(k);
		return NULL;
	}
	return k;
}

void
tls_keyset_free(struct tls_keyset *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->n; i++)
		free(k->chains[i]);
	free(k->chains);
	free(k);
}

const char *
tls_keyset_chain(const struct tls_keyset *k, size_t index, struct key_ref *ref)
{
	ref->signer = k->signer;
	ref->keyset = k->id;
	ref->index = (uint32_t)index;
	return index < k->n ? k->chains[index] : NULL;
}
