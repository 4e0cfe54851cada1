/*
 * Test support: reading a fixture of the source tree (tests/golden/...,
 * tests/pages/...) into a buffer, NUL-terminated, failing the test when
 * it cannot be read.  Header-only; needs cmocka.h and util/buf.h first.
 */
#ifndef CAPSULED_TESTS_SUPPORT_SOURCE_FILE_H
#define CAPSULED_TESTS_SUPPORT_SOURCE_FILE_H

#include <stdio.h>

static inline void
source_file_read(const char *relpath, struct buf *b)
{
	char path[4096], chunk[4096];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", TEST_SOURCE_DIR, relpath);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("cannot read %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(b, chunk, n);
	fclose(fp);
	buf_append(b, "", 0);
	assert_false(b->failed);
}

#endif
