/*
 * content_path_check() and content_open() against a fixed tree with
 * symlinks in and out of the root.  Asserts: nothing outside the root (or
 * hidden inside it) is ever opened; openat2 and the portable walk agree.
 * An input with an odd first byte is read as a list of tree names, so that
 * the fuzzer reaches deep symlink chains the kernel's lookups hide from it.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content/path.h"
#include "tree.h"

struct fuzz_tree {
	char base[64];
	char root[PATH_MAX];    /* realpath of the root */
	size_t rootlen;
	int rootfd;
};

/* libFuzzer offers no context pointer: the tree lives for the process. */
static struct fuzz_tree tree;

static const char *const tokens[] = {
	"a.gmi", "dir", "sub", "f.txt", "in", "dirlink", "up", "esc", "abs", "absin",
	"loop", "self", "back", "fifo", "deep", "esc2", ".hidden", ".well-known", "x",
	"missing", ".", "..", "", "\\", "%2e", "outside", "s", "chain",
};

static void
check(int ok, const char *what, const char *path)
{
	if (!ok) {
		fprintf(stderr, "content fuzz: %s: \"%s\"\n", what, path);
		abort();
	}
}

static void
make(const char *what, int rc)
{
	if (rc == -1) {
		perror(what);
		abort();
	}
}

static void
remove_tree(void)
{
	close(tree.rootfd);
	tree_remove(tree.base);
}

static void
make_file(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	make(path, fd);
	close(fd);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[PATH_MAX];
	int r;

	(void)argc;
	(void)argv;
	strcpy(tree.base, "/tmp/content-fuzz-XXXXXX");
	if (mkdtemp(tree.base) == NULL)
		make("mkdtemp", -1);
	snprintf(path, sizeof(path), "%s/outside", tree.base);
	make("outside", mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/outside/s", tree.base);
	make_file(AT_FDCWD, path);
	snprintf(path, sizeof(path), "%s/root", tree.base);
	make("root", mkdir(path, 0755));
	if (realpath(path, tree.root) == NULL)
		make("realpath", -1);
	tree.rootlen = strlen(tree.root);
	make("open root", r = open(tree.root, O_DIRECTORY | O_RDONLY | O_CLOEXEC));
	make_file(r, "a.gmi");
	make("dir", mkdirat(r, "dir", 0755));
	make("sub", mkdirat(r, "dir/sub", 0755));
	make_file(r, "dir/sub/f.txt");
	make_file(r, ".hidden");
	make(".well-known", mkdirat(r, ".well-known", 0755));
	make_file(r, ".well-known/x");
	make("in", symlinkat("a.gmi", r, "in"));
	make("chain", symlinkat("in", r, "chain"));
	make("dirlink", symlinkat("dir", r, "dirlink"));
	make("up", symlinkat("../a.gmi", r, "dir/up"));
	make("back", symlinkat("..", r, "dir/sub/back"));
	make("deep", symlinkat("../../dirlink/sub/f.txt", r, "dir/sub/deep"));
	make("esc", symlinkat("../outside", r, "esc"));
	make("esc2", symlinkat("../../../outside/s", r, "dir/sub/esc2"));
	make("abs", symlinkat("/etc", r, "abs"));
	snprintf(path, sizeof(path), "%s/a.gmi", tree.root);
	make("absin", symlinkat(path, r, "absin"));
	make("loop", symlinkat("loop", r, "loop"));
	make("self", symlinkat(".", r, "self"));
	make("fifo", mkfifoat(r, "fifo", 0644));
	tree.rootfd = r;
	atexit(remove_tree);
	return 0;
}

/* The input as a path: raw bytes, or (odd first byte) names from tokens[]
 * joined by '/'. */
static char *
input_path(const uint8_t *data, size_t size)
{
	char *path;
	size_t i, len = 0;

	if (size > 0 && (data[0] & 1)) {
		if ((path = malloc(size * 16 + 1)) == NULL)
			return NULL;
		for (i = 1; i < size; i++) {
			const char *tok = tokens[data[i] % (sizeof(tokens) / sizeof(tokens[0]))];

			if (data[i] & 0x80)
				path[len++] = '/';
			memcpy(path + len, tok, strlen(tok));
			len += strlen(tok);
			if (i + 1 < size)
				path[len++] = '/';
		}
	} else {
		if ((path = malloc(size + 1)) == NULL)
			return NULL;
		for (i = 1; i < size; i++)
			path[len++] = (char)data[i];
	}
	path[len] = '\0';
	return path;
}

/* The file behind fd, seen from the root: inside it and not hidden. */
static void
check_inside(int fd, const char *path)
{
	char link[64], real[PATH_MAX];
	const char *rel, *seg;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, real, sizeof(real) - 1);
	check(n > 0, "readlink", path);
	real[n] = '\0';
	check(strncmp(real, tree.root, tree.rootlen) == 0 &&
	    (real[tree.rootlen] == '\0' || real[tree.rootlen] == '/'), "outside the root", path);
	for (rel = real + tree.rootlen; (seg = strstr(rel, "/.")) != NULL; rel = seg + 1)
		check(strncmp(seg, "/.well-known", 12) == 0 && (seg[12] == '/' || seg[12] == '\0'),
		    "dotfile opened", path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum content_status s1, s2;
	struct stat st1, st2, st;
	int fd1 = -1, fd2 = -1;
	char *path;

	if ((path = input_path(data, size)) == NULL)
		return 0;
	s1 = content_open(tree.rootfd, path, &fd1, &st1);
	s2 = content_open_walk(tree.rootfd, path, &fd2, &st2);
	check(s1 == s2, "openat2 and walk disagree", path);
	check(s1 != CONTENT_ERROR, "error on a still tree", path);
	if (content_path_check(path) == -1)
		check(s1 == CONTENT_FORBIDDEN, "refused path opened", path);
	if (s1 == CONTENT_OK) {
		check(fstat(fd1, &st) == 0 && st.st_ino == st1.st_ino, "stat", path);
		check(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode), "type", path);
		check(st1.st_ino == st2.st_ino && st1.st_dev == st2.st_dev, "same file", path);
		check_inside(fd1, path);
		check_inside(fd2, path);
		close(fd1);
		close(fd2);
	}
	free(path);
	return 0;
}
