/* The render cache alone (hits, stamps, eviction with answers still held)
 * and through gopher_handle() without an archive. */
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
#include "site/site.h"
#include "gopher/rendercache.h"
#include "tree.h"

static void
rendered(struct response *resp, const char *text)
{
	response_reset(resp);
	buf_append_str(&resp->head, text);
}

static void
stamp_of(struct render_stamp *stamp, ino_t ino, off_t size)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_ino = ino;
	st.st_size = size;
	render_stamp_init(stamp, 67, 0);
	render_stamp_file(stamp, 0, &st);
}

static void
test_hit_and_stale_stamp(void **state)
{
	struct gopher_render_cache *c = gopher_render_cache_new(1 << 20);
	struct render_stamp stamp, other;
	struct response resp;

	(void)state;
	assert_non_null(c);
	response_init(&resp);
	stamp_of(&stamp, 7, 100);
	assert_int_equal(gopher_render_cache_serve(c, "f/a", 3, &stamp, &resp), 0);
	rendered(&resp, "answer a\r\n.\r\n");
	gopher_render_cache_store(c, "f/a", 3, &stamp, &resp);
	/* The stored answer is what the response now sends. */
	assert_int_equal(resp.head.len, 0);
	assert_int_equal(response_size(&resp), 13);
	assert_memory_equal(resp.shared, "answer a\r\n.\r\n", 13);
	response_reset(&resp);

	assert_int_equal(gopher_render_cache_serve(c, "f/a", 3, &stamp, &resp), 1);
	assert_memory_equal(resp.shared, "answer a\r\n.\r\n", 13);
	response_reset(&resp);
	stamp_of(&other, 7, 101);
	assert_int_equal(gopher_render_cache_serve(c, "f/a", 3, &other, &resp), 0);
	render_stamp_init(&other, 67, 1);
	assert_int_equal(gopher_render_cache_serve(c, "f/a", 3, &other, &resp), 0);
	assert_int_equal(gopher_render_cache_serve(c, "d/a", 3, &stamp, &resp), 0);

	/* A newer answer replaces the old one under the same key. */
	rendered(&resp, "answer b\r\n.\r\n");
	gopher_render_cache_store(c, "f/a", 3, &other, &resp);
	response_reset(&resp);
	assert_int_equal(gopher_render_cache_serve(c, "f/a", 3, &stamp, &resp), 0);
	assert_int_equal(gopher_render_cache_serve(c, "f/a", 3, &other, &resp), 1);
	assert_memory_equal(resp.shared, "answer b\r\n.\r\n", 13);
	response_reset(&resp);
	gopher_render_cache_free(c);
}

static void
test_errors_and_big_answers_not_kept(void **state)
{
	struct gopher_render_cache *c = gopher_render_cache_new(8192);
	struct render_stamp stamp;
	struct response resp;
	char big[2048];

	(void)state;
	response_init(&resp);
	stamp_of(&stamp, 1, 1);
	rendered(&resp, "3Not found\t\terror.host\t1\r\n.\r\n");
	resp.status = 3;
	gopher_render_cache_store(c, "f/e", 3, &stamp, &resp);
	assert_null(resp.shared);
	assert_string_equal(resp.head.data, "3Not found\t\terror.host\t1\r\n.\r\n");
	assert_int_equal(gopher_render_cache_serve(c, "f/e", 3, &stamp, &resp), 0);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	rendered(&resp, big);
	gopher_render_cache_store(c, "f/big", 5, &stamp, &resp);
	assert_null(resp.shared);
	assert_int_equal(resp.head.len, sizeof(big) - 1);
	response_reset(&resp);
	assert_int_equal(gopher_render_cache_serve(c, "f/big", 5, &stamp, &resp), 0);
	gopher_render_cache_free(c);
}

/* Eviction keeps the byte bound, drops the least recently used answer,
 * and never frees bytes a response still sends (ASan watches). */
static void
test_eviction_with_held_answer(void **state)
{
	struct gopher_render_cache *c = gopher_render_cache_new(16384);
	struct response held, resp;
	struct render_stamp stamp;
	char text[700], key[16];
	int i, hits = 0;

	(void)state;
	response_init(&held);
	response_init(&resp);
	stamp_of(&stamp, 1, 1);
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	rendered(&resp, text);
	gopher_render_cache_store(c, "k0", 2, &stamp, &resp);
	response_reset(&resp);
	assert_int_equal(gopher_render_cache_serve(c, "k0", 2, &stamp, &held), 1);
	for (i = 1; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		text[0] = (char)('0' + i % 10);
		rendered(&resp, text);
		gopher_render_cache_store(c, key, strlen(key), &stamp, &resp);
		response_reset(&resp);
	}
	assert_int_equal(gopher_render_cache_serve(c, "k0", 2, &stamp, &resp), 0);
	assert_int_equal(held.shared_len, sizeof(text) - 1);
	assert_int_equal(held.shared[0], 'a');
	assert_int_equal(held.shared[sizeof(text) - 2], 'a');
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		hits += gopher_render_cache_serve(c, key, strlen(key), &stamp, &resp);
		response_reset(&resp);
	}
	/* About 16 KiB of 700-byte answers: the newest score or so remain. */
	assert_in_range(hits, 10, 23);
	assert_int_equal(gopher_render_cache_serve(c, "k99", 3, &stamp, &resp), 1);
	response_reset(&resp);
	gopher_render_cache_free(c);
	assert_int_equal(held.shared[100], 'a');
	response_reset(&held);
}

struct tree {
	char root[64];
	struct config config;
	struct gopher_context ctx;
	struct response resp;
};

static const char *
ask(struct tree *t, const char *line)
{
	response_reset(&t->resp);
	gopher_handle(&t->ctx, line, strlen(line), &t->resp);
	if (t->resp.shared != NULL) {
		assert_int_equal(t->resp.head.len, 0);
		return t->resp.shared;
	}
	return t->resp.head.data != NULL ? t->resp.head.data : "";
}

static void
test_handler_caches_texts_not_menus_without_archive(void **state)
{
	struct tree t;
	char cmd[128];

	(void)state;
	memset(&t, 0, sizeof(t));
	strcpy(t.root, "/tmp/gopher-cache-XXXXXX");
	assert_non_null(mkdtemp(t.root));
	assert_int_equal(tree_write_text(t.root, "a.txt", "first version\n"), 0);
	assert_int_equal(tree_write_text(t.root, "menu.gmi", "# Menu\n=> /a.txt A\n"), 0);
	t.ctx.root_fd = open(t.root, O_RDONLY | O_DIRECTORY);
	t.ctx.host = "gopher.test";
	t.ctx.port = 70;
	/* a.txt is a plain text here, not an article (article_paths). */
	t.config.article_paths = (char *)"/articles/";
	t.config.directory_listing = 1;
	t.ctx.config = &t.config;
	assert_non_null(t.ctx.cache = article_cache_new(1 << 20));
	t.ctx.render_cache_bytes = 1 << 20;
	assert_non_null(t.ctx.render_cache = gopher_render_cache_new(t.ctx.render_cache_bytes));
	response_init(&t.resp);

	assert_string_equal(ask(&t, "/a.txt"), "first version\r\n.\r\n");
	assert_string_equal(ask(&t, "/a.txt"), "first version\r\n.\r\n");
	assert_non_null(t.resp.shared);
	/* A new size (and time) is seen on the next request. */
	assert_int_equal(tree_write_text(t.root, "a.txt", "second, longer version\n"), 0);
	assert_string_equal(ask(&t, "/a.txt"), "second, longer version\r\n.\r\n");
	/* Search words are part of the key; errors are never kept. */
	assert_string_equal(ask(&t, "/a.txt\tword"), "second, longer version\r\n.\r\n");
	assert_int_equal(strncmp(ask(&t, "/missing.txt"), "3Not found", 10), 0);
	assert_int_equal(strncmp(ask(&t, "/missing.txt"), "3Not found", 10), 0);
	assert_null(t.resp.shared);
	/* No archive: menus are rendered every time. */
	assert_int_equal(strncmp(ask(&t, "/menu.gmi"), "iMenu\t", 6), 0);
	assert_int_equal(strncmp(ask(&t, "/menu.gmi"), "iMenu\t", 6), 0);
	assert_null(t.resp.shared);
	assert_int_equal(strncmp(ask(&t, "/"), "iFiles\t", 7), 0);
	assert_null(t.resp.shared);

	response_reset(&t.resp);
	article_cache_free(t.ctx.cache);
	gopher_render_cache_free(t.ctx.render_cache);
	close(t.ctx.root_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t.root);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_and_stale_stamp),
		cmocka_unit_test(test_errors_and_big_answers_not_kept),
		cmocka_unit_test(test_eviction_with_held_answer),
		cmocka_unit_test(test_handler_caches_texts_not_menus_without_archive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
