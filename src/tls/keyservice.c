/* The key process's side of tls/keyproto.h: it alone reads the private
 * keys, and signs what the server process sends. */
#include "tls/tls.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "tls/keyproto.h"
#include "util/buf.h"
#include "util/log.h"

struct keyset {
	uint32_t id;
	size_t n;
	EVP_PKEY **keys;
	EVP_PKEY_CTX **ctx; /* each key's, ready to sign: made once, as fetching the
	                     * algorithm costs about as much as a signature */
};

struct key_service {
	int fd;
	int argc;
	char **argv;
	struct keyset sets[KEY_KEYSETS];
	unsigned next; /* the slot the next LOAD fills */
	unsigned char in[sizeof(struct key_header) + KEY_MESSAGE_MAX];
};

static volatile sig_atomic_t reopen_log;

static void
on_reopen_signal(int sig)
{
	(void)sig;
	reopen_log = 1;
}

static void
keyset_clear(struct keyset *k)
{
	size_t i;

	for (i = 0; i < k->n; i++) {
		EVP_PKEY_CTX_free(k->ctx[i]);
		EVP_PKEY_free(k->keys[i]);
	}
	free(k->keys);
	free(k->ctx);
	memset(k, 0, sizeof(*k));
}

static int
reply(struct key_service *ks, const struct key_header *req, uint32_t type, int status,
    const void *data, size_t len)
{
	struct key_header h = { type, req->seq, req->keyset, req->index, 0, 0, status, (uint32_t)len };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)data, len } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = len > 0 ? 2 : 1 };

	return sendmsg(ks->fd, &m, MSG_NOSIGNAL) == -1 ? -1 : 0;
}

static int
refuse(struct key_service *ks, const struct key_header *req, char *reason)
{
	int rc = reply(ks, req, KEY_DONE, -1, reason ? reason : "out of memory",
	    reason ? strlen(reason) : 13);

	free(reason);
	return rc;
}

/* The whole of a certificate file (a chain), as text. */
static char *
read_chain(const char *path, char **error)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		*error = tls_error("certificate %s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < KEY_MESSAGE_MAX)
		buf_append(&b, chunk, n);
	fclose(f);
	if (b.failed || b.len == 0 || b.len >= KEY_MESSAGE_MAX) {
		*error = tls_error("certificate %s: empty, too long or unreadable", path);
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

/* host's key, checked against the first certificate of its chain. */
static EVP_PKEY *
load_key(const struct host_config *h, const char *chain, char **error)
{
	BIO *bio = BIO_new_mem_buf(chain, -1);
	X509 *cert = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	EVP_PKEY *key = NULL;
	FILE *f;

	BIO_free(bio);
	if (cert == NULL) {
		*error = tls_error("certificate %s", h->cert);
		return NULL;
	}
	if ((f = fopen(h->key, "r")) == NULL) {
		*error = tls_error("private key %s: %s", h->key, strerror(errno));
	} else {
		key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
		if (key == NULL) {
			*error = tls_error("private key %s", h->key);
		} else if (X509_check_private_key(cert, key) != 1) {
			*error = tls_error("%s does not match %s", h->key, h->cert);
			EVP_PKEY_free(key);
			key = NULL;
		}
	}
	X509_free(cert);
	return key;
}

/* Load the named hosts' keys (from the configuration as it is now) as
 * keyset req->keyset, answering with each certificate chain. */
static int
load(struct key_service *ks, const struct key_header *req, const char *names, size_t len)
{
	struct keyset *k = &ks->sets[ks->next % KEY_KEYSETS];
	const struct host_config *h;
	struct config *c;
	char *error = NULL, *chain;
	size_t i, at = 0;

	if ((c = config_load(ks->argc, ks->argv, &error)) == NULL)
		return refuse(ks, req, error);
	keyset_clear(k);
	ks->next++;
	if ((k->keys = calloc(req->index + 1, sizeof(*k->keys))) == NULL ||
	    (k->ctx = calloc(req->index + 1, sizeof(*k->ctx))) == NULL) {
		config_free(c);
		return refuse(ks, req, NULL);
	}
	k->id = req->keyset;
	for (i = 0; i < req->index && error == NULL; i++, at += strlen(names + at) + 1) {
		if (at >= len || (h = config_find_host(c, names + at)) == NULL) {
			error = tls_error("host %s: not in the configuration", at < len ? names + at : "?");
		} else if ((chain = read_chain(h->cert, &error)) != NULL) {
			if ((k->keys[k->n] = load_key(h, chain, &error)) != NULL &&
			    ((k->ctx[k->n] = EVP_PKEY_CTX_new(k->keys[k->n], NULL)) == NULL ||
			    EVP_PKEY_sign_init(k->ctx[k->n]) != 1))
				error = tls_error("private key %s", h->key);
			if (k->keys[k->n++] != NULL && error == NULL &&
			    reply(ks, req, KEY_CERT, 0, chain, strlen(chain)) == -1)
				error = strdup("cannot answer the server process");
			free(chain);
		}
	}
	config_free(c);
	if (error != NULL) {
		keyset_clear(k);
		return refuse(ks, req, error);
	}
	return reply(ks, req, KEY_DONE, 0, NULL, 0);
}

/* The signing context of a key, or NULL. */
static EVP_PKEY_CTX *
find_key(struct key_service *ks, uint32_t keyset, uint32_t index)
{
	unsigned i;

	for (i = 0; i < KEY_KEYSETS; i++)
		if (ks->sets[i].keys != NULL && ks->sets[i].id == keyset && index < ks->sets[i].n)
			return ks->sets[i].ctx[index];
	return NULL;
}

static int
sign(struct key_service *ks, const struct key_header *req, const unsigned char *tbs, size_t len)
{
	unsigned char sig[1024];
	size_t siglen = sizeof(sig);
	EVP_PKEY_CTX *ctx = find_key(ks, req->keyset, req->index);
	EVP_PKEY *key = ctx != NULL ? EVP_PKEY_CTX_get0_pkey(ctx) : NULL;
	int ok = key != NULL && EVP_PKEY_get_size(key) <= (int)sizeof(sig);

	if (ok && req->op == KEY_OP_RSA)
		ok = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA &&
		    EVP_PKEY_CTX_set_rsa_padding(ctx, req->padding) == 1;
	else if (ok)
		ok = req->op == KEY_OP_ECDSA && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC;
	ok = ok && EVP_PKEY_sign(ctx, sig, &siglen, tbs, len) == 1;
	ERR_clear_error();
	if (!ok)
		return refuse(ks, req, strdup("cannot sign"));
	return reply(ks, req, KEY_DONE, 0, sig, siglen);
}

/* One request.  0, or -1 when the server process is gone. */
static int
serve_one(struct key_service *ks)
{
	const struct key_header *req = (const struct key_header *)ks->in;
	ssize_t n = recv(ks->fd, ks->in, sizeof(ks->in), 0);

	if (n == -1 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	if ((size_t)n < sizeof(*req) || req->len != (size_t)n - sizeof(*req))
		return 0;
	if (req->type == KEY_LOAD)
		return load(ks, req, (const char *)(req + 1), req->len);
	if (req->type == KEY_SIGN)
		return sign(ks, req, (const unsigned char *)(req + 1), req->len);
	return 0;
}

int
tls_key_service(int fd, int argc, char **argv)
{
	static struct key_service ks;
	struct sigaction sa;
	unsigned i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_reopen_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	ks.fd = fd;
	ks.argc = argc;
	ks.argv = argv;
	for (;;) {
		if (reopen_log) {
			reopen_log = 0;
			log_reopen_quietly();
		}
		if (serve_one(&ks) == -1)
			break;
	}
	for (i = 0; i < KEY_KEYSETS; i++)
		keyset_clear(&ks.sets[i]);
	close(fd);
	return 0;
}
