/*
 * Archive benchmark driver: index a tree from scratch, then time searches,
 * generated pages and the delay until a new article is searchable.
 * Usage: bench_archive_index ROOT STATE_DIR TAG WORD...
 * (tests/bench/archive_bench.py generates the tree and runs this.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive/archive.h"

#define ROUNDS 50

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

/* Render once; returns milliseconds, or -1 on a failed render. */
static double
timed_render(struct archive *a, const char *path, const char *query, size_t *bytes)
{
	struct archive_page page = { BUF_INIT, NULL, NULL };
	enum archive_status status;
	double start = now(), ms;

	status = archive_render(a, path, query, &page);
	ms = (now() - start) * 1000.0;
	*bytes = page.body.len;
	archive_page_free(&page);
	return status == ARCHIVE_OK ? ms : -1;
}

static void
report(const char *what, const char *path, double *ms, size_t n, size_t bytes)
{
	qsort(ms, n, sizeof(*ms), by_value);
	printf("%-8s %-28s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu bytes)\n", what, path,
	    ms[n / 2], ms[n * 99 / 100], ms[n - 1], bytes);
}

static void
time_page(struct archive *a, const char *what, const char *path, const char *query)
{
	double ms[ROUNDS];
	size_t bytes = 0;
	int i;

	for (i = 0; i < ROUNDS; i++)
		if ((ms[i] = timed_render(a, path, query, &bytes)) < 0) {
			printf("%-8s %s?%s failed\n", what, path, query ? query : "");
			return;
		}
	report(what, query != NULL ? query : path, ms, ROUNDS, bytes);
}

/* The number of matches the results page for word announces. */
static long
matches(struct archive *a, const char *word)
{
	struct archive_page page = { BUF_INIT, NULL, NULL };
	const char *line;
	long n = 0;

	archive_render(a, "/search", word, &page);
	if (page.body.data != NULL && (line = strstr(page.body.data, "\n\n")) != NULL)
		n = atol(line + 2);
	archive_page_free(&page);
	return n;
}

static void
time_searches(struct archive *a, char **words, int nwords)
{
	double *all = calloc((size_t)nwords * ROUNDS, sizeof(*all));
	size_t bytes, n = 0;
	int w, i;

	if (all == NULL)
		return;
	for (w = 0; w < nwords; w++) {
		printf("%-8s %-28s %ld matches\n", "search", words[w], matches(a, words[w]));
		time_page(a, "search", "/search", words[w]);
		for (i = 0; i < ROUNDS; i++)
			all[n++] = timed_render(a, "/search", words[w], &bytes);
	}
	report("search", "(all queries)", all, n, 0);
	free(all);
}

static int
found(struct archive *a, const char *word)
{
	struct archive_page page = { BUF_INIT, NULL, NULL };
	int hit;

	archive_render(a, "/search", word, &page);
	hit = page.body.data != NULL && strstr(page.body.data, "bench-new-article") != NULL;
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

int
main(int argc, char **argv)
{
	struct archive_options o = { NULL, NULL, "Bench", "gemini://localhost", "en", 20 };
	struct archive *a;
	char tagpath[256], *error = NULL;
	double start;

	if (argc < 5) {
		fprintf(stderr, "usage: %s ROOT STATE_DIR TAG WORD...\n", argv[0]);
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
	printf("indexed in %.1f s; RSS %ld KiB, peak %ld KiB\n", now() - start,
	    status_kib("VmRSS:"), status_kib("VmHWM:"));
	snprintf(tagpath, sizeof(tagpath), "/tags/%s/", argv[3]);
	time_page(a, "page", "/", NULL);
	time_page(a, "page", "/archive/", NULL);
	time_page(a, "page", "/archive/2017/", NULL);
	time_page(a, "page", "/archive/2017/06/", NULL);
	time_page(a, "page", "/tags/", NULL);
	time_page(a, "page", tagpath, NULL);
	time_page(a, "page", "/atom.xml", NULL);
	time_searches(a, argv + 4, argc - 4);
	time_new_article(a, o.root_path);
	printf("RSS %ld KiB, peak %ld KiB\n", status_kib("VmRSS:"), status_kib("VmHWM:"));
	archive_close(a);
	return 0;
}
