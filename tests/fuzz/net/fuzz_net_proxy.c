#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "net/proxy.h"

/* Whatever the bytes, the parser answers, and a finished header never
 * claims fewer bytes than the smallest header. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage peer;
	size_t consumed;

	if (proxy_header_parse(data, size, &consumed, &peer) == PROXY_DONE &&
	    consumed < PROXY_V2_FIXED && consumed < sizeof("PROXY UNKNOWN\r\n") - 1)
		abort();
	return 0;
}
