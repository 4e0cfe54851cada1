/* Per-address limits: keys, the connection cap, the token bucket, a full table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <cmocka.h>

#include "net/limits.h"

static struct sockaddr_storage
address(const char *text)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *four = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *six = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &four->sin_addr) == 1)
		four->sin_family = AF_INET;
	else {
		assert_int_equal(inet_pton(AF_INET6, text, &six->sin6_addr), 1);
		six->sin6_family = AF_INET6;
	}
	return ss;
}

static struct address_key
key(const struct address_limits *l, const char *text)
{
	struct sockaddr_storage ss = address(text);
	struct address_key k;

	address_key_of(l, &ss, &k);
	return k;
}

static void
test_keys(void **state)
{
	struct address_limits_config c = { 4, 60, 10, 0 };
	struct address_limits *l = address_limits_new(&c);
	struct address_key a, b;

	(void)state;
	/* Loopback is exempt unless asked; a mapped IPv4 is the IPv4 address. */
	assert_int_equal(key(l, "127.0.0.1").family, 0);
	assert_int_equal(key(l, "::1").family, 0);
	assert_int_equal(key(l, "::ffff:127.0.0.2").family, 0);
	a = key(l, "192.0.2.7");
	b = key(l, "::ffff:192.0.2.7");
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(&a, &b, sizeof(a));
	/* One IPv6 /64 is one client. */
	a = key(l, "2001:db8:1:2::10");
	b = key(l, "2001:db8:1:2:ffff::1");
	assert_int_equal(a.family, AF_INET6);
	assert_memory_equal(&a, &b, sizeof(a));
	b = key(l, "2001:db8:1:3::10");
	assert_memory_not_equal(&a, &b, sizeof(a));
	c.limit_loopback = 1;
	address_limits_configure(l, &c);
	assert_int_equal(key(l, "127.0.0.1").family, AF_INET);
	assert_int_equal(key(l, "::1").family, AF_INET6);
	address_limits_free(l);
}

static void
test_connection_cap(void **state)
{
	struct address_limits_config c = { 2, 0, 0, 0 };
	struct address_limits *l = address_limits_new(&c);
	struct address_key a = key(l, "192.0.2.7"), b = key(l, "192.0.2.8");
	struct address_key local = key(l, "127.0.0.1");
	int i;

	(void)state;
	assert_int_equal(address_limits_connect(l, &a, 0), 1);
	assert_int_equal(address_limits_connect(l, &a, 0), 1);
	assert_int_equal(address_limits_connect(l, &a, 0), 0);
	assert_int_equal(address_limits_connect(l, &b, 0), 1);
	address_limits_disconnect(l, &a);
	assert_int_equal(address_limits_connect(l, &a, 0), 1);
	assert_int_equal(address_limits_connect(l, &a, 0), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(address_limits_connect(l, &local, 0), -1);
	/* No cap: nothing counted. */
	c.max_connections = 0;
	address_limits_configure(l, &c);
	assert_int_equal(address_limits_connect(l, &a, 0), -1);
	address_limits_free(l);
}

static void
test_rate(void **state)
{
	/* 60 a minute is one a second, after a burst of 3. */
	struct address_limits_config c = { 0, 60, 3, 0 };
	struct address_limits *l = address_limits_new(&c);
	struct address_key a = key(l, "192.0.2.7"), b = key(l, "2001:db8::1");

	(void)state;
	assert_int_equal(address_limits_request(l, &a, 1000), 0);
	assert_int_equal(address_limits_request(l, &a, 1000), 0);
	assert_int_equal(address_limits_request(l, &a, 1000), 0);
	assert_int_equal(address_limits_request(l, &a, 1000), 1);
	assert_int_equal(address_limits_request(l, &b, 1000), 0);
	/* Half a second later, half a token: still a second at most to wait. */
	assert_int_equal(address_limits_request(l, &a, 1500), 1);
	assert_int_equal(address_limits_request(l, &a, 2000), 0);
	assert_int_equal(address_limits_request(l, &a, 2000), 1);
	/* Long idle: the bucket is full again, never fuller. */
	assert_int_equal(address_limits_request(l, &a, 600000), 0);
	assert_int_equal(address_limits_request(l, &a, 600000), 0);
	assert_int_equal(address_limits_request(l, &a, 600000), 0);
	assert_int_equal(address_limits_request(l, &a, 600000), 1);
	/* Slower rates ask for longer waits: 6 a minute, 10 s a request. */
	c.per_minute = 6;
	address_limits_configure(l, &c);
	assert_int_equal(address_limits_request(l, &a, 600000), 10);
	c.per_minute = 0;
	address_limits_configure(l, &c);
	assert_int_equal(address_limits_request(l, &a, 600000), 0);
	address_limits_free(l);
}

/* Thousands of addresses at once: the table stays bounded, busy entries
 * are kept, and the overflow goes unlimited instead of being refused. */
static void
test_full_table(void **state)
{
	struct address_limits_config c = { 1, 60, 1, 0 };
	struct address_limits *l = address_limits_new(&c);
	struct sockaddr_storage ss;
	struct address_key k, first;
	uint32_t i, counted = 0, free_pass = 0;

	(void)state;
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_INET;
	for (i = 0; i < 20000; i++) {
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(0x0a000000u + i);
		address_key_of(l, &ss, &k);
		if (i == 0)
			first = k;
		switch (address_limits_connect(l, &k, 0)) {
		case 1:
			counted++;
			break;
		case -1:
			free_pass++;
			break;
		default:
			fail_msg("address %u refused", i);
		}
	}
	assert_true(counted >= 2048 && counted <= 4096);
	assert_int_equal(counted + free_pass, 20000);
	/* The first address is still known and still at its cap. */
	assert_int_equal(address_limits_connect(l, &first, 0), 0);
	address_limits_disconnect(l, &first);
	assert_int_equal(address_limits_connect(l, &first, 0), 1);
	address_limits_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_connection_cap),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
