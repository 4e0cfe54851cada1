/* Titan: the request line's parameters (any order, decoded once, 59 for
 * what cannot be), new articles' slugs, and uploads decided on the loop,
 * streamed into a temporary file and committed on the pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gemini/request.h"
#include "gemini/titan.h"
#include "site/site.h"
#include "tree.h"

#define FP_OWNER "aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa"
#define FP_OTHER "bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb:bb"

static void
parse_ok(const char *line, struct gemini_request *req)
{
	const char *reason = NULL;

	if (gemini_request_parse(line, strlen(line), req, &reason) != 0)
		fail_msg("refused \"%s\": %s", line, reason);
}

static void
expect_59(const char *line)
{
	struct gemini_request req;
	const char *reason = NULL;

	if (gemini_request_parse(line, strlen(line), &req, &reason) != 59)
		fail_msg("accepted: \"%s\"", line);
	assert_non_null(reason);
	assert_null(req.params.token);
}

static void
test_parameters_in_any_order(void **state)
{
	struct gemini_request req;

	(void)state;
	parse_ok("titan://localhost/articles/a.gmi;size=12;mime=text/gemini;token=abc", &req);
	assert_true(req.titan);
	assert_string_equal(req.scheme, "titan");
	assert_string_equal(req.path, "/articles/a.gmi");
	assert_int_equal(req.params.size, 12);
	assert_string_equal(req.params.mime, "text/gemini");
	assert_string_equal(req.params.token, "abc");
	assert_false(req.params.edit);
	gemini_request_free(&req);
	parse_ok("titan://localhost:1965/caf%C3%A9.md;token=x%20y%3Bz;mime=Text/Markdown;size=0",
	    &req);
	assert_string_equal(req.path, "/caf\xc3\xa9.md");
	assert_int_equal(req.port, 1965);
	assert_int_equal(req.params.size, 0);
	assert_string_equal(req.params.mime, "text/markdown");
	assert_string_equal(req.params.token, "x y;z");
	gemini_request_free(&req);
	/* A mime parameter arrives as a parameter of its own: ignored. */
	parse_ok("titan://localhost/a.txt;mime=text/plain;charset=utf-8;size=3", &req);
	assert_string_equal(req.params.mime, "text/plain");
	assert_int_equal(req.params.size, 3);
	gemini_request_free(&req);
	parse_ok("titan://localhost/a.gmi;edit", &req);
	assert_true(req.params.edit);
	assert_int_equal(req.params.size, -1);
	assert_string_equal(req.params.mime, "");
	assert_null(req.params.token);
	gemini_request_free(&req);
	/* No path: "/"; no parameters at all: the caller asks for a size. */
	parse_ok("titan://localhost;size=3", &req);
	assert_string_equal(req.path, "/");
	assert_int_equal(req.params.size, 3);
	gemini_request_free(&req);
	parse_ok("titan://localhost/a.gmi", &req);
	assert_int_equal(req.params.size, -1);
	gemini_request_free(&req);
	parse_ok("titan://localhost/a/;;size=1;future=thing;", &req);
	assert_string_equal(req.path, "/a/");
	assert_int_equal(req.params.size, 1);
	gemini_request_free(&req);
}

static void
test_gemini_paths_keep_their_semicolons(void **state)
{
	struct gemini_request req;

	(void)state;
	parse_ok("gemini://localhost/a;size=1.gmi", &req);
	assert_false(req.titan);
	assert_string_equal(req.path, "/a;size=1.gmi");
	assert_int_equal(req.params.size, -1);
	gemini_request_free(&req);
}

static void
test_bad_parameters_are_59(void **state)
{
	(void)state;
	expect_59("titan://localhost/a.gmi;size=1;size=2");
	expect_59("titan://localhost/a.gmi;size=abc");
	expect_59("titan://localhost/a.gmi;size=-1");
	expect_59("titan://localhost/a.gmi;size=");
	expect_59("titan://localhost/a.gmi;size");
	expect_59("titan://localhost/a.gmi;size=1234567890123456");
	expect_59("titan://localhost/a.gmi;size=1;mime=text");
	expect_59("titan://localhost/a.gmi;size=1;mime=text/");
	expect_59("titan://localhost/a.gmi;size=1;mime=/plain");
	expect_59("titan://localhost/a.gmi;size=1;mime=a/b/c");
	expect_59("titan://localhost/a.gmi;size=1;mime=text/pl%20ain");
	expect_59("titan://localhost/a.gmi;size=1;mime=text/gemini;mime=text/gemini");
	expect_59("titan://localhost/a.gmi;size=1;token=");
	expect_59("titan://localhost/a.gmi;size=1;token=a;token=b");
	expect_59("titan://localhost/a.gmi;size=1;token=%zz");
	expect_59("titan://localhost/a.gmi;size=1;token=%0a");
	expect_59("titan://localhost/a.gmi;size=1;token=%00");
	expect_59("titan://localhost/a.gmi;edit;edit");
	expect_59("titan://localhost/a.gmi;size=1?query");
	expect_59("titan://localhost/a/../b.gmi;size=1");
	expect_59("titan://localhost/a/%2e%2e/b.gmi;size=1");
	expect_59("titan://localhost/a%2Fb.gmi;size=1");
	expect_59("titan://localhost/a.gmi;size=1#frag");
	expect_59("titan://user@localhost/a.gmi;size=1");
	expect_59("titan:///a.gmi;size=1");
}

static void
expect_slug(const char *title, const char *want)
{
	char slug[TITAN_SLUG_MAX];

	titan_slug(title, slug);
	assert_string_equal(slug, want);
}

static void
test_slugs(void **state)
{
	char long_title[400], slug[TITAN_SLUG_MAX];
	size_t i;

	(void)state;
	expect_slug("Hello, World!", "hello-world");
	expect_slug("  Russia and America discuss  ceasefires ", "russia-and-america-discuss-ceasefires");
	expect_slug("\xc3\x87" "a va? \xc3\x9c" "berall, Stra\xc3\x9f" "e", "ca-va-uberall-strasse");
	expect_slug("\xe2\x80\x9cQuoted\xe2\x80\x9d \xe2\x80\x93 dash", "quoted-dash");
	expect_slug("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x80\x81\xe3\x82\xbf\xe3\x82\xa4",
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e-\xe3\x82\xbf\xe3\x82\xa4");
	expect_slug("", "untitled");
	expect_slug("!!! ???", "untitled");
	expect_slug("a/../../etc/passwd", "a-etc-passwd");
	expect_slug(".hidden", "hidden");
	expect_slug("bad \xff byte", "bad-byte");
	/* Long titles are cut at a separator, never inside a word. */
	for (i = 0; i + 6 < sizeof(long_title); i += 6)
		memcpy(long_title + i, "words ", 6);
	long_title[i] = '\0';
	titan_slug(long_title, slug);
	assert_true(strlen(slug) <= 80);
	assert_int_equal(strlen(slug) % 6, 5);
	assert_true(slug[strlen(slug) - 1] == 's');
}

static void
expect_hidden(const char *line, const char *want)
{
	char *hidden = titan_hidden_line(line, strlen(line));

	if (want == NULL) {
		assert_null(hidden);
		return;
	}
	assert_non_null(hidden);
	assert_string_equal(hidden, want);
	free(hidden);
}

static void
test_token_hidden_from_the_log(void **state)
{
	(void)state;
	expect_hidden("titan://h/a.gmi;token=s3cret;size=1", "titan://h/a.gmi;token=(hidden);size=1");
	expect_hidden("titan://h/a.gmi;size=1;token=s%20cret", "titan://h/a.gmi;size=1;token=(hidden)");
	expect_hidden("titan://h/a.gmi;size=1;size=2;token=x", "titan://h/a.gmi;size=1;size=2;"
	    "token=(hidden)");
	expect_hidden("titan://h/a.gmi;size=1", NULL);
	expect_hidden("gemini://h/a.gmi", NULL);
}

/* A tree with a publish area /notes/ (the owner's certificate, a token,
 * 100 bytes at most, deletes allowed) and a guarded /private/. */
struct fixture {
	char root[64];
	struct area_config list[2];
	struct config config;
	struct site_areas *areas;
	struct titan_host host;
	struct response resp;
};

static char *owner_fp[] = { FP_OWNER };

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *error = NULL, path[128];

	assert_non_null(f);
	strcpy(f->root, "/tmp/titan-test-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(path, sizeof(path), "%s/notes", f->root);
	assert_int_equal(mkdir(path, 0755), 0);
	f->list[0] = (struct area_config){ .path = "/notes/", .access = AREA_PUBLISH,
		.fingerprints = owner_fp, .nfingerprints = 1, .token = "letmein",
		.max_upload = 100, .delete = 1, .articles = "/notes/" };
	f->list[1] = (struct area_config){ .path = "/private/", .access = AREA_READ,
		.fingerprints = owner_fp, .nfingerprints = 1 };
	f->config.areas = f->list;
	f->config.nareas = 2;
	assert_non_null(f->areas = site_areas_new(&f->config, 0, &error));
	f->host.root_fd = open(f->root, O_RDONLY | O_DIRECTORY);
	f->host.areas = f->areas;
	f->host.public_port = 1965;
	response_init(&f->resp);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	response_reset(&f->resp);
	site_areas_free(f->areas);
	close(f->host.root_fd);
	assert_int_equal(tree_remove(f->root), 0);
	free(f);
	return 0;
}

/* titan_answer() on line for the client with fingerprint fp. */
static enum titan_decision
decide(struct fixture *f, const char *line, const char *fp, struct titan_upload **u)
{
	struct request_info info = { line, strlen(line), "localhost", fp, NULL };
	struct gemini_request req;
	enum titan_decision d;

	response_reset(&f->resp);
	parse_ok(line, &req);
	d = titan_answer(&f->host, &req, &info, &f->resp, u);
	gemini_request_free(&req);
	return d;
}

static void
expect_answer(struct fixture *f, const char *line, const char *fp, int status)
{
	struct titan_upload *u;
	char head[8];

	assert_int_equal(decide(f, line, fp, &u), TITAN_ANSWERED);
	assert_null(u);
	snprintf(head, sizeof(head), "%d ", status);
	if (strncmp(f->resp.head.data, head, 3) != 0)
		fail_msg("%s: %s", line, f->resp.head.data);
}

static char *
file_text(struct fixture *f, const char *path)
{
	static char text[512];
	char full[256];
	FILE *in;
	size_t n;

	snprintf(full, sizeof(full), "%s%s", f->root, path);
	if ((in = fopen(full, "r")) == NULL)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, in);
	fclose(in);
	text[n] = '\0';
	return text;
}

/* Files whose name starts with ".upload-" anywhere below dir. */
static int
temporaries(struct fixture *f, const char *dir)
{
	char full[256];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(full, sizeof(full), "%s%s", f->root, dir);
	if ((d = opendir(full)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, ".upload-", 8) == 0;
	closedir(d);
	return n;
}

static void
test_refusals_before_the_body(void **state)
{
	struct fixture *f = *state;

	expect_answer(f, "titan://localhost/notes/a.gmi;size=5", "", 60);
	expect_answer(f, "titan://localhost/notes/a.gmi;size=5", FP_OTHER, 61);
	expect_answer(f, "titan://localhost/notes/a.gmi;size=5;token=nope", "", 61);
	expect_answer(f, "titan://localhost/private/a.gmi;size=5", FP_OWNER, 61);
	expect_answer(f, "titan://localhost/a.gmi;size=5", FP_OWNER, 61);
	expect_answer(f, "titan://localhost/notes/a.gmi;size=101", FP_OWNER, 59);
	expect_answer(f, "titan://localhost/notes/a.gmi;mime=text/gemini", FP_OWNER, 59);
	expect_answer(f, "titan://localhost/notes/a.gmi;size=5;mime=text/plain", FP_OWNER, 59);
	expect_answer(f, "titan://localhost/notes/a.exe;size=5", FP_OWNER, 59);
	expect_answer(f, "titan://localhost/notes/.a.gmi;size=5", FP_OWNER, 59);
	expect_answer(f, "titan://localhost/notes/;size=5;mime=image/png", FP_OWNER, 59);
	expect_answer(f, "titan://localhost/notes/;size=0", FP_OWNER, 59);
	assert_non_null(strstr(f->resp.log_note, "refused"));
	assert_int_equal(temporaries(f, "/notes/"), 0);
}

static void
test_upload_streamed_and_committed(void **state)
{
	struct fixture *f = *state;
	struct titan_upload *u;

	assert_int_equal(decide(f, "titan://localhost/notes/sub/a.md;mime=text/markdown;size=9",
	    FP_OWNER, &u), TITAN_UPLOAD);
	assert_non_null(u);
	assert_int_equal(titan_body_length(u), 9);
	assert_int_equal(titan_body(u, "# Ti", 4), 0);
	assert_int_equal(titan_body(u, "tle\n\n", 5), 0);
	/* Nothing at the final name while the body comes. */
	assert_null(file_text(f, "/notes/sub/a.md"));
	assert_int_equal(temporaries(f, "/notes/sub/"), 1);
	titan_produce(u, &f->resp);
	titan_upload_free(u);
	assert_string_equal(f->resp.head.data, "30 gemini://localhost/notes/sub/a.md\r\n");
	assert_string_equal(file_text(f, "/notes/sub/a.md"), "# Title\n\n");
	assert_non_null(strstr(f->resp.log_note, "upload " FP_OWNER " /notes/sub/a.md 9 bytes: "
	    "written"));
	assert_int_equal(temporaries(f, "/notes/sub/"), 0);
}

static void
test_new_article_named_from_its_title(void **state)
{
	struct fixture *f = *state;
	static const char body[] = "---\ntitle: \xc3\x89t\xc3\xa9 \xc3\xa0 Paris\n---\n\nText.\n";
	char line[256], want[256], month[16];
	struct titan_upload *u;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(month, sizeof(month), "%Y/%m", &tm);
	snprintf(line, sizeof(line), "titan://localhost/notes/;token=letmein;mime=text/markdown;"
	    "size=%zu", strlen(body));
	assert_int_equal(decide(f, line, "", &u), TITAN_UPLOAD);
	assert_int_equal(titan_body(u, body, strlen(body)), 0);
	titan_produce(u, &f->resp);
	titan_upload_free(u);
	snprintf(want, sizeof(want), "30 gemini://localhost/notes/%s/ete-a-paris.md\r\n", month);
	assert_string_equal(f->resp.head.data, want);
	/* The token stays out of the log. */
	assert_non_null(strstr(f->resp.log_request, ";token=(hidden);"));
	assert_null(strstr(f->resp.log_request, "letmein"));
	assert_non_null(strstr(f->resp.log_note, "upload token "));
}

/* Dropped before its body was whole: nothing stays, not even the month
 * folders made for it. */
static void
test_dropped_upload_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct titan_upload *u;
	struct stat st;
	char path[128];

	assert_int_equal(decide(f, "titan://localhost/notes/;size=50", FP_OWNER, &u),
	    TITAN_UPLOAD);
	assert_int_equal(titan_body(u, "# Half", 6), 0);
	titan_upload_free(u);
	snprintf(path, sizeof(path), "%s/notes", f->root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(temporaries(f, "/notes/"), 0);
	assert_int_equal(rmdir(path), 0);
}

static void
test_delete_and_edit(void **state)
{
	struct fixture *f = *state;
	struct titan_upload *u;

	assert_int_equal(decide(f, "titan://localhost/notes/x.txt;size=2", FP_OWNER, &u),
	    TITAN_UPLOAD);
	titan_body(u, "x\n", 2);
	titan_produce(u, &f->resp);
	titan_upload_free(u);
	assert_int_equal(decide(f, "titan://localhost/notes/x.txt;edit", FP_OWNER, &u), TITAN_EDIT);
	assert_null(u);
	assert_int_equal(decide(f, "titan://localhost/notes/x.txt;size=0", FP_OWNER, &u),
	    TITAN_UPLOAD);
	assert_int_equal(titan_body_length(u), 0);
	titan_produce(u, &f->resp);
	titan_upload_free(u);
	assert_string_equal(f->resp.head.data, "30 gemini://localhost/notes/\r\n");
	assert_null(file_text(f, "/notes/x.txt"));
	assert_int_equal(decide(f, "titan://localhost/notes/x.txt;size=0", FP_OWNER, &u),
	    TITAN_UPLOAD);
	titan_produce(u, &f->resp);
	titan_upload_free(u);
	assert_true(strncmp(f->resp.head.data, "51 ", 3) == 0);
	expect_answer(f, "titan://localhost/notes/x.txt;edit", FP_OTHER, 61);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parameters_in_any_order),
		cmocka_unit_test(test_gemini_paths_keep_their_semicolons),
		cmocka_unit_test(test_bad_parameters_are_59),
		cmocka_unit_test(test_slugs),
		cmocka_unit_test(test_token_hidden_from_the_log),
		cmocka_unit_test_setup_teardown(test_refusals_before_the_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upload_streamed_and_committed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_article_named_from_its_title, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dropped_upload_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_and_edit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
