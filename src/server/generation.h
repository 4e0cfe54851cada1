/*
 * Configuration generations: what one configuration serves with (the
 * configuration, its TLS contexts, the opened content roots and each
 * protocol's context built from them), and the services that outlive
 * generations (built once at start-up).  This is where the protocols,
 * the archive and content are wired to the connection layer: a
 * generation hands net/ its settings, TLS contexts and the protocols it
 * serves (struct net_generation), whose reference count it shares, so
 * that a reload (SIGHUP) never changes the ground under a response in
 * flight; the old generation goes when its last connection does.
 */
#ifndef CAPSULED_SERVER_GENERATION_H
#define CAPSULED_SERVER_GENERATION_H

#include <pthread.h>

#include "config/config.h"
#include "gemini/handler.h"
#include "gopher/handler.h"
#include "net/net.h"
#include "tls/tls.h"

/* What outlives configuration generations. */
struct services {
	struct content_types *types;
	struct article_cache *cache;
	struct archive *archive; /* indexes the first host's root; NULL when disabled */
	struct tls_tickets *tickets; /* session ticket keys, for every generation */
	struct tls_signer *signer;   /* the key process; NULL: keys read from files */
};

/* 0, or -1 (said in the log); services_stop() releases what was started. */
int services_start(struct services *s, const struct config *c);
/* What a reload may change in them: the archive pages' title, links,
 * language and feed length.  0, or -1 when memory ran out. */
int services_reconfigure(struct services *s, const struct config *c);
void services_stop(struct services *s);

struct generation {
	struct net_generation net; /* holds the reference count */
	struct config *config;
	struct tls_contexts *tls;
	struct gemini_host *hosts;
	struct site_areas **areas; /* per host, CA files loaded */
	struct gemini_context gemini;
	struct gopher_context gopher;
	unsigned keyset; /* its keys' name in the key process */
};

/* Takes ownership of config (freed with the generation, or on failure).
 * One reference for the caller; NULL with *error (malloc'd). */
struct generation *generation_new(struct config *config, const struct services *services,
    char **error);
void generation_unref(struct generation *g);
/* A new key process: load g's keys into it again, under the same keyset,
 * so that g's contexts sign with it.  0, or -1 with *error (malloc'd). */
int generation_reload_keys(struct generation *g, const struct services *services, char **error);

/* The current generation, swapped by reloads while workers read it. */
struct generation_slot {
	pthread_mutex_t lock;
	struct generation *current;
};

void generation_slot_init(struct generation_slot *slot);
/* The current generation, referenced for the caller. */
struct generation *generation_current(struct generation_slot *slot);
/* Make fresh (with the caller's reference) current; the slot's reference
 * to the one before is dropped. */
void generation_install(struct generation_slot *slot, struct generation *fresh);
void generation_slot_destroy(struct generation_slot *slot);

#endif
