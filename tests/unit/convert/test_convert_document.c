#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/document.h"
#include "convert/links.h"

static void
test_blocks_and_links(void **state)
{
	struct document *doc = document_new();
	struct doc_block *b;

	(void)state;
	assert_non_null(doc);
	for (int i = 0; i < 100; i++)
		assert_non_null(document_add_block(doc, BLOCK_PARAGRAPH, 0, "p"));
	b = document_add_block(doc, BLOCK_LINK, 0, NULL);
	assert_non_null(b);
	assert_null(b->text);
	assert_int_equal(document_add_link(b, "gemini://h/", "home"), 0);
	assert_int_equal(doc->nblocks, 101);
	assert_string_equal(doc->blocks[100].links[0].label, "home");
	document_remove_block(doc, 0);
	assert_int_equal(doc->nblocks, 100);
	assert_int_equal(doc->blocks[99].type, BLOCK_LINK);
	document_remove_block(doc, 500);
	assert_int_equal(doc->nblocks, 100);
	document_free(doc);
}

/* A resolver as a reader makes it for an article at base. */
static struct link_resolver
resolver(const char *base, int capsule_relative)
{
	struct convert_options opt = { .base_url = base };
	struct link_resolver lr;

	link_resolver_init(&lr, &opt, capsule_relative);
	return lr;
}

static void
test_add_link_from_rules(void **state)
{
	struct document *doc = document_new();
	struct doc_block *b = document_add_block(doc, BLOCK_PARAGRAPH, 0, "text");
	struct link_resolver web = resolver("http://fakehost/test/page.html", 0);
	struct link_resolver none = resolver(NULL, 0);

	(void)state;
	assert_int_equal(document_add_link_from(b, &web, "a b.html", " Two\n words "), 0);
	assert_int_equal(document_add_link_from(b, &web, "#frag", "x"), 0);
	assert_int_equal(document_add_link_from(b, &web, "javascript:void(0)", "x"), 0);
	assert_int_equal(document_add_link_from(b, &web, "data:,x", "x"), 0);
	assert_int_equal(document_add_link_from(b, &web, "/test/a b.html", "again"), 0);
	assert_int_equal(document_add_link_from(b, &none, "https://www.e.example/a/", ""), 0);
	assert_int_equal(b->nlinks, 2);
	assert_string_equal(b->links[0].url, "http://fakehost/test/a%20b.html");
	assert_string_equal(b->links[0].label, "Two words");
	assert_string_equal(b->links[1].url, "https://www.e.example/a/");
	/* Every link line has a label: the host and path when there is no text. */
	assert_string_equal(b->links[1].label, "e.example/a");
	document_free(doc);
}

static void
test_add_link_from_controls(void **state)
{
	struct document *doc = document_new();
	struct doc_block *b = document_add_block(doc, BLOCK_PARAGRAPH, 0, "text");
	struct link_resolver none = resolver(NULL, 1);
	struct link_resolver capsule = resolver("/a/b.gmi", 1);

	(void)state;
	assert_int_equal(document_add_link_from(b, &none, "\x05\r#M\x1a", "x"), 0);
	assert_int_equal(document_add_link_from(b, &capsule, "\x01\x7f#top", "x"), 0);
	assert_int_equal(document_add_link_from(b, &none, "java\x0bscript:alert(1)", "x"), 0);
	assert_int_equal(document_add_link_from(b, &none, "\xc2\x85" "data:,x", "x"), 0);
	assert_int_equal(b->nlinks, 0);
	assert_int_equal(document_add_link_from(b, &capsule, " \x02" "c\x03.gmi ", "x"), 0);
	assert_int_equal(b->nlinks, 1);
	assert_string_equal(b->links[0].url, "/a/c.gmi");
	document_free(doc);
}

static void
test_meta_and_tags(void **state)
{
	struct document *doc = document_new();

	(void)state;
	assert_int_equal(document_set_meta(&doc->meta.title, "One"), 0);
	assert_int_equal(document_set_meta(&doc->meta.title, "Two"), 0);
	assert_string_equal(doc->meta.title, "Two");
	assert_int_equal(document_set_meta(&doc->meta.title, NULL), 0);
	assert_null(doc->meta.title);
	assert_int_equal(document_add_tag(doc, "a"), 0);
	assert_int_equal(document_add_tag(doc, "b"), 0);
	assert_int_equal(document_add_tag(doc, "a"), 0);
	assert_int_equal(doc->meta.ntags, 2);
	document_free(doc);
	document_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_and_links),
		cmocka_unit_test(test_add_link_from_rules),
		cmocka_unit_test(test_add_link_from_controls),
		cmocka_unit_test(test_meta_and_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
