#include "net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/buf.h"

/* A deep backlog: a burst of handshakes must queue, not lose SYNs. */
#define LISTEN_BACKLOG 4096

static int
open_socket(const struct sockaddr *sa, socklen_t len, int v6only, char **error,
    const char *name)
{
	struct buf b = BUF_INIT;
	int fd, one = 1, defer_seconds = 1;

	if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Wake us when the client has sent something (or after a second of
	 * silence): a connection then usually costs one accept and one read. */
	setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_seconds, sizeof(defer_seconds));
	if (sa->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	if (bind(fd, sa, len) == -1 || listen(fd, LISTEN_BACKLOG) == -1)
		goto fail;
	return fd;
fail:
	buf_printf(&b, "cannot listen on %s: %s", name, strerror(errno));
	*error = buf_release(&b, NULL);
	if (fd != -1)
		close(fd);
	return -1;
}

static int
append(struct listener **list, size_t *n, int fd, const struct protocol *protocol,
    const char *name)
{
	struct listener *l;

	if ((l = reallocarray(*list, *n + 1, sizeof(*l))) == NULL)
		return -1;
	*list = l;
	l[*n].fd = fd;
	l[*n].adopted = 0;
	l[*n].protocol = protocol;
	snprintf(l[*n].name, sizeof(l[*n].name), "%s", name);
	(*n)++;
	return 0;
}

/* "*": one dual-stack IPv6 socket, or IPv4 alone where IPv6 is missing. */
static int
bind_any(int port, const struct protocol *protocol, struct listener **list, size_t *n,
    char **error)
{
	struct sockaddr_in6 six = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in four = { .sin_family = AF_INET, .sin_addr.s_addr = INADDR_ANY };
	char name[80];
	int fd;

	six.sin6_port = four.sin_port = htons((uint16_t)port);
	snprintf(name, sizeof(name), "[::]:%d", port);
	if ((fd = open_socket((struct sockaddr *)&six, sizeof(six), 0, error, name)) != -1)
		return append(list, n, fd, protocol, name) == -1 ? (close(fd), -1) : 0;
	if (errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL)
		return -1;
	free(*error);
	*error = NULL;
	snprintf(name, sizeof(name), "0.0.0.0:%d", port);
	if ((fd = open_socket((struct sockaddr *)&four, sizeof(four), 0, error, name)) == -1)
		return -1;
	return append(list, n, fd, protocol, name) == -1 ? (close(fd), -1) : 0;
}

int
listener_bind(const char *address, int port, const struct protocol *protocol,
    struct listener **list, size_t *n, char **error)
{
	struct sockaddr_in6 six = { .sin6_family = AF_INET6 };
	struct sockaddr_in four = { .sin_family = AF_INET };
	struct buf b = BUF_INIT;
	char host[64], name[80];
	size_t len;
	int fd;

	*error = NULL;
	if (!strcmp(address, "*"))
		return bind_any(port, protocol, list, n, error);
	len = strlen(address);
	if (address[0] == '[' && len > 2 && address[len - 1] == ']' && len - 2 < sizeof(host)) {
		memcpy(host, address + 1, len - 2);
		host[len - 2] = '\0';
	} else {
		snprintf(host, sizeof(host), "%s", address);
	}
	six.sin6_port = four.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &four.sin_addr) == 1) {
		snprintf(name, sizeof(name), "%s:%d", host, port);
		fd = open_socket((struct sockaddr *)&four, sizeof(four), 0, error, name);
	} else if (inet_pton(AF_INET6, host, &six.sin6_addr) == 1) {
		snprintf(name, sizeof(name), "[%s]:%d", host, port);
		fd = open_socket((struct sockaddr *)&six, sizeof(six), 1, error, name);
	} else {
		buf_printf(&b, "listen: \"%s\" is not an IPv4 or IPv6 address (or *)", address);
		*error = buf_release(&b, NULL);
		return -1;
	}
	if (fd == -1)
		return -1;
	if (append(list, n, fd, protocol, name) == -1) {
		close(fd);
		*error = strdup("out of memory");
		return -1;
	}
	return 0;
}

/* "[::1]:1965" or "127.0.0.1:1965": the address a socket is bound to. */
static void
socket_name(int fd, char *name, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN];
	const struct sockaddr_in6 *six = (const struct sockaddr_in6 *)&ss;
	const struct sockaddr_in *four = (const struct sockaddr_in *)&ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		snprintf(name, size, "fd %d", fd);
	else if (ss.ss_family == AF_INET6 && inet_ntop(AF_INET6, &six->sin6_addr, host, sizeof(host)))
		snprintf(name, size, "[%s]:%u", host, ntohs(six->sin6_port));
	else if (ss.ss_family == AF_INET && inet_ntop(AF_INET, &four->sin_addr, host, sizeof(host)))
		snprintf(name, size, "%s:%u", host, ntohs(four->sin_port));
	else
		snprintf(name, size, "fd %d (family %d)", fd, ss.ss_family);
}

/* An int socket option, or -1. */
static int
socket_option(int fd, int option)
{
	socklen_t len = sizeof(int);
	int value;

	return getsockopt(fd, SOL_SOCKET, option, &value, &len) == -1 ? -1 : value;
}

/* Why fd is not a listening TCP socket, or NULL when it is one. */
static const char *
not_a_listener(int fd)
{
	int domain = socket_option(fd, SO_DOMAIN);

	if (domain == -1)
		return strerror(errno);
	if (domain != AF_INET && domain != AF_INET6)
		return "not an IPv4 or IPv6 socket";
	if (socket_option(fd, SO_TYPE) != SOCK_STREAM)
		return "not a stream socket";
	if (socket_option(fd, SO_ACCEPTCONN) != 1)
		return "not listening";
	return NULL;
}

int
listener_adopt(int fd, const struct protocol *protocol, struct listener **list, size_t *n,
    char **error)
{
	struct buf b = BUF_INIT;
	const char *why;
	char name[80];
	int flags, defer_seconds = 1;

	*error = NULL;
	if ((why = not_a_listener(fd)) != NULL) {
		buf_printf(&b, "socket %d from the service manager: %s", fd, why);
		*error = buf_release(&b, NULL);
		return -1;
	}
	/* Accept loops take sockets until EAGAIN: never a blocking one. */
	if ((flags = fcntl(fd, F_GETFL)) == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		buf_printf(&b, "socket %d from the service manager: %s", fd, strerror(errno));
		*error = buf_release(&b, NULL);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_seconds, sizeof(defer_seconds));
	socket_name(fd, name, sizeof(name));
	if (append(list, n, fd, protocol, name) == -1) {
		*error = strdup("out of memory");
		return -1;
	}
	(*list)[*n - 1].adopted = 1;
	return 0;
}

void
listeners_refuse(struct listener *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (list[i].fd == -1)
			continue;
		if (!list[i].adopted)
			shutdown(list[i].fd, SHUT_RD);
		close(list[i].fd);
		list[i].fd = -1;
	}
}

void
listeners_close(struct listener *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i].fd != -1)
			close(list[i].fd);
	free(list);
}
