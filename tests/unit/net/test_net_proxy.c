/* The PROXY protocol header parser, versions 1 and 2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/proxy.h"

static enum proxy_result
parse(const void *data, size_t len, size_t *consumed, struct sockaddr_storage *peer)
{
	return proxy_header_parse(data, len, consumed, peer);
}

static void
test_v1_tcp4(void **state)
{
	const char header[] = "PROXY TCP4 203.0.113.7 192.0.2.1 51234 1965\r\nTLS...";
	struct sockaddr_storage peer;
	struct sockaddr_in *four = (struct sockaddr_in *)&peer;
	char addr[INET_ADDRSTRLEN];
	size_t consumed;

	(void)state;
	assert_int_equal(parse(header, sizeof(header) - 1, &consumed, &peer), PROXY_DONE);
	assert_int_equal(consumed, strlen("PROXY TCP4 203.0.113.7 192.0.2.1 51234 1965\r\n"));
	assert_int_equal(peer.ss_family, AF_INET);
	inet_ntop(AF_INET, &four->sin_addr, addr, sizeof(addr));
	assert_string_equal(addr, "203.0.113.7");
	assert_int_equal(ntohs(four->sin_port), 51234);
}

static void
test_v1_tcp6_and_unknown(void **state)
{
	const char six[] = "PROXY TCP6 2001:db8::7 2001:db8::1 4000 1965\r\n";
	const char unknown[] = "PROXY UNKNOWN\r\n";
	struct sockaddr_storage peer;
	size_t consumed;

	(void)state;
	assert_int_equal(parse(six, strlen(six), &consumed, &peer), PROXY_DONE);
	assert_int_equal(peer.ss_family, AF_INET6);
	assert_int_equal(parse(unknown, strlen(unknown), &consumed, &peer), PROXY_DONE);
	assert_int_equal(peer.ss_family, AF_UNSPEC);
	assert_int_equal(consumed, strlen(unknown));
}

static void
test_v1_incomplete_and_bad(void **state)
{
	static const char *const bad[] = {
		"GET / HTTP/1.0\r\n", "gemini://localhost/\r\n",
		"PROXY TCP4 203.0.113.7 192.0.2.1 51234\r\n",
		"PROXY TCP4 2001:db8::1 192.0.2.1 1 2\r\n",
		"PROXY TCP4 203.0.113.7 192.0.2.1 70000 1965\r\n",
		"PROXY TCP4 203.0.113.7 192.0.2.1 01 1965\r\n",
		"PROXY TCP4 203.0.113.7 192.0.2.1 1 1965\n",
		"PROXY TCP4 203.0.113.7 192.0.2.1 1 1965 extra\r\n",
		"PROXY TCP4 203.0.113.7\x01 192.0.2.1 1 1965\r\n",
		"PROXY UDP4 203.0.113.7 192.0.2.1 1 1965\r\n",
	};
	char longline[200];
	struct sockaddr_storage peer;
	size_t consumed, i;

	(void)state;
	assert_int_equal(parse("PROX", 4, &consumed, &peer), PROXY_NEED_MORE);
	assert_int_equal(parse("PROXY TCP4 1.2.3.4", 18, &consumed, &peer), PROXY_NEED_MORE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], strlen(bad[i]), &consumed, &peer) != PROXY_BAD)
			fail_msg("accepted: %s", bad[i]);
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "PROXY ", 6);
	assert_int_equal(parse(longline, sizeof(longline), &consumed, &peer), PROXY_BAD);
}

static size_t
v2_header(unsigned char *out, unsigned char command, unsigned char family, size_t body)
{
	static const unsigned char sig[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51,
		0x55, 0x49, 0x54, 0x0a };

	memcpy(out, sig, 12);
	out[12] = (unsigned char)(0x20 | command);
	out[13] = family;
	out[14] = (unsigned char)(body >> 8);
	out[15] = (unsigned char)body;
	return 16;
}

static void
test_v2(void **state)
{
	unsigned char h[600];
	struct sockaddr_storage peer;
	struct sockaddr_in *four = (struct sockaddr_in *)&peer;
	size_t consumed, n;

	(void)state;
	n = v2_header(h, 1, 0x11, 12);
	memcpy(h + n, "\xcb\x00\x71\x07" "\xc0\x00\x02\x01" "\xc8\x22" "\x07\xad", 12);
	assert_int_equal(parse(h, 10, &consumed, &peer), PROXY_NEED_MORE);
	assert_int_equal(parse(h, 20, &consumed, &peer), PROXY_NEED_MORE);
	assert_int_equal(parse(h, 28, &consumed, &peer), PROXY_DONE);
	assert_int_equal(consumed, 28);
	assert_int_equal(peer.ss_family, AF_INET);
	assert_int_equal(ntohl(four->sin_addr.s_addr), 0xcb007107);
	assert_int_equal(ntohs(four->sin_port), 51234);

	/* Long TLVs: consumed tells the caller how much more to discard. */
	n = v2_header(h, 1, 0x11, 500);
	memcpy(h + n, "\xcb\x00\x71\x07" "\xc0\x00\x02\x01" "\xc8\x22" "\x07\xad", 12);
	assert_int_equal(parse(h, 28, &consumed, &peer), PROXY_DONE);
	assert_int_equal(consumed, 516);

	v2_header(h, 0, 0x00, 0); /* LOCAL: a health check */
	assert_int_equal(parse(h, 16, &consumed, &peer), PROXY_DONE);
	assert_int_equal(peer.ss_family, AF_UNSPEC);

	v2_header(h, 1, 0x11, 4); /* too short for IPv4 addresses */
	assert_int_equal(parse(h, 20, &consumed, &peer), PROXY_BAD);
	v2_header(h, 2, 0x11, 12); /* unknown command */
	assert_int_equal(parse(h, 28, &consumed, &peer), PROXY_BAD);
	h[12] = 0x11; /* version 1 in a v2 signature */
	assert_int_equal(parse(h, 28, &consumed, &peer), PROXY_BAD);
	h[3] = 0;
	assert_int_equal(parse(h, 28, &consumed, &peer), PROXY_BAD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_tcp4),
		cmocka_unit_test(test_v1_tcp6_and_unknown),
		cmocka_unit_test(test_v1_incomplete_and_bad),
		cmocka_unit_test(test_v2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
