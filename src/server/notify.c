#include "server/notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

/* The address NOTIFY_SOCKET names: a path, or "@name" for an abstract
 * socket (a leading NUL).  Its length, or 0 when it cannot be one. */
static socklen_t
notify_address(const char *name, struct sockaddr_un *addr)
{
	size_t len = strlen(name);

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if ((name[0] != '/' && name[0] != '@') || len < 2 || len >= sizeof(addr->sun_path))
		return 0;
	memcpy(addr->sun_path, name, len);
	if (name[0] == '@')
		addr->sun_path[0] = '\0';
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (name[0] == '/'));
}

void
notify_open(struct notifier *n)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr;
	socklen_t len;

	n->fd = -1;
	if (name == NULL)
		return;
	if ((len = notify_address(name, &addr)) == 0) {
		log_warn("NOTIFY_SOCKET=%s is not a socket address; not telling systemd", name);
	} else if ((n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(n->fd, (struct sockaddr *)&addr, len) == -1) {
		log_warn("NOTIFY_SOCKET %s: %s; not telling systemd", name, strerror(errno));
		notify_close(n);
	}
	unsetenv("NOTIFY_SOCKET");
}

void
notify_close(struct notifier *n)
{
	if (n->fd != -1)
		close(n->fd);
	n->fd = -1;
}

/* One message, "KEY=value" lines; systemd reads it whole or not at all. */
void
notify_send(struct notifier *n, const char *message)
{
	if (n->fd == -1)
		return;
	if (send(n->fd, message, strlen(message), MSG_NOSIGNAL) == -1)
		log_warn("telling systemd \"%.*s\": %s", (int)strcspn(message, "\n"), message,
		    strerror(errno));
}

void
notify_ready(struct notifier *n, const char *status)
{
	char message[512];

	snprintf(message, sizeof(message), "READY=1\nSTATUS=%s", status);
	notify_send(n, message);
}

void
notify_reloading(struct notifier *n)
{
	char message[128];
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(message, sizeof(message), "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
	    (unsigned long long)now.tv_sec * 1000000ull + (unsigned long long)now.tv_nsec / 1000);
	notify_send(n, message);
}

void
notify_stopping(struct notifier *n)
{
	notify_send(n, "STOPPING=1\nSTATUS=finishing responses in flight");
}
