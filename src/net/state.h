/*
 * What one configuration generation serves with: the configuration, its
 * TLS contexts, the opened content roots and the protocol contexts built
 * from them.  Reference-counted: every connection holds the generation it
 * was accepted under, so a reload (SIGHUP) never changes the ground under
 * a response in flight; the old generation goes when its last user does.
 */
#ifndef CAPSULED_NET_STATE_H
#define CAPSULED_NET_STATE_H

#include <stdatomic.h>

#include "config/config.h"
#include "gemini/handler.h"
#include "gopher/handler.h"
#include "tls/tls.h"

struct archive;
struct article_cache;
struct content_types;

/* What outlives configuration generations: built once at start-up. */
struct shared_services {
	struct content_types *types;
	struct article_cache *cache;
	struct archive *archive; /* indexes the first host's root; NULL when disabled */
};

struct site_state {
	atomic_int refs;
	struct config *config;
	struct tls_contexts *tls;
	struct gemini_host *hosts;
	struct gemini_context gemini;
	struct gopher_context gopher;
};

/* Takes ownership of config (freed with the state, or on failure).
 * NULL with *error (malloc'd). */
struct site_state *site_state_new(struct config *config, const struct shared_services *services,
    char **error);
struct site_state *site_state_ref(struct site_state *s);
void site_state_unref(struct site_state *s);

#endif
