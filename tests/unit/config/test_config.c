/* Configuration: defaults, the INI file, flags over the file, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"

static char ini_path[64];

static void
write_ini(const char *text)
{
	FILE *f;
	int fd;

	snprintf(ini_path, sizeof(ini_path), "/tmp/capsuled-config-XXXXXX");
	fd = mkstemp(ini_path);
	assert_true(fd != -1);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

static struct config *
load(char **error, ...)
{
	char *argv[32] = { "capsuled" };
	int argc = 1;
	va_list ap;
	char *arg;

	va_start(ap, error);
	while ((arg = va_arg(ap, char *)) != NULL && argc < 31)
		argv[argc++] = arg;
	va_end(ap);
	argv[argc] = NULL;
	return config_load(argc, argv, error);
}

static void
test_defaults(void **state)
{
	struct config *c;
	char *error;

	(void)state;
	c = load(&error, NULL);
	assert_non_null(c);
	assert_int_equal(c->port, 1965);
	assert_int_equal(c->gopher_port, 7070);
	assert_int_equal(c->nhosts, 1);
	assert_string_equal(c->hosts[0].name, "localhost");
	assert_string_equal(c->hosts[0].root, "capsule");
	assert_string_equal(c->hosts[0].cert, "certs/localhost.crt");
	assert_string_equal(c->hosts[0].key, "certs/localhost.key");
	assert_int_equal(c->nlisten, 1);
	assert_string_equal(c->listen[0], "*");
	assert_int_equal(c->request_timeout, 10);
	assert_string_equal(config_host_lang(c, &c->hosts[0]), "en");
	assert_int_equal(config_public_port(c), 1965);
	config_free(c);
}

static void
test_file_then_flags(void **state)
{
	struct config *c;
	char *error;

	(void)state;
	write_ini("# comment\n[server]\nport = 1966\nlisten = 127.0.0.1\nlisten = ::1\n"
	    "max_connections = 50\ncache_bytes = 8M\nlog_addresses = no\n"
	    "host = Example.ORG\nroot = /srv/gemini\n"
	    "[host \"other.test\"]\nroot = /srv/other\nlang = fr\n");
	c = load(&error, "-c", ini_path, "--port", "1967", "--public-port", "1965", NULL);
	unlink(ini_path);
	assert_non_null(c);
	assert_int_equal(c->port, 1967);
	assert_int_equal(config_public_port(c), 1965);
	assert_int_equal(c->max_connections, 50);
	assert_int_equal(c->cache_bytes, 8u << 20);
	assert_int_equal(c->log_addresses, 0);
	assert_int_equal(c->nlisten, 2);
	assert_string_equal(c->listen[1], "::1");
	assert_int_equal(c->nhosts, 2);
	assert_string_equal(c->hosts[0].name, "example.org");
	assert_string_equal(c->hosts[0].root, "/srv/gemini");
	assert_non_null(config_find_host(c, "OTHER.test"));
	assert_string_equal(config_host_lang(c, config_find_host(c, "other.test")), "fr");
	assert_null(config_find_host(c, "nowhere.test"));
	config_free(c);
}

static void
test_flag_listen_replaces_default(void **state)
{
	struct config *c;
	char *error;

	(void)state;
	c = load(&error, "--listen", "127.0.0.1", "--listen", "[::1]", NULL);
	assert_non_null(c);
	assert_int_equal(c->nlisten, 2);
	assert_string_equal(c->listen[0], "127.0.0.1");
	config_free(c);
}

static void
expect_error(const char *needle, struct config *c, char *error)
{
	assert_null(c);
	assert_non_null(error);
	if (strstr(error, needle) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", error, needle);
	free(error);
}

/* Loading with these arguments fails with a message naming needle. */
#define EXPECT_ERROR(needle, ...) do {					\
	char *error_ = NULL;						\
	struct config *c_ = load(&error_, __VA_ARGS__);			\
	expect_error(needle, c_, error_);				\
} while (0)

static void
test_errors(void **state)
{
	(void)state;
	EXPECT_ERROR("port", "--port", "70000", NULL);
	EXPECT_ERROR("whole number", "--workers", "-1", NULL);
	EXPECT_ERROR("yes or no", "--archive", "maybe", NULL);
	EXPECT_ERROR("size", "--cache-bytes", "12Q", NULL);
	EXPECT_ERROR("gopher_width", "--gopher-width", "20", NULL);
	EXPECT_ERROR("unexpected argument", "stray", NULL);
	EXPECT_ERROR("unknown", "--no-such-flag", "1", NULL);
	write_ini("[server]\nno_such_setting = 1\n");
	EXPECT_ERROR("line 2: unknown setting", "-c", ini_path, NULL);
	unlink(ini_path);
	write_ini("[weird]\nport = 1\n");
	EXPECT_ERROR("bad section", "-c", ini_path, NULL);
	unlink(ini_path);
	EXPECT_ERROR("/nonexistent/capsuled.ini", "-c", "/nonexistent/capsuled.ini", NULL);
}

#define FP64 "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
#define FP64_LOWER "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

/* [area "HOST/PATH"] sections: defaults, fingerprints in any form, several
 * lines adding up, hosts named before or after their own section. */
static void
test_areas(void **state)
{
	struct config *c;
	char *error = NULL, text[1024];
	FILE *out;
	char *printed;
	size_t len;

	(void)state;
	snprintf(text, sizeof(text),
	    "[area \"/private/\"]\nfingerprints = %s\nfingerprints = " FP64_LOWER "\n"
	    "[area \"Other.Example/notes/\"]\naccess = publish read\nca = /etc/ca.pem\n"
	    "token = t0k3n\nmax_upload = 64K\ndelete = yes\n"
	    "[host \"other.example\"]\nroot = /srv/other\n"
	    "[area \"/\"]\naccess = publish\nfingerprints = %s\n", FP64, FP64);
	write_ini(text);
	c = load(&error, "-c", ini_path, NULL);
	unlink(ini_path);
	if (c == NULL)
		fail_msg("%s", error);
	assert_int_equal(c->nareas, 3);
	assert_null(c->areas[0].host);
	assert_int_equal(c->areas[0].host_index, 0);
	assert_string_equal(c->areas[0].path, "/private/");
	assert_int_equal(c->areas[0].access, AREA_READ);
	assert_int_equal(c->areas[0].nfingerprints, 2);
	assert_string_equal(c->areas[0].fingerprints[0], "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:"
	    "23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89");
	assert_string_equal(c->areas[0].fingerprints[1], c->areas[0].fingerprints[0]);
	assert_int_equal(c->areas[0].max_upload, 1 << 20);
	assert_string_equal(c->areas[1].host, "other.example");
	assert_int_equal(c->areas[1].host_index, 1);
	assert_int_equal(c->areas[1].access, AREA_READ | AREA_PUBLISH);
	assert_string_equal(c->areas[1].ca, "/etc/ca.pem");
	assert_int_equal(c->areas[1].max_upload, 64 << 10);
	assert_true(c->areas[1].delete);
	/* New articles: /articles/ when the area holds it, else the area. */
	assert_string_equal(c->areas[1].articles, "/notes/");
	assert_string_equal(c->areas[2].articles, "/articles/");
	/* --check-config prints every area, never the token. */
	out = open_memstream(&printed, &len);
	config_print(c, out);
	fclose(out);
	assert_non_null(strstr(printed, "[area \"other.example/notes/\"]\naccess = read publish\n"));
	assert_non_null(strstr(printed, "[area \"localhost/private/\"]\naccess = read\n"));
	assert_null(strstr(printed, "t0k3n"));
	free(printed);
	config_free(c);
}

static void
test_area_errors(void **state)
{
	static const struct { const char *text, *needle; } cases[] = {
		{ "[area \"/p/\"]\nfingerprints = abcd\n", "not a SHA-256 fingerprint" },
		{ "[area \"/p/\"]\nfingerprints = " FP64 "00\n", "not a SHA-256 fingerprint" },
		{ "[area \"/p/\"]\naccess = write\n", "not read, publish or both" },
		{ "[area \"/p/\"]\ncolour = red\n", "unknown area setting" },
		{ "[area \"/p/\"]\nmax_upload = lots\n", "not a size" },
		{ "[area \"p\"]\nca = x\n", "bad section" },
		{ "[area \"nohost.example/p/\"]\nca = x\n", "no host nohost.example" },
		{ "[area \"/p/../q/\"]\nca = x\n", "without dot" },
		{ "[area \"/p/.git/\"]\nca = x\n", "hidden" },
		{ "[area \"/my notes/\"]\nca = x\n", "spaces" },
		{ "[area \"/p/\"]\naccess = read\n", "nobody could use it" },
		{ "[area \"/p/\"]\naccess = read\ntoken = x\n", "nobody could use it" },
		{ "[area \"/p.gmi\"]\naccess = publish\nca = x\n", "end it with /" },
		{ "[area \"/p/\"]\naccess = publish\nca = x\narticles = /q/\n",
		  "not a folder inside the area" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_ini(cases[i].text);
		EXPECT_ERROR(cases[i].needle, "-c", ini_path, NULL);
		unlink(ini_path);
	}
}

static void
test_fingerprint_forms(void **state)
{
	char out[96];

	(void)state;
	assert_int_equal(config_fingerprint_normalise(FP64, out), 0);
	assert_int_equal(config_fingerprint_normalise(FP64_LOWER, out), 0);
	assert_int_equal(strlen(out), 95);
	assert_int_equal(config_fingerprint_normalise("", out), -1);
	assert_int_equal(config_fingerprint_normalise(FP64_LOWER "0", out), -1);
	assert_int_equal(config_fingerprint_normalise("zz" FP64_LOWER, out), -1);
}

/* A reload from the flags of running to those of fresh: the changes it
 * names, and fresh as it would be served. */
struct reload {
	struct config *running, *fresh;
	struct buf applied, restart;
};

static void
reload_between(struct reload *r, const char *running_ini, const char *fresh_ini)
{
	char *error = NULL;

	memset(r, 0, sizeof(*r));
	write_ini(running_ini);
	r->running = load(&error, "-c", ini_path, NULL);
	unlink(ini_path);
	assert_non_null(r->running);
	write_ini(fresh_ini);
	r->fresh = load(&error, "-c", ini_path, NULL);
	unlink(ini_path);
	assert_non_null(r->fresh);
	assert_int_equal(config_reload_changes(r->fresh, r->running, &r->applied, &r->restart), 0);
	assert_false(r->applied.failed || r->restart.failed);
}

static const char *
listed(const struct buf *b)
{
	return b->len > 0 ? b->data : "";
}

static void
reload_free(struct reload *r)
{
	config_free(r->running);
	config_free(r->fresh);
	buf_free(&r->applied);
	buf_free(&r->restart);
}

static void
test_reload_names_what_changed(void **state)
{
	struct reload r;

	(void)state;
	reload_between(&r, "title = One\nrate_limit = 60\n",
	    "title = Two\nrate_limit = 5\nfeed_entries = 3\n");
	assert_string_equal(listed(&r.applied), "rate_limit, title, feed_entries");
	assert_string_equal(listed(&r.restart), "");
	assert_string_equal(r.fresh->title, "Two");
	assert_int_equal(r.fresh->rate_limit, 5);
	reload_free(&r);

	reload_between(&r, "title = Same\n", "title = Same\n");
	assert_string_equal(listed(&r.applied), "");
	assert_string_equal(listed(&r.restart), "");
	reload_free(&r);
}

/* Settings that only a restart changes keep their running values, so that
 * the generation announces the port it listens on. */
static void
test_reload_keeps_what_needs_a_restart(void **state)
{
	struct reload r;

	(void)state;
	reload_between(&r, "port = 1965\ngopher_port = 70\nlisten = 127.0.0.1\nuser = a\n"
	    "gopher_host = g.example\n",
	    "port = 1966\ngopher_port = 7070\nlisten = ::1\nlisten = 127.0.0.1\nuser = b\n"
	    "state_dir = /elsewhere\nmax_connections = 5\n");
	assert_string_equal(listed(&r.applied), "gopher_host, max_connections");
	assert_string_equal(listed(&r.restart), "listen, port, gopher_port, user, state_dir");
	assert_int_equal(r.fresh->port, 1965);
	assert_int_equal(config_gopher_public_port(r.fresh), 70);
	assert_int_equal(r.fresh->nlisten, 1);
	assert_string_equal(r.fresh->listen[0], "127.0.0.1");
	assert_string_equal(r.fresh->user, "a");
	assert_string_equal(r.fresh->state_dir, "var");
	assert_null(r.fresh->gopher_host);
	assert_int_equal(r.fresh->max_connections, 5);
	reload_free(&r);
}

/* The archive indexes the first host's root: a new one needs a restart;
 * other hosts' roots, and the first's without the archive, apply. */
static void
test_reload_of_hosts(void **state)
{
	struct reload r;

	(void)state;
	reload_between(&r, "root = /srv/a\n[host \"b.example\"]\nroot = /srv/b\n",
	    "root = /srv/new-a\n[host \"b.example\"]\nroot = /srv/new-b\nlang = fr\n");
	assert_string_equal(listed(&r.applied), "root of b.example, lang of b.example");
	assert_string_equal(listed(&r.restart), "root of localhost");
	assert_string_equal(r.fresh->hosts[0].root, "/srv/a");
	assert_string_equal(r.fresh->hosts[1].root, "/srv/new-b");
	reload_free(&r);

	reload_between(&r, "archive = no\nroot = /srv/a\n", "archive = no\nroot = /srv/new-a\n");
	assert_string_equal(listed(&r.applied), "root of localhost");
	assert_string_equal(r.fresh->hosts[0].root, "/srv/new-a");
	reload_free(&r);

	reload_between(&r, "root = /srv/a\n", "root = /srv/a\n[host \"c.example\"]\nroot = /srv/c\n");
	assert_string_equal(listed(&r.applied), "hosts");
	reload_free(&r);
}

/* cert_dir waits for a restart (certificates are made at start-up), and
 * the certificates it names by default stay where they were. */
static void
test_reload_keeps_cert_dir_and_its_certificates(void **state)
{
	struct reload r;

	(void)state;
	reload_between(&r, "cert_dir = /a\n[host \"b.example\"]\ncert = /x/b.crt\n",
	    "cert_dir = /b\n[host \"b.example\"]\ncert = /y/b.crt\n");
	assert_string_equal(listed(&r.restart), "cert_dir");
	assert_string_equal(listed(&r.applied), "cert of b.example");
	assert_string_equal(r.fresh->cert_dir, "/a");
	assert_string_equal(r.fresh->hosts[0].cert, "/a/localhost.crt");
	assert_string_equal(r.fresh->hosts[0].key, "/a/localhost.key");
	assert_string_equal(r.fresh->hosts[1].cert, "/y/b.crt");
	assert_string_equal(r.fresh->hosts[1].key, "/a/b.example.key");
	reload_free(&r);
}

static void
test_keep_one_setting(void **state)
{
	struct reload r;

	(void)state;
	reload_between(&r, "log = /var/log/a.log\n", "log = /var/log/b.log\n");
	assert_int_equal(config_keep(r.fresh, r.running, "log"), 0);
	assert_string_equal(r.fresh->log, "/var/log/a.log");
	assert_int_equal(config_keep(r.fresh, r.running, "no_such_setting"), -1);
	reload_free(&r);
}

/* Certificates and limits of an area apply at once; an area added,
 * removed or given another access waits for a restart, and fresh keeps
 * the running areas whole until then. */
static void
test_reload_of_areas(void **state)
{
	static const char running[] = "[area \"/private/\"]\nfingerprints = " FP64_LOWER "\n"
	    "[area \"/articles/\"]\naccess = publish\ntoken = a\n";
	struct reload r;

	(void)state;
	reload_between(&r, running, "[area \"/articles/\"]\naccess = publish\ntoken = b\n"
	    "max_upload = 2M\n[area \"/private/\"]\nfingerprints = " FP64_LOWER " " FP64 "\n");
	assert_string_equal(listed(&r.applied), "areas");
	assert_string_equal(listed(&r.restart), "");
	assert_int_equal(r.fresh->nareas, 2);
	assert_string_equal(r.fresh->areas[0].token, "b");
	reload_free(&r);
	reload_between(&r, running, "[area \"/private/\"]\nfingerprints = " FP64 "\n"
	    "[area \"/articles/\"]\naccess = read publish\ntoken = a\nca = /x\n"
	    "[area \"/images/\"]\nca = /x\n");
	assert_string_equal(listed(&r.restart), "areas");
	assert_int_equal(r.fresh->nareas, 2);
	assert_string_equal(r.fresh->areas[0].path, "/private/");
	assert_int_equal(r.fresh->areas[1].access, AREA_PUBLISH);
	assert_null(r.fresh->areas[1].ca);
	reload_free(&r);
	reload_between(&r, running, "");
	assert_string_equal(listed(&r.restart), "areas");
	assert_int_equal(r.fresh->nareas, 2);
	reload_free(&r);
	reload_between(&r, running, running);
	assert_string_equal(listed(&r.applied), "");
	assert_string_equal(listed(&r.restart), "");
	reload_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file_then_flags),
		cmocka_unit_test(test_flag_listen_replaces_default),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_areas),
		cmocka_unit_test(test_area_errors),
		cmocka_unit_test(test_fingerprint_forms),
		cmocka_unit_test(test_reload_names_what_changed),
		cmocka_unit_test(test_reload_keeps_what_needs_a_restart),
		cmocka_unit_test(test_reload_of_hosts),
		cmocka_unit_test(test_reload_keeps_cert_dir_and_its_certificates),
		cmocka_unit_test(test_keep_one_setting),
		cmocka_unit_test(test_reload_of_areas),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
