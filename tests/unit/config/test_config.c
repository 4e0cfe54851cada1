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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file_then_flags),
		cmocka_unit_test(test_flag_listen_replaces_default),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
