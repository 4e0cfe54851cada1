/* Session tickets: keys shared by every set of contexts made with them
 * (a session resumes on the contexts of a later reload), and their
 * rotation (a key still opens tickets for one period after its own). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "tls/tls.h"

struct fixture {
	char dir[64], cert[128], key[128];
	struct host_config host;
	struct config config;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *error = NULL;

	snprintf(f->dir, sizeof(f->dir), "/tmp/capsuled-tickets-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->cert, sizeof(f->cert), "%s/localhost.crt", f->dir);
	snprintf(f->key, sizeof(f->key), "%s/localhost.key", f->dir);
	assert_int_equal(tls_generate_certificate("localhost", f->cert, f->key, &error), 0);
	f->host = (struct host_config){ .name = "localhost", .cert = f->cert, .key = f->key };
	f->config.hosts = &f->host;
	f->config.nhosts = 1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->cert);
	unlink(f->key);
	rmdir(f->dir);
	free(f);
	return 0;
}

static SSL_CTX *
client_context(int version)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	assert_non_null(ctx);
	SSL_CTX_set_min_proto_version(ctx, version);
	SSL_CTX_set_max_proto_version(ctx, version);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

/* One connection over a memory BIO pair, offering session (or none): 1
 * when the server resumed it.  *next gets the session to offer next. */
static int
connect_once(const struct tls_contexts *server_contexts, SSL_CTX *client_ctx,
    SSL_SESSION *session, SSL_SESSION **next)
{
	SSL *server = SSL_new(tls_default_context(server_contexts));
	SSL *client = SSL_new(client_ctx);
	BIO *client_end, *server_end;
	int i, done_client = 0, done_server = 0, reused;
	char byte;

	assert_int_equal(BIO_new_bio_pair(&client_end, 0, &server_end, 0), 1);
	SSL_set_bio(client, client_end, client_end);
	SSL_set_bio(server, server_end, server_end);
	SSL_set_connect_state(client);
	SSL_set_accept_state(server);
	SSL_set_tlsext_host_name(client, "localhost");
	if (session != NULL)
		SSL_set_session(client, session);
	for (i = 0; i < 50 && !(done_client && done_server); i++) {
		done_client = done_client || SSL_do_handshake(client) == 1;
		done_server = done_server || SSL_do_handshake(server) == 1;
	}
	assert_true(done_client && done_server);
	/* TLS 1.3 tickets come after the handshake: read them with a byte. */
	assert_int_equal(SSL_write(server, "x", 1), 1);
	assert_int_equal(SSL_read(client, &byte, 1), 1);
	reused = SSL_session_reused(client);
	*next = SSL_get1_session(client);
	/* A client freed without close_notify marks its session unusable. */
	SSL_shutdown(client);
	SSL_free(client);
	SSL_free(server);
	return reused;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void
test_a_session_resumes_on_contexts_made_later(void **state)
{
	static const int versions[] = { TLS1_2_VERSION, TLS1_3_VERSION };
	struct fixture *f = *state;
	struct tls_contexts *before, *after, *own_keys;
	struct tls_tickets *tickets = tls_tickets_new(3600);
	SSL_SESSION *session, *next;
	char *error = NULL;
	SSL_CTX *client;
	size_t i;

	assert_non_null(tickets);
	for (i = 0; i < 2; i++) {
		client = client_context(versions[i]);
		assert_non_null(before = tls_contexts_new(&f->config, tickets, NULL, &error));
		assert_non_null(after = tls_contexts_new(&f->config, tickets, NULL, &error));
		assert_non_null(own_keys = tls_contexts_new(&f->config, NULL, NULL, &error));
		assert_false(connect_once(before, client, NULL, &session));
		assert_true(connect_once(after, client, session, &next));
		SSL_SESSION_free(next);
		/* Contexts with their own keys cannot open the ticket. */
		assert_false(connect_once(own_keys, client, session, &next));
		SSL_SESSION_free(next);
		SSL_SESSION_free(session);
		tls_contexts_free(before);
		tls_contexts_free(after);
		tls_contexts_free(own_keys);
		SSL_CTX_free(client);
	}
	tls_tickets_free(tickets);
}

static void
test_keys_rotate_and_the_previous_one_serves_one_period(void **state)
{
	struct fixture *f = *state;
	struct tls_tickets *tickets = tls_tickets_new(1);
	SSL_CTX *client = client_context(TLS1_3_VERSION);
	SSL_SESSION *first, *next;
	struct tls_contexts *t;
	char *error = NULL;

	assert_non_null(tickets);
	assert_non_null(t = tls_contexts_new(&f->config, tickets, NULL, &error));
	assert_false(connect_once(t, client, NULL, &first));
	sleep_ms(1300); /* a new key now; the first still opens tickets */
	assert_true(connect_once(t, client, first, &next));
	SSL_SESSION_free(next);
	sleep_ms(2200); /* two rotations later the first key is gone */
	assert_false(connect_once(t, client, first, &next));
	SSL_SESSION_free(next);
	SSL_SESSION_free(first);
	tls_contexts_free(t);
	SSL_CTX_free(client);
	tls_tickets_free(tickets);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_session_resumes_on_contexts_made_later, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keys_rotate_and_the_previous_one_serves_one_period,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
