#include "server/certs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/daemon.h"
#include "server/directories.h"
#include "tls/tls.h"
#include "util/log.h"

int
ensure_certificates(const struct config *c, const struct passwd *pw)
{
	char fingerprint[96], *error;
	int generated;
	size_t i;

	for (i = 0; i < c->nhosts; i++) {
		const struct host_config *h = &c->hosts[i];

		if (tls_ensure_certificate(h, &generated, &error) == -1) {
			log_error("%s", error);
			free(error);
			return -1;
		}
		if (generated) {
			log_info("generated a self-signed certificate for %s: %s (key %s)", h->name,
			    h->cert, h->key);
			give_to_user(h->cert, pw);
			give_to_user(h->key, pw);
		}
		if (tls_file_fingerprint(h->cert, fingerprint) == 0)
			log_info("host %s: certificate %s, SHA-256 %s", h->name, h->cert, fingerprint);
	}
	return 0;
}

int
generate_certificate(const struct config *c, const char *host)
{
	struct host_config h = { 0 };
	char cert[4096], key[4096], fingerprint[96], *error;
	int generated;

	snprintf(cert, sizeof(cert), "%s/%s.crt", c->cert_dir, host);
	snprintf(key, sizeof(key), "%s/%s.key", c->cert_dir, host);
	h.name = (char *)host;
	h.cert = cert;
	h.key = key;
	if (tls_ensure_certificate(&h, &generated, &error) == -1) {
		fprintf(stderr, "capsuled: %s\n", error);
		free(error);
		return 1;
	}
	if (!generated) {
		fprintf(stderr, "capsuled: %s already exists; remove it (and %s) to make a new one\n",
		    cert, key);
		return 1;
	}
	if (tls_file_fingerprint(cert, fingerprint) == 0)
		printf("%s\n%s\nSHA-256 %s\n", cert, key, fingerprint);
	return 0;
}

/* 1 when path lies beneath directory dir (both resolved). */
static int
beneath(const char *path, const char *dir)
{
	char real_dir[PATH_MAX];
	size_t len;

	if (dir == NULL || realpath(dir, real_dir) == NULL)
		return 0;
	len = strlen(real_dir);
	return strncmp(path, real_dir, len) == 0 && (path[len] == '/' || len == 1);
}

void
warn_keys_in_reach(const struct config *c)
{
	char key[PATH_MAX], config_dir[PATH_MAX];
	const char *where;
	size_t i, j;

	config_dir[0] = '\0';
	if (c->config_path != NULL)
		directory_of(c->config_path, config_dir);
	for (i = 0; i < c->nhosts; i++) {
		if (realpath(c->hosts[i].key, key) == NULL)
			continue;
		where = c->archive && beneath(key, c->state_dir) ? "state_dir" :
		    config_dir[0] && beneath(key, config_dir) ? "the configuration's directory" : NULL;
		for (j = 0; where == NULL && j < c->nhosts; j++)
			if (beneath(key, c->hosts[j].root))
				where = "a content root";
		if (where != NULL)
			log_warn("key %s lies beneath %s, which the server process may read: keep keys "
			    "elsewhere (cert_dir) for the key process alone to hold them", key, where);
	}
}
