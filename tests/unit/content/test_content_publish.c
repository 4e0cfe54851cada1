/* Writing into the tree: a temporary file renamed whole, folders made and
 * taken back, no symlink followed, no hidden name, removal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content/publish.h"
#include "tree.h"

struct tree {
	char base[64];
	char root[128];
	int rootfd;
};

static int
setup_tree(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char path[256];

	assert_non_null(t);
	strcpy(t->base, "/tmp/content-publish-XXXXXX");
	assert_non_null(mkdtemp(t->base));
	snprintf(t->root, sizeof(t->root), "%s/root", t->base);
	assert_int_equal(mkdir(t->root, 0755), 0);
	snprintf(path, sizeof(path), "%s/outside", t->base);
	assert_int_equal(mkdir(path, 0755), 0);
	t->rootfd = open(t->root, O_RDONLY | O_DIRECTORY);
	assert_true(t->rootfd >= 0);
	assert_int_equal(mkdirat(t->rootfd, "notes", 0755), 0);
	assert_int_equal(symlinkat("../outside", t->rootfd, "notes/out"), 0);
	assert_int_equal(symlinkat("/etc/hostname", t->rootfd, "notes/link.gmi"), 0);
	assert_int_equal(mkdirat(t->rootfd, "notes/folder.gmi", 0755), 0);
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

static char *
read_at(int rootfd, const char *path)
{
	static char text[256];
	ssize_t n;
	int fd = openat(rootfd, path, O_RDONLY);

	if (fd == -1)
		return NULL;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	return text;
}

/* Entries of a folder whose name starts with prefix. */
static int
count_prefixed(int rootfd, const char *dir, const char *prefix)
{
	int fd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY), n = 0;
	struct dirent *e;
	DIR *d;

	if (fd == -1)
		return -1;
	d = fdopendir(fd);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

static void
test_written_whole_then_renamed(void **state)
{
	struct tree *t = *state;
	struct content_upload u;

	assert_int_equal(content_upload_begin(t->rootfd, "/notes/", "a.gmi", &u), CONTENT_OK);
	assert_int_equal(count_prefixed(t->rootfd, "notes", ".upload-"), 1);
	assert_int_equal(content_upload_write(&u, "# One\n", 6), 0);
	/* Nothing under the final name until the commit. */
	assert_null(read_at(t->rootfd, "notes/a.gmi"));
	assert_int_equal(content_upload_commit(&u, "a.gmi", 1), 0);
	assert_string_equal(read_at(t->rootfd, "notes/a.gmi"), "# One\n");
	assert_int_equal(count_prefixed(t->rootfd, "notes", ".upload-"), 0);
	/* Over an existing file with replace, never without. */
	assert_int_equal(content_upload_begin(t->rootfd, "/notes/", "a.gmi", &u), CONTENT_OK);
	assert_int_equal(content_upload_write(&u, "# Two\n", 6), 0);
	assert_int_equal(content_upload_commit(&u, "a.gmi", 0), -1);
	assert_int_equal(errno, EEXIST);
	assert_string_equal(read_at(t->rootfd, "notes/a.gmi"), "# One\n");
	assert_int_equal(content_upload_commit(&u, "a.gmi", 1), 0);
	assert_string_equal(read_at(t->rootfd, "notes/a.gmi"), "# Two\n");
}

static void
test_folders_made_and_taken_back(void **state)
{
	struct tree *t = *state;
	struct content_upload u;
	struct stat st;

	assert_int_equal(content_upload_begin(t->rootfd, "/notes/2026/05/", NULL, &u), CONTENT_OK);
	assert_int_equal(u.nmade, 2);
	assert_int_equal(content_upload_write(&u, "part", 4), 0);
	content_upload_abort(&u);
	assert_int_equal(fstatat(t->rootfd, "notes/2026", &st, 0), -1);
	assert_int_equal(count_prefixed(t->rootfd, "notes", ".upload-"), 0);
	/* Committed: the folders stay. */
	assert_int_equal(content_upload_begin(t->rootfd, "/notes/2026/05/", NULL, &u), CONTENT_OK);
	assert_int_equal(content_upload_commit(&u, "new.md", 0), 0);
	assert_non_null(read_at(t->rootfd, "notes/2026/05/new.md"));
}

static void
test_refused_paths(void **state)
{
	struct tree *t = *state;
	struct content_upload u;
	char path[256];
	struct stat st;

	/* A symlinked folder, even one inside; a hidden or dot segment. */
	assert_int_equal(content_upload_begin(t->rootfd, "/notes/out/", "x.gmi", &u),
	    CONTENT_FORBIDDEN);
	assert_int_equal(content_upload_begin(t->rootfd, "/notes/.git/", "x.gmi", &u),
	    CONTENT_FORBIDDEN);
	assert_int_equal(content_upload_begin(t->rootfd, "/notes/../", "x.gmi", &u),
	    CONTENT_FORBIDDEN);
	assert_int_equal(content_upload_begin(t->rootfd, "/notes/", ".hidden.gmi", &u),
	    CONTENT_FORBIDDEN);
	/* A final name holding a symlink or a folder. */
	assert_int_equal(content_upload_begin(t->rootfd, "/notes/", "link.gmi", &u),
	    CONTENT_FORBIDDEN);
	assert_int_equal(content_upload_begin(t->rootfd, "/notes/", "folder.gmi", &u),
	    CONTENT_FORBIDDEN);
	snprintf(path, sizeof(path), "%s/outside/x.gmi", t->base);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(count_prefixed(t->rootfd, "notes", ".upload-"), 0);
}

static void
test_remove(void **state)
{
	struct tree *t = *state;
	struct content_upload u;

	assert_int_equal(content_upload_begin(t->rootfd, "/notes/", "gone.txt", &u), CONTENT_OK);
	assert_int_equal(content_upload_commit(&u, "gone.txt", 1), 0);
	assert_int_equal(content_remove(t->rootfd, "/notes/gone.txt"), CONTENT_OK);
	assert_null(read_at(t->rootfd, "notes/gone.txt"));
	assert_int_equal(content_remove(t->rootfd, "/notes/gone.txt"), CONTENT_NOT_FOUND);
	assert_int_equal(content_remove(t->rootfd, "/missing/gone.txt"), CONTENT_NOT_FOUND);
	assert_int_equal(content_remove(t->rootfd, "/notes/link.gmi"), CONTENT_FORBIDDEN);
	assert_int_equal(content_remove(t->rootfd, "/notes/folder.gmi"), CONTENT_FORBIDDEN);
	assert_int_equal(content_remove(t->rootfd, "/notes/out/x"), CONTENT_FORBIDDEN);
	/* Removing never makes a folder. */
	assert_int_equal(content_remove(t->rootfd, "/new/x.gmi"), CONTENT_NOT_FOUND);
	assert_int_equal(count_prefixed(t->rootfd, ".", "new"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_written_whole_then_renamed, setup_tree,
		    teardown_tree),
		cmocka_unit_test_setup_teardown(test_folders_made_and_taken_back, setup_tree,
		    teardown_tree),
		cmocka_unit_test_setup_teardown(test_refused_paths, setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_remove, setup_tree, teardown_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
