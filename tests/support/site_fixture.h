/*
 * Test support: the struct site of the site tests over a content tree
 * already written (every file an article by its name, directories
 * listed), and its release.  Header-only, as tree.h.
 */
#ifndef CAPSULED_TESTS_SUPPORT_SITE_FIXTURE_H
#define CAPSULED_TESTS_SUPPORT_SITE_FIXTURE_H

#include <fcntl.h>
#include <unistd.h>

#include "content/types.h"
#include "site/site.h"

/* Opens root for s: its descriptor, a conversion cache and the types. */
static inline void
site_fixture_open(struct site *s, const char *root)
{
	s->root_fd = open(root, O_RDONLY | O_DIRECTORY);
	assert_true(s->root_fd >= 0);
	assert_non_null(s->cache = article_cache_new(1 << 20));
	assert_non_null(s->types = content_types_new("/nonexistent"));
	s->article_paths = "/";
	s->directory_listing = 1;
}

static inline void
site_fixture_close(struct site *s)
{
	close(s->root_fd);
	article_cache_free(s->cache);
	content_types_free(s->types);
}

#endif
