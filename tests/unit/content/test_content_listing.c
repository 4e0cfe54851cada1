#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "content/listing.h"
#include "tree.h"
#include "util/text.h"

struct tree {
	char base[64];
	int rootfd;
};

static void
make_file(int dirfd, const char *path, off_t size)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
}

static void
make_socket(int dirfd, const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(s >= 0);
	strcpy(sun.sun_path, name);
	/* bind() takes no dirfd: bind relative to the tree. */
	assert_int_equal(fchdir(dirfd), 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(chdir("/"), 0);
	close(s);
}

static int
setup_tree(void **state)
{
	static const char *const dirs[] = { "2013", "2014", "02", "10", "1", "beta", "Alpha",
		".well-known", "Alpha/sub" };
	struct tree *t = calloc(1, sizeof(*t));
	char path[128];
	size_t i;
	int r;

	assert_non_null(t);
	strcpy(t->base, "/tmp/content-listing-XXXXXX");
	assert_non_null(mkdtemp(t->base));
	snprintf(path, sizeof(path), "%s/outside", t->base);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/root", t->base);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_true((r = open(path, O_DIRECTORY | O_RDONLY)) >= 0);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		assert_int_equal(mkdirat(r, dirs[i], 0755), 0);
	make_file(r, "b.txt", 1500);
	make_file(r, "A.gmi", 10);
	make_file(r, "c.GMI", 0);
	make_file(r, "2015", 3);
	make_file(r, "with space.txt", 1);
	make_file(r, "q?#%:.txt", 2);
	make_file(r, "caf\xc3\xa9.gmi", 4);
	make_file(r, "bad\xff.txt", 5);
	make_file(r, ".hidden", 6);
	make_file(r, "ctl\x01name", 7);
	make_file(r, "back\\slash", 8);
	make_file(r, "Alpha/small.txt", 5);
	make_file(r, "Alpha/big.bin", 12595);
	make_file(r, "Alpha/huge.bin", 1572864);
	make_file(r, "Alpha/nearly.bin", 1048575);
	assert_int_equal(mkfifoat(r, "fifo", 0644), 0);
	make_socket(r, "socket");
	assert_int_equal(symlinkat("../outside", r, "link_out"), 0);
	assert_int_equal(symlinkat("/etc/passwd", r, "link_passwd"), 0);
	assert_int_equal(symlinkat("A.gmi", r, "link_in"), 0);
	assert_int_equal(symlinkat("Alpha", r, "link_dir"), 0);
	t->rootfd = r;
	*state = t;
	return 0;
}

static int
teardown_tree(void **state)
{
	struct tree *t = *state;

	close(t->rootfd);
	tree_remove(t->base);
	free(t);
	return 0;
}

static void
test_entries_order_and_hiding(void **state)
{
	static const char *const want[] = {
		"2014", "2013", "10", "02", "1", "Alpha", "beta", "link_dir",
		"2015", "A.gmi", "b.txt", "bad\xff.txt", "c.GMI", "caf\xc3\xa9.gmi", "link_in",
		"q?#%:.txt", "with space.txt",
	};
	struct tree *t = *state;
	struct content_entry *e;
	size_t n, i;

	assert_int_equal(content_dir_entries(t->rootfd, "/", &e, &n), 0);
	for (i = 0; i < n && i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(e[i].name, want[i]);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_true(e[0].is_dir);
	assert_true(e[7].is_dir);
	assert_false(e[8].is_dir);
	assert_int_equal(e[10].size, 1500);
	/* A symlink to a file inside shows its target's size. */
	assert_int_equal(e[14].size, 10);
	assert_true(e[10].mtime.tv_sec > 0);
	content_entries_free(e, n);
}

static void
test_entries_refused(void **state)
{
	struct tree *t = *state;
	struct content_entry *e;
	size_t n;

	assert_int_equal(content_dir_entries(t->rootfd, "/b.txt", &e, &n), -1);
	assert_int_equal(content_dir_entries(t->rootfd, "/missing/", &e, &n), -1);
	assert_int_equal(content_dir_entries(t->rootfd, "/link_out/", &e, &n), -1);
	assert_int_equal(content_dir_entries(t->rootfd, "/../", &e, &n), -1);
	assert_null(e);
	assert_int_equal(n, 0);
	assert_int_equal(content_dir_entries(t->rootfd, "/.well-known/", &e, &n), 0);
	assert_int_equal(n, 0);
	content_entries_free(e, n);
}

/* Root reads everything; as another user an unreadable file is hidden. */
static void
test_entries_unreadable(void **state)
{
	struct tree *t = *state;
	struct content_entry *e;
	size_t n;

	if (geteuid() == 0)
		skip();
	make_file(t->rootfd, "beta/closed.txt", 1);
	make_file(t->rootfd, "beta/open.txt", 1);
	assert_int_equal(fchmodat(t->rootfd, "beta/closed.txt", 0, 0), 0);
	assert_int_equal(content_dir_entries(t->rootfd, "beta", &e, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].name, "open.txt");
	content_entries_free(e, n);
}

static void
expect_encoded(const char *segment, const char *want)
{
	struct buf b = BUF_INIT;

	assert_int_equal(percent_encode(&b, segment, strlen(segment), "", PERCENT_IRI), 0);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void
test_url_encode(void **state)
{
	(void)state;
	expect_encoded("plain-name_1.0~x", "plain-name_1.0~x");
	expect_encoded("a b", "a%20b");
	expect_encoded("100%", "100%25");
	expect_encoded("q?#:", "q%3F%23%3A");
	expect_encoded("a+b&c=d", "a%2Bb%26c%3Dd");
	expect_encoded("new\nline\x7f", "new%0Aline%7F");
	expect_encoded("caf\xc3\xa9 \xe6\x97\xa5", "caf\xc3\xa9%20\xe6\x97\xa5");
	expect_encoded("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
	expect_encoded("\xc3", "%C3");
	expect_encoded("\xc0\xaf", "%C0%AF");
	expect_encoded("\xed\xa0\x80", "%ED%A0%80");
	expect_encoded("\xff", "%FF");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_order_and_hiding),
		cmocka_unit_test(test_entries_refused),
		cmocka_unit_test(test_entries_unreadable),
		cmocka_unit_test(test_url_encode),
	};

	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
