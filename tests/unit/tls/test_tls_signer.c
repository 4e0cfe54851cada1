/* Signing without blocking: handshakes made asynchronous on a thread with
 * a channel of its own pause for their signatures, which a real key
 * process (tls_key_service() in a child) answers together; a key process
 * that dies, or does not answer, fails the handshakes waiting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls/tls.h"
#include "util/clock.h"

#define HANDSHAKES 8

struct fixture {
	char dir[64], cert[128], key[128];
	struct host_config host;
	struct config config;
	pid_t key_process;
	struct tls_signer *signer;
	struct tls_contexts *contexts;
	struct tls_sign_channel *channel;
	SSL_CTX *clients[2]; /* TLS 1.3 and 1.2: each signs its own way */
	int flushes;         /* batches the channel asked to send */
};

/* A client and a server handshaking over a memory BIO pair. */
struct handshake {
	SSL *server, *client;
	int resumed;         /* times the server's handshake was told to go on */
	int client_done, server_done;
	int server_error;    /* SSL_get_error() of its last call */
};

static void
flush_soon(void *arg)
{
	(*(int *)arg)++;
}

static int
on_resume(SSL *ssl, void *arg)
{
	(void)ssl;
	((struct handshake *)arg)->resumed++;
	return 1;
}

static void
start_key_process(struct fixture *f, int *server_ends)
{
	char *argv[] = { "capsuled", "--root", f->dir, "--cert-dir", f->dir, "--host",
		"localhost", "--state-dir", f->dir, "--user", "", NULL };
	int pairs[2][2], key_ends[2], i;

	for (i = 0; i < 2; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pairs[i]), 0);
		server_ends[i] = pairs[i][0];
		key_ends[i] = pairs[i][1];
	}
	if ((f->key_process = fork()) == 0) {
		close(server_ends[0]);
		close(server_ends[1]);
		_exit(tls_key_service(key_ends, 2, 11, argv));
	}
	assert_true(f->key_process > 0);
	close(key_ends[0]);
	close(key_ends[1]);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct tls_keyset *keys;
	char *error = NULL;
	int fds[2];

	snprintf(f->dir, sizeof(f->dir), "/tmp/capsuled-signer-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->cert, sizeof(f->cert), "%s/localhost.crt", f->dir);
	snprintf(f->key, sizeof(f->key), "%s/localhost.key", f->dir);
	assert_int_equal(tls_generate_certificate("localhost", f->cert, f->key, &error), 0);
	f->host = (struct host_config){ .name = "localhost", .cert = f->cert, .key = f->key };
	f->config.hosts = &f->host;
	f->config.nhosts = 1;
	start_key_process(f, fds);
	assert_non_null(f->signer = tls_signer_new(fds[0]));
	keys = tls_signer_load(f->signer, &f->config, 1, &error);
	assert_non_null(keys);
	assert_non_null(f->contexts = tls_contexts_new(&f->config, NULL, keys, &error));
	tls_keyset_free(keys);
	assert_non_null(f->channel = tls_sign_channel_new(fds[1], flush_soon, &f->flushes));
	tls_sign_channel_bind(f->channel);
	for (int i = 0; i < 2; i++) {
		assert_non_null(f->clients[i] = SSL_CTX_new(TLS_client_method()));
		SSL_CTX_set_verify(f->clients[i], SSL_VERIFY_NONE, NULL);
	}
	SSL_CTX_set_max_proto_version(f->clients[1], TLS1_2_VERSION);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tls_sign_channel_free(f->channel);
	tls_contexts_free(f->contexts);
	tls_signer_free(f->signer);
	kill(f->key_process, SIGKILL);
	waitpid(f->key_process, NULL, 0);
	SSL_CTX_free(f->clients[0]);
	SSL_CTX_free(f->clients[1]);
	unlink(f->cert);
	unlink(f->key);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
begin(struct fixture *f, struct handshake *h, SSL_CTX *client)
{
	BIO *client_end, *server_end;

	memset(h, 0, sizeof(*h));
	assert_non_null(h->server = SSL_new(tls_default_context(f->contexts)));
	assert_non_null(h->client = SSL_new(client));
	assert_int_equal(BIO_new_bio_pair(&client_end, 0, &server_end, 0), 1);
	SSL_set_bio(h->client, client_end, client_end);
	SSL_set_bio(h->server, server_end, server_end);
	SSL_set_connect_state(h->client);
	SSL_set_accept_state(h->server);
	SSL_set_tlsext_host_name(h->client, "localhost");
	assert_int_equal(tls_handshake_async(h->server, on_resume, h), 1);
}

/* One turn of each side of every handshake. */
static void
turn(struct handshake *h, size_t n)
{
	int ret;

	for (size_t i = 0; i < n; i++) {
		if (!h[i].client_done && SSL_do_handshake(h[i].client) == 1)
			h[i].client_done = 1;
		if (!h[i].server_done) {
			if ((ret = SSL_do_handshake(h[i].server)) == 1)
				h[i].server_done = 1;
			else
				h[i].server_error = SSL_get_error(h[i].server, ret);
		}
		ERR_clear_error();
	}
}

static void
finish(struct handshake *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		SSL_free(h[i].client);
		SSL_free(h[i].server);
	}
}

/* Every handshake paused for its signature, none sent yet. */
static void
all_waiting(struct fixture *f, struct handshake *h)
{
	for (int i = 0; i < HANDSHAKES; i++)
		begin(f, &h[i], f->clients[i % 2]);
	for (int i = 0; i < 4; i++)
		turn(h, HANDSHAKES);
	for (int i = 0; i < HANDSHAKES; i++) {
		assert_int_equal(h[i].server_error, SSL_ERROR_WANT_ASYNC);
		assert_true(SSL_waiting_for_async(h[i].server));
		assert_int_equal(h[i].resumed, 0);
	}
	/* One batch, one send. */
	assert_int_equal(f->flushes, 1);
}

static int
resumed(const struct handshake *h)
{
	int n = 0;

	for (int i = 0; i < HANDSHAKES; i++)
		n += h[i].resumed;
	return n;
}

/* Read answers until every handshake was told to go on (or 5 s). */
static void
receive_all(struct fixture *f, struct handshake *h)
{
	long long deadline = monotonic_ms() + 5000;
	struct pollfd p;

	while (resumed(h) < HANDSHAKES && monotonic_ms() < deadline) {
		p = (struct pollfd){ tls_sign_channel_fd(f->channel), POLLIN, 0 };
		if (p.fd == -1 || poll(&p, 1, 100) > 0)
			tls_sign_channel_receive(f->channel);
	}
	for (int i = 0; i < HANDSHAKES; i++)
		assert_int_equal(h[i].resumed, 1);
}

static void
test_handshakes_pause_together_and_each_gets_its_own_signature(void **state)
{
	struct fixture *f = *state;
	struct handshake h[HANDSHAKES];

	all_waiting(f, h);
	tls_sign_channel_flush(f->channel);
	receive_all(f, h);
	for (int i = 0; i < 10; i++)
		turn(h, HANDSHAKES);
	/* The clients checked each signature against the certificate. */
	for (int i = 0; i < HANDSHAKES; i++) {
		assert_true(h[i].client_done);
		assert_true(h[i].server_done);
		assert_false(SSL_waiting_for_async(h[i].server));
	}
	assert_int_equal(tls_sign_channel_expire(f->channel), 0);
	finish(h, HANDSHAKES);
}

static void
fails_after_resuming(struct handshake *h)
{
	for (int i = 0; i < 4; i++)
		turn(h, HANDSHAKES);
	for (int i = 0; i < HANDSHAKES; i++) {
		assert_false(h[i].server_done);
		assert_false(SSL_waiting_for_async(h[i].server));
		/* Failed, not waiting for anything (OpenSSL queues no error
		 * of its own for a signature that fails). */
		assert_true(h[i].server_error == SSL_ERROR_SSL ||
		    h[i].server_error == SSL_ERROR_SYSCALL);
	}
}

static void
test_a_key_process_that_dies_fails_the_requests_out_at_once(void **state)
{
	struct fixture *f = *state;
	struct handshake h[HANDSHAKES];

	all_waiting(f, h);
	kill(f->key_process, SIGSTOP);
	tls_sign_channel_flush(f->channel);
	assert_int_equal(tls_sign_channel_expire(f->channel), 1);
	kill(f->key_process, SIGKILL);
	waitpid(f->key_process, NULL, 0);
	receive_all(f, h);
	assert_int_equal(tls_sign_channel_fd(f->channel), -1);
	fails_after_resuming(h);
	finish(h, HANDSHAKES);
}

static void
test_unanswered_requests_fail_after_two_seconds_and_late_answers_are_dropped(void **state)
{
	struct fixture *f = *state;
	struct timespec wait = { 2, 100000000 };
	struct handshake h[HANDSHAKES], again;

	all_waiting(f, h);
	kill(f->key_process, SIGSTOP);
	tls_sign_channel_flush(f->channel);
	assert_int_equal(tls_sign_channel_expire(f->channel), 1);
	tls_sign_channel_receive(f->channel);
	assert_int_equal(resumed(h), 0);
	nanosleep(&wait, NULL);
	assert_int_equal(tls_sign_channel_expire(f->channel), 0);
	assert_int_equal(resumed(h), HANDSHAKES);
	fails_after_resuming(h);
	finish(h, HANDSHAKES);
	/* The late answers match nothing; a new handshake is signed. */
	kill(f->key_process, SIGCONT);
	begin(f, &again, f->clients[0]);
	for (int i = 0; i < 50 && !(again.client_done && again.server_done); i++) {
		turn(&again, 1);
		tls_sign_channel_flush(f->channel);
		poll(&(struct pollfd){ tls_sign_channel_fd(f->channel), POLLIN, 0 }, 1, 100);
		tls_sign_channel_receive(f->channel);
	}
	assert_true(again.client_done && again.server_done);
	assert_int_equal(again.resumed, 1);
	finish(&again, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_handshakes_pause_together_and_each_gets_its_own_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_key_process_that_dies_fails_the_requests_out_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unanswered_requests_fail_after_two_seconds_and_late_answers_are_dropped,
		    setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
