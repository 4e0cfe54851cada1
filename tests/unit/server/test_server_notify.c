/* systemd's notifications, written by hand: the datagrams on a path and
 * on an abstract socket, NOTIFY_SOCKET taken out of the environment, and
 * nothing at all without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "server/notify.h"

/* A datagram socket bound to name ("@x" abstract, else a path). */
static int
listen_at(const char *name)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	struct timeval timeout = { 5, 0 };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd != -1);
	memcpy(addr.sun_path, name, strlen(name));
	if (name[0] == '@')
		addr.sun_path[0] = '\0';
	else
		len++;
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, len), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	return fd;
}

static const char *
receive(int fd)
{
	static char message[512];
	ssize_t n = recv(fd, message, sizeof(message) - 1, 0);

	assert_true(n > 0);
	message[n] = '\0';
	return message;
}

static void
exchange(const char *name)
{
	int fd = listen_at(name);
	struct notifier n;
	unsigned long long usec, now_usec;
	struct timespec now;
	const char *m;

	setenv("NOTIFY_SOCKET", name, 1);
	notify_open(&n);
	assert_null(getenv("NOTIFY_SOCKET"));
	notify_ready(&n, "serving");
	assert_string_equal(receive(fd), "READY=1\nSTATUS=serving");
	notify_reloading(&n);
	m = receive(fd);
	assert_true(strncmp(m, "RELOADING=1\nMONOTONIC_USEC=", 27) == 0);
	usec = strtoull(m + 27, NULL, 10);
	clock_gettime(CLOCK_MONOTONIC, &now);
	now_usec = (unsigned long long)now.tv_sec * 1000000ull + (unsigned long long)now.tv_nsec / 1000;
	assert_true(usec <= now_usec && now_usec - usec < 5000000ull);
	notify_stopping(&n);
	assert_true(strncmp(receive(fd), "STOPPING=1\n", 11) == 0);
	notify_close(&n);
	close(fd);
}

static void
test_path_socket(void **state)
{
	char dir[] = "/tmp/capsuled-notify-XXXXXX", path[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	exchange(path);
	unlink(path);
	rmdir(dir);
}

static void
test_abstract_socket(void **state)
{
	char name[64];

	(void)state;
	snprintf(name, sizeof(name), "@capsuled-notify-test-%d", (int)getpid());
	exchange(name);
}

static void
test_without_systemd_nothing_is_sent(void **state)
{
	struct notifier n;

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	notify_open(&n);
	assert_int_equal(n.fd, -1);
	notify_ready(&n, "serving");
	notify_close(&n);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	notify_open(&n);
	assert_int_equal(n.fd, -1);
	assert_null(getenv("NOTIFY_SOCKET"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_without_systemd_nothing_is_sent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
