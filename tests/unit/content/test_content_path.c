#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "content/path.h"
#include "tree.h"

typedef enum content_status (*open_fn)(int, const char *, int *, struct stat *);

struct tree {
	char base[64];          /* mkdtemp dir holding root/ and outside/ */
	char root[128];
	int rootfd;
};

static void
make_file(int dirfd, const char *path, const char *text)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
make_socket(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(s >= 0);
	assert_true(strlen(path) < sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	assert_int_equal(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(s);
}

static int
setup_tree(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char path[256];
	int r, o;

	assert_non_null(t);
	strcpy(t->base, "/tmp/content-path-XXXXXX");
	assert_non_null(mkdtemp(t->base));
	snprintf(t->root, sizeof(t->root), "%s/root", t->base);
	snprintf(path, sizeof(path), "%s/outside", t->base);
	assert_int_equal(mkdir(t->root, 0755), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_true((o = open(path, O_DIRECTORY | O_RDONLY)) >= 0);
	make_file(o, "secret", "secret\n");
	close(o);

	assert_true((r = open(t->root, O_DIRECTORY | O_RDONLY)) >= 0);
	make_file(r, "a.gmi", "hello\n");
	assert_int_equal(mkdirat(r, "dir", 0755), 0);
	assert_int_equal(mkdirat(r, "dir/sub", 0755), 0);
	make_file(r, "dir/sub/deep.txt", "deep\n");
	make_file(r, ".hidden", "hidden\n");
	assert_int_equal(mkdirat(r, ".well-known", 0755), 0);
	make_file(r, ".well-known/x", "x\n");
	assert_int_equal(symlinkat("a.gmi", r, "link_in"), 0);
	assert_int_equal(symlinkat("link_in", r, "chain"), 0);
	assert_int_equal(symlinkat("../a.gmi", r, "dir/link_up"), 0);
	assert_int_equal(symlinkat("../../a.gmi", r, "dir/sub/up2"), 0);
	assert_int_equal(symlinkat("dir", r, "link_dir"), 0);
	assert_int_equal(symlinkat("/etc/passwd", r, "link_passwd"), 0);
	assert_int_equal(symlinkat("../outside/secret", r, "link_out"), 0);
	assert_int_equal(symlinkat("../outside", r, "link_outdir"), 0);
	assert_int_equal(symlinkat("../../../outside/secret", r, "dir/sub/escape"), 0);
	snprintf(path, sizeof(path), "%s/a.gmi", t->root);
	assert_int_equal(symlinkat(path, r, "link_abs_in"), 0);
	assert_int_equal(symlinkat("loop", r, "loop"), 0);
	assert_int_equal(symlinkat("missing", r, "dangling"), 0);
	assert_int_equal(mkfifoat(r, "fifo", 0644), 0);
	snprintf(path, sizeof(path), "%s/socket", t->root);
	make_socket(path);
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
test_path_check(void **state)
{
	static const char *const good[] = {
		"", "/", "a", "/a", "/a/", "a/b/c.gmi", "/.well-known/x", "/caf\xc3\xa9.gmi",
		"/%2e", "/a b+c", "/a..b",
	};
	static const char *const bad[] = {
		"//", "//a", "/a//b", "a//", "/.", "/..", "/./a", "/a/..", "/a/../b", "../a",
		"/.hidden", "/a/.git/config", "/.well-known-x", "/a\\b", "/a\x01", "/a\tb",
		"/a\x7f", "/.well-knownx/", "/...x/",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (content_path_check(good[i]) != 0)
			fail_msg("refused: \"%s\"", good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (content_path_check(bad[i]) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);
	}
}

static void
expect_status(struct tree *t, open_fn fn, const char *path, enum content_status want)
{
	enum content_status got;
	struct stat st;
	int fd = -1;

	got = fn(t->rootfd, path, &fd, &st);
	if (got != want)
		fail_msg("%s: got %d, want %d", path, got, want);
	if (got == CONTENT_OK)
		close(fd);
}

/* Opens path, checks it is a regular file holding text, checks the fd. */
static void
expect_file(struct tree *t, open_fn fn, const char *path, const char *text)
{
	char data[64];
	struct stat st;
	ssize_t n;
	int fd;

	if (fn(t->rootfd, path, &fd, &st) != CONTENT_OK)
		fail_msg("%s: not opened", path);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, (off_t)strlen(text));
	/* Readable (O_NONBLOCK may stay: it means nothing for a regular file). */
	assert_int_equal(fcntl(fd, F_GETFL) & (O_ACCMODE | O_PATH), O_RDONLY);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	n = read(fd, data, sizeof(data) - 1);
	assert_true(n >= 0);
	data[n] = '\0';
	assert_string_equal(data, text);
	close(fd);
}

static void
expect_dir(struct tree *t, open_fn fn, const char *path)
{
	struct stat st, want;
	int fd;

	if (fn(t->rootfd, path, &fd, &st) != CONTENT_OK)
		fail_msg("%s: not opened", path);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(fcntl(fd, F_GETFL) & (O_ACCMODE | O_PATH), O_RDONLY);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* A readable directory: the listing needs that. */
	assert_int_equal(fstatat(fd, ".", &want, 0), 0);
	assert_int_equal(want.st_ino, st.st_ino);
	close(fd);
}

static void
check_resolver(struct tree *t, open_fn fn)
{
	char longpath[PATH_MAX + 16];

	expect_dir(t, fn, "");
	expect_dir(t, fn, "/");
	expect_dir(t, fn, "/dir");
	expect_dir(t, fn, "/dir/");
	expect_dir(t, fn, "/link_dir/");
	expect_file(t, fn, "/a.gmi", "hello\n");
	expect_file(t, fn, "a.gmi", "hello\n");
	expect_file(t, fn, "/dir/sub/deep.txt", "deep\n");
	expect_file(t, fn, "/.well-known/x", "x\n");
	expect_file(t, fn, "/link_in", "hello\n");
	expect_file(t, fn, "/chain", "hello\n");
	expect_file(t, fn, "/dir/link_up", "hello\n");
	expect_file(t, fn, "/dir/sub/up2", "hello\n");
	expect_file(t, fn, "/link_dir/sub/deep.txt", "deep\n");
	expect_file(t, fn, "/link_dir/link_up", "hello\n");

	expect_status(t, fn, "/missing", CONTENT_NOT_FOUND);
	expect_status(t, fn, "/dir/missing/x", CONTENT_NOT_FOUND);
	expect_status(t, fn, "/dangling", CONTENT_NOT_FOUND);
	expect_status(t, fn, "/a.gmi/", CONTENT_NOT_FOUND);
	expect_status(t, fn, "/a.gmi/x", CONTENT_NOT_FOUND);
	expect_status(t, fn, "/link_in/", CONTENT_NOT_FOUND);
	expect_status(t, fn, "/fifo/x", CONTENT_NOT_FOUND);
	expect_status(t, fn, "/socket/", CONTENT_NOT_FOUND);

	expect_status(t, fn, "/.hidden", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/link_passwd", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/link_out", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/link_outdir", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/link_outdir/", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/link_outdir/secret", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/dir/sub/escape", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/link_abs_in", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/loop", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/fifo", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/socket", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/../outside/secret", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/dir/../a.gmi", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/dir/..", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/./a.gmi", CONTENT_FORBIDDEN);
	expect_status(t, fn, "//a.gmi", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/dir//sub/deep.txt", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/dir\\sub\\deep.txt", CONTENT_FORBIDDEN);
	expect_status(t, fn, "/a.gmi\n", CONTENT_FORBIDDEN);

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	expect_status(t, fn, longpath, CONTENT_NOT_FOUND);
	memset(longpath, 'a', NAME_MAX + 1);
	longpath[NAME_MAX + 1] = '\0';
	expect_status(t, fn, longpath, CONTENT_NOT_FOUND);
}

static void
test_open(void **state)
{
	check_resolver(*state, content_open);
}

static void
test_open_walk(void **state)
{
	check_resolver(*state, content_open_walk);
}

/* A symlink swapped for a directory between requests: each open sees the
 * tree as it is, and the escaping form is refused again. */
static void
test_open_after_change(void **state)
{
	struct tree *t = *state;

	assert_int_equal(symlinkat("../outside", t->rootfd, "moving"), 0);
	expect_status(t, content_open, "/moving/secret", CONTENT_FORBIDDEN);
	expect_status(t, content_open_walk, "/moving/secret", CONTENT_FORBIDDEN);
	assert_int_equal(unlinkat(t->rootfd, "moving", 0), 0);
	assert_int_equal(mkdirat(t->rootfd, "moving", 0755), 0);
	make_file(t->rootfd, "moving/secret", "mine\n");
	expect_file(t, content_open, "/moving/secret", "mine\n");
	expect_file(t, content_open_walk, "/moving/secret", "mine\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_check),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_open_walk),
		cmocka_unit_test(test_open_after_change),
	};

	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
