/*
 * The server process's side of tls/keyproto.h: private keys that are not
 * here.  A context's key is the certificate's public key with an
 * EC_KEY_METHOD or RSA_METHOD whose private operation sends what is to be
 * signed to the key process and returns its answer, as OpenBSD's relayd
 * and gmid do.  Those methods are deprecated in OpenSSL 3.0 but kept
 * working (a "foreign" key takes the legacy signing path); a provider
 * would do the same in ten times the code.  This file alone uses them.
 *
 * A handshake run as an OpenSSL async job (SSL_MODE_ASYNC) on a thread
 * with a channel of its own (an event loop's) does not block for its
 * signature: the request joins the loop's batch, the job pauses, the loop
 * serves other connections, sends the batch when it has run everything
 * ready, and the answers, matched to their requests by seq, resume each
 * handshake through OpenSSL's async callback.  Anywhere else (the pool,
 * reloads) a signature is one request on the shared channel, waited for.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "tls/tls.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/async.h>
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

/* A signature asked for on a loop's channel.  It lives on the stack of
 * its handshake's paused job until its answer, or its failure, comes. */
struct sign_request {
	struct sign_request *next;
	struct tls_sign_channel *channel;
	struct key_header h;
	const unsigned char *tbs;
	unsigned char *out;
	size_t outsize;
	long long deadline;
	ASYNC_WAIT_CTX *wait;
	int done;
	ssize_t len; /* the signature's length; -1: no answer */
};

/* One event loop's channel: owned by its thread. */
struct tls_sign_channel {
	int fd;
	uint32_t seq;
	struct sign_request *queued[KEY_BATCH]; /* not sent yet */
	size_t nqueued;
	struct sign_request *sent;              /* waiting for their answers */
	void (*flush_soon)(void *arg);
	void *arg;
};

static _Thread_local struct tls_sign_channel *thread_channel;
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

/* n, or -1 said in the log (at most a few lines a minute): n < 0, no
 * answer; 0, refused. */
static int
signed_length(ssize_t n)
{
	if (n <= 0) {
		log_limited(&sign_failures, "TLS: the key process %s; handshake refused",
		    n < 0 ? "does not answer" : "refused to sign");
		return -1;
	}
	return (int)n;
}

static void
finish(struct sign_request *r, ssize_t len)
{
	ASYNC_callback_fn resume;
	void *arg;

	r->done = 1;
	r->len = len;
	if (ASYNC_WAIT_CTX_get_callback(r->wait, &resume, &arg) && resume != NULL)
		resume(arg);
}

/* r out of the channel's lists; 1 when it was in one. */
static int
unlink_request(struct tls_sign_channel *ch, struct sign_request *r)
{
	struct sign_request **p;
	size_t i;

	for (p = &ch->sent; *p != NULL; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			return 1;
		}
	for (i = 0; i < ch->nqueued; i++)
		if (ch->queued[i] == r) {
			ch->queued[i] = ch->queued[--ch->nqueued];
			return 1;
		}
	return 0;
}

/* Every request of the channel fails (the key process has gone). */
static void
fail_all(struct tls_sign_channel *ch)
{
	struct sign_request *r;

	while (ch->nqueued > 0)
		finish(ch->queued[--ch->nqueued], -1);
	while ((r = ch->sent) != NULL) {
		ch->sent = r->next;
		finish(r, -1);
	}
}

void
tls_sign_channel_flush(struct tls_sign_channel *ch)
{
	struct mmsghdr m[KEY_BATCH];
	struct iovec iov[KEY_BATCH][2];
	struct sign_request *r;
	size_t i, n = ch->nqueued;
	int sent;

	for (i = 0; i < n; i++) {
		iov[i][0] = (struct iovec){ &ch->queued[i]->h, sizeof(ch->queued[i]->h) };
		iov[i][1] = (struct iovec){ (void *)ch->queued[i]->tbs, ch->queued[i]->h.len };
		m[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = iov[i], .msg_iovlen = 2 } };
	}
	do
		sent = n > 0 ? sendmmsg(ch->fd, m, (unsigned)n, MSG_NOSIGNAL | MSG_DONTWAIT) : 0;
	while (sent == -1 && errno == EINTR);
	ch->nqueued = 0;
	for (i = 0; i < n; i++) {
		r = ch->queued[i];
		if ((int)i < sent) {
			r->next = ch->sent;
			ch->sent = r;
		} else {
			finish(r, -1);
		}
	}
}

int
tls_sign_channel_receive(struct tls_sign_channel *ch)
{
	struct key_header h;
	unsigned char data[KEY_SIGNATURE_MAX];
	struct iovec iov[2] = { { &h, sizeof(h) }, { data, sizeof(data) } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	struct sign_request *r, **p;
	ssize_t n;

	while (ch->fd != -1) {
		if ((n = recvmsg(ch->fd, &m, MSG_DONTWAIT)) == -1 && (errno == EINTR || errno == EAGAIN)) {
			if (errno == EAGAIN)
				return 0;
			continue;
		}
		if (n <= 0) {
			close(ch->fd);
			ch->fd = -1;
			fail_all(ch);
			return -1;
		}
		for (p = &ch->sent; *p != NULL && (*p)->h.seq != h.seq; p = &(*p)->next)
			;
		if ((size_t)n < sizeof(h) || (r = *p) == NULL)
			continue;
		*p = r->next;
		n -= (ssize_t)sizeof(h);
		if (h.status != 0)
			n = 0;
		else if ((m.msg_flags & MSG_TRUNC) || h.len != (size_t)n || (size_t)n > r->outsize)
			n = -1;
		else
			memcpy(r->out, data, (size_t)n);
		finish(r, n);
	}
	return -1;
}

int
tls_sign_channel_expire(struct tls_sign_channel *ch)
{
	long long now = monotonic_ms();
	struct sign_request **p = &ch->sent, *r;

	while ((r = *p) != NULL) {
		if (r->deadline <= now) {
			*p = r->next;
			finish(r, -1);
		} else {
			p = &r->next;
		}
	}
	return ch->sent != NULL || ch->nqueued > 0;
}

struct tls_sign_channel *
tls_sign_channel_new(int fd, void (*flush_soon)(void *arg), void *arg)
{
	struct tls_sign_channel *ch = calloc(1, sizeof(*ch));

	if (ch == NULL)
		return NULL;
	ch->fd = fd;
	ch->flush_soon = flush_soon;
	ch->arg = arg;
	return ch;
}

void
tls_sign_channel_bind(struct tls_sign_channel *ch)
{
	thread_channel = ch;
}

int
tls_sign_channel_fd(const struct tls_sign_channel *ch)
{
	return ch->fd;
}

void
tls_sign_channel_replace(struct tls_sign_channel *ch, int fd)
{
	if (ch->fd != -1)
		close(ch->fd);
	ch->fd = fd;
	fail_all(ch);
}

void
tls_sign_channel_free(struct tls_sign_channel *ch)
{
	if (ch == NULL)
		return;
	if (thread_channel == ch)
		thread_channel = NULL;
	tls_sign_channel_replace(ch, -1);
	free(ch);
}

int
tls_handshake_async(SSL *ssl, SSL_async_callback_fn resume, void *arg)
{
	if (thread_channel == NULL || !SSL_set_async_callback(ssl, resume) ||
	    !SSL_set_async_callback_arg(ssl, arg))
		return 0;
	SSL_set_mode(ssl, SSL_MODE_ASYNC);
	return 1;
}

/* The handshake's job went away while it waited (its SSL was freed). */
static void
abandon(ASYNC_WAIT_CTX *wait, const void *key, OSSL_ASYNC_FD fd, void *request)
{
	struct sign_request *r = request;

	(void)wait;
	(void)key;
	(void)fd;
	if (!r->done)
		unlink_request(r->channel, r);
	r->done = 1;
}

/* Pause until the answer (or the failure) comes, pausing again when
 * resumed before.  0 when the job could not pause (ASYNC_block_pause()):
 * the wait-fd entry set just before is still "added" then, as a pause
 * and resume clear that. */
static int
pause_for(struct sign_request *r)
{
	size_t added, deleted;

	while (!r->done) {
		ASYNC_WAIT_CTX_clear_fd(r->wait, r);
		if (!ASYNC_WAIT_CTX_set_wait_fd(r->wait, r, r->channel->fd, r, abandon))
			return 0;
		ASYNC_pause_job();
		if (!ASYNC_WAIT_CTX_get_changed_fds(r->wait, NULL, &added, NULL, &deleted) || added > 0)
			return 0;
	}
	return 1;
}

/* Where the job cannot pause: wait for the answer here, answering the
 * others as they come. */
static void
wait_here(struct tls_sign_channel *ch, struct sign_request *r)
{
	struct pollfd p;
	long long left;

	tls_sign_channel_flush(ch);
	while (!r->done && ch->fd != -1 && (left = r->deadline - monotonic_ms()) > 0) {
		p = (struct pollfd){ ch->fd, POLLIN, 0 };
		if (poll(&p, 1, (int)left) > 0)
			tls_sign_channel_receive(ch);
	}
	if (!r->done && unlink_request(ch, r))
		r->done = 1;
}

/* The signature through the loop's channel, the job paused meanwhile.
 * Its length, 0 refused, or -1 no answer. */
static ssize_t
async_sign(struct tls_sign_channel *ch, ASYNC_JOB *job, const struct key_header *h,
    const unsigned char *tbs, size_t len, unsigned char *out, size_t outsize)
{
	struct sign_request r = { .channel = ch, .h = *h, .tbs = tbs, .out = out,
		.outsize = outsize, .wait = ASYNC_get_wait_ctx(job), .len = -1 };

	r.h.seq = ++ch->seq;
	r.h.len = (uint32_t)len;
	r.deadline = monotonic_ms() + SIGN_WAIT_MS;
	if (ch->nqueued == KEY_BATCH)
		tls_sign_channel_flush(ch);
	ch->queued[ch->nqueued++] = &r;
	if (ch->nqueued == 1 && ch->flush_soon != NULL)
		ch->flush_soon(ch->arg);
	if (!pause_for(&r))
		wait_here(ch, &r);
	ASYNC_WAIT_CTX_clear_fd(r.wait, &r);
	return r.len;
}

/* A job that OpenSSL can resume through a callback: a handshake made
 * asynchronous by tls_handshake_async(). */
static ASYNC_JOB *
resumable_job(void)
{
	ASYNC_JOB *job = ASYNC_get_current_job();
	ASYNC_callback_fn resume;
	void *arg;

	if (job == NULL || !ASYNC_WAIT_CTX_get_callback(ASYNC_get_wait_ctx(job), &resume, &arg) ||
	    resume == NULL)
		return NULL;
	return job;
}

/* One signature from the key process, into out.  Its length, or -1
 * (said in the log, at most a few lines a minute). */
static int
remote_sign(const struct key_ref *ref, enum key_op op, int padding, const unsigned char *tbs,
    size_t len, unsigned char *out, size_t outsize)
{
	struct tls_signer *s = ref->signer;
	struct key_header h = { KEY_SIGN, 0, ref->keyset, ref->index, op, padding, 0, 0 };
	struct tls_sign_channel *ch = thread_channel;
	ASYNC_JOB *job = ch != NULL && ch->fd != -1 ? resumable_job() : NULL;
	ssize_t n = -1;

	if (job != NULL)
		return signed_length(async_sign(ch, job, &h, tbs, len, out, outsize));
	pthread_mutex_lock(&s->lock);
	if (send_request(s, &h, tbs, len) == 0)
		n = receive(s, h.seq, monotonic_ms() + SIGN_WAIT_MS, &h, out, outsize);
	pthread_mutex_unlock(&s->lock);
	return signed_length(n >= 0 && h.status != 0 ? 0 : n);
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
