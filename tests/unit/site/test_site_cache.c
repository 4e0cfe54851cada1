#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "site/cache.h"

#define THREADS 8

struct fixture {
	char path[64];
	int fd;
	struct stat st;
};

static void
write_article(struct fixture *f, const char *text)
{
	struct timespec times[2] = { { 0, UTIME_OMIT }, { 0, 0 } };

	assert_int_equal(ftruncate(f->fd, 0), 0);
	assert_int_equal(pwrite(f->fd, text, strlen(text), 0), (ssize_t)strlen(text));
	/* A distinct mtime for every version, even within one clock tick. */
	times[1].tv_sec = 1000000000 + (time_t)strlen(text);
	times[1].tv_nsec = (long)text[0];
	assert_int_equal(futimens(f->fd, times), 0);
	assert_int_equal(fstat(f->fd, &f->st), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->path, sizeof(f->path), "/tmp/test_convert_cache.XXXXXX");
	f->fd = mkstemp(f->path);
	assert_true(f->fd >= 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	close(f->fd);
	unlink(f->path);
	free(f);
	return 0;
}

static void
test_hit_and_staleness(void **state)
{
	struct fixture *f = *state;
	struct convert_options opt = { .base_url = "/articles/2014/02/a.txt" };
	struct article_cache *c = article_cache_new(1 << 20);
	const struct cached_article *a, *b, *old;
	struct article_cache_stats stats;

	write_article(f, "First headline of the day\nBody one.\n");
	/* A peek never converts. */
	assert_null(article_cache_peek(c, &f->st, ARTICLE_TEXT, 0));
	a = article_cache_get(c, f->fd, &f->st, ARTICLE_TEXT, &opt);
	assert_non_null(a);
	b = article_cache_peek(c, &f->st, ARTICLE_TEXT, 0);
	assert_ptr_equal(a, b);
	article_cache_release(b);
	assert_null(article_cache_peek(c, &f->st, ARTICLE_MARKDOWN, 0));
	/* The body alone: the page writes the title around it. */
	assert_int_equal(strncmp(a->gemtext, "Body one.\n", 10), 0);
	assert_string_equal(a->doc->meta.title, "First headline of the day");
	assert_int_equal(a->words, 2);
	b = article_cache_get(c, f->fd, &f->st, ARTICLE_TEXT, &opt);
	assert_ptr_equal(a, b);
	article_cache_release(b);
	old = a;
	/* Edited while a reference is held: the old version stays readable. */
	write_article(f, "Second headline, now edited\nBody two, longer.\n");
	assert_null(article_cache_peek(c, &f->st, ARTICLE_TEXT, 0));
	b = article_cache_get(c, f->fd, &f->st, ARTICLE_TEXT, &opt);
	assert_non_null(b);
	assert_ptr_not_equal(b, old);
	assert_string_equal(b->doc->meta.title, "Second headline, now edited");
	assert_int_equal(strncmp(b->gemtext, "Body two, longer.\n", 18), 0);
	assert_int_equal(strncmp(old->gemtext, "Body one.\n", 10), 0);
	article_cache_release(old);
	article_cache_release_cb((void *)b);
	article_cache_get_stats(c, &stats);
	assert_int_equal(stats.conversions, 2);
	assert_int_equal(stats.hits, 2);
	assert_int_equal(stats.entries, 1);
	article_cache_free(c);
}

/* Newly learned chrome (a new generation) converts a text again, without it. */
static void
test_new_chrome_converts_again(void **state)
{
	static const char *const chrome[] = { "Welcome to the Daily Planet", NULL };
	struct fixture *f = *state;
	struct convert_options plain = { .base_url = "/articles/2014/02/a.txt" };
	struct convert_options learned = { .base_url = "/articles/2014/02/a.txt",
	    .chrome_lines = chrome, .context_generation = 7 };
	struct article_cache *c = article_cache_new(1 << 20);
	const struct cached_article *a, *b;

	write_article(f, "Welcome to the Daily Planet\n\nCouncil approves bridge\nBody.\n");
	a = article_cache_get(c, f->fd, &f->st, ARTICLE_TEXT, &plain);
	assert_non_null(a);
	assert_string_equal(a->doc->meta.title, "Welcome to the Daily Planet");
	assert_null(article_cache_peek(c, &f->st, ARTICLE_TEXT, 7));
	b = article_cache_get(c, f->fd, &f->st, ARTICLE_TEXT, &learned);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_null(strstr(b->gemtext, "Welcome"));
	assert_string_equal(b->doc->meta.title, "Council approves bridge");
	article_cache_release(a);
	/* The old version is gone from the table; the new one is found. */
	assert_null(article_cache_peek(c, &f->st, ARTICLE_TEXT, 0));
	a = article_cache_peek(c, &f->st, ARTICLE_TEXT, 7);
	assert_ptr_equal(a, b);
	article_cache_release(a);
	article_cache_release(b);
	article_cache_free(c);
}

static void
test_gemtext_served_as_written(void **state)
{
	static const char text[] = "# Native\n\n=> x.gmi  link\n";
	struct fixture *f = *state;
	struct article_cache *c = article_cache_new(1 << 20);
	const struct cached_article *a;

	write_article(f, text);
	a = article_cache_get(c, f->fd, &f->st, ARTICLE_GEMTEXT, NULL);
	assert_non_null(a);
	assert_int_equal(a->gemtext_len, strlen(text));
	assert_string_equal(a->gemtext, text);
	assert_string_equal(a->doc->meta.title, "Native");
	article_cache_release(a);
	article_cache_free(c);
}

struct worker {
	struct article_cache *cache;
	struct fixture *f;
	pthread_barrier_t *start;
	const struct cached_article *got;
};

static void *
work(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(w->start);
	w->got = article_cache_get(w->cache, w->f->fd, &w->f->st, ARTICLE_MARKDOWN, NULL);
	return NULL;
}

static void
test_concurrent_get_converts_once(void **state)
{
	struct fixture *f = *state;
	struct article_cache *c = article_cache_new(1 << 24);
	struct worker workers[THREADS];
	pthread_t threads[THREADS];
	pthread_barrier_t start;
	struct article_cache_stats stats;
	char *big;
	size_t i, len = 2 * 1024 * 1024;

	/* A large document so that the conversion takes a while. */
	big = malloc(len + 1);
	for (i = 0; i < len; i++)
		big[i] = (i % 64 == 63) ? '\n' : (i % 7 == 0 ? ' ' : 'a');
	big[len] = '\0';
	write_article(f, big);
	free(big);
	pthread_barrier_init(&start, NULL, THREADS);
	for (i = 0; i < THREADS; i++) {
		workers[i] = (struct worker){ c, f, &start, NULL };
		assert_int_equal(pthread_create(&threads[i], NULL, work, &workers[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < THREADS; i++) {
		assert_non_null(workers[i].got);
		assert_ptr_equal(workers[i].got, workers[0].got);
	}
	article_cache_get_stats(c, &stats);
	assert_int_equal(stats.conversions, 1);
	assert_int_equal(stats.misses, 1);
	assert_int_equal(stats.hits, THREADS - 1);
	for (i = 0; i < THREADS; i++)
		article_cache_release(workers[i].got);
	pthread_barrier_destroy(&start);
	article_cache_free(c);
}

static void
test_eviction_and_limits(void **state)
{
	struct fixture *f = *state;
	struct article_cache *c = article_cache_new(1);
	const struct cached_article *a;
	struct article_cache_stats stats;
	struct stat st;
	int dir;

	write_article(f, "Some headline for eviction\nText.\n");
	a = article_cache_get(c, f->fd, &f->st, ARTICLE_TEXT, NULL);
	assert_non_null(a);
	article_cache_get_stats(c, &stats);
	assert_int_equal(stats.entries, 1);
	article_cache_release(a);
	article_cache_get_stats(c, &stats);
	assert_int_equal(stats.entries, 0);
	assert_int_equal(stats.bytes, 0);
	/* Too large: not read at all. */
	assert_int_equal(ftruncate(f->fd, (off_t)ARTICLE_CACHE_MAX_FILE + 1), 0);
	assert_int_equal(fstat(f->fd, &st), 0);
	assert_null(article_cache_get(c, f->fd, &st, ARTICLE_TEXT, NULL));
	/* Not a regular file. */
	dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	assert_int_equal(fstat(dir, &st), 0);
	assert_null(article_cache_get(c, dir, &st, ARTICLE_TEXT, NULL));
	close(dir);
	/* Unreadable descriptor. */
	assert_int_equal(fstat(f->fd, &st), 0);
	st.st_size = 10;
	assert_null(article_cache_get(c, -1, &st, ARTICLE_TEXT, NULL));
	article_cache_get_stats(c, &stats);
	assert_int_equal(stats.entries, 0);
	article_cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hit_and_staleness, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_chrome_converts_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gemtext_served_as_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_get_converts_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eviction_and_limits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
