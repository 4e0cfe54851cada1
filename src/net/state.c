#include "net/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gopher/rendercache.h"
#include "util/buf.h"

static char *
root_error(const char *root)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "content root %s: %s", root, strerror(errno));
	return buf_release(&b, NULL);
}

static int
open_roots(struct site_state *s, char **error)
{
	const struct config *c = s->config;
	size_t i;

	if ((s->hosts = calloc(c->nhosts, sizeof(*s->hosts))) == NULL) {
		*error = strdup("out of memory");
		return -1;
	}
	for (i = 0; i < c->nhosts; i++)
		s->hosts[i].root_fd = -1;
	for (i = 0; i < c->nhosts; i++) {
		s->hosts[i].config = &c->hosts[i];
		s->hosts[i].root_fd = open(c->hosts[i].root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->hosts[i].root_fd == -1) {
			*error = root_error(c->hosts[i].root);
			return -1;
		}
	}
	return 0;
}

#define GOPHER_RENDER_CACHE_BYTES (8u << 20)

struct site_state *
site_state_new(struct config *config, const struct shared_services *services, char **error)
{
	struct site_state *s;

	*error = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		config_free(config);
		*error = strdup("out of memory");
		return NULL;
	}
	atomic_init(&s->refs, 1);
	s->config = config;
	if (open_roots(s, error) == -1)
		goto fail;
	if ((s->tls = tls_contexts_new(config, error)) == NULL)
		goto fail;
	s->hosts[0].archive = services->archive;
	s->gemini.config = config;
	s->gemini.hosts = s->hosts;
	s->gemini.nhosts = config->nhosts;
	s->gemini.types = services->types;
	s->gemini.cache = services->cache;
	s->gopher.root_fd = s->hosts[0].root_fd;
	s->gopher.host = config_gopher_host(config);
	s->gopher.port = config_gopher_public_port(config);
	s->gopher.width = config->gopher_width;
	s->gopher.config = config;
	s->gopher.types = services->types;
	s->gopher.cache = services->cache;
	s->gopher.archive = services->archive;
	s->gopher.tls_port = config->gopher_tls ? s->gopher.port : 0;
	s->gopher.server_description = config->server_description;
	s->gopher.server_admin = config->server_admin;
	s->gopher.server_geolocation = NULL;
	/* Menus and reflowed texts are kept ready: the host and port are in
	 * every cached answer, so each generation has its own cache. */
	s->gopher.render_cache_bytes = GOPHER_RENDER_CACHE_BYTES;
	if ((s->gopher.render_cache = gopher_render_cache_new(s->gopher.render_cache_bytes)) == NULL) {
		*error = strdup("out of memory");
		goto fail;
	}
	return s;
fail:
	site_state_unref(s);
	return NULL;
}

struct site_state *
site_state_ref(struct site_state *s)
{
	atomic_fetch_add(&s->refs, 1);
	return s;
}

void
site_state_unref(struct site_state *s)
{
	size_t i;

	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	if (s->hosts != NULL)
		for (i = 0; i < s->config->nhosts; i++)
			if (s->hosts[i].root_fd != -1)
				close(s->hosts[i].root_fd);
	free(s->hosts);
	tls_contexts_free(s->tls);
	gopher_render_cache_free(s->gopher.render_cache);
	config_free(s->config);
	free(s);
}
