#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content/types.h"
#include "tree.h"

#define NO_FILE "/nonexistent/mime.types"

struct fixture {
	char dir[64];
};

static const unsigned char png[] = {
	0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a,
	0x00, 0x00, 0x00, 0x0d, 'I', 'H', 'D', 'R',
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00,
	0x1f, 0x15, 0xc4, 0x89,
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/content-types-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(tree_remove(f->dir), 0);
	free(f);
	return 0;
}

/* Writes data to dir/name and returns it open for reading. */
static int
make_file(struct fixture *f, const char *name, const void *data, size_t len)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static void
test_builtin_table(void **state)
{
	static const char *const table[][2] = {
		{ "a.gmi", "text/gemini; charset=utf-8" },
		{ "a.gemini", "text/gemini; charset=utf-8" },
		{ "a.txt", "text/plain; charset=utf-8" },
		{ "a.md", "text/markdown; charset=utf-8" },
		{ "a.html", "text/html; charset=utf-8" },
		{ "a.htm", "text/html; charset=utf-8" },
		{ "a.css", "text/css; charset=utf-8" },
		{ "a.xml", "application/xml" },
		{ "a.atom", "application/atom+xml" },
		{ "a.json", "application/json" },
		{ "a.png", "image/png" },
		{ "a.jpg", "image/jpeg" },
		{ "a.jpeg", "image/jpeg" },
		{ "a.gif", "image/gif" },
		{ "a.webp", "image/webp" },
		{ "a.svg", "image/svg+xml" },
		{ "a.pdf", "application/pdf" },
		{ "a.mp3", "audio/mpeg" },
		{ "a.ogg", "audio/ogg" },
		{ "a.flac", "audio/flac" },
		{ "a.wav", "audio/wav" },
		{ "a.mp4", "video/mp4" },
		{ "a.zip", "application/zip" },
		{ "a.tar.gz", "application/gzip" },
		{ "a.tar", "application/x-tar" },
		{ "a.xz", "application/x-xz" },
		{ "a.bz2", "application/x-bzip2" },
		{ "a.7z", "application/x-7z-compressed" },
		{ "a.bin", "application/octet-stream" },
		{ "PHOTO.JPG", "image/jpeg" },
		{ "/2014/02/Story.GMI", "text/gemini; charset=utf-8" },
		{ "dir.png/readme", "application/octet-stream" },
		{ ".png", "application/octet-stream" },
		{ "a.unknownext", "application/octet-stream" },
		{ "a.", "application/octet-stream" },
	};
	struct content_types *t;
	size_t i;

	(void)state;
	assert_non_null(t = content_types_new(NO_FILE));
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const char *got = content_type_of(t, table[i][0], -1);

		if (strcmp(got, table[i][1]) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", table[i][0], got, table[i][1]);
	}
	content_types_free(t);
}

static void
test_mime_types_file(void **state)
{
	static const char text[] =
	    "# comment png\n"
	    "text/x-foo\t\tfoo FOO2\n"
	    "application/x-custom png\n"
	    "text/plain gmi gemini md\n"
	    "text/html; charset=latin1 evil\n"
	    "application/x-later tar\n"
	    "application/x-tar-again tar\n"
	    "   \n"
	    "image/jpeg jpg # jpeg\n";
	struct fixture *f = *state;
	struct content_types *t;
	char path[128];

	close(make_file(f, "mime.types", text, strlen(text)));
	snprintf(path, sizeof(path), "%s/mime.types", f->dir);
	assert_non_null(t = content_types_new(path));
	assert_string_equal(content_type_of(t, "a.foo", -1), "text/x-foo; charset=utf-8");
	assert_string_equal(content_type_of(t, "a.foo2", -1), "text/x-foo; charset=utf-8");
	assert_string_equal(content_type_of(t, "a.png", -1), "application/x-custom");
	assert_string_equal(content_type_of(t, "a.tar", -1), "application/x-tar-again");
	assert_string_equal(content_type_of(t, "a.md", -1), "text/plain; charset=utf-8");
	assert_string_equal(content_type_of(t, "a.gmi", -1), "text/gemini; charset=utf-8");
	assert_string_equal(content_type_of(t, "a.gemini", -1), "text/gemini; charset=utf-8");
	assert_string_equal(content_type_of(t, "a.evil", -1), "application/octet-stream");
	assert_string_equal(content_type_of(t, "a.jpeg", -1), "image/jpeg");
	assert_string_equal(content_type_of(t, "a.gif", -1), "image/gif");
	content_types_free(t);
}

static void
test_system_mime_types(void **state)
{
	struct content_types *t;

	(void)state;
	assert_non_null(t = content_types_new(NULL));
	assert_string_equal(content_type_of(t, "a.gmi", -1), "text/gemini; charset=utf-8");
	assert_string_equal(content_type_of(t, "a.txt", -1), "text/plain; charset=utf-8");
	assert_string_equal(content_type_of(t, "a.png", -1), "image/png");
	content_types_free(t);
}

static void
test_sniffing(void **state)
{
	static const char ascii[] = "Hello, world.\nThis is a plain text file.\n";
	static const char utf8[] = "Caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9""e, a plain text.\n";
	static const char latin1[] = "Caf\xe9 cr\xe8me br\xfbl\xe9""e, a plain text file.\n";
	struct fixture *f = *state;
	struct content_types *t;
	const char *first;
	int fd;

	assert_non_null(t = content_types_new(NO_FILE));
	fd = make_file(f, "image", png, sizeof(png));
	assert_string_equal(content_type_of(t, "image", fd), "image/png");
	close(fd);
	fd = make_file(f, "notes", ascii, strlen(ascii));
	/* The offset stays where the caller left it. */
	assert_int_equal(lseek(fd, 5, SEEK_SET), 5);
	first = content_type_of(t, "notes", fd);
	assert_string_equal(first, "text/plain; charset=utf-8");
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 5);
	/* Kept in t: the same string again. */
	assert_ptr_equal(content_type_of(t, "notes", fd), first);
	close(fd);
	fd = make_file(f, "notes.2014", utf8, strlen(utf8));
	assert_string_equal(content_type_of(t, "notes.2014", fd), "text/plain; charset=utf-8");
	close(fd);
	fd = make_file(f, "latin", latin1, strlen(latin1));
	assert_string_equal(content_type_of(t, "latin", fd), "text/plain; charset=iso-8859-1");
	close(fd);
	fd = make_file(f, "empty", "", 0);
	assert_string_equal(content_type_of(t, "empty", fd), "text/plain; charset=utf-8");
	close(fd);
	/* Extension first: PNG bytes in a .txt file stay text, in .gmi gemtext. */
	fd = make_file(f, "fake.txt", png, sizeof(png));
	assert_string_equal(content_type_of(t, "fake.txt", fd), "text/plain; charset=utf-8");
	assert_string_equal(content_type_of(t, "fake.gmi", fd), "text/gemini; charset=utf-8");
	close(fd);
	/* By name alone: what the extension says, nothing for the rest. */
	assert_string_equal(content_type_by_name(t, "fake.txt"), "text/plain; charset=utf-8");
	assert_string_equal(content_type_by_name(t, "dir/PHOTO.PNG"), "image/png");
	assert_null(content_type_by_name(t, "image"));
	assert_null(content_type_by_name(t, "notes.2014"));
	content_types_free(t);
}

struct sniffer {
	struct content_types *t;
	int png_fd;
	int text_fd;
	int bad;
};

static void *
sniff_many(void *arg)
{
	struct sniffer *s = arg;
	int i;

	for (i = 0; i < 200; i++) {
		if (strcmp(content_type_of(s->t, "x", s->png_fd), "image/png") != 0 ||
		    strcmp(content_type_of(s->t, "y", s->text_fd), "text/plain; charset=utf-8") != 0)
			s->bad++;
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct fixture *f = *state;
	struct sniffer s[4];
	pthread_t th[4];
	int png_fd, text_fd, i;

	png_fd = make_file(f, "tpng", png, sizeof(png));
	text_fd = make_file(f, "ttext", "some words\n", 11);
	for (i = 0; i < 4; i++) {
		s[i] = (struct sniffer){ NULL, png_fd, text_fd, 0 };
		assert_non_null(s[i].t = i == 0 ? content_types_new(NO_FILE) : s[0].t);
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, sniff_many, &s[i]), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(s[i].bad, 0);
	}
	content_types_free(s[0].t);
	close(png_fd);
	close(text_fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_table),
		cmocka_unit_test(test_mime_types_file),
		cmocka_unit_test(test_system_mime_types),
		cmocka_unit_test(test_sniffing),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
