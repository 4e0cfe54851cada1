/* Generated pages rendered from rows put straight into the index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "archive/pages.h"
#include "archive/rank.h"
#include "archive/search.h"
#include "archive/store.h"
#include "gemini/page.h"

#define BULK 45

struct fixture {
	char dir[64];
	char db_path[96];
	struct store store;
	struct reader *reader;
	struct page_context ctx;
	struct archive_page page;
};

static void
put(struct store *s, const char *path, const char *date, const char *title,
    const char *body, const char *tag1, const char *tag2)
{
	const char *tags[2] = { tag1, tag2 };
	char updated[32];
	struct article_row row = {
		.path = path, .mtime = 1, .size = 1, .date = date, .updated = updated,
		.title = title, .summary = body, .body = body, .whole = 1, .tags = tags,
		.ntags = tag2 != NULL ? 2 : tag1 != NULL ? 1 : 0,
	};

	snprintf(updated, sizeof(updated), "%sT00:00:00Z", date);
	assert_int_equal(store_put(s, &row), 0);
}

static void
put_undated(struct store *s, const char *path, const char *title, const char *tag)
{
	const char *tags[1] = { tag };
	struct article_row row = {
		.path = path, .mtime = 1, .size = 1, .date = "", .updated = "2026-11-27T10:00:00Z",
		.title = title, .summary = "", .body = "undated text", .whole = 1, .tags = tags,
		.ntags = tag != NULL ? 1 : 0,
	};

	assert_int_equal(store_put(s, &row), 0);
}

static void
put_rows(struct store *s)
{
	char path[64], date[16];
	int i;

	assert_int_equal(store_begin(s), 0);
	put(s, "/2014/02/ceasefire.txt", "2014-02-03",
	    "Russia and America discuss local ceasefires in Syria",
	    "Kerry said the talks covered local ceasefires, beginning with Aleppo.",
	    "syria", "diplomacy");
	put(s, "/2014/02/cafe.md", "2014-02-10", "A café in Paris",
	    "The café served croissants to the delegation.", "paris", NULL);
	put(s, "/2013/11/old news.gmi", "2013-11-05", "Old news",
	    "Nothing about Aleppo in the title but it is here.", "syria", NULL);
	put(s, "/2013/11/aleppo.gmi", "2013-11-01", "Aleppo under siege",
	    "A city report.", NULL, NULL);
	put(s, "/2012/05/evil.txt", "2012-05-01", "Tom & Jerry <3\n=> gemini://evil/ x",
	    "Escaping matters.", NULL, NULL);
	for (i = 0; i < BULK; i++) {
		snprintf(path, sizeof(path), "/bulk/%02d.txt", i);
		snprintf(date, sizeof(date), "2010-01-%02d", i % 28 + 1);
		put(s, path, date, "Bulk article", "bulkword filler text", "bulk", NULL);
	}
	assert_int_equal(store_commit(s), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	enum store_fault fault;
	char *error = NULL;

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_archive_pages.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db_path, sizeof(f->db_path), "%s/archive.db", f->dir);
	assert_int_equal(store_open(&f->store, f->db_path, &error, &fault), 0);
	put_rows(&f->store);
	assert_non_null(f->reader = reader_open(f->db_path, 0, -1));
	/* Counts and pages here must not hang on the machine's load: a
	 * search has all the time it needs. */
	f->ctx = (struct page_context){ .title = "My Capsule", .base_url = "gemini://example.org",
	    .default_lang = "en", .feed_entries = 3, .building = -1, .home = 1,
	    .search_budget_ms = 60000 };
	*state = f;
	return 0;
}

static void
clear_page(struct archive_page *p)
{
	archive_page_free(p);
	memset(p, 0, sizeof(*p));
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	clear_page(&f->page);
	reader_close(f->reader);
	store_close(&f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* No statement of the reader is left running: each would hold a read
 * transaction, and the next render would see an old snapshot. */
static void
assert_all_reset(const struct fixture *f)
{
	sqlite3_stmt *st = NULL;

	while ((st = sqlite3_next_stmt(f->reader->db, st)) != NULL)
		assert_false(sqlite3_stmt_busy(st));
	assert_true(sqlite3_get_autocommit(f->reader->db));
}

/* Render path into f->page (freed first) and return its body. */
static const char *
render(struct fixture *f, const char *path, const char *query, enum archive_status want)
{
	clear_page(&f->page);
	assert_int_equal(pages_render(f->reader, &f->ctx, path, query, &f->page), want);
	assert_all_reset(f);
	/* The pages as Gemini readers get them. */
	if (want == ARCHIVE_OK && strcmp(f->page.mime, "text/gemini") == 0)
		assert_int_equal(gemini_write_page(&f->page.body, &f->page.page, NULL), 0);
	return f->page.body.data != NULL ? f->page.body.data : "";
}

static int
count(const char *haystack, const char *needle)
{
	int n = 0;

	while ((haystack = strstr(haystack, needle)) != NULL) {
		n++;
		haystack += strlen(needle);
	}
	return n;
}

/* a appears in s, and before b. */
static void
assert_before(const char *s, const char *a, const char *b)
{
	const char *pa = strstr(s, a), *pb = strstr(s, b);

	assert_non_null(pa);
	assert_non_null(pb);
	assert_true(pa < pb);
}

static void
test_years_and_months(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/archive/", NULL, ARCHIVE_OK);
	assert_string_equal(f->page.mime, "text/gemini");
	assert_before(body, "=> /archive/2014/ 2014 (2 articles)\n",
	    "=> /archive/2013/ 2013 (2 articles)\n");
	assert_before(body, "=> /archive/2012/ 2012 (1 article)\n",
	    "=> /archive/2010/ 2010 (45 articles)\n");
	body = render(f, "/archive/2013/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /archive/2013/11/ November 2013 (2 articles)\n"));
	body = render(f, "/archive/2014/02/", NULL, ARCHIVE_OK);
	assert_before(body, "=> /2014/02/cafe.md 2014-02-10 A café in Paris\n",
	    "=> /2014/02/ceasefire.txt 2014-02-03 Russia and America discuss local "
	    "ceasefires in Syria\n");
	assert_null(strstr(body, "aleppo.gmi"));
	body = render(f, "/archive/2013/11/", NULL, ARCHIVE_OK);
	assert_before(body, "=> /2013/11/old%20news.gmi 2013-11-05 Old news\n",
	    "=> /2013/11/aleppo.gmi 2013-11-01 Aleppo under siege\n");
}

static void
test_bad_archive_paths(void **state)
{
	struct fixture *f = *state;

	render(f, "/archive/2015/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/archive/2014/13/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/archive/2014/01/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/archive/abcd/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/archive/2014/02/x/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/archives/", NULL, ARCHIVE_NOT_MINE);
	render(f, "/2014/02/cafe.md", NULL, ARCHIVE_NOT_MINE);
}

static void
test_tags(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/tags/", NULL, ARCHIVE_OK);
	assert_before(body, "=> /tags/bulk/ bulk (45 articles)\n",
	    "=> /tags/syria/ syria (2 articles)\n");
	body = render(f, "/tags/syria/", NULL, ARCHIVE_OK);
	assert_before(body, "=> /2014/02/ceasefire.txt 2014-02-03 ",
	    "=> /2013/11/old%20news.gmi 2013-11-05 Old news\n");
	assert_int_equal(count(body, "\n=> /20"), 2);
	render(f, "/tags/nope/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/tags/syria/", "2", ARCHIVE_NOT_FOUND);
	render(f, "/tags/syria/", "x", ARCHIVE_NOT_FOUND);
}

/* One article with its tag spelled as given; the key is the spelling in
 * lower case, as the indexer makes it. */
static void
put_spelled(struct store *s, const char *path, const char *shown)
{
	char key[32];
	const char *keys[1] = { key }, *spellings[1] = { shown };
	struct article_row row = {
		.path = path, .mtime = 1, .size = 1, .date = "2015-05-05",
		.updated = "2015-05-05T00:00:00Z", .title = "Spelled", .summary = "",
		.body = "spelled", .whole = 1, .tags = keys, .tags_shown = spellings, .ntags = 1,
	};
	size_t i;

	for (i = 0; shown[i] != '\0' && i + 1 < sizeof(key); i++)
		key[i] = (char)(shown[i] >= 'A' && shown[i] <= 'Z' ? shown[i] - 'A' + 'a' : shown[i]);
	key[i] = '\0';
	assert_int_equal(store_put(s, &row), 0);
}

/* A tag is one whatever its spelling, and shows as most articles spell it. */
static void
test_tag_spellings(void **state)
{
	struct fixture *f = *state;
	const char *body;

	assert_int_equal(store_begin(&f->store), 0);
	put_spelled(&f->store, "/s/1.txt", "NASA");
	put_spelled(&f->store, "/s/2.txt", "Nasa");
	put_spelled(&f->store, "/s/3.txt", "NASA");
	assert_int_equal(store_commit(&f->store), 0);
	body = render(f, "/tags/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /tags/nasa/ NASA (3 articles)\n"));
	body = render(f, "/tags/nasa/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, ": articles tagged NASA\n"));
	render(f, "/tags/NASA/", NULL, ARCHIVE_NOT_FOUND);
	/* Most of them spell it otherwise now. */
	assert_int_equal(store_begin(&f->store), 0);
	assert_int_equal(store_remove(&f->store, "/s/1.txt"), 1);
	assert_int_equal(store_remove(&f->store, "/s/3.txt"), 1);
	put_spelled(&f->store, "/s/4.txt", "Nasa");
	assert_int_equal(store_commit(&f->store), 0);
	body = render(f, "/tags/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /tags/nasa/ Nasa (2 articles)\n"));
	body = render(f, "/tags/nasa/atom.xml", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "articles tagged Nasa</title>"));
}

static void
test_home(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/", NULL, ARCHIVE_OK);
	assert_true(strncmp(body, "# My Capsule\n", 13) == 0);
	assert_before(body, "=> /2014/02/cafe.md 2014-02-10 A café in Paris\n",
	    "=> /2013/11/old%20news.gmi 2013-11-05 Old news\n");
	assert_int_equal(count(body, "\n=> /20"), 3);
	assert_non_null(strstr(body, "=> /archive/"));
	assert_non_null(strstr(body, "=> /tags/"));
	assert_non_null(strstr(body, "=> /search"));
	assert_non_null(strstr(body, "=> /atom.xml"));
	assert_null(strstr(body, "being built"));
	f->ctx.building = 7;
	body = render(f, "/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "The index is being built (7 articles so far)\n"));
	/* A damaged index moved aside is rebuilt: the page says which. */
	f->ctx.rebuilding = 1;
	body = render(f, "/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "The index is being rebuilt (7 articles so far)\n"));
	f->ctx.rebuilding = 0;
	f->ctx.home = 0;
	render(f, "/", NULL, ARCHIVE_NOT_MINE);
}

static void
test_titles_cannot_inject_lines(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/archive/2012/05/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body,
	    "=> /2012/05/evil.txt 2012-05-01 Tom & Jerry <3 => gemini://evil/ x\n"));
	assert_null(strstr(body, "\n=> gemini://evil"));
}

static void
test_feed(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/atom.xml", NULL, ARCHIVE_OK);
	assert_string_equal(f->page.mime, "application/atom+xml");
	assert_true(strncmp(body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n", 39) == 0);
	assert_non_null(strstr(body, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">"));
	assert_non_null(strstr(body, "<id>gemini://example.org/</id>"));
	assert_non_null(strstr(body, "<title>My Capsule</title>"));
	assert_non_null(strstr(body, "<updated>2014-02-10T00:00:00Z</updated>"));
	assert_non_null(strstr(body, "<author><name>My Capsule</name>"));
	assert_non_null(strstr(body, "<link rel=\"self\" href=\"gemini://example.org/atom.xml\"/>"));
	assert_int_equal(count(body, "<entry>"), 3);
	assert_int_equal(count(body, "</entry>"), 3);
	assert_before(body, "<id>gemini://example.org/2014/02/cafe.md</id>",
	    "<id>gemini://example.org/2013/11/old%20news.gmi</id>");
	assert_non_null(strstr(body,
	    "<link rel=\"alternate\" href=\"gemini://example.org/2014/02/cafe.md\"/>"));
	assert_non_null(strstr(body, "<summary>The café served croissants"));
	assert_true(strcmp(body + strlen(body) - 8, "</feed>\n") == 0);
	f->ctx.feed_entries = 60;
	body = render(f, "/atom.xml", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "<title>Tom &amp; Jerry &lt;3\n=&gt; gemini://evil/ x</title>"));
}

/* Articles without a date are listed apart: never as the latest news,
 * in no month, not in the feed; on tag pages and in search, undated. */
static void
test_undated_articles_listed_apart(void **state)
{
	struct fixture *f = *state;
	struct article_row about = {
		.path = "/about.md", .mtime = 1, .size = 1, .date = "",
		.updated = "2026-11-27T10:00:00Z", .title = "About this capsule",
		.summary = "Who writes here.", .body = "Who writes here, about Aleppo.", .whole = 1,
	};
	struct article_row notes = about;
	const char *tags[1] = { "syria" };
	const char *body;

	/* None yet: the page says so, and nothing links to it. */
	body = render(f, "/archive/undated/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "No article is undated"));
	assert_null(strstr(render(f, "/archive/", NULL, ARCHIVE_OK), "undated"));
	notes.path = "/notes/misc.txt";
	notes.title = "a few notes";
	notes.tags = tags;
	notes.ntags = 1;
	assert_int_equal(store_put(&f->store, &about), 0);
	assert_int_equal(store_put(&f->store, &notes), 0);
	body = render(f, "/", NULL, ARCHIVE_OK);
	assert_null(strstr(body, "about.md"));
	assert_int_equal(count(body, "\n=> /20"), 3);
	body = render(f, "/archive/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /archive/undated/ Undated (2 articles)\n"));
	assert_null(strstr(body, "=> /archive// "));
	body = render(f, "/archive/undated", NULL, ARCHIVE_OK);
	assert_before(body, "=> /notes/misc.txt a few notes\n",
	    "=> /about.md About this capsule\n");
	f->ctx.feed_entries = 100;
	body = render(f, "/atom.xml", NULL, ARCHIVE_OK);
	assert_null(strstr(body, "about.md"));
	assert_non_null(strstr(body, "<updated>2014-02-10T00:00:00Z</updated>"));
	body = render(f, "/tags/syria/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /notes/misc.txt a few notes\n"));
	body = render(f, "/search", "writes", ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /about.md About this capsule\n"));
}

/* The feed is as new as its latest entry in time, not in text. */
static void
test_feed_updated_is_the_latest_instant(void **state)
{
	struct fixture *f = *state;
	struct article_row row = {
		.path = "/2014/02/late.md", .mtime = 1, .size = 1, .date = "2014-02-10",
		.updated = "2014-02-10T01:30:00+05:00", .title = "Late", .summary = "",
		.body = "", .whole = 1,
	};
	const char *body;

	assert_int_equal(store_put(&f->store, &row), 0);
	body = render(f, "/atom.xml", NULL, ARCHIVE_OK);
	/* The entry is in the feed, but 01:30+05:00 is before 00:00Z. */
	assert_non_null(strstr(body, "<updated>2014-02-10T01:30:00+05:00</updated>"));
	assert_non_null(strstr(body,
	    "<title>My Capsule</title>\n<updated>2014-02-10T00:00:00Z</updated>\n"));
}

static void
test_search_words(void **state)
{
	struct fixture *f = *state;
	const char *body;

	render(f, "/search", NULL, ARCHIVE_INPUT);
	assert_string_equal(f->page.prompt,
	    "Search the archive: words, \"a phrase\", prefix*, this OR that, -without");
	render(f, "/search", "", ARCHIVE_INPUT);
	body = render(f, "/search", "croissants", ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /2014/02/cafe.md 2014-02-10 A café in Paris\n> "));
	assert_int_equal(count(body, "\n=> /20"), 1);
	body = render(f, "/search", "cafe", ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /2014/02/cafe.md "));
	body = render(f, "/search", "CAFÉ", ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /2014/02/cafe.md "));
	body = render(f, "/search", "croiss*", ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /2014/02/cafe.md "));
	body = render(f, "/search", "croiss", ARCHIVE_OK);
	assert_non_null(strstr(body, "No articles match."));
}

static void
test_search_phrase_and_rank(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/search", "\"local ceasefires\"", ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /2014/02/ceasefire.txt "));
	body = render(f, "/search", "\"ceasefires local\"", ARCHIVE_OK);
	assert_non_null(strstr(body, "No articles match."));
	/* Aleppo: in one title, in two bodies; the title match ranks first. */
	body = render(f, "/search", "aleppo", ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /20"), 3);
	assert_before(body, "=> /2013/11/aleppo.gmi ", "=> /2014/02/ceasefire.txt ");
	assert_before(body, "=> /2013/11/aleppo.gmi ", "=> /2013/11/old%20news.gmi ");
}

static void
test_search_pages(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/search", "bulkword", ARCHIVE_OK);
	assert_int_equal(count(body, "=> /bulk/"), SEARCH_PAGE_SIZE);
	assert_non_null(strstr(body, "=> /search/2?bulkword Next page\n"));
	body = render(f, "/search/2", "bulkword", ARCHIVE_OK);
	assert_int_equal(count(body, "=> /bulk/"), SEARCH_PAGE_SIZE);
	assert_non_null(strstr(body, "=> /search/3?bulkword Next page\n"));
	assert_non_null(strstr(body, "=> /search/1?bulkword Previous page\n"));
	body = render(f, "/search/3", "bulkword", ARCHIVE_OK);
	assert_int_equal(count(body, "=> /bulk/"), BULK - 2 * SEARCH_PAGE_SIZE);
	assert_null(strstr(body, "Next page"));
	body = render(f, "/search/4", "bulkword", ARCHIVE_OK);
	assert_non_null(strstr(body, "No more articles match."));
	body = render(f, "/search/2", "bulkword filler", ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /search/3?bulkword%20filler Next page\n"));
	render(f, "/search/0", "bulkword", ARCHIVE_NOT_FOUND);
	render(f, "/search/x", "bulkword", ARCHIVE_NOT_FOUND);
	render(f, "/search/9999", "bulkword", ARCHIVE_NOT_FOUND);
}

static void
test_search_count_line(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/search", "aleppo", ARCHIVE_OK);
	assert_before(body, "\n3 articles match \"aleppo\".\n", "\n=> /20");
	body = render(f, "/search", "croissants", ARCHIVE_OK);
	assert_non_null(strstr(body, "\n1 article matches \"croissants\".\n"));
	body = render(f, "/search/3", "bulkword", ARCHIVE_OK);
	assert_non_null(strstr(body, "\n45 articles match \"bulkword\".\n"));
	assert_null(strstr(body, "showing"));
	body = render(f, "/search/4", "bulkword", ARCHIVE_OK);
	assert_non_null(strstr(body, "\n45 articles match \"bulkword\".\n"));
	body = render(f, "/search", "zzqxjv", ARCHIVE_OK);
	assert_non_null(strstr(body, "\nNo articles match.\n"));
	assert_null(strstr(body, "No more"));
	assert_null(strstr(body, "articles match \""));
}

/* Lines of page a that are also on page b. */
static int
shared_lines(const char *a, const char *b)
{
	const char *line, *end;
	char copy[256];
	int n = 0;

	for (line = a; (line = strstr(line, "\n=> /many/")) != NULL; line = end) {
		end = strchr(line + 1, '\n');
		assert_non_null(end);
		snprintf(copy, sizeof(copy), "%.*s", (int)(end - line + 1), line);
		n += strstr(b, copy) != NULL;
	}
	return n;
}

/* More matches than are ranked: the best of the newest are shown, and
 * the page says so. */
static void
test_search_many_matches(void **state)
{
	struct fixture *f = *state;
	struct buf first = BUF_INIT;
	const char *body;
	char path[64], date[16], expect[128];
	int i;

	assert_int_equal(store_begin(&f->store), 0);
	put(&f->store, "/many/newest.txt", "2020-01-01", "Manyword headline", "manyword",
	    NULL, NULL);
	for (i = 0; i < SEARCH_RANK_MAX; i++) {
		snprintf(path, sizeof(path), "/many/%d.txt", i);
		snprintf(date, sizeof(date), "%d-%02d-%02d", 2001 + i / 336, i / 28 % 12 + 1,
		    i % 28 + 1);
		put(&f->store, path, date, "Bulk", "some manyword text", NULL, NULL);
	}
	/* The best match of all, but older than every other. */
	put(&f->store, "/many/oldest.txt", "1999-01-01", "Manyword manyword manyword",
	    "manyword manyword", NULL, NULL);
	assert_int_equal(store_commit(&f->store), 0);

	body = render(f, "/search", "manyword", ARCHIVE_OK);
	snprintf(expect, sizeof(expect), "\n%d articles match \"manyword\"; showing the best "
	    "of the %d newest.\n", SEARCH_RANK_MAX + 2, SEARCH_RANK_MAX);
	assert_non_null(strstr(body, expect));
	assert_before(body, expect, "\n=> /many/newest.txt 2020-01-01 Manyword headline\n");
	assert_int_equal(count(body, "\n=> /many/"), SEARCH_PAGE_SIZE);
	assert_null(strstr(body, "oldest"));
	/* Equal scores: newest first, and no article is on two pages. */
	snprintf(path, sizeof(path), "=> /many/%d.txt ", SEARCH_RANK_MAX - 1);
	snprintf(expect, sizeof(expect), "=> /many/%d.txt ", SEARCH_RANK_MAX - 2);
	assert_before(body, path, expect);
	buf_append_str(&first, body);
	body = render(f, "/search/2", "manyword", ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /many/"), SEARCH_PAGE_SIZE);
	assert_int_equal(shared_lines(first.data, body), 0);
	snprintf(expect, sizeof(expect), "\n%d articles match \"manyword\"; showing the best "
	    "of the %d newest.\n", SEARCH_RANK_MAX + 2, SEARCH_RANK_MAX);
	assert_non_null(strstr(body, expect));
	buf_free(&first);
	body = render(f, "/search", "headline", ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /many/newest.txt "));
}

static void
put_capwords(struct store *s, int from, int to)
{
	char path[64], date[16];
	int i;

	assert_int_equal(store_begin(s), 0);
	for (i = from; i < to; i++) {
		snprintf(path, sizeof(path), "/cap/%d.txt", i);
		snprintf(date, sizeof(date), "%d-%02d-%02d", 1990 + i / 336, i / 28 % 12 + 1,
		    i % 28 + 1);
		put(s, path, date, "Cap", "capword", NULL, NULL);
	}
	assert_int_equal(store_commit(s), 0);
}

/* Counting stops past SEARCH_COUNT_MAX; pages go on as before. */
static void
test_search_count_cap(void **state)
{
	struct fixture *f = *state;
	const char *body;
	char expect[128];

	put_capwords(&f->store, 0, SEARCH_COUNT_MAX);
	body = render(f, "/search", "capword", ARCHIVE_OK);
	snprintf(expect, sizeof(expect), "\n%d articles match \"capword\"; showing the best "
	    "of the %d newest.\n", SEARCH_COUNT_MAX, SEARCH_RANK_MAX);
	assert_non_null(strstr(body, expect));
	put_capwords(&f->store, SEARCH_COUNT_MAX, SEARCH_COUNT_MAX + 1);
	snprintf(expect, sizeof(expect), "\nMore than %d articles match \"capword\"; showing "
	    "the best of the %d newest.\n", SEARCH_COUNT_MAX, SEARCH_RANK_MAX);
	body = render(f, "/search", "capword", ARCHIVE_OK);
	assert_non_null(strstr(body, expect));
	assert_int_equal(count(body, "\n=> /cap/"), SEARCH_PAGE_SIZE);
	assert_non_null(strstr(body, "=> /search/2?capword Next page\n"));
	snprintf(expect, sizeof(expect), "/search/%d", SEARCH_MAX_PAGES);
	body = render(f, expect, "capword", ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /cap/"), SEARCH_PAGE_SIZE);
	assert_non_null(strstr(body, "Previous page\n"));
	assert_null(strstr(body, "Next page"));
	body = render(f, "/search", "croissants", ARCHIVE_OK);
	assert_non_null(strstr(body, "\n1 article matches \"croissants\".\n"));
}

static void
test_search_bad_queries(void **state)
{
	static const char *const queries[] = {
		"\"unbalanced", "AND", "OR OR", "NOT aleppo", "title:aleppo", "*", "(((",
		"NEAR(a b, 2)", "a\"b\"c\"", "^aleppo", "\x01\x02", "\xff\xfe\xc3", "-aleppo",
		"aleppo)", "{title body}: aleppo", "'; DROP TABLE articles; --",
	};
	struct fixture *f = *state;
	struct buf many = BUF_INIT;
	const char *body;
	size_t i;
	int w;

	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		body = render(f, "/search", queries[i], ARCHIVE_OK);
		assert_null(strstr(body, "syntax"));
		assert_null(strstr(body, "error"));
		assert_non_null(strstr(body, "=> /search New search\n"));
	}
	body = render(f, "/search", "title:aleppo", ARCHIVE_OK);
	assert_non_null(strstr(body, "No articles match."));
	for (w = 0; w < 1000; w++)
		buf_append_str(&many, "aleppo ");
	body = render(f, "/search", many.data, ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /20"), 3);
	buf_free(&many);
	body = render(f, "/search", "*", ARCHIVE_OK);
	assert_non_null(strstr(body, "No words to search for"));
	/* The index survived every query. */
	body = render(f, "/search", "aleppo", ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /20"), 3);
}

static void
test_removal_updates_counts(void **state)
{
	struct fixture *f = *state;
	const char *body;

	assert_int_equal(store_remove(&f->store, "/2013/11/old news.gmi"), 1);
	assert_int_equal(store_remove(&f->store, "/2013/11/old news.gmi"), 0);
	body = render(f, "/tags/syria/", NULL, ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /20"), 1);
	body = render(f, "/tags/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /tags/syria/ syria (1 article)\n"));
	body = render(f, "/archive/2013/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "November 2013 (1 article)\n"));
	body = render(f, "/search", "nothing", ARCHIVE_OK);
	assert_non_null(strstr(body, "No articles match."));
	assert_int_equal(store_remove_tree(&f->store, "/bulk"), BULK);
	render(f, "/archive/2010/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/tags/bulk/", NULL, ARCHIVE_NOT_FOUND);
	body = render(f, "/search", "bulkword", ARCHIVE_OK);
	assert_non_null(strstr(body, "No articles match."));
}

/* Statements are prepared once per reader and reused; they see every
 * later write and survive a schema change by the writer. */
static void
test_statements_reused(void **state)
{
	struct fixture *f = *state;
	const char *body;
	size_t prepared;

	render(f, "/archive/2013/", NULL, ARCHIVE_OK);
	render(f, "/search", "aleppo", ARCHIVE_OK);
	prepared = f->reader->nstatements;
	assert_true(prepared > 0);
	render(f, "/archive/2013/", NULL, ARCHIVE_OK);
	body = render(f, "/search", "aleppo", ARCHIVE_OK);
	assert_int_equal(f->reader->nstatements, prepared);
	assert_int_equal(count(body, "\n=> /20"), 3);
	assert_int_equal(sqlite3_exec(f->store.db, "CREATE INDEX articles_by_title"
	    " ON articles(title)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_remove(&f->store, "/2013/11/aleppo.gmi"), 1);
	body = render(f, "/archive/2013/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "November 2013 (1 article)\n"));
	body = render(f, "/search", "aleppo", ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /20"), 2);
	assert_int_equal(f->reader->nstatements, prepared);
}

/* The one-phrase ranking is FTS5's bm25 without its document frequency
 * factor: every row's bm25 is the same multiple of it. */
static void
test_one_phrase_rank_is_bm25(void **state)
{
	static const char *const phrases[] = {
		"aleppo", "\"local ceasefires\"", "croiss*", "syria", "the",
	};
	struct fixture *f = *state;
	sqlite3_stmt *st;
	double ratio, first;
	size_t i;
	int rows;

	assert_int_equal(sqlite3_prepare_v2(f->reader->db, "SELECT rank, " RANK_ONE_PHRASE
	    "(search, " STORE_RANK_WEIGHTS ") FROM search WHERE search MATCH ?1", -1, &st,
	    NULL), SQLITE_OK);
	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
		sqlite3_bind_text(st, 1, phrases[i], -1, SQLITE_STATIC);
		for (rows = 0, first = 0; sqlite3_step(st) == SQLITE_ROW; rows++) {
			assert_true(sqlite3_column_double(st, 1) < 0);
			ratio = sqlite3_column_double(st, 0) / sqlite3_column_double(st, 1);
			if (rows == 0)
				first = ratio;
			assert_true(ratio > 0);
			assert_true(ratio / first > 1 - 1e-9 && ratio / first < 1 + 1e-9);
		}
		assert_true(rows > 0);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* Below RANK_COUNT_WALK_MAX articles a phrase, the capped ranking of
 * several phrases is FTS5's bm25 exactly. */
static void
test_capped_rank_is_bm25(void **state)
{
	static const char *const queries[] = {
		"aleppo kerry", "\"local ceasefires\" aleppo", "croiss* cafe",
		"bulkword filler", "the aleppo", "aleppo",
	};
	struct fixture *f = *state;
	sqlite3_stmt *st;
	double bm25, capped;
	size_t i;
	int rows;

	assert_int_equal(sqlite3_prepare_v2(f->reader->db, "SELECT bm25(search, "
	    STORE_RANK_WEIGHTS "), " RANK_CAPPED "(search, (SELECT min(id) FROM articles),"
	    " (SELECT max(id) FROM articles), NULL, " STORE_RANK_WEIGHTS ") FROM search"
	    " WHERE search MATCH ?1", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		sqlite3_bind_text(st, 1, queries[i], -1, SQLITE_STATIC);
		for (rows = 0; sqlite3_step(st) == SQLITE_ROW; rows++) {
			bm25 = sqlite3_column_double(st, 0);
			capped = sqlite3_column_double(st, 1);
			assert_true(bm25 < 0);
			assert_true(capped / bm25 > 1 - 1e-9 && capped / bm25 < 1 + 1e-9);
		}
		assert_true(rows > 0);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* A word in more than RANK_COUNT_WALK_MAX articles, spread evenly over
 * the dates: its estimated count keeps the capped ranking near bm25. */
static void
test_capped_rank_estimates_common_words(void **state)
{
	struct fixture *f = *state;
	sqlite3_stmt *st;
	char path[64], date[16];
	double ratio;
	int i, rows;

	assert_int_equal(store_begin(&f->store), 0);
	for (i = 0; i < 4 * (RANK_COUNT_WALK_MAX + 100); i++) {
		snprintf(path, sizeof(path), "/even/%d.txt", i);
		snprintf(date, sizeof(date), "%d-%02d-%02d", 2010 + i / 336, i / 28 % 12 + 1,
		    i % 28 + 1);
		put(&f->store, path, date, "Even", i % 4 == 0 ? "evenword" : "other",
		    NULL, NULL);
	}
	assert_int_equal(store_commit(&f->store), 0);
	assert_int_equal(sqlite3_prepare_v2(f->reader->db, "SELECT " RANK_CAPPED
	    "(search, (SELECT min(id) FROM articles), (SELECT max(id) FROM articles), NULL, "
	    STORE_RANK_WEIGHTS ") / bm25(search, " STORE_RANK_WEIGHTS ") FROM search"
	    " WHERE search MATCH 'evenword'", -1, &st, NULL), SQLITE_OK);
	for (rows = 0; sqlite3_step(st) == SQLITE_ROW; rows++) {
		ratio = sqlite3_column_double(st, 0);
		assert_true(ratio > 0.95 && ratio < 1.05);
	}
	assert_int_equal(rows, RANK_COUNT_WALK_MAX + 100);
	sqlite3_finalize(st);
}

/* The page says a word's count was estimated only when one was: a
 * search of several words, one of them in more articles than are
 * counted. */
static void
test_search_estimate_line(void **state)
{
	struct fixture *f = *state;
	const char *body;
	char path[64], date[16];
	int i;

	body = render(f, "/search", "bulkword filler", ARCHIVE_OK);
	assert_null(strstr(body, "estimate"));
	assert_int_equal(count(body, "=> /bulk/"), SEARCH_PAGE_SIZE);
	assert_int_equal(store_begin(&f->store), 0);
	for (i = 0; i < RANK_COUNT_WALK_MAX + 100; i++) {
		snprintf(path, sizeof(path), "/common/%d.txt", i);
		snprintf(date, sizeof(date), "%d-%02d-%02d", 2001 + i / 336, i / 28 % 12 + 1,
		    i % 28 + 1);
		put(&f->store, path, date, "Common", i % 50 == 0 ? "commonword rareword" :
		    "commonword", NULL, NULL);
	}
	assert_int_equal(store_commit(&f->store), 0);
	body = render(f, "/search", "commonword rareword", ARCHIVE_OK);
	assert_non_null(strstr(body, "\nWords in more than 1000 articles are weighed by an"
	    " estimate of how many hold them.\n"));
	body = render(f, "/search", "commonword", ARCHIVE_OK);
	assert_null(strstr(body, "estimate"));
	body = render(f, "/search", "rareword aleppo", ARCHIVE_OK);
	assert_null(strstr(body, "estimate"));
}

/* Every page there is, on one reader: they all fit its statements. */
static void
test_every_page_on_one_reader(void **state)
{
	static const char *const paths[][2] = {
		{ "/", NULL }, { "/archive/", NULL }, { "/archive/2013/", NULL },
		{ "/archive/2013/11/", NULL }, { "/tags/", NULL }, { "/tags/syria/", NULL },
		{ "/atom.xml", NULL }, { "/search", "aleppo" }, { "/search", "bulkword" },
		{ "/search/2", "bulkword" }, { "/search", "aleppo OR bulkword -kerry" },
		{ "/archive/undated/", NULL }, { "/tags/syria/atom.xml", NULL },
		{ "/tags/bulk/", "before=2010-01-20.0" }, { "/archive/2010/01/", "before=2010-01-20.0" },
		{ "/tags/", "after=a" }, { "/tags/syria/", "undated=1" },
	};
	struct fixture *f = *state;
	struct archive_article info;
	size_t i;

	put_undated(&f->store, "/notes/a.md", "alpha note", "syria");
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		render(f, paths[i][0], paths[i][1], ARCHIVE_OK);
	f->ctx.feed_as_page = 1;
	render(f, "/tags/syria/atom.xml", NULL, ARCHIVE_OK);
	assert_int_equal(nav_article(f->reader, "/2014/02/ceasefire.txt", &info), 1);
	archive_article_free(&info);
	assert_true(f->reader->nstatements < READER_STATEMENTS);
}

/* The query of the link labelled label on a page ("" for a link
 * without one), copied into out; 0 when there is no such link. */
static int
link_query(const char *body, const char *label, char *out, size_t size)
{
	char needle[128];
	const char *end, *start, *mark;

	snprintf(needle, sizeof(needle), " %s\n", label);
	if ((end = strstr(body, needle)) == NULL)
		return 0;
	for (start = end; start > body && start[-1] != '\n'; start--)
		;
	mark = memchr(start, '?', (size_t)(end - start));
	snprintf(out, size, "%.*s", mark != NULL ? (int)(end - mark - 1) : 0,
	    mark != NULL ? mark + 1 : "");
	return 1;
}

static void
put_month(struct store *s, int n)
{
	char path[64], date[16];
	int i;

	assert_int_equal(store_begin(s), 0);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/may/%03d.md", i);
		snprintf(date, sizeof(date), "2016-05-%02d", i % 31 + 1);
		put(s, path, date, "May article", "maybody", i % 2 ? "oddtag" : NULL, NULL);
	}
	assert_int_equal(store_commit(s), 0);
}

/* Every article once, newest first, PAGES_LIST_SIZE a page, whichever
 * way the pages are walked. */
static void
test_month_pages(void **state)
{
	struct fixture *f = *state;
	char query[64], newer[64], last_date[16] = "9999";
	const char *body, *line;
	int pages = 0, total = 0, n;

	put_month(&f->store, 250);
	body = render(f, "/archive/2016/05/", NULL, ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /may/"), PAGES_LIST_SIZE);
	assert_false(link_query(body, "Newer articles", newer, sizeof(newer)));
	for (;;) {
		n = count(body, "\n=> /may/");
		assert_true(n > 0 && n <= PAGES_LIST_SIZE);
		/* A gemlog page: dated lines, newest first across pages. */
		for (line = strstr(body, "\n=> /may/"); line != NULL; line = strstr(line + 1, "\n=> /may/")) {
			assert_true(strncmp(line + 17, last_date, 10) <= 0);
			memcpy(last_date, line + 17, 10);
		}
		total += n;
		pages++;
		if (!link_query(body, "Older articles", query, sizeof(query)))
			break;
		assert_int_equal(strncmp(query, "before=2016-05-", 15), 0);
		body = render(f, "/archive/2016/05/", query, ARCHIVE_OK);
		/* Back again: the page before, exactly. */
		assert_true(link_query(body, "Newer articles", newer, sizeof(newer)));
	}
	assert_int_equal(total, 250);
	assert_int_equal(pages, 3);
	assert_int_equal(count(body, "\n=> /may/"), 50);
	body = render(f, "/archive/2016/05/", newer, ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /may/"), PAGES_LIST_SIZE);
	assert_true(link_query(body, "Newer articles", newer, sizeof(newer)));
	assert_string_equal(newer, "");
	render(f, "/archive/2016/05/", "before=2016-05-01", ARCHIVE_NOT_FOUND);
	render(f, "/archive/2016/05/", "before=x.1", ARCHIVE_NOT_FOUND);
	render(f, "/archive/2016/05/", "2", ARCHIVE_NOT_FOUND);
	/* Before the oldest: nothing there. */
	render(f, "/archive/2016/05/", "before=2016-05-01.0", ARCHIVE_NOT_FOUND);
}

/* A tag's page: its feed, its dated articles in pages, its undated ones
 * apart. */
static void
test_tag_pages(void **state)
{
	struct fixture *f = *state;
	char query[64];
	const char *body;

	put_month(&f->store, 250);
	put_undated(&f->store, "/notes/b.md", "Beta note", "oddtag");
	put_undated(&f->store, "/notes/a.md", "alpha note", "oddtag");
	body = render(f, "/tags/oddtag/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /tags/oddtag/atom.xml "));
	assert_int_equal(count(body, "\n=> /may/"), PAGES_LIST_SIZE);
	assert_before(body, "\n=> /may/", "\n## Undated articles\n");
	assert_before(body, "\n=> /notes/a.md alpha note\n", "\n=> /notes/b.md Beta note\n");
	assert_true(link_query(body, "Older articles", query, sizeof(query)));
	body = render(f, "/tags/oddtag/", query, ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /may/"), 125 - PAGES_LIST_SIZE);
	assert_null(strstr(body, "Undated"));
	assert_null(strstr(body, "Older articles"));
	assert_true(link_query(body, "Newer articles", query, sizeof(query)));
	assert_string_equal(query, "");
	body = render(f, "/tags/oddtag/", "undated=1", ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /notes/"), 2);
	assert_int_equal(count(body, "\n=> /may/"), 0);
	render(f, "/tags/oddtag/", "undated=0", ARCHIVE_NOT_FOUND);
	render(f, "/tags/oddtag/", "undated=2", ARCHIVE_NOT_FOUND);
	/* A tag on undated articles only still has its page. */
	put_undated(&f->store, "/notes/c.md", "Gamma", "lonely");
	body = render(f, "/tags/lonely/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "\n=> /notes/c.md Gamma\n"));
}

static void
test_tag_list_by_use_then_a_to_z(void **state)
{
	struct fixture *f = *state;
	char path[64], tag[16], query[64];
	const char *body;
	int i;

	body = render(f, "/tags/", NULL, ARCHIVE_OK);
	assert_before(body, "## Most used\n", "=> /tags/bulk/ bulk (45 articles)\n");
	assert_before(body, "=> /tags/bulk/ ", "=> /tags/syria/ syria (2 articles)\n");
	assert_before(body, "=> /tags/syria/ ", "## The other tags, A to Z\n");
	assert_before(body, "## The other tags, A to Z\n", "=> /tags/diplomacy/ diplomacy (1 article)\n");
	assert_before(body, "=> /tags/diplomacy/ ", "=> /tags/paris/ paris (1 article)\n");
	assert_int_equal(count(body, "=> /tags/syria/ "), 1);
	assert_int_equal(store_begin(&f->store), 0);
	for (i = 0; i < 350; i++) {
		snprintf(path, sizeof(path), "/t/%03d.md", i);
		snprintf(tag, sizeof(tag), "t%03d", i);
		put(&f->store, path, "2015-01-01", "T", "t", tag, NULL);
	}
	assert_int_equal(store_commit(&f->store), 0);
	body = render(f, "/tags/", NULL, ARCHIVE_OK);
	assert_int_equal(count(body, "=> /tags/t"), PAGES_TAG_LIST_SIZE - 2);
	assert_true(link_query(body, "More tags", query, sizeof(query)));
	assert_string_equal(query, "after=t297");
	body = render(f, "/tags/", query, ARCHIVE_OK);
	assert_null(strstr(body, "Most used"));
	assert_int_equal(count(body, "=> /tags/t"), 350 - (PAGES_TAG_LIST_SIZE - 2));
	assert_non_null(strstr(body, "=> /tags/t298/ "));
	assert_null(strstr(body, "More tags"));
	assert_true(link_query(body, "Earlier tags", query, sizeof(query)));
	assert_string_equal(query, "");
	render(f, "/tags/", "after=", ARCHIVE_NOT_FOUND);
	render(f, "/tags/", "2", ARCHIVE_NOT_FOUND);
}

static void
test_tag_feed(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/tags/syria/atom.xml", NULL, ARCHIVE_OK);
	assert_string_equal(f->page.mime, "application/atom+xml");
	assert_non_null(strstr(body, "<id>gemini://example.org/tags/syria/</id>"));
	assert_non_null(strstr(body, "<title>My Capsule: articles tagged syria</title>"));
	assert_non_null(strstr(body,
	    "<link rel=\"self\" href=\"gemini://example.org/tags/syria/atom.xml\"/>"));
	assert_non_null(strstr(body, "<link rel=\"alternate\" href=\"gemini://example.org/tags/syria/\"/>"));
	assert_non_null(strstr(body, "<updated>2014-02-03T00:00:00Z</updated>\n<author>"));
	assert_int_equal(count(body, "<entry>"), 2);
	assert_before(body, "<id>gemini://example.org/2014/02/ceasefire.txt</id>",
	    "<id>gemini://example.org/2013/11/old%20news.gmi</id>");
	render(f, "/tags/nope/atom.xml", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/tags/syria/other.xml", NULL, ARCHIVE_NOT_FOUND);
	/* For Gopher: a page of the tag's newest articles. */
	f->ctx.feed_as_page = 1;
	body = render(f, "/tags/syria/atom.xml", NULL, ARCHIVE_OK);
	assert_string_equal(f->page.mime, "text/gemini");
	assert_before(body, "=> /2014/02/ceasefire.txt 2014-02-03 ",
	    "=> /2013/11/old%20news.gmi 2013-11-05 Old news\n");
}

/* Every tag has one path a request can name: what a path cannot carry
 * is escaped, and only that spelling finds the tag. */
static void
test_tag_paths(void **state)
{
	static const char *const tags[][2] = {
		{ "news/politics", "/tags/news~2Fpolitics/" }, { "..", "/tags/~2E./" },
		{ "what?", "/tags/what~3F/" }, { "a~b", "/tags/a~7Eb/" },
		{ "back\\slash", "/tags/back~5Cslash/" }, { ".net", "/tags/~2Enet/" },
		{ "caf\xc3\xa9 society", "/tags/caf\xc3\xa9 society/" },
	};
	struct fixture *f = *state;
	struct buf path = BUF_INIT;
	const char *body;
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "/escaped/%zu.md", i);
		put(&f->store, name, "2012-01-01", "Escaped", "x", tags[i][0], NULL);
		buf_truncate(&path, 0);
		assert_int_equal(archive_tag_path(&path, tags[i][0]), 0);
		assert_string_equal(path.data, tags[i][1]);
		body = render(f, tags[i][1], NULL, ARCHIVE_OK);
		assert_non_null(strstr(body, tags[i][0]));
		assert_non_null(strstr(body, name));
	}
	body = render(f, "/tags/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /tags/news~2Fpolitics/ news/politics (1 article)\n"));
	assert_non_null(strstr(body, "=> /tags/caf%C3%A9%20society/ "));
	assert_null(strstr(body, "/tags//"));
	render(f, "/tags/news~2fpolitics/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/tags/~6Eews~2Fpolitics/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/tags/news~2/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/tags/~/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/tags/~00/", NULL, ARCHIVE_NOT_FOUND);
	render(f, "/tags/.net/", NULL, ARCHIVE_NOT_FOUND);
	buf_free(&path);
}

static void
test_folders_without_their_slash(void **state)
{
	(void)state;
	assert_true(archive_slash_missing("/archive"));
	assert_true(archive_slash_missing("/archive/2014"));
	assert_true(archive_slash_missing("/archive/2014/02"));
	assert_true(archive_slash_missing("/archive/undated"));
	assert_true(archive_slash_missing("/tags"));
	assert_true(archive_slash_missing("/tags/syria"));
	assert_false(archive_slash_missing("/archive/"));
	assert_false(archive_slash_missing("/tags/syria/"));
	assert_false(archive_slash_missing("/tags/syria/atom.xml"));
	assert_false(archive_slash_missing("/atom.xml"));
	assert_false(archive_slash_missing("/search"));
	assert_false(archive_slash_missing("/search/2"));
	assert_false(archive_slash_missing("/"));
	assert_false(archive_slash_missing("/archives"));
}

static void
test_home_says_what_the_archive_is(void **state)
{
	struct fixture *f = *state;
	const char *body;

	f->ctx.description = "Saved news, as gemtext.";
	f->ctx.about = "## Who we are\n=> /about/ More\n";
	f->ctx.about_path = "/about.gmi";
	body = render(f, "/", NULL, ARCHIVE_OK);
	assert_before(body, "# My Capsule\n\nSaved news, as gemtext.\n"
	    "50 articles in the archive.\n\n## Who we are\n=> /about/ More\n\n", "## Latest articles\n");
	assert_non_null(strstr(body, "=> /tags/ "));
	put_undated(&f->store, "/notes/a.md", "alpha note", NULL);
	body = render(f, "/", NULL, ARCHIVE_OK);
	assert_non_null(strstr(body, "\n51 articles in the archive.\n"));
}

static void
test_article_neighbours(void **state)
{
	struct fixture *f = *state;
	struct archive_article info;

	assert_int_equal(nav_article(f->reader, "/2014/02/ceasefire.txt", &info), 1);
	assert_string_equal(info.date, "2014-02-03");
	assert_string_equal(info.tags[0], "diplomacy");
	assert_string_equal(info.tags[1], "syria");
	assert_null(info.tags[2]);
	assert_string_equal(info.older.path, "/2013/11/old news.gmi");
	assert_string_equal(info.older.title, "Old news");
	assert_string_equal(info.newer.path, "/2014/02/cafe.md");
	assert_string_equal(info.newer.date, "2014-02-10");
	archive_article_free(&info);
	assert_all_reset(f);
	assert_int_equal(nav_article(f->reader, "/2014/02/cafe.md", &info), 1);
	assert_null(info.newer.path);
	archive_article_free(&info);
	/* The same day: the order of the date pages (the later id is newer). */
	assert_int_equal(nav_article(f->reader, "/bulk/28.txt", &info), 1);
	assert_string_equal(info.older.path, "/bulk/00.txt");
	archive_article_free(&info);
	assert_int_equal(nav_article(f->reader, "/bulk/00.txt", &info), 1);
	assert_string_equal(info.newer.path, "/bulk/28.txt");
	assert_null(info.tags[1]);
	archive_article_free(&info);
	put_undated(&f->store, "/notes/a.md", "alpha note", NULL);
	assert_int_equal(nav_article(f->reader, "/notes/a.md", &info), 1);
	assert_string_equal(info.date, "");
	assert_null(info.older.path);
	assert_null(info.newer.path);
	assert_null(info.tags);
	archive_article_free(&info);
	assert_int_equal(nav_article(f->reader, "/not/indexed.md", &info), 0);
	assert_all_reset(f);
}

static void
test_search_operators(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/search", "croissants OR aleppo", ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /20"), 4);
	body = render(f, "/search", "aleppo -siege", ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /20"), 2);
	assert_null(strstr(body, "aleppo.gmi"));
	body = render(f, "/search", "aleppo kerry OR croissants", ARCHIVE_OK);
	assert_int_equal(count(body, "\n=> /20"), 1);
	assert_non_null(strstr(body, "\nSearch for words, \"a phrase\", prefix*, this OR that,"
	    " -without.\n"));
	body = render(f, "/search", "-aleppo", ARCHIVE_OK);
	assert_non_null(strstr(body, "No words to search for: -word only leaves articles out."));
}

/* Nothing matches: the searches with a word less, or a lone word as a
 * prefix, that would find something. */
static void
test_no_match_suggests(void **state)
{
	struct fixture *f = *state;
	const char *body;

	body = render(f, "/search", "aleppo zzqxjv", ARCHIVE_OK);
	assert_before(body, "No articles match.\nTry:\n",
	    "=> /search?aleppo Without \"zzqxjv\": aleppo\n");
	assert_null(strstr(body, "Without \"aleppo\""));
	body = render(f, "/search", "croiss", ARCHIVE_OK);
	assert_non_null(strstr(body, "=> /search?croiss* Words starting with \"croiss\": croiss*\n"));
	body = render(f, "/search", "zzqx", ARCHIVE_OK);
	assert_non_null(strstr(body, "No articles match."));
	assert_null(strstr(body, "Try:"));
	body = render(f, "/search", "croiss*", ARCHIVE_OK);
	assert_null(strstr(body, "No articles match."));
	body = render(f, "/search", "\"aleppo kerry\" zzqxjv -aleppo", ARCHIVE_OK);
	assert_null(strstr(body, "Try:"));
	assert_all_reset(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_years_and_months, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_archive_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tag_spellings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_home, setup, teardown),
		cmocka_unit_test_setup_teardown(test_titles_cannot_inject_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undated_articles_listed_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feed_updated_is_the_latest_instant, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_search_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_phrase_and_rank, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_count_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_many_matches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_count_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_bad_queries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removal_updates_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statements_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_phrase_rank_is_bm25, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capped_rank_is_bm25, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capped_rank_estimates_common_words, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_search_estimate_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_page_on_one_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_month_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tag_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tag_list_by_use_then_a_to_z, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tag_feed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tag_paths, setup, teardown),
		cmocka_unit_test(test_folders_without_their_slash),
		cmocka_unit_test_setup_teardown(test_home_says_what_the_archive_is, setup, teardown),
		cmocka_unit_test_setup_teardown(test_article_neighbours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_operators, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_match_suggests, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
