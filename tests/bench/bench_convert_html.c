/*
 * Speed of the HTML reader: converts every source.html under the directory
 * given as its argument (a corpus laid out as the readability test pages,
 * DIR/NAME/source.html) on one core and prints the total size, the
 * throughput and the slowest page.  The corpus is not in this repository.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convert/html.h"

struct totals {
	double seconds;
	size_t bytes;
	size_t pages;
	double slowest;
	char slowest_path[4096];
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long size;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)size + 1)) != NULL) {
		*len = fread(data, 1, (size_t)size, f);
	}
	fclose(f);
	return data;
}

static void
convert_page(const char *path, struct totals *totals)
{
	struct convert_options opt = { .base_url = "http://fakehost/test/page.html" };
	struct document *doc;
	double start, spent;
	size_t len = 0;
	char *data;

	if ((data = slurp(path, &len)) == NULL)
		return;
	start = now();
	doc = html_read(data, len, &opt);
	spent = now() - start;
	document_free(doc);
	free(data);
	totals->seconds += spent;
	totals->bytes += len;
	totals->pages++;
	if (spent > totals->slowest) {
		totals->slowest = spent;
		snprintf(totals->slowest_path, sizeof(totals->slowest_path), "%s", path);
	}
}

static void
walk(const char *dir, struct totals *totals)
{
	struct dirent *e;
	char path[4096];
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (e->d_type == DT_DIR)
			walk(path, totals);
		else if (strcmp(e->d_name, "source.html") == 0)
			convert_page(path, totals);
	}
	closedir(d);
}

int
main(int argc, char **argv)
{
	const char *dir = argv[1];
	struct totals totals;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_convert_html DIR   (converts every DIR/**/source.html)\n");
		return 2;
	}
	memset(&totals, 0, sizeof(totals));
	walk(dir, &totals);
	if (totals.pages == 0) {
		fprintf(stderr, "no source.html under %s\n", dir);
		return 1;
	}
	printf("%zu pages, %.2f MB in %.3f s: %.1f MB/s on one core\n", totals.pages,
	    (double)totals.bytes / 1e6, totals.seconds, (double)totals.bytes / 1e6 / totals.seconds);
	printf("slowest: %.1f ms %s\n", totals.slowest * 1e3, totals.slowest_path);
	return 0;
}
