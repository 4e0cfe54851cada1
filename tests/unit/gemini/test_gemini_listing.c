/* Directory listings as Gemini readers get them: the site layer's listing
 * page through the Gemini writer (names that need encoding, sizes, what
 * is hidden).  The Gopher menu is written from the same page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content/types.h"
#include "gemini/page.h"
#include "site/site.h"
#include "tree.h"

struct fixture {
	char base[64];
	struct site site;
};

static void
make_file(int dirfd, const char *path, off_t size)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
}

static int
setup(void **state)
{
	static const char *const dirs[] = { "2013", "2014", "Alpha", "Alpha/sub", ".well-known" };
	struct fixture *f = calloc(1, sizeof(*f));
	char path[128];
	size_t i;
	int r;

	assert_non_null(f);
	strcpy(f->base, "/tmp/gemini-listing-XXXXXX");
	assert_non_null(mkdtemp(f->base));
	snprintf(path, sizeof(path), "%s/outside", f->base);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/root", f->base);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_true((r = open(path, O_DIRECTORY | O_RDONLY)) >= 0);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		assert_int_equal(mkdirat(r, dirs[i], 0755), 0);
	make_file(r, "b.txt", 1500);
	make_file(r, "with space.txt", 1);
	make_file(r, "q?#%:.txt", 2);
	make_file(r, "caf\xc3\xa9.gmi", 4);
	make_file(r, "bad\xff.txt", 5);
	make_file(r, ".hidden", 6);
	make_file(r, "ctl\x01name", 7);
	make_file(r, "Alpha/small.txt", 5);
	make_file(r, "Alpha/big.bin", 12595);
	make_file(r, "Alpha/huge.bin", 1572864);
	make_file(r, "Alpha/nearly.bin", 1048575);
	assert_int_equal(mkfifoat(r, "fifo", 0644), 0);
	assert_int_equal(symlinkat("../outside", r, "link_out"), 0);
	assert_int_equal(symlinkat("/etc/passwd", r, "link_passwd"), 0);
	assert_int_equal(symlinkat("Alpha", r, "link_dir"), 0);
	f->site.root_fd = r;
	assert_non_null(f->site.cache = article_cache_new(1 << 20));
	/* No file here is an article: every one shows its name and size. */
	f->site.article_paths = "/articles/";
	f->site.directory_listing = 1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	close(f->site.root_fd);
	article_cache_free(f->site.cache);
	assert_int_equal(tree_remove(f->base), 0);
	free(f);
	return 0;
}

/* The listing of dir as gemtext, in out (freed by the caller). */
static int
listing(const struct fixture *f, const char *dir, struct buf *out)
{
	struct page page = PAGE_INIT;
	int rc = site_listing(&f->site, dir, NULL, NULL, 0, &page);

	if (rc == 0)
		assert_int_equal(gemini_write_page(out, &page, dir), 0);
	page_free(&page);
	return rc;
}

static void
test_subdirectory(void **state)
{
	struct fixture *f = *state;
	struct buf b = BUF_INIT;

	assert_int_equal(listing(f, "/Alpha/", &b), 0);
	assert_string_equal(b.data,
	    "# Alpha\n"
	    "\n"
	    "=> ../ Parent directory\n"
	    "=> sub/ sub/\n"
	    "=> big.bin big.bin (12.3 KiB)\n"
	    "=> huge.bin huge.bin (1.5 MiB)\n"
	    "=> nearly.bin nearly.bin (1.0 MiB)\n"
	    "=> small.txt small.txt (5 B)\n");
	buf_free(&b);
	assert_int_equal(listing(f, "/Alpha/sub/", &b), 0);
	assert_string_equal(b.data, "# Sub\n\n=> ../ Parent directory\n");
	buf_free(&b);
}

static void
test_root(void **state)
{
	struct fixture *f = *state;
	struct buf b = BUF_INIT;

	assert_int_equal(listing(f, "/", &b), 0);
	assert_true(strncmp(b.data, "# Files\n\n=> 2014/ 2014/\n", 24) == 0);
	assert_null(strstr(b.data, "Parent directory"));
	assert_non_null(strstr(b.data, "\n=> link_dir/ link_dir/\n"));
	assert_non_null(strstr(b.data, "\n=> b.txt b.txt (1.5 KiB)\n"));
	assert_non_null(strstr(b.data, "\n=> q%3F%23%25%3A.txt q?#%:.txt (2 B)\n"));
	assert_non_null(strstr(b.data, "\n=> with%20space.txt with space.txt (1 B)\n"));
	assert_non_null(strstr(b.data, "\n=> caf\xc3\xa9.gmi caf\xc3\xa9.gmi (4 B)\n"));
	assert_non_null(strstr(b.data, "\n=> bad%FF.txt bad\xef\xbf\xbd.txt (5 B)\n"));
	assert_null(strstr(b.data, "hidden"));
	assert_null(strstr(b.data, "well-known"));
	assert_null(strstr(b.data, "fifo"));
	assert_null(strstr(b.data, "link_out"));
	assert_null(strstr(b.data, "passwd"));
	assert_null(strstr(b.data, "name"));
	buf_free(&b);
	assert_int_equal(listing(f, "/link_out/", &b), -1);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_subdirectory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
