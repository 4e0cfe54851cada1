/* Socket activation: sockets at descriptors 3 and on, told apart by
 * LISTEN_FDNAMES or by their place, checked to be listening TCP sockets,
 * and the variables taken out of the environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gemini/handler.h"
#include "gopher/handler.h"
#include "server/activation.h"

/* A TCP socket on a free loopback port at descriptor fd, listening or not. */
static void
socket_at(int fd, int listening)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&addr, sizeof(addr)), 0);
	if (listening)
		assert_int_equal(listen(s, 4), 0);
	if (s != fd) {
		assert_int_equal(dup2(s, fd), fd);
		close(s);
	}
}

static void
pass(const char *count, const char *names)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", count, 1);
	if (names != NULL)
		setenv("LISTEN_FDNAMES", names, 1);
	else
		unsetenv("LISTEN_FDNAMES");
}

static struct config *
defaults(void)
{
	char *argv[] = { "capsuled", NULL }, *error = NULL;
	struct config *c = config_load(1, argv, &error);

	assert_non_null(c);
	return c;
}

/* activation_listeners() on what pass() set: its result, the listeners in
 * *list, the variables gone. */
static int
activate(struct listener **list, size_t *n)
{
	struct config *c = defaults();
	int rc;

	*list = NULL;
	*n = 0;
	rc = activation_listeners(c, list, n);
	config_free(c);
	assert_null(getenv("LISTEN_PID"));
	assert_null(getenv("LISTEN_FDS"));
	assert_null(getenv("LISTEN_FDNAMES"));
	return rc;
}

static void
test_names_tell_the_protocols(void **state)
{
	struct listener *list;
	size_t n;

	(void)state;
	socket_at(3, 1);
	socket_at(4, 1);
	pass("2", "gopher:gemini");
	assert_int_equal(activate(&list, &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].fd, 3);
	assert_ptr_equal(list[0].protocol, &gopher_protocol);
	assert_ptr_equal(list[1].protocol, &gemini_protocol);
	assert_true(strncmp(list[1].name, "127.0.0.1:", 10) == 0);
	assert_true(fcntl(3, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(4, F_GETFD) & FD_CLOEXEC);
	listeners_close(list, n);
}

static void
test_without_names_gemini_then_gopher(void **state)
{
	struct listener *list;
	size_t n;

	(void)state;
	socket_at(3, 1);
	socket_at(4, 1);
	pass("2", "capsuled.socket:capsuled.socket");
	assert_int_equal(activate(&list, &n), 1);
	assert_ptr_equal(list[0].protocol, &gemini_protocol);
	assert_ptr_equal(list[1].protocol, &gopher_protocol);
	listeners_close(list, n);
}

static void
test_refusals(void **state)
{
	struct listener *list;
	size_t n;

	(void)state;
	socket_at(3, 1);
	socket_at(4, 1);
	pass("2", "gemini:http");
	assert_int_equal(activate(&list, &n), -1);
	listeners_close(list, n);
	socket_at(3, 1);
	socket_at(4, 0);
	pass("2", "gemini:gopher");
	assert_int_equal(activate(&list, &n), -1);
	listeners_close(list, n);
	socket_at(3, 1);
	pass("1", "gopher");
	assert_int_equal(activate(&list, &n), -1); /* no Gemini */
	listeners_close(list, n);
	close(4);
}

static void
test_sockets_for_another_process_are_not_ours(void **state)
{
	struct listener *list;
	size_t n;

	(void)state;
	pass("2", NULL);
	setenv("LISTEN_PID", "1", 1);
	assert_int_equal(activate(&list, &n), 0);
	assert_int_equal(n, 0);
	unsetenv("LISTEN_PID");
	assert_int_equal(activate(&list, &n), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_tell_the_protocols),
		cmocka_unit_test(test_without_names_gemini_then_gopher),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_sockets_for_another_process_are_not_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
