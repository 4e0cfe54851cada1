/*
 * Archive benchmark driver: index a tree from scratch, then time searches,
 * generated pages and the delay until a new article is searchable.
 * Usage: bench_archive_index ROOT STATE_DIR TAG WORD...
 * (tests/bench/archive_bench.py generates the tree and runs this), or
 * bench_archive_index --snippets ROOT STATE_DIR WORD: what the snippets of a
 * page of results cost on an index already built.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "archive/archive.h"
#include "archive/reader.h"
#include "archive/store.h"

#define ROUNDS 50
/* Searches with more matches than this are reported as common. */
#define COMMON_MATCHES 1000

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds this process used so far, every thread, user and system:
 * on a shared machine, what the work cost whatever the neighbours did. */
static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long
status_kib(const char *key)
{
	char line[256];
	long kib = -1;
	FILE *fp;

	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			kib = atol(line + strlen(key));
	fclose(fp);
	return kib;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static size_t
length(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/* About the bytes of the page as gemtext: every string of a line, plus
 * "=> ", the spaces between and the line end. */
static size_t
page_bytes(const struct archive_page *page)
{
	size_t i, bytes = page->body.len;

	for (i = 0; i < page->page.n; i++) {
		const struct page_line *l = &page->page.lines[i];

		bytes += length(l->text) + length(l->path) + length(l->query) + length(l->date) +
		    length(l->snippet) + 6;
	}
	return bytes;
}

/* Render once; returns milliseconds, or -1 on a failed render. */
static double
timed_render(struct archive *a, const char *path, const char *query, size_t *bytes)
{
	struct archive_page page = { PAGE_INIT, BUF_INIT, NULL, NULL };
	enum archive_status status;
	double start = now(), ms;

	status = archive_render(a, path, query, ARCHIVE_FEED_ATOM, &page);
	ms = (now() - start) * 1000.0;
	*bytes = page_bytes(&page);
	archive_page_free(&page);
	return status == ARCHIVE_OK ? ms : -1;
}

static void
report(const char *what, const char *path, double *ms, size_t n, size_t bytes)
{
	qsort(ms, n, sizeof(*ms), by_value);
	printf("%-8s %-40s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu bytes)\n", what, path,
	    ms[n / 2], ms[n * 99 / 100], ms[n - 1], bytes);
}

static void
time_page(struct archive *a, const char *what, const char *path, const char *query)
{
	double ms[ROUNDS];
	char label[256];
	size_t bytes = 0;
	int i;

	for (i = 0; i < ROUNDS; i++)
		if ((ms[i] = timed_render(a, path, query, &bytes)) < 0) {
			printf("%-8s %s?%s failed\n", what, path, query ? query : "");
			return;
		}
	/* Searches by their words, pages by their path (and query). */
	snprintf(label, sizeof(label), "%s%s%s", strcmp(what, "search") == 0 ? "" : path,
	    query != NULL && strcmp(what, "search") != 0 ? "?" : "", query != NULL ? query : "");
	report(what, label, ms, ROUNDS, bytes);
}

/* The number of matches the results page for word announces: the
 * first number of its first line of text (a bound when the count is
 * capped). */
static long
matches(struct archive *a, const char *word)
{
	struct archive_page page = { PAGE_INIT, BUF_INIT, NULL, NULL };
	const char *line = NULL;
	long n = 0;
	size_t i;

	archive_render(a, "/search", word, ARCHIVE_FEED_ATOM, &page);
	for (i = 0; i < page.page.n && line == NULL; i++)
		if (page.page.lines[i].kind == PAGE_TEXT)
			line = page.page.lines[i].text;
	if (line != NULL)
		n = atol(line + strcspn(line, "0123456789"));
	archive_page_free(&page);
	return n;
}

/* The index's part of an article's page: its tags and the articles
 * before and after it (archive_article()). */
static void
time_article(struct archive *a, const char *month)
{
	struct archive_page page = { PAGE_INIT, BUF_INIT, NULL, NULL };
	struct archive_article info;
	double ms[ROUNDS], start;
	char *path = NULL;
	size_t i;
	int r;

	archive_render(a, month, NULL, ARCHIVE_FEED_ATOM, &page);
	for (i = 0; i < page.page.n && path == NULL; i++)
		if (page.page.lines[i].kind == PAGE_ARTICLE)
			path = strdup(page.page.lines[i].path);
	archive_page_free(&page);
	if (path == NULL) {
		printf("%-8s %s: no article\n", "article", month);
		return;
	}
	for (r = 0; r < ROUNDS; r++) {
		start = now();
		if (archive_article(a, path, &info) != 1) {
			printf("%-8s %s failed\n", "article", path);
			free(path);
			return;
		}
		ms[r] = (now() - start) * 1000.0;
		archive_article_free(&info);
	}
	report("article", "(neighbours and tags)", ms, ROUNDS, 0);
	free(path);
}

struct samples {
	double *ms;
	size_t n;
};

static void
time_searches(struct archive *a, char **words, int nwords)
{
	struct samples all, common, rare, *group;
	size_t bytes, size = (size_t)nwords * ROUNDS;
	long n;
	int w, i;

	all = common = rare = (struct samples){ NULL, 0 };
	if ((all.ms = calloc(size, sizeof(double))) == NULL ||
	    (common.ms = calloc(size, sizeof(double))) == NULL ||
	    (rare.ms = calloc(size, sizeof(double))) == NULL)
		goto done;
	for (w = 0; w < nwords; w++) {
		n = matches(a, words[w]);
		printf("%-8s %-28s %ld matches\n", "search", words[w], n);
		time_page(a, "search", "/search", words[w]);
		group = n > COMMON_MATCHES ? &common : &rare;
		for (i = 0; i < ROUNDS; i++) {
			all.ms[all.n] = timed_render(a, "/search", words[w], &bytes);
			group->ms[group->n++] = all.ms[all.n++];
		}
	}
	report("search", "(all queries)", all.ms, all.n, 0);
	if (common.n > 0)
		report("search", "(common: >1000 matches)", common.ms, common.n, 0);
	if (rare.n > 0)
		report("search", "(rare: <=1000 matches)", rare.ms, rare.n, 0);
done:
	free(all.ms);
	free(common.ms);
	free(rare.ms);
}

static int
found(struct archive *a, const char *word)
{
	struct archive_page page = { PAGE_INIT, BUF_INIT, NULL, NULL };
	size_t i;
	int hit;

	archive_render(a, "/search", word, ARCHIVE_FEED_ATOM, &page);
	for (i = 0, hit = 0; i < page.page.n && !hit; i++)
		hit = page.page.lines[i].kind == PAGE_ARTICLE &&
		    strstr(page.page.lines[i].path, "bench-new-article") != NULL;
	archive_page_free(&page);
	return hit;
}

static void
time_new_article(struct archive *a, const char *root)
{
	char path[4096];
	double start;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/2024/12/bench-new-article.gmi", root);
	if ((fp = fopen(path, "w")) == NULL)
		return;
	fputs("# Quuxbenchword arrives\n\nA fresh article for the benchmark.\n", fp);
	fclose(fp);
	start = now();
	while (!found(a, "quuxbenchword") && now() - start < 10)
		usleep(10000);
	printf("new article searchable after %.2f s\n", now() - start);
	unlink(path);
}

/* Milliseconds to run st (reset after) to its end. */
static double
timed_statement(sqlite3_stmt *st)
{
	double start = now();

	while (sqlite3_step(st) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	return (now() - start) * 1000.0;
}

/* The rows of a page of results for word, with and without snippets:
 * the difference is what snippets cost (unpacking kept bodies or reading
 * the files again from the tree at root, and FTS5 finding the best few
 * words). */
static int
time_snippets(const char *root, const char *state_dir, const char *word)
{
	static const char rows[] = "SELECT a.path, a.title FROM search JOIN articles a"
	    " ON a.id = search.rowid WHERE search MATCH ?1"
	    " AND search.rowid IN (SELECT value FROM json_each(?2))";
	static const char snippets[] = "SELECT a.path, a.title,"
	    " snippet(search, " STORE_BODY_COLUMN ", '', '', '...',"
	    " 24) FROM search JOIN articles a ON a.id = search.rowid WHERE search MATCH ?1"
	    " AND search.rowid IN (SELECT value FROM json_each(?2))";
	double with[ROUNDS], without[ROUNDS];
	char path[4096], ids[512] = "[";
	sqlite3_stmt *newest, *plain, *full;
	struct reader *r;
	int i, root_fd;

	snprintf(path, sizeof(path), "%s/archive.db", state_dir);
	if ((root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (r = reader_open(path, 1, root_fd)) == NULL || (newest = reader_statement(r,
	    "SELECT rowid FROM search WHERE search MATCH ?1 ORDER BY rowid DESC LIMIT 20")) == NULL ||
	    (plain = reader_statement(r, rows)) == NULL || (full = reader_statement(r, snippets)) ==
	    NULL)
		return 1;
	sqlite3_bind_text(newest, 1, word, -1, SQLITE_STATIC);
	while (sqlite3_step(newest) == SQLITE_ROW)
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%lld", ids[1] ? "," : "",
		    sqlite3_column_int64(newest, 0));
	strcat(ids, "]");
	reader_done(newest);
	sqlite3_bind_text(plain, 1, word, -1, SQLITE_STATIC);
	sqlite3_bind_text(plain, 2, ids, -1, SQLITE_STATIC);
	sqlite3_bind_text(full, 1, word, -1, SQLITE_STATIC);
	sqlite3_bind_text(full, 2, ids, -1, SQLITE_STATIC);
	for (i = 0; i < ROUNDS; i++) {
		without[i] = timed_statement(plain);
		with[i] = timed_statement(full);
	}
	report("page", "20 results, no snippets", without, ROUNDS, 0);
	report("page", "20 results with snippets", with, ROUNDS, 0);
	reader_close(r);
	close(root_fd);
	return 0;
}

int
main(int argc, char **argv)
{
	struct archive_options o = { NULL, NULL, "Bench", "gemini://localhost", "en", 20, NULL, NULL,
	    NULL, NULL };
	struct archive *a;
	char tagpath[256], tagfeed[256], *error = NULL;
	double start;

	if (argc == 5 && strcmp(argv[1], "--snippets") == 0)
		return time_snippets(argv[2], argv[3], argv[4]);
	if (argc < 5) {
		fprintf(stderr, "usage: %s ROOT STATE_DIR TAG WORD...\n"
		    "       %s --snippets ROOT STATE_DIR WORD\n", argv[0], argv[0]);
		return 2;
	}
	o.root_path = argv[1];
	o.state_dir = argv[2];
	start = now();
	if ((a = archive_open(&o, &error)) == NULL) {
		fprintf(stderr, "%s\n", error);
		return 1;
	}
	while (!archive_ready(a))
		usleep(20000);
	printf("indexed in %.1f s (CPU %.1f s); RSS %ld KiB, peak %ld KiB\n", now() - start,
	    cpu_seconds(), status_kib("VmRSS:"), status_kib("VmHWM:"));
	snprintf(tagpath, sizeof(tagpath), "/tags/%s/", argv[3]);
	snprintf(tagfeed, sizeof(tagfeed), "/tags/%s/atom.xml", argv[3]);
	time_page(a, "page", "/", NULL);
	time_page(a, "page", "/archive/", NULL);
	time_page(a, "page", "/archive/2017/", NULL);
	time_page(a, "page", "/archive/2017/06/", NULL);
	/* A page deep in the month and in the tag: by date position. */
	time_page(a, "page", "/archive/2017/06/", "before=2017-06-02.0");
	time_page(a, "page", "/tags/", NULL);
	time_page(a, "page", tagpath, NULL);
	time_page(a, "page", tagpath, "before=2011-01-01.0");
	time_page(a, "page", tagfeed, NULL);
	time_page(a, "page", "/atom.xml", NULL);
	time_article(a, "/archive/2017/06/");
	time_searches(a, argv + 4, argc - 4);
	time_new_article(a, o.root_path);
	printf("RSS %ld KiB, peak %ld KiB\n", status_kib("VmRSS:"), status_kib("VmHWM:"));
	archive_close(a);
	return time_snippets(o.root_path, o.state_dir, argv[4]);
}
