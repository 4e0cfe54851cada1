#include "tls/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "util/buf.h"

static int
is_ip_literal(const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

/* subjectAltName: the host (as DNS or IP) and localhost, so that the
 * certificate works for local testing too. */
static int
add_subject_alt_name(X509 *cert, const char *host)
{
	struct buf san = BUF_INIT;
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	int rc = -1;

	buf_printf(&san, "%s:%s", is_ip_literal(host) ? "IP" : "DNS", host);
	if (strcmp(host, "localhost") != 0)
		buf_append_str(&san, ",DNS:localhost");
	if (san.failed)
		goto done;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san.data)) == NULL)
		goto done;
	rc = X509_add_ext(cert, ext, -1) == 1 ? 0 : -1;
	X509_EXTENSION_free(ext);
done:
	buf_free(&san);
	return rc;
}

static X509 *
make_certificate(EVP_PKEY *key, const char *host)
{
	unsigned char serial[16];
	X509_NAME *name;
	BIGNUM *bn = NULL;
	X509 *cert;

	if ((cert = X509_new()) == NULL)
		return NULL;
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) == NULL)
		goto fail;
	/* Long validity: TOFU clients pin the certificate, so it should never
	 * need renewing (agate made the same choice). */
	if (X509_set_version(cert, X509_VERSION_3) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(cert), -86400) == NULL ||
	    ASN1_TIME_set_string(X509_getm_notAfter(cert), "99991231235959Z") != 1 ||
	    X509_set_pubkey(cert, key) != 1)
		goto fail;
	name = X509_get_subject_name(cert);
	if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)host,
	    -1, -1, 0) != 1 || X509_set_issuer_name(cert, name) != 1)
		goto fail;
	if (add_subject_alt_name(cert, host) == -1 || X509_sign(cert, key, EVP_sha256()) == 0)
		goto fail;
	BN_free(bn);
	return cert;
fail:
	BN_free(bn);
	X509_free(cert);
	return NULL;
}

static int
write_key(const char *path, EVP_PKEY *key)
{
	FILE *f;
	int fd, rc;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (fchmod(fd, 0600) == -1 || (f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	rc = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1 ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static int
write_certificate(const char *path, X509 *cert)
{
	FILE *f;
	int rc;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	rc = PEM_write_X509(f, cert) == 1 ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int
tls_generate_certificate(const char *host, const char *cert_path, const char *key_path,
    char **error)
{
	EVP_PKEY *key;
	X509 *cert = NULL;
	int rc = -1;

	*error = NULL;
	if ((key = EVP_EC_gen("P-256")) == NULL) {
		*error = tls_error("cannot generate a P-256 key");
		return -1;
	}
	if ((cert = make_certificate(key, host)) == NULL) {
		*error = tls_error("cannot make a certificate for %s", host);
		goto done;
	}
	if (write_key(key_path, key) == -1) {
		*error = tls_error("%s: %s", key_path, strerror(errno));
		goto done;
	}
	if (write_certificate(cert_path, cert) == -1) {
		*error = tls_error("%s: %s", cert_path, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

static int
make_parent_dir(const char *path)
{
	char *copy, *slash;
	int rc = 0;

	if ((copy = strdup(path)) == NULL)
		return -1;
	if ((slash = strrchr(copy, '/')) != NULL && slash != copy) {
		*slash = '\0';
		if (mkdir(copy, 0755) == -1 && errno != EEXIST)
			rc = -1;
	}
	free(copy);
	return rc;
}

int
tls_ensure_certificate(const struct host_config *h, int *generated, char **error)
{
	*generated = 0;
	*error = NULL;
	if (access(h->cert, F_OK) == 0) {
		if (access(h->key, R_OK) == 0)
			return 0;
		*error = tls_error("%s exists but its key %s cannot be read: %s", h->cert,
		    h->key, strerror(errno));
		return -1;
	}
	if (make_parent_dir(h->cert) == -1 || make_parent_dir(h->key) == -1) {
		*error = tls_error("cannot create the folder of %s: %s", h->cert, strerror(errno));
		return -1;
	}
	if (tls_generate_certificate(h->name, h->cert, h->key, error) == -1)
		return -1;
	*generated = 1;
	return 0;
}
