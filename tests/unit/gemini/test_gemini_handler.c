/*
 * gemini_handle_quick() against a temporary tree: what the event loop may
 * answer itself, and that everything else is left, untouched, for
 * gemini_handle() on the pool; the same through gemini_protocol.
 */
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

#include "config/config.h"
#include "content/types.h"
#include "site/site.h"
#include "gemini/handler.h"
#include "tree.h"

#define URL "gemini://localhost/"

struct fixture {
	char root[64];
	struct config *config;
	struct gemini_host host;
	struct gemini_context ctx;
	struct response resp;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char *argv[] = { "capsuled", "--root", NULL, "--host", "localhost", "--archive", "no",
		NULL };
	char dir[600], *error = NULL;

	assert_non_null(fx);
	strcpy(fx->root, "/tmp/gemini-handler-XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	argv[2] = fx->root;
	fx->config = config_load(7, argv, &error);
	assert_non_null(fx->config);
	snprintf(dir, sizeof(dir), "%s/docs", fx->root);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/plain", fx->root);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(tree_write_text(fx->root, "page.gmi", "# Page\n"), 0);
	assert_int_equal(tree_write_text(fx->root, ".secret", "hidden\n"), 0);
	assert_int_equal(tree_write_text(fx->root, "docs/index.gmi", "# Docs\n"), 0);
	assert_int_equal(tree_write_text(fx->root, "plain/a.txt", "a\n"), 0);
	assert_int_equal(tree_write_text(fx->root, "story.md",
	    "# Story\n\nOnce upon a time.\n"), 0);
	assert_int_equal(tree_write_text(fx->root, "LICENSE", "Permission is hereby granted\n"), 0);
	fx->host.config = &fx->config->hosts[0];
	fx->host.root_fd = open(fx->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fx->host.root_fd >= 0);
	fx->ctx.config = fx->config;
	fx->ctx.hosts = &fx->host;
	fx->ctx.nhosts = 1;
	assert_non_null(fx->ctx.types = content_types_new(NULL));
	assert_non_null(fx->ctx.cache = article_cache_new(1 << 20));
	response_init(&fx->resp);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	response_reset(&fx->resp);
	article_cache_free(fx->ctx.cache);
	content_types_free(fx->ctx.types);
	close(fx->host.root_fd);
	config_free(fx->config);
	assert_int_equal(tree_remove(fx->root), 0);
	free(fx);
	return 0;
}

/* 1 and the status when answered on the loop; 0 with resp still empty. */
static int
quick(struct fixture *fx, const char *line)
{
	int answered;

	response_reset(&fx->resp);
	answered = gemini_handle_quick(&fx->ctx, line, strlen(line), &fx->resp);
	if (!answered) {
		assert_int_equal(fx->resp.head.len, 0);
		assert_int_equal(fx->resp.fd, -1);
		assert_null(fx->resp.shared);
	}
	return answered;
}

static void
test_static_files_and_errors_answered_on_the_loop(void **state)
{
	struct fixture *fx = *state;

	assert_true(quick(fx, URL "page.gmi"));
	assert_int_equal(fx->resp.status, 20);
	assert_true(fx->resp.fd >= 0);
	assert_true(quick(fx, URL "docs/"));
	assert_int_equal(fx->resp.status, 20);
	assert_true(quick(fx, URL "docs"));
	assert_int_equal(fx->resp.status, 31);
	assert_true(quick(fx, URL "missing.gmi"));
	assert_int_equal(fx->resp.status, 51);
	assert_true(quick(fx, URL "../etc/passwd"));
	assert_int_equal(fx->resp.status, 59);
	assert_true(quick(fx, URL ".secret"));
	assert_int_equal(fx->resp.status, 51);
	assert_true(quick(fx, "gemini://elsewhere.example/"));
	assert_int_equal(fx->resp.status, 53);
	assert_true(quick(fx, "/relative"));
	assert_int_equal(fx->resp.status, 59);
	assert_true(quick(fx, URL "story.md?raw"));
	assert_int_equal(fx->resp.status, 20);
}

static void
test_slow_work_left_for_the_pool(void **state)
{
	struct fixture *fx = *state;

	/* A listing, an unconverted article, a type only libmagic can tell. */
	assert_false(quick(fx, URL "plain/"));
	assert_false(quick(fx, URL "story.md"));
	assert_false(quick(fx, URL "LICENSE"));
	/* The pool answers them all. */
	response_reset(&fx->resp);
	gemini_handle(&fx->ctx, URL "plain/", strlen(URL "plain/"), &fx->resp);
	assert_int_equal(fx->resp.status, 20);
	assert_non_null(strstr(fx->resp.head.data, "a.txt"));
	response_reset(&fx->resp);
	gemini_handle(&fx->ctx, URL "LICENSE", strlen(URL "LICENSE"), &fx->resp);
	assert_int_equal(fx->resp.status, 20);
	assert_non_null(strstr(fx->resp.head.data, "text/plain"));
}

static void
test_converted_article_answered_on_the_loop_until_it_changes(void **state)
{
	struct fixture *fx = *state;
	const char *line = URL "story.md";

	response_reset(&fx->resp);
	gemini_handle(&fx->ctx, line, strlen(line), &fx->resp);
	assert_int_equal(fx->resp.status, 20);
	assert_true(quick(fx, line));
	assert_int_equal(fx->resp.status, 20);
	assert_non_null(fx->resp.shared);
	assert_non_null(memmem(fx->resp.shared, fx->resp.shared_len, "Once upon", 9));
	/* Edited (another size): converted again, so by the pool. */
	assert_int_equal(tree_write_text(fx->root, "story.md",
	    "# Story\n\nOnce upon a time, again.\n"), 0);
	assert_false(quick(fx, line));
}

/* Through gemini_protocol, as the connection layer asks: answer() on the
 * loop, else a job that produce() answers (and frees) on the pool. */
static int
request(struct fixture *fx, const char *line, void **job)
{
	struct request_info req = { line, strlen(line), "localhost", "", NULL };

	*job = NULL;
	response_reset(&fx->resp);
	if (gemini_protocol.answer(&fx->ctx, &req, &fx->resp, job))
		return 1;
	assert_non_null(*job);
	assert_int_equal(fx->resp.head.len, 0);
	return 0;
}

static void
test_protocol_answers_on_the_loop_or_makes_a_job(void **state)
{
	struct fixture *fx = *state;
	void *job;

	assert_true(request(fx, URL "page.gmi", &job));
	assert_int_equal(fx->resp.status, 20);
	assert_false(request(fx, URL "story.md", &job));
	gemini_protocol.produce(job, &fx->resp);
	assert_int_equal(fx->resp.status, 20);
	assert_non_null(strstr(fx->resp.head.data, "20 text/gemini"));
	assert_true(request(fx, URL "story.md", &job));
	assert_non_null(fx->resp.shared);
	/* A job the pool never ran (it stopped) is freed whole (ASan: no leak). */
	assert_false(request(fx, URL "plain/", &job));
	gemini_protocol.job_free(job);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_static_files_and_errors_answered_on_the_loop,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_work_left_for_the_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_converted_article_answered_on_the_loop_until_it_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocol_answers_on_the_loop_or_makes_a_job, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
