/* The page around an article (site_article_frame()): its head and foot
 * from the document and what a real index knows of it, and without an
 * archive. */
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

#include "content/types.h"
#include "site/site.h"
#include "site_fixture.h"
#include "tree.h"

struct fixture {
	char base[64];
	char root[96];
	char state[96];
	struct site site;
};

static void
put(const struct fixture *f, const char *path, const char *data)
{
	char full[256];
	FILE *out;

	snprintf(full, sizeof(full), "%s/%s", f->root, path);
	assert_non_null(out = fopen(full, "w"));
	fputs(data, out);
	fclose(out);
}

static void
markdown(const struct fixture *f, const char *path, const char *title, const char *date,
    const char *tags, const char *words)
{
	struct buf text = BUF_INIT;

	buf_printf(&text, "---\ntitle: \"%s\"\n", title);
	if (date != NULL)
		buf_printf(&text, "date: %s\n", date);
	buf_printf(&text, "author: Jo Writer\ntags: [%s]\n---\n\n%s\n", tags, words);
	put(f, path, text.data);
	buf_free(&text);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char full[256];

	assert_non_null(f);
	strcpy(f->base, "/tmp/site-frame-XXXXXX");
	assert_non_null(mkdtemp(f->base));
	snprintf(f->root, sizeof(f->root), "%s/root", f->base);
	snprintf(f->state, sizeof(f->state), "%s/state", f->base);
	assert_int_equal(mkdir(f->root, 0755), 0);
	snprintf(full, sizeof(full), "%s/a", f->root);
	assert_int_equal(mkdir(full, 0755), 0);
	markdown(f, "a/old.md", "Old story", "2014-01-05", "syria", "Old words.");
	markdown(f, "a/mid.md", "Middle story", "2014-02-03", "syria, \"what next?\"",
	    "A body of about four hundred words would take two minutes.");
	markdown(f, "a/new.md", "New story", "2015-06-01", "", "New words.");
	markdown(f, "a/undated.md", "Undated story", NULL, "", "No date at all.");
	site_fixture_open(&f->site, f->root);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	archive_close(f->site.archive);
	site_fixture_close(&f->site);
	assert_int_equal(tree_remove(f->base), 0);
	free(f);
	return 0;
}

static void
open_archive(struct fixture *f)
{
	struct archive_options o = {
		f->state, f->root, "T", "gemini://example.org", "en", 10, NULL, NULL, NULL, NULL,
	};
	char *error = NULL;
	int i;

	assert_non_null(f->site.archive = archive_open(&o, &error));
	for (i = 0; i < 500 && !archive_ready(f->site.archive); i++)
		usleep(10000);
	assert_true(archive_ready(f->site.archive));
}

/* The frame of the article at path, as "kind|text|path" lines. */
static void
frame_of(struct fixture *f, const char *path, struct buf *head, struct buf *foot)
{
	struct page h = PAGE_INIT, t = PAGE_INIT;
	const struct cached_article *a;
	struct site_target target;
	struct buf *out;
	size_t i;

	site_resolve(&f->site, path, NULL, &target);
	assert_int_equal(target.kind, SITE_ARTICLE);
	assert_non_null(a = site_article(&f->site, &target));
	assert_int_equal(site_article_frame(&f->site, path, a, &h, &t), 0);
	for (out = head; out != NULL; out = out == head ? foot : NULL) {
		const struct page *p = out == head ? &h : &t;

		for (i = 0; i < p->n; i++)
			buf_printf(out, "%d|%s|%s\n", p->lines[i].kind,
			    p->lines[i].text != NULL ? p->lines[i].text : "",
			    p->lines[i].path != NULL ? p->lines[i].path : "");
	}
	article_cache_release(a);
	site_target_free(&target);
	page_free(&h);
	page_free(&t);
}

#define DOT " \xc2\xb7 "

static void
test_frame_from_the_index(void **state)
{
	struct fixture *f = *state;
	struct buf head = BUF_INIT, foot = BUF_INIT;
	char expect[1024];

	open_archive(f);
	frame_of(f, "/a/mid.md", &head, &foot);
	snprintf(expect, sizeof(expect),
	    "%d|Middle story|\n"
	    "%d|3 February 2014" DOT "By Jo Writer" DOT "1 min read|/archive/2014/02/\n"
	    "%d|syria|/tags/syria/\n"
	    "%d|what next?|/tags/what next~3F/\n"
	    "%d||\n", PAGE_HEADING, PAGE_BYLINE, PAGE_TAG, PAGE_TAG, PAGE_BLANK);
	assert_string_equal(head.data, expect);
	snprintf(expect, sizeof(expect),
	    "%d||\n"
	    "%d|Previous: Old story|/a/old.md\n"
	    "%d|Next: New story|/a/new.md\n"
	    "%d|All articles of February 2014|/archive/2014/02/\n"
	    "%d|The archive|/archive/\n",
	    PAGE_BLANK, PAGE_LINK, PAGE_LINK, PAGE_LINK, PAGE_LINK);
	assert_string_equal(foot.data, expect);
	buf_truncate(&head, 0);
	buf_truncate(&foot, 0);
	/* Undated: no neighbours, the undated articles in place of a month. */
	frame_of(f, "/a/undated.md", &head, &foot);
	assert_non_null(strstr(head.data, "|By Jo Writer" DOT "1 min read|\n"));
	snprintf(expect, sizeof(expect), "%d||\n%d|Undated articles|/archive/undated/\n"
	    "%d|The archive|/archive/\n", PAGE_BLANK, PAGE_LINK, PAGE_LINK);
	assert_string_equal(foot.data, expect);
	buf_free(&head);
	buf_free(&foot);
}

static void
test_frame_without_an_archive(void **state)
{
	struct fixture *f = *state;
	struct buf head = BUF_INIT, foot = BUF_INIT;
	char expect[256];

	frame_of(f, "/a/mid.md", &head, &foot);
	/* The document's date, no month page to link, no tags. */
	snprintf(expect, sizeof(expect), "%d|Middle story|\n"
	    "%d|3 February 2014" DOT "By Jo Writer" DOT "1 min read|\n%d||\n",
	    PAGE_HEADING, PAGE_BYLINE, PAGE_BLANK);
	assert_string_equal(head.data, expect);
	snprintf(expect, sizeof(expect), "%d||\n%d|Home|/\n", PAGE_BLANK, PAGE_LINK);
	assert_string_equal(foot.data, expect);
	buf_free(&head);
	buf_free(&foot);
}

static void
test_reading_time(void **state)
{
	struct fixture *f = *state;
	struct buf head = BUF_INIT, foot = BUF_INIT, words = BUF_INIT;
	int i;

	for (i = 0; i < 401; i++)
		buf_append_str(&words, "word ");
	markdown(f, "a/long.md", "Long story", "2014-03-01", "", words.data);
	frame_of(f, "/a/long.md", &head, &foot);
	/* 401 words at 200 a minute: three minutes, rounded up. */
	assert_non_null(strstr(head.data, DOT "3 min read|"));
	buf_free(&head);
	buf_free(&foot);
	buf_free(&words);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frame_from_the_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frame_without_an_archive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reading_time, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
