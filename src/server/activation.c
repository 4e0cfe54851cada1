#include "server/activation.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gemini/handler.h"
#include "gopher/handler.h"
#include "util/log.h"

#define FIRST_PASSED_FD 3
#define MAX_PASSED_FDS 64

/* A whole decimal number, or -1. */
static long
decimal(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : v;
}

/* How many sockets systemd passed us: 0 when none were meant for us. */
static int
passed_count(void)
{
	long pid = decimal(getenv("LISTEN_PID")), count = decimal(getenv("LISTEN_FDS"));

	if (pid != (long)getpid() || count <= 0)
		return 0;
	if (count > MAX_PASSED_FDS) {
		log_error("LISTEN_FDS=%ld: more sockets than capsuled can use", count);
		return -1;
	}
	return (int)count;
}

static const struct protocol *
protocol_named(const char *name, size_t len)
{
	if (len == 6 && strncmp(name, "gemini", len) == 0)
		return &gemini_protocol;
	if (len == 6 && strncmp(name, "gopher", len) == 0)
		return &gopher_protocol;
	return NULL;
}

/* Each socket's protocol from LISTEN_FDNAMES, when any of them says
 * "gemini" or "gopher": 1; 0 when none does; -1 for another name among
 * them (said). */
static int
protocols_by_name(const struct protocol **protocols, int count)
{
	const char *names = getenv("LISTEN_FDNAMES"), *p;
	int i, known = 0;
	size_t len;

	if (names == NULL)
		return 0;
	for (i = 0, p = names; i < count; i++, p += len + (p[len] == ':')) {
		len = strcspn(p, ":");
		if ((protocols[i] = protocol_named(p, len)) != NULL)
			known = 1;
	}
	if (!known)
		return 0;
	for (i = 0, p = names; i < count; i++, p += len + (p[len] == ':')) {
		len = strcspn(p, ":");
		if (protocols[i] == NULL) {
			log_error("socket %d from systemd is named \"%.*s\": name each "
			    "FileDescriptorName=gemini or gopher", FIRST_PASSED_FD + i, (int)len, p);
			return -1;
		}
	}
	return 1;
}

/* Without names: the first socket is Gemini's, the second Gopher's. */
static int
protocols_by_place(const struct protocol **protocols, int count)
{
	if (count > 2) {
		log_error("systemd passed %d sockets without names: name each "
		    "FileDescriptorName=gemini or gopher", count);
		return -1;
	}
	protocols[0] = &gemini_protocol;
	if (count == 2)
		protocols[1] = &gopher_protocol;
	return 0;
}

static int
socket_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* The ports clients are told come from the configuration: say when the
 * socket disagrees with it.  -1 for a Gopher socket with Gopher off. */
static int
check_port(const struct config *c, const struct listener *l)
{
	int gopher = l->protocol == &gopher_protocol;
	int port = socket_port(l->fd);
	int announced = gopher ? config_gopher_public_port(c) : config_public_port(c);
	const char *setting = gopher ? "gopher_port" : "port";

	if (gopher && c->gopher_port == 0) {
		log_error("systemd passed a gopher socket (%s) but gopher_port = 0: set gopher_port "
		    "to its port", l->name);
		return -1;
	}
	if (port != announced && (gopher ? c->gopher_public_port : c->public_port) == 0)
		log_warn("the %s socket from systemd is %s but %s = %d, the port clients are told: "
		    "set %s = %d", l->protocol->name, l->name, setting, announced, setting, port);
	return 0;
}

static int
adopt(const struct config *c, const struct protocol **protocols, int count,
    struct listener **list, size_t *n)
{
	char *error = NULL;
	int i;

	for (i = 0; i < count; i++) {
		if (listener_adopt(FIRST_PASSED_FD + i, protocols[i], list, n, &error) == -1) {
			log_error("%s", error);
			free(error);
			return -1;
		}
		if (check_port(c, &(*list)[*n - 1]) == -1)
			return -1;
		log_info("listening on %s (%s), from systemd", (*list)[*n - 1].name,
		    protocols[i]->name);
	}
	return 0;
}

/* Gemini must be among them; Gopher, when on, should be. */
static int
check_protocols(const struct config *c, const struct protocol **protocols, int count)
{
	int i, gemini = 0, gopher = 0;

	for (i = 0; i < count; i++) {
		gemini |= protocols[i] == &gemini_protocol;
		gopher |= protocols[i] == &gopher_protocol;
	}
	if (!gemini) {
		log_error("systemd passed no gemini socket (FileDescriptorName=gemini)");
		return -1;
	}
	if (!gopher && c->gopher_port != 0)
		log_warn("systemd passed no gopher socket: Gopher is not served");
	return 0;
}

static int
take_sockets(const struct config *c, int count, struct listener **list, size_t *n)
{
	const struct protocol *protocols[MAX_PASSED_FDS] = { 0 };
	int named;

	if ((named = protocols_by_name(protocols, count)) == 0)
		named = protocols_by_place(protocols, count);
	if (named == -1 || check_protocols(c, protocols, count) == -1 ||
	    adopt(c, protocols, count, list, n) == -1)
		return -1;
	return 1;
}

int
activation_listeners(const struct config *c, struct listener **list, size_t *n)
{
	int count = passed_count(), rc = count;

	if (count > 0)
		rc = take_sockets(c, count, list, n);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return rc;
}
