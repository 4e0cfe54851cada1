#include "server/certs.h"

#include <stdio.h>
#include <stdlib.h>

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
