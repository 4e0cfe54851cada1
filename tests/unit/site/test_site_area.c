/* Areas guarded by client certificates: which area covers a path (the
 * longest, on segment boundaries), what a client may do there (listed
 * fingerprint, CA, dates, token), what listings leave out, and the
 * index's rule without the guarded articles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "site/site.h"
#include "tree.h"

#define FP_A "aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa"
#define FP_B "bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb"

static char *fp_a[] = { FP_A };

/* A certificate for key, signed by issuer_key (itself when NULL), valid
 * from `from` to `to` days from now; a CA's says so. */
static X509 *
certificate(EVP_PKEY *key, const char *name, X509 *issuer, EVP_PKEY *issuer_key, long from,
    long to)
{
	BASIC_CONSTRAINTS *ca = BASIC_CONSTRAINTS_new();
	X509 *cert = X509_new();

	assert_non_null(cert);
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), from * 86400);
	X509_gmtime_adj(X509_getm_notAfter(cert), to * 86400);
	X509_set_pubkey(cert, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
	    (const unsigned char *)name, -1, -1, 0);
	X509_set_issuer_name(cert, issuer != NULL ? X509_get_subject_name(issuer) :
	    X509_get_subject_name(cert));
	ca->ca = strcmp(name, "ca") == 0;
	X509_add1_ext_i2d(cert, NID_basic_constraints, ca, 1, 0);
	BASIC_CONSTRAINTS_free(ca);
	assert_true(X509_sign(cert, issuer_key != NULL ? issuer_key : key, EVP_sha256()) > 0);
	return cert;
}

static struct site_areas *
areas_of(struct config *c)
{
	struct site_areas *areas;
	char *error = NULL;

	areas = site_areas_new(c, 0, &error);
	assert_null(error);
	assert_non_null(areas);
	return areas;
}

static void
test_longest_area_on_segment_boundaries(void **state)
{
	struct area_config list[] = {
		{ .path = "/", .access = AREA_PUBLISH },
		{ .path = "/private/", .access = AREA_READ },
		{ .path = "/private/shared/", .access = AREA_READ },
		{ .path = "/notes.gmi", .access = AREA_READ },
	};
	struct config c = { .areas = list, .nareas = 4 };
	struct site_areas *areas = areas_of(&c);

	(void)state;
	assert_ptr_equal(site_area_of(areas, "/x.gmi")->config, &list[0]);
	assert_ptr_equal(site_area_of(areas, "/private")->config, &list[1]);
	assert_ptr_equal(site_area_of(areas, "/private/")->config, &list[1]);
	assert_ptr_equal(site_area_of(areas, "/private/a/b.md")->config, &list[1]);
	assert_ptr_equal(site_area_of(areas, "/private/shared/x")->config, &list[2]);
	assert_ptr_equal(site_area_of(areas, "/privateer.gmi")->config, &list[0]);
	assert_ptr_equal(site_area_of(areas, "/notes.gmi")->config, &list[3]);
	assert_ptr_equal(site_area_of(areas, "/notes.gmi.bak")->config, &list[0]);
	assert_false(site_area_guarded(site_area_of(areas, "/x.gmi")));
	assert_true(site_area_guarded(site_area_of(areas, "/private/x")));
	assert_null(site_area_of(NULL, "/private/"));
	assert_true(site_area_covers("/", "/anything"));
	assert_false(site_area_covers("/a/b/", "/a/"));
	site_areas_free(areas);
}

static void
test_verdicts(void **state)
{
	struct area_config list[] = {
		{ .path = "/private/", .access = AREA_READ, .fingerprints = fp_a, .nfingerprints = 1 },
		{ .path = "/notes/", .access = AREA_PUBLISH, .fingerprints = fp_a, .nfingerprints = 1,
		  .token = "letmein" },
	};
	struct config c = { .areas = list, .nareas = 2 };
	struct site_areas *areas = areas_of(&c);
	const struct site_area *private = &areas->list[0], *notes = &areas->list[1];
	struct site_client none = { "", NULL, NULL }, a = { FP_A, NULL, NULL };
	struct site_client b = { FP_B, NULL, NULL }, token = { "", NULL, "letmein" };
	struct site_client wrong = { "", NULL, "letmeout" }, a_wrong = { FP_A, NULL, "nope" };

	(void)state;
	assert_int_equal(site_area_check(private, AREA_READ, &none), SITE_NEED_CERTIFICATE);
	assert_int_equal(site_area_check(private, AREA_READ, &b), SITE_NOT_AUTHORISED);
	assert_int_equal(site_area_check(private, AREA_READ, &a), SITE_LET_IN);
	/* It guards reading only: nobody publishes there. */
	assert_int_equal(site_area_check(private, AREA_PUBLISH, &a), SITE_NOT_AUTHORISED);
	/* A publish area is read by anyone. */
	assert_int_equal(site_area_check(notes, AREA_READ, &none), SITE_LET_IN);
	assert_int_equal(site_area_check(notes, AREA_PUBLISH, &a), SITE_LET_IN);
	assert_int_equal(site_area_check(notes, AREA_PUBLISH, &none), SITE_NEED_CERTIFICATE);
	assert_int_equal(site_area_check(notes, AREA_PUBLISH, &token), SITE_LET_IN);
	assert_int_equal(site_area_check(notes, AREA_PUBLISH, &wrong), SITE_NOT_AUTHORISED);
	assert_int_equal(site_area_check(notes, AREA_PUBLISH, &a_wrong), SITE_LET_IN);
	/* A token never opens an area for reading. */
	assert_int_equal(site_area_check(private, AREA_READ, &token), SITE_NEED_CERTIFICATE);
	/* Outside every area: anyone reads, nobody publishes. */
	assert_int_equal(site_area_check(NULL, AREA_READ, &none), SITE_LET_IN);
	assert_int_equal(site_area_check(NULL, AREA_PUBLISH, &a), SITE_NOT_AUTHORISED);
	site_areas_free(areas);
}

/* Dates are checked before the list; a CA file lets in what it issued. */
static void
test_dates_and_ca(void **state)
{
	char dir[] = "/tmp/site-area-XXXXXX", ca_path[64];
	EVP_PKEY *ca_key = EVP_EC_gen("P-256"), *key = EVP_EC_gen("P-256");
	X509 *ca = certificate(ca_key, "ca", NULL, NULL, -1, 30);
	X509 *member = certificate(key, "member", ca, ca_key, -1, 30);
	X509 *stranger = certificate(key, "stranger", NULL, NULL, -1, 30);
	X509 *expired = certificate(key, "expired", ca, ca_key, -30, -1);
	X509 *future = certificate(key, "future", ca, ca_key, 10, 30);
	struct area_config list[] = {
		{ .path = "/family/", .access = AREA_READ, .ca = ca_path },
		{ .path = "/private/", .access = AREA_READ, .fingerprints = fp_a, .nfingerprints = 1 },
	};
	struct config c = { .areas = list, .nareas = 2 };
	struct site_client client = { "", NULL, NULL };
	struct site_areas *areas;
	char *error = NULL;
	FILE *out;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(ca_path, sizeof(ca_path), "%s/ca.pem", dir);
	assert_non_null(out = fopen(ca_path, "w"));
	PEM_write_X509(out, ca);
	fclose(out);
	areas = areas_of(&c);
	client.fingerprint = FP_B;
	client.certificate = member;
	assert_int_equal(site_area_check(&areas->list[0], AREA_READ, &client), SITE_LET_IN);
	client.certificate = stranger;
	assert_int_equal(site_area_check(&areas->list[0], AREA_READ, &client), SITE_NOT_AUTHORISED);
	client.certificate = expired;
	assert_int_equal(site_area_check(&areas->list[0], AREA_READ, &client),
	    SITE_CERTIFICATE_INVALID);
	client.fingerprint = FP_A;
	assert_int_equal(site_area_check(&areas->list[1], AREA_READ, &client),
	    SITE_CERTIFICATE_INVALID);
	client.certificate = future;
	assert_int_equal(site_area_check(&areas->list[1], AREA_READ, &client),
	    SITE_CERTIFICATE_INVALID);
	site_areas_free(areas);
	/* A CA file that cannot be read is an error naming it. */
	list[0].ca = "/nonexistent/ca.pem";
	assert_null(site_areas_new(&c, 0, &error));
	assert_non_null(strstr(error, "/nonexistent/ca.pem"));
	free(error);
	X509_free(ca);
	X509_free(member);
	X509_free(stranger);
	X509_free(expired);
	X509_free(future);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(key);
	assert_int_equal(tree_remove(dir), 0);
}

static void
test_hidden_from_listings_outside_their_area(void **state)
{
	struct area_config list[] = {
		{ .path = "/files/private/", .access = AREA_READ },
		{ .path = "/files/", .access = AREA_PUBLISH },
	};
	struct config c = { .areas = list, .nareas = 2 };
	struct site_areas *areas = areas_of(&c);

	(void)state;
	assert_true(site_area_hidden(areas, "/files/", "/files/private/"));
	assert_false(site_area_hidden(areas, "/files/", "/files/public/"));
	assert_false(site_area_hidden(areas, "/files/private/", "/files/private/a.md"));
	assert_false(site_area_hidden(NULL, "/files/", "/files/private/"));
	site_areas_free(areas);
}

/* The listing itself, through the site layer. */
static void
test_listing_leaves_the_guarded_folder_out(void **state)
{
	char root[] = "/tmp/site-area-XXXXXX", path[128];
	struct area_config list[] = { { .path = "/private/", .access = AREA_READ } };
	struct config c = { .areas = list, .nareas = 1 };
	struct site s = { .article_paths = "/", .directory_listing = 1 };
	struct page page = PAGE_INIT;
	size_t i;
	int seen_public = 0;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/private", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/public", root);
	assert_int_equal(mkdir(path, 0755), 0);
	s.root_fd = open(root, O_RDONLY | O_DIRECTORY);
	assert_non_null(s.cache = article_cache_new(1 << 20));
	s.areas = areas_of(&c);
	assert_int_equal(site_listing(&s, "/", NULL, NULL, 0, &page), 0);
	for (i = 0; i < page.n; i++) {
		if (page.lines[i].path == NULL)
			continue;
		assert_null(strstr(page.lines[i].path, "private"));
		seen_public += strstr(page.lines[i].path, "public") != NULL;
	}
	assert_int_equal(seen_public, 1);
	page_free(&page);
	site_areas_free((struct site_areas *)s.areas);
	article_cache_free(s.cache);
	close(s.root_fd);
	assert_int_equal(tree_remove(root), 0);
}

static void
test_index_rule_leaves_guarded_articles_out(void **state)
{
	struct area_config list[] = {
		{ .path = "/private/", .access = AREA_READ },
		{ .path = "/articles/", .access = AREA_PUBLISH },
		{ .path = "/other/", .access = AREA_READ, .host_index = 1 },
		{ .path = "/drafts/", .access = AREA_READ | AREA_PUBLISH },
	};
	struct config c = { .areas = list, .nareas = 4, .article_paths = "" };
	char *rule = site_index_rule(&c);

	(void)state;
	assert_non_null(rule);
	assert_int_equal(site_index_format(rule, "/articles/a.md"), ARTICLE_MARKDOWN);
	assert_int_equal(site_index_format(rule, "/private/a.md"), ARTICLE_NONE);
	assert_int_equal(site_index_format(rule, "/private"), ARTICLE_NONE);
	assert_int_equal(site_index_format(rule, "/drafts/2026/a.txt"), ARTICLE_NONE);
	assert_int_equal(site_index_format(rule, "/privateer.md"), ARTICLE_MARKDOWN);
	/* Another host's areas are not the index's business. */
	assert_int_equal(site_index_format(rule, "/other/a.md"), ARTICLE_MARKDOWN);
	free(rule);
	/* With article_paths, only those folders, still less the guarded. */
	c.article_paths = "/articles/ /private/";
	rule = site_index_rule(&c);
	assert_int_equal(site_index_format(rule, "/articles/a.md"), ARTICLE_MARKDOWN);
	assert_int_equal(site_index_format(rule, "/private/a.md"), ARTICLE_NONE);
	assert_int_equal(site_index_format(rule, "/notes/a.md"), ARTICLE_NONE);
	free(rule);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_longest_area_on_segment_boundaries),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_dates_and_ca),
		cmocka_unit_test(test_hidden_from_listings_outside_their_area),
		cmocka_unit_test(test_listing_leaves_the_guarded_folder_out),
		cmocka_unit_test(test_index_rule_leaves_guarded_articles_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
