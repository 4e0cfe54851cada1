/* gopher_handle() against a temporary content tree (no archive). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gopher/handler.h"
#include "gopher/rendercache.h"
#include "site/site.h"
#include "tree.h"
#include "util/text.h"

#define HOST "gopher.test"
#define TAIL "\t" HOST "\t7070\r\n"
/* The seed article as the sample capsule in this repository holds it. */
#define SEED TEST_SOURCE_DIR "/capsule/articles/2014/02/russia-america-ceasefires.txt"

struct fixture {
	char root[64];
	struct config config;
	struct gopher_context ctx;
	struct response resp;
	struct buf whole;          /* what the response sends */
};

static int
copy_seed(const char *root, const char *path)
{
	char data[8192];
	FILE *f = fopen(SEED, "rb");
	size_t n;
	int whole;

	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", SEED);
		return -1;
	}
	n = fread(data, 1, sizeof(data), f);
	whole = feof(f) && !ferror(f);
	fclose(f);
	return whole ? tree_write(root, path, data, n) : -1;
}

/* The test tree beneath root; 0, or -1 when any part of it failed. */
static int
make_tree(const char *r)
{
	static const char *const dirs[] = {
		"articles", "articles/2013", "articles/2014", "articles/2014/01", "articles/2014/02",
		"articles/Zeta", "articles/alpha", "img", "mapped",
	};
	static const char blob[] = "\x00\x01\x02" "binary\xff\xfe";
	char full[512];
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(full, sizeof(full), "%s/%s", r, dirs[i]);
		failed |= mkdir(full, 0755);
	}
	failed |= copy_seed(r, "articles/2014/02/russia-america-ceasefires.txt");
	failed |= tree_write(r, "img/blob.bin", blob, sizeof(blob) - 1);
	failed |= tree_write_text(r, "about.md", "# About\n\nThis is [us](/articles/).\n");
	failed |= tree_write_text(r, "page.html", "<html><body>x</body></html>");
	failed |= tree_write_text(r, "index.gmi",
	    "# Welcome\n=> /articles/ Articles\n=> https://e.org/ Web\n");
	failed |= tree_write_text(r, ".hidden", "secret");
	failed |= tree_write_text(r, "dots.txt", ".\n.x\nend\n");
	failed |= tree_write_text(r, "caf\xc3\xa9.txt", "coffee\n");
	failed |= tree_write_text(r, "mapped/gophermap", "!Mapped\n-skip.txt\n*\n");
	failed |= tree_write_text(r, "mapped/skip.txt", "s");
	failed |= tree_write_text(r, "mapped/keep.txt", "k");
	return failed ? -1 : 0;
}

/* Frees whatever of the fixture exists: setup calls it when a step fails. */
static int
fixture_free(struct fixture *fx)
{
	int removed = 0;

	response_reset(&fx->resp);
	buf_free(&fx->whole);
	article_cache_free(fx->ctx.cache);
	gopher_render_cache_free(fx->ctx.render_cache);
	if (fx->ctx.root_fd >= 0)
		close(fx->ctx.root_fd);
	if (fx->root[0] != '\0')
		removed = tree_remove(fx->root);
	free(fx);
	return removed;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->ctx.root_fd = -1;
	response_init(&fx->resp);
	strcpy(fx->root, "/tmp/gopher-test-XXXXXX");
	if (mkdtemp(fx->root) == NULL) {
		fx->root[0] = '\0';
		fixture_free(fx);
		return -1;
	}
	if (make_tree(fx->root) != 0 ||
	    (fx->ctx.root_fd = open(fx->root, O_RDONLY | O_DIRECTORY)) < 0) {
		fixture_free(fx);
		return -1;
	}
	fx->ctx.host = HOST;
	fx->ctx.port = 7070;
	fx->ctx.tls_port = 0;
	/* The plain texts here are files, not articles (article_paths). */
	fx->config.article_paths = (char *)"/articles/ /about.md";
	fx->config.directory_listing = 1;
	fx->ctx.config = &fx->config;
	if ((fx->ctx.cache = article_cache_new(1 << 20)) == NULL ||
	    (fx->ctx.render_cache = gopher_render_cache_new(1 << 20)) == NULL) {
		fixture_free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	return fixture_free(*state);
}

/* The bytes of a response but its file: head, shared body, foot. */
static const char *
sent(struct buf *out, const struct response *r)
{
	buf_truncate(out, 0);
	buf_append(out, r->head.data != NULL ? r->head.data : "", r->head.len);
	buf_append(out, r->shared != NULL ? r->shared : "", r->shared_len);
	buf_append(out, r->foot.data != NULL ? r->foot.data : "", r->foot.len);
	assert_false(out->failed);
	return out->data;
}

static const char *
ask(struct fixture *fx, const char *line)
{
	response_reset(&fx->resp);
	gopher_handle(&fx->ctx, line, strlen(line), &fx->resp);
	return sent(&fx->whole, &fx->resp);
}

/* Requirement 1 and 2: four fields, CRLF, display <= width, final ".". */
static void
assert_menu(const char *menu, size_t width)
{
	const char *p = menu, *end;

	while ((end = strstr(p, "\r\n")) != NULL && strcmp(p, ".\r\n") != 0) {
		size_t tabs = 0, i, display = strcspn(p, "\t");

		for (i = 0; p + i < end; i++)
			tabs += p[i] == '\t';
		assert_int_equal(tabs, 3);
		assert_true(display_width(p + 1, display - 1) <= width);
		p = end + 2;
	}
	assert_string_equal(p, ".\r\n");
}

static void
test_root(void **state)
{
	struct fixture *fx = *state;
	const char *m = ask(fx, "");
	char *copy = strdup(m);

	assert_menu(m, 67);
	assert_non_null(strstr(m, "iWelcome\t" TAIL));
	assert_non_null(strstr(m, "1Articles\t/articles/" TAIL));
	assert_non_null(strstr(m, "hWeb\tURL:https://e.org/" TAIL));
	assert_non_null(strstr(m, "1articles/\t/articles/" TAIL));
	assert_non_null(strstr(m, "1img/\t/img/" TAIL));
	assert_non_null(strstr(m, "\t/about.md" TAIL));
	assert_non_null(strstr(m, "\r\n0About\t/about.md" TAIL));
	assert_non_null(strstr(m, "\r\nh"));
	assert_non_null(strstr(m, "\t/page.html" TAIL));
	assert_non_null(strstr(m, "\t/caf\xc3\xa9.txt" TAIL));
	assert_null(strstr(m, "hidden"));
	assert_null(strstr(m, "\t/index.gmi\t"));
	assert_null(strstr(m, "(up)"));
	assert_string_equal(ask(fx, "/"), copy);
	assert_string_equal(ask(fx, "/\t+"), copy);
	assert_string_equal(ask(fx, "/\t$"), copy);
	assert_int_equal(fx->resp.status, 0);
	free(copy);
}

static void
test_binary_directory_and_file(void **state)
{
	struct fixture *fx = *state;
	const char *m = ask(fx, "/img/");

	assert_menu(m, 67);
	assert_non_null(strstr(m, "1.. (up)\t/" TAIL));
	assert_non_null(strstr(m, "9blob.bin (11 B)\t/img/blob.bin" TAIL));
	assert_string_equal(ask(fx, "/img/blob.bin"), "");
	assert_true(fx->resp.fd >= 0);
	assert_int_equal(fx->resp.file_size, 11);
	assert_non_null(strstr(ask(fx, "/img"), "\t/img/blob.bin" TAIL));
}

static void
test_month_order(void **state)
{
	struct fixture *fx = *state;
	const char *m = ask(fx, "/articles/");
	const char *y2014 = strstr(m, "\t/articles/2014/"), *y2013 = strstr(m, "\t/articles/2013/");
	const char *alpha = strstr(m, "\t/articles/alpha/"), *zeta = strstr(m, "\t/articles/Zeta/");

	assert_menu(m, 67);
	assert_true(y2014 != NULL && y2013 != NULL && alpha != NULL && zeta != NULL);
	assert_true(y2014 < y2013 && y2013 < alpha && alpha < zeta);
	m = ask(fx, "/articles/2014/");
	assert_true(strstr(m, "/articles/2014/02/") < strstr(m, "/articles/2014/01/"));
	m = ask(fx, "/articles/2014/02/");
	assert_non_null(strstr(m, "iArticles - February 2014\t" TAIL));
	assert_non_null(strstr(m, "1.. (up)\t/articles/2014/" TAIL));
	assert_non_null(strstr(m, "\t/articles/2014/02/russia-america-ceasefires.txt" TAIL));
}

static void
test_seed_article(void **state)
{
	struct fixture *fx = *state;
	const char *t = ask(fx, "/articles/2014/02/russia-america-ceasefires.txt");
	const char *p = t, *end;
	size_t lines = 0;
	char *first;

	while ((end = strstr(p, "\r\n")) != NULL) {
		assert_true(display_width(p, (size_t)(end - p)) <= 67);
		assert_null(memchr(p, '\n', (size_t)(end - p)));
		p = end + 2;
		lines++;
	}
	assert_true(lines > 30);
	assert_string_equal(t + strlen(t) - 5, "\r\n.\r\n");
	/* Converted as on Gemini, in the page around it: a head with the
	 * title and the date read from the dateline, which the body no
	 * longer repeats; without an archive, the way home at the end. */
	assert_int_equal(strncmp(t, "Russia and America discuss local ceasefires in Syria\r\n"
	    "====", 58), 0);
	assert_non_null(strstr(t, "\r\n3 February 2014 \xc2\xb7 2 min read\r\n"));
	assert_null(strstr(t, "\r\nFebruary 3, 2014 at 10:12 am\r\n"));
	assert_non_null(strstr(t, "\r\nHome\r\n  gopher://" HOST ":7070/1/\r\n.\r\n"));
	/* Kept whole: asked again, the same answer is the render cache's
	 * copy, shared, not made again. */
	assert_non_null(first = strdup(t));
	assert_string_equal(ask(fx, "/articles/2014/02/russia-america-ceasefires.txt"), first);
	assert_non_null(fx->resp.shared);
	assert_int_equal(fx->resp.head.len, 0);
	free(first);
}

static void
test_dots_and_markdown(void **state)
{
	struct fixture *fx = *state;

	assert_string_equal(ask(fx, "/dots.txt"), "..\r\n..x\r\nend\r\n.\r\n");
	assert_non_null(strstr(ask(fx, "/about.md\t!"), "[1]"));
	assert_non_null(strstr(fx->whole.data, "gopher://" HOST ":7070/1/articles/"));
	assert_string_equal(ask(fx, "/dots.txt?raw"), "");
	assert_int_equal(fx->resp.file_size, 9);
}

static void
test_refusals(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad[] = {
		"/../etc/passwd", "/%2e%2e/etc/passwd", "/.hidden", "/nope.txt", "/a\\b",
		"URL:javascript:alert(1)", "/dots.txt/",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *r = ask(fx, bad[i]);

		assert_int_equal(r[0], '3');
		assert_non_null(strstr(r, "\t\terror.host\t1\r\n.\r\n"));
		assert_int_equal(fx->resp.status, 3);
		assert_int_equal(fx->resp.fd, -1);
	}
}

static void
test_url_caps_robots(void **state)
{
	struct fixture *fx = *state;

	assert_non_null(strstr(ask(fx, "URL:https://e.org/?a=<b>"), "&lt;b&gt;"));
	assert_true(strncmp(ask(fx, "caps.txt"), "CAPS\r\nCapsVersion=1\r\n", 21) == 0);
	assert_non_null(strstr(ask(fx, "/robots.txt"), "User-agent: *"));
}

static void
test_gophermap_and_utf8_name(void **state)
{
	struct fixture *fx = *state;
	const char *m = ask(fx, "/mapped/");

	assert_menu(m, 67);
	assert_non_null(strstr(m, "iMapped\t" TAIL));
	assert_non_null(strstr(m, "\t/mapped/keep.txt" TAIL));
	assert_null(strstr(m, "skip.txt"));
	assert_null(strstr(m, "gophermap"));
	assert_string_equal(ask(fx, "/caf\xc3\xa9.txt"), "coffee\r\n.\r\n");
}

static void
test_width_option(void **state)
{
	struct fixture *fx = *state;
	const char *t;
	const char *p, *end;

	fx->ctx.width = 40;
	t = ask(fx, "/articles/2014/02/russia-america-ceasefires.txt");
	for (p = t; (end = strstr(p, "\r\n")) != NULL; p = end + 2)
		assert_true(display_width(p, (size_t)(end - p)) <= 40);
	assert_menu(ask(fx, "/"), 40);
	fx->ctx.width = 0;
}

static void
test_error_response(void **state)
{
	struct fixture *fx = *state;

	response_reset(&fx->resp);
	gopher_error_response(&fx->ctx, "Request too long", &fx->resp);
	assert_string_equal(fx->resp.head.data, "3Request too long\t\terror.host\t1\r\n.\r\n");
	assert_int_equal(fx->resp.status, 3);
}

/* Through gopher_protocol, as the connection layer asks: the same answer
 * as gopher_handle(), on the loop or from a job produced on the pool. */
static void
test_protocol_answers_as_the_handler(void **state)
{
	struct fixture *fx = *state;
	struct request_info req = { "/about.md", 9, "", "", NULL };
	struct buf bytes = BUF_INIT;
	struct response resp;
	void *job = NULL;

	response_init(&resp);
	if (!gopher_protocol.answer(&fx->ctx, &req, &resp, &job)) {
		assert_non_null(job);
		gopher_protocol.produce(job, &resp);
	}
	assert_int_equal(resp.status, 0);
	assert_string_equal(sent(&bytes, &resp), ask(fx, "/about.md"));
	response_reset(&resp);
	buf_free(&bytes);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binary_directory_and_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_month_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_article, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dots_and_markdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_url_caps_robots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gophermap_and_utf8_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_width_option, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_response, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocol_answers_as_the_handler, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
