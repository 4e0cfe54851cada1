#include "server/generation.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "content/types.h"
#include "gopher/rendercache.h"
#include "site/site.h"
#include "util/buf.h"
#include "util/log.h"

static char *
archive_base_url(const struct config *c)
{
	struct buf b = BUF_INIT;

	if (config_public_port(c) == 1965)
		buf_printf(&b, "gemini://%s", c->hosts[0].name);
	else
		buf_printf(&b, "gemini://%s:%d", c->hosts[0].name, config_public_port(c));
	return buf_release(&b, NULL);
}

/* What the archive's pages show: its title, links, language, feed. */
static void
page_options(const struct config *c, char *base_url, struct archive_options *ao)
{
	memset(ao, 0, sizeof(*ao));
	ao->state_dir = c->state_dir;
	ao->root_path = c->hosts[0].root;
	ao->title = c->title;
	ao->base_url = base_url;
	ao->default_lang = config_host_lang(c, &c->hosts[0]);
	ao->feed_entries = c->feed_entries;
	ao->description = c->description;
	ao->about_path = c->about;
}

/* Session tickets stay valid across reloads; their keys rotate twice a
 * day, each still opening tickets for the period after its own. */
#define TICKET_KEY_PERIOD_SECONDS (12 * 3600)

int
services_start(struct services *s, const struct config *c)
{
	struct archive_options ao;
	char *error = NULL, *base_url, *index_rule;

	if ((s->types = content_types_new(NULL)) == NULL ||
	    (s->cache = article_cache_new(c->cache_bytes)) == NULL ||
	    (s->tickets = tls_tickets_new(TICKET_KEY_PERIOD_SECONDS)) == NULL) {
		log_error("out of memory");
		return -1;
	}
	if (!c->archive)
		return 0;
	base_url = archive_base_url(c);
	page_options(c, base_url, &ao);
	/* The index holds what the site layer calls an article, never one
	 * from a guarded area. */
	ao.article_format = site_index_format;
	ao.article_paths = index_rule = site_index_rule(c);
	s->archive = index_rule != NULL ? archive_open(&ao, &error) : NULL;
	free(index_rule);
	free(base_url);
	if (s->archive == NULL) {
		log_error("%s", error ? error : "archive: cannot open");
		free(error);
		return -1;
	}
	return 0;
}

int
services_reconfigure(struct services *s, const struct config *c)
{
	struct archive_options ao;
	char *base_url;
	int rc;

	if (s->archive == NULL)
		return 0;
	if ((base_url = archive_base_url(c)) == NULL)
		return -1;
	page_options(c, base_url, &ao);
	rc = archive_set_page_options(s->archive, &ao);
	free(base_url);
	return rc;
}

void
services_stop(struct services *s)
{
	if (s->archive != NULL)
		archive_close(s->archive);
	if (s->cache != NULL)
		article_cache_free(s->cache);
	if (s->types != NULL)
		content_types_free(s->types);
	tls_tickets_free(s->tickets);
	tls_signer_free(s->signer);
}

static char *
root_error(const char *root)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "content root %s: %s", root, strerror(errno));
	return buf_release(&b, NULL);
}

/* Each host's areas, ready to check certificates. */
static int
load_areas(struct generation *g, char **error)
{
	const struct config *c = g->config;
	size_t i;

	if ((g->areas = calloc(c->nhosts, sizeof(*g->areas))) == NULL) {
		*error = strdup("out of memory");
		return -1;
	}
	for (i = 0; i < c->nhosts; i++)
		if ((g->areas[i] = site_areas_new(c, i, error)) == NULL)
			return -1;
	return 0;
}

static int
open_roots(struct generation *g, char **error)
{
	const struct config *c = g->config;
	size_t i;

	if ((g->hosts = calloc(c->nhosts, sizeof(*g->hosts))) == NULL) {
		*error = strdup("out of memory");
		return -1;
	}
	for (i = 0; i < c->nhosts; i++)
		g->hosts[i].root_fd = -1;
	for (i = 0; i < c->nhosts; i++) {
		g->hosts[i].config = &c->hosts[i];
		g->hosts[i].areas = g->areas[i];
		g->hosts[i].root_fd = open(c->hosts[i].root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (g->hosts[i].root_fd == -1) {
			*error = root_error(c->hosts[i].root);
			return -1;
		}
	}
	return 0;
}

static void
wire_gemini(struct generation *g, const struct services *services)
{
	g->hosts[0].archive = services->archive;
	g->gemini.config = g->config;
	g->gemini.hosts = g->hosts;
	g->gemini.nhosts = g->config->nhosts;
	g->gemini.types = services->types;
	g->gemini.cache = services->cache;
	g->net.services[g->net.nservices++] = (struct net_service){ &gemini_protocol, &g->gemini, 0 };
}

#define GOPHER_RENDER_CACHE_BYTES (8u << 20)

static int
wire_gopher(struct generation *g, const struct services *services)
{
	const struct config *c = g->config;

	g->gopher.root_fd = g->hosts[0].root_fd;
	g->gopher.host = config_gopher_host(c);
	g->gopher.port = config_gopher_public_port(c);
	g->gopher.width = c->gopher_width;
	g->gopher.config = c;
	g->gopher.types = services->types;
	g->gopher.cache = services->cache;
	g->gopher.archive = services->archive;
	g->gopher.areas = g->areas[0];
	g->gopher.tls_port = c->gopher_tls ? g->gopher.port : 0;
	g->gopher.server_description = c->server_description;
	g->gopher.server_admin = c->server_admin;
	g->gopher.server_geolocation = NULL;
	/* Menus and reflowed texts are kept ready: the host and port are in
	 * every cached answer, so each generation has its own cache. */
	g->gopher.render_cache_bytes = GOPHER_RENDER_CACHE_BYTES;
	if ((g->gopher.render_cache = gopher_render_cache_new(g->gopher.render_cache_bytes)) == NULL)
		return -1;
	g->net.services[g->net.nservices++] =
	    (struct net_service){ &gopher_protocol, &g->gopher, c->gopher_tls };
	return 0;
}

static void
generation_free(struct generation *g)
{
	size_t i;

	if (g->hosts != NULL)
		for (i = 0; i < g->config->nhosts; i++)
			if (g->hosts[i].root_fd != -1)
				close(g->hosts[i].root_fd);
	free(g->hosts);
	if (g->areas != NULL)
		for (i = 0; i < g->config->nhosts; i++)
			site_areas_free(g->areas[i]);
	free(g->areas);
	tls_contexts_free(g->tls);
	gopher_render_cache_free(g->gopher.render_cache);
	config_free(g->config);
	free(g);
}

static void
release(struct net_generation *net)
{
	generation_free((struct generation *)((char *)net - offsetof(struct generation, net)));
}

/* The TLS contexts: certificates and keys from the key process when
 * there is one (each generation its own keyset), else from the files. */
static int
open_tls(struct generation *g, const struct services *services, char **error)
{
	static unsigned next_keyset;
	struct tls_keyset *keys = NULL;

	g->keyset = ++next_keyset;
	if (services->signer != NULL &&
	    (keys = tls_signer_load(services->signer, g->config, g->keyset, error)) == NULL)
		return -1;
	g->tls = tls_contexts_new(g->config, services->tickets, keys, error);
	tls_keyset_free(keys);
	return g->tls == NULL ? -1 : 0;
}

int
generation_reload_keys(struct generation *g, const struct services *services, char **error)
{
	struct tls_keyset *keys;

	if (services->signer == NULL)
		return 0;
	if ((keys = tls_signer_load(services->signer, g->config, g->keyset, error)) == NULL)
		return -1;
	tls_keyset_free(keys);
	return 0;
}

struct generation *
generation_new(struct config *config, const struct services *services, char **error)
{
	struct generation *g;

	*error = NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		config_free(config);
		*error = strdup("out of memory");
		return NULL;
	}
	g->config = config;
	if (load_areas(g, error) == -1 || open_roots(g, error) == -1 ||
	    open_tls(g, services, error) == -1)
		goto fail;
	wire_gemini(g, services);
	if (wire_gopher(g, services) == -1) {
		*error = strdup("out of memory");
		goto fail;
	}
	atomic_init(&g->net.refs, 1);
	g->net.config = config;
	g->net.tls = g->tls;
	g->net.release = release;
	return g;
fail:
	generation_free(g);
	return NULL;
}

void
generation_unref(struct generation *g)
{
	if (g != NULL)
		net_generation_unref(&g->net);
}

void
generation_slot_init(struct generation_slot *slot)
{
	pthread_mutex_init(&slot->lock, NULL);
	slot->current = NULL;
}

struct generation *
generation_current(struct generation_slot *slot)
{
	struct generation *g;

	pthread_mutex_lock(&slot->lock);
	g = slot->current;
	net_generation_ref(&g->net);
	pthread_mutex_unlock(&slot->lock);
	return g;
}

void
generation_install(struct generation_slot *slot, struct generation *fresh)
{
	struct generation *old;

	pthread_mutex_lock(&slot->lock);
	old = slot->current;
	slot->current = fresh;
	pthread_mutex_unlock(&slot->lock);
	generation_unref(old);
}

void
generation_slot_destroy(struct generation_slot *slot)
{
	generation_install(slot, NULL);
	pthread_mutex_destroy(&slot->lock);
}
