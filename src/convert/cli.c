#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "convert/cli.h"
#include "convert/convert.h"
#include "util/buf.h"

static void
usage(void)
{
	fprintf(stderr, "usage: capsuled convert [--base URL] [--format html|md|txt|gmi] "
	    "[--meta] FILE|-\n");
}

static int
read_all(FILE *fp, struct buf *b)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(b, chunk, n) == -1)
			return -1;
	return ferror(fp) ? -1 : 0;
}

static int
read_input(const char *path, struct buf *b)
{
	FILE *fp;
	int rc;

	if (strcmp(path, "-") == 0)
		return read_all(stdin, b);
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	rc = read_all(fp, b);
	fclose(fp);
	return rc;
}

static void
print_json_string(const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void
print_meta(const struct doc_meta *meta)
{
	size_t i;

	fputs("{\"title\": ", stdout);
	print_json_string(meta->title);
	fputs(", \"date\": ", stdout);
	print_json_string(meta->date);
	fputs(", \"author\": ", stdout);
	print_json_string(meta->author);
	fputs(", \"lang\": ", stdout);
	print_json_string(meta->lang);
	fputs(", \"description\": ", stdout);
	print_json_string(meta->description);
	fputs(", \"source_url\": ", stdout);
	print_json_string(meta->source_url);
	fputs(", \"image\": ", stdout);
	print_json_string(meta->image);
	fputs(", \"tags\": [", stdout);
	for (i = 0; i < meta->ntags; i++) {
		if (i > 0)
			fputs(", ", stdout);
		print_json_string(meta->tags[i]);
	}
	fputs("]}\n", stdout);
}

static enum article_format
format_named(const char *name)
{
	char path[32];

	snprintf(path, sizeof(path), "x.%s", name);
	return article_format_of(path);
}

/* A file read from disk: its path is where it is, and its time is when
 * it was saved, after which no publication date is believed. */
static void
describe_file(const char *path, struct convert_options *options)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return;
	if (options->base_url == NULL)
		options->base_url = path;
	if (stat(path, &st) == 0)
		options->saved_time = st.st_mtime;
}

int
convert_cli_main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "meta", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct convert_options options = { 0 };
	enum article_format format = ARTICLE_NONE;
	struct document *doc;
	struct buf input = BUF_INIT;
	char *gemtext;
	size_t len;
	int ch, meta = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "b:f:m", long_options, NULL)) != -1) {
		switch (ch) {
		case 'b':
			options.base_url = optarg;
			break;
		case 'f':
			if ((format = format_named(optarg)) == ARTICLE_NONE) {
				fprintf(stderr, "convert: unknown format \"%s\"\n", optarg);
				return 2;
			}
			break;
		case 'm':
			meta = 1;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (argc - optind != 1) {
		usage();
		return 2;
	}
	if (format == ARTICLE_NONE)
		format = strcmp(argv[optind], "-") == 0 ? ARTICLE_HTML : article_format_of(argv[optind]);
	if (format == ARTICLE_NONE) {
		fprintf(stderr, "convert: %s: not an article; give --format\n", argv[optind]);
		return 2;
	}
	describe_file(argv[optind], &options);
	if (read_input(argv[optind], &input) == -1) {
		fprintf(stderr, "convert: %s: %s\n", argv[optind],
		    errno != 0 ? strerror(errno) : "read error");
		buf_free(&input);
		return 1;
	}
	gemtext = convert_article(format, input.data != NULL ? input.data : "", input.len,
	    &options, &doc, &len);
	buf_free(&input);
	if (gemtext == NULL) {
		fprintf(stderr, "convert: %s: out of memory\n", argv[optind]);
		return 1;
	}
	if (meta)
		print_meta(&doc->meta);
	else
		fwrite(gemtext, 1, len, stdout);
	free(gemtext);
	document_free(doc);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "convert: stdout: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
