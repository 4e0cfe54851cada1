/*
 * Socket activation (sd_listen_fds(3), written here): when systemd made
 * the listening sockets, LISTEN_PID is our pid and LISTEN_FDS their
 * number, from descriptor 3 on.  LISTEN_FDNAMES (FileDescriptorName= in
 * the .socket unit) names each "gemini" or "gopher"; without those names
 * the first socket is Gemini's and the second Gopher's.  Then nothing is
 * bound here, and no privilege is needed for port 70.
 */
#ifndef CAPSULED_SERVER_ACTIVATION_H
#define CAPSULED_SERVER_ACTIVATION_H

#include <stddef.h>

#include "config/config.h"
#include "net/net.h"

/* 1 when systemd passed the listening sockets (appended to *list), 0 when
 * it did not, -1 on an error (said in the log).  The variables are taken
 * out of the environment either way. */
int activation_listeners(const struct config *c, struct listener **list, size_t *n);

#endif
