/* The whole archive on a temporary tree: first walk, live changes,
 * restart, a corrupt database, an unusable state directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "archive/archive.h"
#include "gemini/page.h"
#include "archive/article.h"
#include "archive/search.h"
#include "tree.h"

struct fixture {
	char dir[64];
	char root[96];
	char state[96];
	struct archive *archive;
	struct archive_page page;
};

static void
remove_file(const struct fixture *f, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	assert_int_equal(unlink(path), 0);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

static struct archive *
open_archive(const struct fixture *f)
{
	struct archive_options o = {
		f->state, f->root, "Test Capsule", "gemini://example.org", "en", 10, NULL, NULL,
		NULL, NULL,
	};
	struct archive *a;
	char *error = NULL;
	int i;

	a = archive_open(&o, &error);
	if (a == NULL)
		fail_msg("%s", error);
	for (i = 0; i < 200 && !archive_ready(a); i++)
		sleep_ms(50);
	assert_true(archive_ready(a));
	return a;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_archive_index.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->root, sizeof(f->root), "%s/root", f->dir);
	snprintf(f->state, sizeof(f->state), "%s/state", f->dir);
	assert_int_equal(mkdir(f->root, 0755), 0);
	assert_int_equal(tree_write_text(f->root, "2014/02/cafe.md",
	    "---\ntitle: A café in Paris\ndate: 2014-02-10\n"
	    "tags: [paris, food]\n---\n\nThe café served croissants to the delegation.\n"), 0);
	assert_int_equal(tree_write_text(f->root, "2013/11/siege.gmi",
	    "# Aleppo under siege\n\nA city report on shelling.\n"), 0);
	assert_int_equal(tree_write_text(f->root, "2013/11/.hidden.md",
	    "# Hidden\n\nsecretword\n"), 0);
	assert_int_equal(tree_write_text(f->root, "index.gmi", "# Home\n"), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];

	archive_page_free(&f->page);
	archive_close(f->archive);
	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", f->dir, f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static enum archive_status
render(struct fixture *f, const char *path, const char *query)
{
	enum archive_status status;

	archive_page_free(&f->page);
	status = archive_render(f->archive, path, query, ARCHIVE_FEED_ATOM, &f->page);
	/* The pages as Gemini readers get them. */
	if (status == ARCHIVE_OK && strcmp(f->page.mime, "text/gemini") == 0)
		assert_int_equal(gemini_write_page(&f->page.body, &f->page.page, NULL), 0);
	return status;
}

static int
count(const char *haystack, const char *needle)
{
	int n = 0;

	while (haystack != NULL && (haystack = strstr(haystack, needle)) != NULL) {
		n++;
		haystack += strlen(needle);
	}
	return n;
}

/* Wait up to 3 s until a search for words gives want article lines. */
static void
await_results(struct fixture *f, const char *words, int want)
{
	int i, got = -1;

	for (i = 0; i < 60; i++) {
		assert_int_equal(render(f, "/search", words), ARCHIVE_OK);
		if ((got = count(f->page.body.data, "\n=> /20")) == want)
			return;
		sleep_ms(50);
	}
	fail_msg("search for %s: %d results, want %d", words, got, want);
}

static void
test_first_walk(void **state)
{
	struct fixture *f = *state;
	char target[160], link[160];

	snprintf(target, sizeof(target), "%s/2014/02/cafe.md", f->root);
	snprintf(link, sizeof(link), "%s/2014/02/link.md", f->root);
	assert_int_equal(symlink(target, link), 0);
	f->archive = open_archive(f);
	assert_int_equal(render(f, "/archive/2014/02/", NULL), ARCHIVE_OK);
	assert_non_null(strstr(f->page.body.data,
	    "=> /2014/02/cafe.md 2014-02-10 A café in Paris\n"));
	assert_null(strstr(f->page.body.data, "being built"));
	assert_int_equal(count(f->page.body.data, "\n=> /20"), 1);
	assert_int_equal(render(f, "/tags/paris/", NULL), ARCHIVE_OK);
	assert_int_equal(count(f->page.body.data, "\n=> /2014/02/cafe.md 2014-02-10 "), 1);
	assert_int_equal(render(f, "/archive/2013/11/", NULL), ARCHIVE_OK);
	assert_non_null(strstr(f->page.body.data, "=> /2013/11/siege.gmi 2013-11-01 "));
	assert_non_null(strstr(f->page.body.data, " Aleppo under siege\n"));
	await_results(f, "cafe", 1);
	await_results(f, "café", 1);
	await_results(f, "croiss*", 1);
	await_results(f, "\"city report\"", 1);
	await_results(f, "secretword", 0);
	await_results(f, "home", 0);
}

static void
test_home_only_without_index_gmi(void **state)
{
	struct fixture *f = *state;

	f->archive = open_archive(f);
	assert_int_equal(render(f, "/", NULL), ARCHIVE_NOT_MINE);
	remove_file(f, "index.gmi");
	assert_int_equal(render(f, "/", NULL), ARCHIVE_OK);
	assert_non_null(strstr(f->page.body.data, "# Test Capsule\n"));
	assert_non_null(strstr(f->page.body.data, "=> /2014/02/cafe.md 2014-02-10 A café"));
	assert_int_equal(render(f, "/atom.xml", NULL), ARCHIVE_OK);
	assert_string_equal(f->page.mime, "application/atom+xml");
	assert_int_equal(render(f, "/search", NULL), ARCHIVE_INPUT);
	assert_string_equal(f->page.prompt, SEARCH_PROMPT);
	assert_int_equal(render(f, "/2014/02/cafe.md", NULL), ARCHIVE_NOT_MINE);
}

static void
test_live_changes(void **state)
{
	struct fixture *f = *state;

	f->archive = open_archive(f);
	await_results(f, "zeppelin", 0);
	assert_int_equal(tree_write_text(f->root, "2015/01/airship.gmi",
	    "# Zeppelin returns\n\nAn airship over the lake.\n"), 0);
	await_results(f, "zeppelin", 1);
	assert_int_equal(tree_write_text(f->root, "2014/02/cafe.md",
	    "---\ntitle: A café in Paris\ndate: 2014-02-10\n---\n\n"
	    "Now serving zeppelin-shaped cakes.\n"), 0);
	await_results(f, "zeppelin", 2);
	await_results(f, "croissants", 0);
	remove_file(f, "2015/01/airship.gmi");
	await_results(f, "airship", 0);
	assert_int_equal(render(f, "/archive/2015/", NULL), ARCHIVE_NOT_FOUND);
}

/* The generation moves with every change the indexer applies, and only
 * then. */
static void
test_generation(void **state)
{
	struct fixture *f = *state;
	unsigned long ready, added, removed;
	int i;

	f->archive = open_archive(f);
	ready = archive_generation(f->archive);
	assert_true(ready > 0);
	sleep_ms(300);
	assert_int_equal(archive_generation(f->archive), ready);
	assert_int_equal(tree_write_text(f->root, "2015/01/airship.gmi",
	    "# Zeppelin returns\n\nAn airship.\n"), 0);
	await_results(f, "zeppelin", 1);
	added = archive_generation(f->archive);
	assert_true(added > ready);
	remove_file(f, "2015/01/airship.gmi");
	await_results(f, "zeppelin", 0);
	removed = archive_generation(f->archive);
	assert_true(removed > added);
	/* Renders read the index, they never change it. */
	assert_int_equal(render(f, "/archive/", NULL), ARCHIVE_OK);
	sleep_ms(1200);
	assert_int_equal(archive_generation(f->archive), removed);
	remove_file(f, "index.gmi");
	for (i = 0; i < 60 && archive_generation(f->archive) == removed; i++)
		sleep_ms(50);
	assert_true(archive_generation(f->archive) > removed);
}

static void
test_restart_and_corrupt_db(void **state)
{
	struct fixture *f = *state;
	char path[160];
	FILE *fp;

	f->archive = open_archive(f);
	archive_close(f->archive);
	f->archive = open_archive(f);
	await_results(f, "croissants", 1);
	archive_close(f->archive);
	f->archive = NULL;
	snprintf(path, sizeof(path), "%s/archive.db", f->state);
	assert_non_null(fp = fopen(path, "w"));
	fputs("this is not a database, just some garbage bytes to be rebuilt\n", fp);
	assert_int_equal(fclose(fp), 0);
	f->archive = open_archive(f);
	await_results(f, "croissants", 1);
}

static void
test_unusable_state_dir(void **state)
{
	struct fixture *f = *state;
	struct archive_options o = { f->state, f->root, "T", "gemini://x", "en", 10, NULL, NULL,
	    NULL, NULL };
	char *error = NULL;

	/* root ignores mode bits: use a directory nobody can create files in. */
	if (geteuid() == 0)
		o.state_dir = "/proc/self/archive";
	else
		assert_int_equal(mkdir(f->state, 0555), 0);
	assert_null(archive_open(&o, &error));
	assert_non_null(error);
	assert_non_null(strstr(error, o.state_dir));
	free(error);
}

/* Ten undated .txt stories headed by the same two lines of site chrome. */
static void
write_stories(const struct fixture *f, const char *dir, const char *chrome, int from, int to)
{
	char rel[64], text[512];
	int i;

	for (i = from; i < to; i++) {
		snprintf(rel, sizeof(rel), "%s/story-%d.txt", dir, i);
		snprintf(text, sizeof(text), "%s\n\nCouncil approves bridge number %d\n\n"
		    "The council voted on bridge %d today after a long debate.\n", chrome, i, i);
		assert_int_equal(tree_write_text(f->root, rel, text), 0);
	}
}

/* The chrome's lines; its generation is returned. */
static unsigned long
assert_chrome(struct archive *a, const char *first, const char *second)
{
	unsigned long generation;
	char **lines = archive_chrome_lines(a, &generation);

	assert_non_null(lines);
	assert_string_equal(lines[0], first);
	if (second != NULL)
		assert_string_equal(lines[1], second);
	assert_null(lines[second != NULL ? 2 : 1]);
	archive_chrome_free(lines);
	assert_int_equal(generation, archive_chrome_generation(a));
	assert_true(generation > 0);
	return generation;
}

static void
test_learned_chrome(void **state)
{
	static const char chrome[] = "Welcome to the Daily Planet\n"
	    "  Your trusted   source for local news  ";
	struct fixture *f = *state;
	unsigned long generation;
	const char *body;
	char line[96];
	int i;

	write_stories(f, "2015/03", chrome, 0, 10);
	assert_int_equal(tree_write_text(f->root, "2015/03/other.txt",
	    "A line seen only once here\n\nShort text.\n"), 0);
	f->archive = open_archive(f);
	assert_int_equal(render(f, "/archive/2015/03/", NULL), ARCHIVE_OK);
	body = f->page.body.data;
	assert_int_equal(count(body, "\n=> /2015/03/"), 11);
	for (i = 0; i < 10; i++) {
		snprintf(line, sizeof(line), "story-%d.txt 2015-03-01 Council approves bridge "
		    "number %d\n", i, i);
		assert_non_null(strstr(body, line));
	}
	assert_null(strstr(body, "Welcome"));
	assert_null(strstr(body, "Your trusted"));
	assert_chrome(f->archive, "Welcome to the Daily Planet",
	    "Your trusted source for local news");
	/* Known after a restart too. */
	archive_close(f->archive);
	f->archive = open_archive(f);
	generation = assert_chrome(f->archive, "Welcome to the Daily Planet",
	    "Your trusted source for local news");
	/* Many new files with new chrome: learned again while running, under a
	 * new generation (cached conversions of .txt files are keyed by it). */
	write_stories(f, "2015/04", "News from the valley today", 10, 16);
	for (i = 0; i < 60; i++) {
		if (render(f, "/archive/2015/04/", NULL) == ARCHIVE_OK &&
		    count(f->page.body.data, " Council approves bridge number 1") == 6)
			break;
		sleep_ms(50);
	}
	assert_int_equal(count(f->page.body.data, " Council approves bridge number 1"), 6);
	assert_null(strstr(f->page.body.data, "valley"));
	assert_true(archive_chrome_generation(f->archive) > generation);
}

static void
test_no_chrome_without_repetition(void **state)
{
	struct fixture *f = *state;
	unsigned long generation;

	write_stories(f, "2015/03", "Seen at the top twice", 0, 2);
	f->archive = open_archive(f);
	assert_null(archive_chrome_lines(f->archive, &generation));
	assert_int_equal(render(f, "/archive/2015/03/", NULL), ARCHIVE_OK);
	assert_int_equal(count(f->page.body.data, " Seen at the top twice\n"), 2);
}

static void
test_article_dates(void **state)
{
	char date[11], updated[40];

	(void)state;
	article_dates("2014-02-03", 0, date, updated);
	assert_string_equal(date, "2014-02-03");
	assert_string_equal(updated, "2014-02-03T00:00:00Z");
	article_dates("2014-02-03T10:12:00", 0, date, updated);
	assert_string_equal(updated, "2014-02-03T10:12:00Z");
	article_dates("2014-02-03T10:12", 0, date, updated);
	assert_string_equal(updated, "2014-02-03T10:12:00Z");
	article_dates("2014-02-03T10:12:30.5+0200", 0, date, updated);
	assert_string_equal(updated, "2014-02-03T10:12:30+02:00");
	article_dates("2014-02-03 10:12:30-05:00", 0, date, updated);
	assert_string_equal(updated, "2014-02-03T10:12:30-05:00");
	article_dates("2014-02", 0, date, updated);
	assert_string_equal(date, "2014-02-01");
	assert_string_equal(updated, "2014-02-01T00:00:00Z");
	/* Malformed or missing: undated, updated from the modification time. */
	article_dates("2014-13-03", 86400LL * 1000000000LL, date, updated);
	assert_string_equal(date, "");
	assert_string_equal(updated, "1970-01-02T00:00:00Z");
	article_dates("2014-02-03Tnoon", 0, date, updated);
	assert_string_equal(date, "");
	article_dates(NULL, 0, date, updated);
	assert_string_equal(updated, "1970-01-01T00:00:00Z");
}

/* A feed summary cut from a long first paragraph ends on a whole word
 * and an ellipsis; a short one is whole, without. */
static void
test_summary_ends_on_a_word(void **state)
{
	struct fixture *f = *state;
	struct buf text = BUF_INIT;
	const char *summary, *end;
	int i;

	buf_append_str(&text, "---\ntitle: Long\ndate: 2015-01-01\n---\n\n");
	for (i = 0; i < 60; i++)
		buf_append_str(&text, "The question of whether, ");
	assert_int_equal(tree_write_text(f->root, "2015/01/long.md", text.data), 0);
	buf_free(&text);
	f->archive = open_archive(f);
	assert_int_equal(render(f, "/atom.xml", NULL), ARCHIVE_OK);
	assert_non_null(summary = strstr(f->page.body.data, "<summary>The question"));
	end = strstr(summary, "</summary>");
	assert_non_null(end);
	assert_true(end - summary - 9 <= ARTICLE_SUMMARY_BYTES);
	/* A whole word, then the ellipsis: no dangling comma or space. */
	assert_int_equal(strncmp(end - 3, "\xe2\x80\xa6", 3), 0);
	assert_true((end[-4] >= 'a' && end[-4] <= 'z') || end[-4] == 'T');
	assert_true(strncmp(end - 6, " of", 3) == 0 || strncmp(end - 11, "whether", 7) == 0 ||
	    strncmp(end - 7, " The", 4) == 0 || strncmp(end - 12, "question", 8) == 0);
	assert_non_null(strstr(f->page.body.data,
	    "<summary>The café served croissants to the delegation.</summary>"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_home_only_without_index_gmi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_and_corrupt_db, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unusable_state_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_learned_chrome, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_chrome_without_repetition, setup, teardown),
		cmocka_unit_test(test_article_dates),
		cmocka_unit_test_setup_teardown(test_summary_ends_on_a_word, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
