#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "site/area.h"
#include "util/buf.h"

static int
load_ca(struct site_area *a, char **error)
{
	unsigned long e;
	char reason[256] = "";

	if (a->config->ca == NULL)
		return 0;
	if ((a->ca = X509_STORE_new()) != NULL && X509_STORE_load_file(a->ca, a->config->ca) == 1)
		return 0;
	if ((e = ERR_peek_last_error()) != 0)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	*error = format_string("[area \"%s\"]: ca %s: %s", a->config->path, a->config->ca,
	    reason[0] ? reason : "cannot be read");
	return -1;
}

struct site_areas *
site_areas_new(const struct config *c, size_t host, char **error)
{
	struct site_areas *areas;
	size_t i;

	*error = NULL;
	if ((areas = calloc(1, sizeof(*areas))) == NULL ||
	    (c->nareas > 0 && (areas->list = calloc(c->nareas, sizeof(*areas->list))) == NULL)) {
		free(areas);
		*error = strdup("out of memory");
		return NULL;
	}
	for (i = 0; i < c->nareas; i++) {
		if (c->areas[i].host_index != host)
			continue;
		areas->list[areas->n].config = &c->areas[i];
		if (load_ca(&areas->list[areas->n++], error) == -1) {
			site_areas_free(areas);
			return NULL;
		}
	}
	return areas;
}

void
site_areas_free(struct site_areas *areas)
{
	size_t i;

	if (areas == NULL)
		return;
	for (i = 0; i < areas->n; i++)
		X509_STORE_free(areas->list[i].ca);
	free(areas->list);
	free(areas);
}

/* The length of an area path without its final '/' ("/" is 0). */
static size_t
area_length(const char *area_path)
{
	size_t len = strlen(area_path);

	return len > 0 && area_path[len - 1] == '/' ? len - 1 : len;
}

int
site_area_covers(const char *area_path, const char *path)
{
	size_t len = area_length(area_path);

	return strncmp(path, area_path, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

const struct site_area *
site_area_of(const struct site_areas *areas, const char *path)
{
	const struct site_area *best = NULL;
	size_t i;

	for (i = 0; areas != NULL && i < areas->n; i++)
		if (site_area_covers(areas->list[i].config->path, path) && (best == NULL ||
		    area_length(areas->list[i].config->path) > area_length(best->config->path)))
			best = &areas->list[i];
	return best;
}

int
site_area_guarded(const struct site_area *a)
{
	return a != NULL && (a->config->access & AREA_READ) != 0;
}

/* Valid today: not before its notBefore, not after its notAfter. */
static int
dates_valid(X509 *cert)
{
	return X509_cmp_current_time(X509_get0_notBefore(cert)) < 0 &&
	    X509_cmp_current_time(X509_get0_notAfter(cert)) > 0;
}

static int
listed(const struct area_config *c, const char *fingerprint)
{
	size_t i;

	for (i = 0; fingerprint != NULL && i < c->nfingerprints; i++)
		if (strcmp(c->fingerprints[i], fingerprint) == 0)
			return 1;
	return 0;
}

/* Whether the area's CA file holds the certificate's issuer (or the
 * certificate itself: a CA file may pin certificates too). */
static int
issued_by(struct x509_store_st *ca, X509 *cert)
{
	X509_STORE_CTX *ctx;
	int ok = 0;

	if (ca == NULL || cert == NULL || (ctx = X509_STORE_CTX_new()) == NULL)
		return 0;
	if (X509_STORE_CTX_init(ctx, ca, cert, NULL) == 1) {
		X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_PARTIAL_CHAIN);
		ok = X509_verify_cert(ctx) == 1;
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

static int
token_matches(const char *want, const char *given)
{
	size_t len = strlen(want);

	return strlen(given) == len && CRYPTO_memcmp(want, given, len) == 0;
}

enum site_verdict
site_area_check(const struct site_area *a, unsigned what, const struct site_client *client)
{
	X509 *cert = (X509 *)client->certificate;
	int has_certificate = cert != NULL ||
	    (client->fingerprint != NULL && client->fingerprint[0] != '\0');

	if (a == NULL || !(a->config->access & what))
		return what == AREA_READ ? SITE_LET_IN : SITE_NOT_AUTHORISED;
	if (what == AREA_PUBLISH && a->config->token != NULL && client->token != NULL) {
		if (token_matches(a->config->token, client->token))
			return SITE_LET_IN;
		if (!has_certificate)
			return SITE_NOT_AUTHORISED;
	}
	if (!has_certificate)
		return SITE_NEED_CERTIFICATE;
	if (cert != NULL && !dates_valid(cert))
		return SITE_CERTIFICATE_INVALID;
	if (listed(a->config, client->fingerprint) || issued_by(a->ca, cert))
		return SITE_LET_IN;
	return SITE_NOT_AUTHORISED;
}

int
site_area_hidden(const struct site_areas *areas, const char *dir, const char *path)
{
	const struct site_area *a = site_area_of(areas, path);

	return site_area_guarded(a) && a != site_area_of(areas, dir);
}
