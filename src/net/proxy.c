#include "net/proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char v2_signature[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

static int
parse_port(const char *s, in_port_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > 65535)
		return -1;
	*port = htons((uint16_t)v);
	return 0;
}

/* "PROXY TCP4 src dst sport dport\r\n" or "PROXY UNKNOWN ...\r\n". */
static enum proxy_result
parse_v1(const unsigned char *data, size_t len, size_t *consumed, struct sockaddr_storage *peer)
{
	char line[PROXY_V1_MAX + 1], *fields[6], *save = NULL, *tok;
	struct sockaddr_in *four = (struct sockaddr_in *)peer;
	struct sockaddr_in6 *six = (struct sockaddr_in6 *)peer;
	in_port_t port;
	size_t i, n = 0;

	for (i = 0; i < len && i < PROXY_V1_MAX; i++) {
		if (data[i] == '\n')
			break;
		if (data[i] < 0x20 && data[i] != '\r')
			return PROXY_BAD;
	}
	if (i == len)
		return len >= PROXY_V1_MAX ? PROXY_BAD : PROXY_NEED_MORE;
	if (i == PROXY_V1_MAX || i == 0 || data[i - 1] != '\r')
		return PROXY_BAD;
	memcpy(line, data, i - 1);
	line[i - 1] = '\0';
	*consumed = i + 1;
	memset(peer, 0, sizeof(*peer));
	for (tok = strtok_r(line, " ", &save); tok != NULL && n < 6; tok = strtok_r(NULL, " ", &save))
		fields[n++] = tok;
	if (n < 2 || strcmp(fields[0], "PROXY") != 0)
		return PROXY_BAD;
	if (!strcmp(fields[1], "UNKNOWN")) {
		peer->ss_family = AF_UNSPEC;
		return PROXY_DONE;
	}
	/* Both ports must be valid; the source port is the one kept. */
	if (n != 6 || tok != NULL || parse_port(fields[5], &port) == -1 ||
	    parse_port(fields[4], &port) == -1)
		return PROXY_BAD;
	if (!strcmp(fields[1], "TCP4") && inet_pton(AF_INET, fields[2], &four->sin_addr) == 1) {
		four->sin_family = AF_INET;
		four->sin_port = port;
		return PROXY_DONE;
	}
	if (!strcmp(fields[1], "TCP6") && inet_pton(AF_INET6, fields[2], &six->sin6_addr) == 1) {
		six->sin6_family = AF_INET6;
		six->sin6_port = port;
		return PROXY_DONE;
	}
	return PROXY_BAD;
}

static enum proxy_result
parse_v2(const unsigned char *data, size_t len, size_t *consumed, struct sockaddr_storage *peer)
{
	struct sockaddr_in *four = (struct sockaddr_in *)peer;
	struct sockaddr_in6 *six = (struct sockaddr_in6 *)peer;
	size_t body;

	if (len < PROXY_V2_FIXED)
		return PROXY_NEED_MORE;
	if ((data[12] >> 4) != 2)
		return PROXY_BAD;
	body = ((size_t)data[14] << 8) | data[15];
	*consumed = PROXY_V2_FIXED + body;
	memset(peer, 0, sizeof(*peer));
	switch (data[12] & 0x0f) {
	case 0: /* LOCAL: the balancer's own health check */
		peer->ss_family = AF_UNSPEC;
		return PROXY_DONE;
	case 1: /* PROXY */
		break;
	default:
		return PROXY_BAD;
	}
	switch (data[13]) {
	case 0x11: /* TCP over IPv4: src, dst, sport, dport */
		if (body < 12)
			return PROXY_BAD;
		if (len < PROXY_V2_FIXED + 12)
			return PROXY_NEED_MORE;
		four->sin_family = AF_INET;
		memcpy(&four->sin_addr, data + 16, 4);
		memcpy(&four->sin_port, data + 24, 2);
		return PROXY_DONE;
	case 0x21: /* TCP over IPv6 */
		if (body < 36)
			return PROXY_BAD;
		if (len < PROXY_V2_FIXED + 36)
			return PROXY_NEED_MORE;
		six->sin6_family = AF_INET6;
		memcpy(&six->sin6_addr, data + 16, 16);
		memcpy(&six->sin6_port, data + 48, 2);
		return PROXY_DONE;
	default: /* UDP, UNIX or unspecified: no usable client address */
		peer->ss_family = AF_UNSPEC;
		return PROXY_DONE;
	}
}

enum proxy_result
proxy_header_parse(const unsigned char *data, size_t len, size_t *consumed,
    struct sockaddr_storage *peer)
{
	size_t n = len < sizeof(v2_signature) ? len : sizeof(v2_signature);

	*consumed = 0;
	if (len == 0)
		return PROXY_NEED_MORE;
	if (data[0] == v2_signature[0]) {
		if (memcmp(data, v2_signature, n) != 0)
			return PROXY_BAD;
		return n < sizeof(v2_signature) ? PROXY_NEED_MORE : parse_v2(data, len, consumed, peer);
	}
	n = len < 6 ? len : 6;
	if (memcmp(data, "PROXY ", n) != 0)
		return PROXY_BAD;
	return n < 6 ? PROXY_NEED_MORE : parse_v1(data, len, consumed, peer);
}
