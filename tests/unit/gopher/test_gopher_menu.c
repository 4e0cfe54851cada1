/* gemtext -> menu, links, URL: pages, caps.txt, request lines, gophermaps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gopher/gemmenu.h"
#include "gopher/gophermap.h"
#include "gopher/links.h"
#include "gopher/pages.h"
#include "gopher/request.h"
#include "gopher/textdoc.h"
#include "gopher/types.h"
#include "util/text.h"

#define HOST "example.org"
#define TAIL "\t" HOST "\t7070\r\n"

static char *
to_menu(const char *gemtext, struct buf *out)
{
	struct menu m = { out, HOST, 7070, 67 };
	struct gemtext_menu g = { &m, "/dir/index.gmi", NULL, NULL };

	assert_int_equal(gemtext_to_menu(&g, gemtext, strlen(gemtext)), 0);
	return out->data;
}

static void
test_gemtext_line_types(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_string_equal(to_menu("# Title\n## Sub\n### Small\n\n* item\n> quoted\n"
	    "```alt\n\tcode\n```\nplain\n", &out),
	    "iTitle\t" TAIL "i=====\t" TAIL
	    "iSub\t" TAIL "i---\t" TAIL
	    "iSmall\t" TAIL
	    "i\t" TAIL
	    "i  * item\t" TAIL
	    "i> quoted\t" TAIL
	    "i        code\t" TAIL
	    "iplain\t" TAIL);
	buf_free(&out);
}

static void
test_gemtext_wrapping(void **state)
{
	struct buf out = BUF_INIT, in = BUF_INIT;
	const char *p, *end;
	size_t i, lines = 0;

	(void)state;
	buf_append_str(&in, "* ");
	for (i = 0; i < 30; i++)
		buf_append_str(&in, "listword ");
	buf_append_str(&in, "\n> ");
	for (i = 0; i < 30; i++)
		buf_append_str(&in, "quoteword ");
	buf_append_str(&in, "\n```\n");
	for (i = 0; i < 100; i++)
		buf_append_char(&in, 'p');
	buf_append_str(&in, "\n```\n");
	to_menu(in.data, &out);
	for (p = out.data; (end = strstr(p, "\r\n")) != NULL; p = end + 2, lines++) {
		size_t display = strcspn(p, "\t");

		assert_true(display_width(p + 1, display - 1) <= 67);
		assert_true(strncmp(p, "i  * ", 5) == 0 || strncmp(p, "i    l", 6) == 0 ||
		    strncmp(p, "i> ", 3) == 0 || p[1] == 'p');
	}
	assert_true(lines >= 4 + 5 + 2);
	assert_non_null(strstr(out.data, "i" "ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp\t"));
	buf_free(&in);
	buf_free(&out);
}

static void
test_gemtext_links(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_string_equal(to_menu(
	    "=> a.txt Relative text\n"
	    "=> ../up/ Up\n"
	    "=> gemini://Example.org/x/caf%C3%A9.gmi Own host\n"
	    "=> gemini://other.net/ Other capsule\n"
	    "=> https://e.org/?a=1 Web\n"
	    "=> gopher://g.net:7000/0/file.txt Gopher text\n"
	    "=> gopher://g.net Gopher root\n"
	    "=> javascript:alert(1) Script\n"
	    "=> data:text/plain,x\n"
	    "=> mailto:a@b.c\n"
	    "=> /img/p.png Picture\n"
	    "=> /search Search\n", &out),
	    "0Relative text\t/dir/a.txt" TAIL
	    "1Up\t/up/" TAIL
	    "1Own host\t/x/caf\xc3\xa9.gmi" TAIL
	    "hOther capsule\tURL:gemini://other.net/" TAIL
	    "hWeb\tURL:https://e.org/?a=1" TAIL
	    "0Gopher text\t/file.txt\tg.net\t7000\r\n"
	    "1Gopher root\t\tg.net\t70\r\n"
	    "iScript\t" TAIL
	    "idata:text/plain,x\t" TAIL
	    "hmailto:a@b.c\tURL:mailto:a@b.c" TAIL
	    "IPicture\t/img/p.png" TAIL
	    /* Without the site's types (the route table) no path is special. */
	    "1Search\t/search" TAIL);
	buf_free(&out);
}

static void
test_link_resolution(void **state)
{
	struct link_target t;

	(void)state;
	assert_int_equal(gopher_link_resolve("../../../etc/passwd", "/a/b.gmi", HOST, &t), 0);
	assert_int_equal(t.kind, LINK_LOCAL);
	assert_string_equal(t.selector.data, "/etc/passwd");
	gopher_link_target_free(&t);
	assert_int_equal(gopher_link_resolve("sub/./x/../y%20z?q#frag", "/a/", HOST, &t), 0);
	assert_string_equal(t.selector.data, "/a/sub/y z?q");
	gopher_link_target_free(&t);
	assert_int_equal(gopher_link_resolve("a%09b", "/", HOST, &t), 0);
	assert_int_equal(t.kind, LINK_REFUSED);
	gopher_link_target_free(&t);
	assert_int_equal(gopher_link_resolve("file:///etc/passwd", "/", HOST, &t), 0);
	assert_int_equal(t.kind, LINK_REFUSED);
	gopher_link_target_free(&t);
}

static void
test_url_page(void **state)
{
	struct buf out = BUF_INIT;
	const char *url = "https://e.org/?a=<b>&c=\"d\"'";

	(void)state;
	assert_int_equal(gopher_url_page(&out, url, strlen(url)), 0);
	assert_non_null(strstr(out.data, "https://e.org/?a=&lt;b&gt;&amp;c=&quot;d&quot;&#39;"));
	assert_null(strstr(out.data, "<b>"));
	assert_non_null(strstr(out.data, "http-equiv=\"refresh\" content=\"5;URL="));
	assert_null(strstr(out.data, "<script"));
	buf_truncate(&out, 0);
	assert_int_equal(gopher_url_page(&out, "javascript:alert(1)", 19), -1);
	assert_int_equal(gopher_url_page(&out, "data:text/html,x", 16), -1);
	assert_int_equal(gopher_url_page(&out, "file:///etc/passwd", 18), -1);
	assert_int_equal(gopher_url_page(&out, "http://a\r\nb", 11), -1);
	assert_int_equal(gopher_url_page(&out, "gemini://x/", 11), 0);
	buf_free(&out);
}

static void
test_caps(void **state)
{
	struct caps_info info = { 7443, "An archive", "me@example.org", NULL };
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(gopher_caps_text(&out, &info), 0);
	assert_true(strncmp(out.data, "CAPS\r\nCapsVersion=1\r\n", 21) == 0);
	assert_non_null(strstr(out.data, "\r\nServerDefaultEncoding=UTF-8\r\n"));
	assert_non_null(strstr(out.data, "\r\nServerTLSPort=7443\r\n"));
	assert_non_null(strstr(out.data, "\r\nPathDelimeter=/\r\n"));
	assert_non_null(strstr(out.data, "\r\nExpireCapsAfter=3600\r\n"));
	assert_non_null(strstr(out.data, "\r\nServerSoftware=capsuled\r\n"));
	assert_non_null(strstr(out.data, "\r\nServerDescription=An archive\r\n"));
	assert_non_null(strstr(out.data, "\r\nServerAdmin=me@example.org\r\n"));
	assert_null(strstr(out.data, "ServerGeolocationString"));
	assert_int_equal(strcmp(out.data + out.len - 3, ".\r\n"), 0);
	buf_free(&out);
}

static void
test_request_frame(void **state)
{
	char big[1100];
	size_t len = 0;

	(void)state;
	assert_int_equal(gopher_request_frame("/a", 2, &len), FRAME_NEED_MORE);
	assert_int_equal(gopher_request_frame("/a\r\n", 4, &len), FRAME_COMPLETE);
	assert_int_equal(len, 2);
	assert_int_equal(gopher_request_frame("/ab\n", 4, &len), FRAME_COMPLETE);
	assert_int_equal(len, 3);
	assert_int_equal(gopher_request_frame("\r\n", 2, &len), FRAME_COMPLETE);
	assert_int_equal(len, 0);
	assert_int_equal(gopher_request_frame("/a\0b\n", 5, &len), FRAME_BAD);
	memset(big, 'a', sizeof(big));
	assert_int_equal(gopher_request_frame(big, 1024, &len), FRAME_NEED_MORE);
	assert_int_equal(gopher_request_frame(big, sizeof(big), &len), FRAME_BAD);
	big[1024] = '\r';
	big[1025] = '\n';
	assert_int_equal(gopher_request_frame(big, 1026, &len), FRAME_COMPLETE);
	assert_int_equal(len, 1024);
	big[1024] = 'a';
	assert_int_equal(gopher_request_frame(big, 1026, &len), FRAME_BAD);
}

static void
test_request_parse(void **state)
{
	struct gopher_request req;

	(void)state;
	assert_int_equal(gopher_request_parse("/", 1, &req), 0);
	assert_int_equal(req.selector_len, 1);
	assert_null(req.search);
	assert_int_equal(gopher_request_parse("/\t+", 3, &req), 0);
	assert_int_equal(req.selector_len, 1);
	assert_int_equal(gopher_request_parse("/about.md\t!", 11, &req), 0);
	assert_int_equal(req.selector_len, 9);
	assert_int_equal(gopher_request_parse("/search\tsyria war\t$", 19, &req), 0);
	assert_int_equal(req.selector_len, 7);
	assert_int_equal(req.search_len, 9);
	assert_memory_equal(req.search, "syria war", 9);
	assert_int_equal(gopher_request_parse("", 0, &req), 0);
	assert_int_equal(req.selector_len, 0);
	assert_int_equal(gopher_request_parse("/a\rb", 4, &req), -1);
}

static int
fake_listing(void *arg, char *const *hidden, size_t n)
{
	const struct menu *m = arg;

	assert_int_equal(n, 1);
	assert_string_equal(hidden[0], "secret.txt");
	return menu_info_str(m, "LISTING");
}

static void
test_gophermap(void **state)
{
	const char *map = "!My hole\r\n# comment\nplain text\n"
	    "0About\tabout.txt\n1Abs\t/x/\n1Far\t/\tother.org\t7000\n"
	    "hWeb\tURL:http://e.org/\n=/bin/sh\n-secret.txt\n\n*\nafter\n";
	struct buf out = BUF_INIT;
	struct menu m = { &out, HOST, 7070, 67 };

	(void)state;
	assert_int_equal(gophermap_to_menu(&m, "/d/", map, strlen(map), fake_listing, &m), 0);
	assert_string_equal(out.data,
	    "iMy hole\t" TAIL
	    "iplain text\t" TAIL
	    "0About\t/d/about.txt" TAIL
	    "1Abs\t/x/" TAIL
	    "1Far\t/\tother.org\t7000\r\n"
	    "hWeb\tURL:http://e.org/" TAIL
	    "i\t" TAIL
	    "iLISTING\t" TAIL);
	buf_free(&out);
}

static void
test_types(void **state)
{
	(void)state;
	assert_int_equal(gopher_type_by_name("/a/b.GMI"), '1');
	assert_int_equal(gopher_type_by_name("x.txt"), '0');
	assert_int_equal(gopher_type_by_name("p.html"), 'h');
	assert_int_equal(gopher_type_by_name("a.gif"), 'g');
	assert_int_equal(gopher_type_by_name("a.jpeg"), 'I');
	assert_int_equal(gopher_type_by_name("a.pdf"), 'd');
	assert_int_equal(gopher_type_by_name("a.ogg"), 's');
	assert_int_equal(gopher_type_by_name("a.tar.gz"), '9');
	assert_int_equal(gopher_type_by_name("a.zip"), '5');
	assert_int_equal(gopher_type_by_name("dir/"), '1');
	assert_int_equal(gopher_type_by_name("README"), '\0');
	assert_int_equal(gopher_type_by_name(".profile"), '\0');
	assert_int_equal(gopher_type_sniff((const unsigned char *)"GIF89a", 6), 'g');
	assert_int_equal(gopher_type_sniff((const unsigned char *)"\x89PNG\r\n", 6), 'I');
	assert_int_equal(gopher_type_sniff((const unsigned char *)"%PDF-1.4", 8), 'd');
	assert_int_equal(gopher_type_sniff((const unsigned char *)"\n<!DOCTYPE html>", 16), 'h');
	assert_int_equal(gopher_type_sniff((const unsigned char *)"\x1f\x8b\x08", 3), '9');
	assert_int_equal(gopher_type_sniff((const unsigned char *)"ab\0cd", 5), '9');
	assert_int_equal(gopher_type_sniff((const unsigned char *)"caf\xe9 au lait", 12), '9');
	assert_int_equal(gopher_type_sniff((const unsigned char *)"caf\xc3\xa9", 5), '0');
}

static void
test_document_text(void **state)
{
	struct document *doc = document_new();
	struct doc_block *b;
	struct text_view v = { 67, HOST, 7070, "/articles/a.md", 0, NULL, NULL };
	struct buf out = BUF_INIT;

	(void)state;
	assert_non_null(doc);
	document_set_meta(&doc->meta.title, "A title");
	document_set_meta(&doc->meta.date, "2014-02-03T10:12:00");
	/* The page's head has the title: a heading repeating it goes. */
	document_add_block(doc, BLOCK_HEADING, 1, "A *title*");
	b = document_add_block(doc, BLOCK_PARAGRAPH, 0, "See the report and more.");
	document_add_link(b, "other.md", "the report");
	b = document_add_block(doc, BLOCK_LINK, 0, NULL);
	document_add_link(b, "https://e.org/", "Elsewhere");
	b = document_add_block(doc, BLOCK_PARAGRAPH, 0, ".dot first");
	assert_int_equal(gopher_document_text(&out, doc, &v), 0);
	assert_string_equal(out.data,
	    "See the report [1] and more.\r\n\r\n"
	    "[2] Elsewhere\r\n\r\n"
	    "..dot first\r\n\r\n"
	    "Links:\r\n"
	    "[1] gopher://example.org:7070/0/articles/other.md\r\n"
	    "[2] https://e.org/\r\n");
	buf_free(&out);
	document_free(doc);
}

static char
type_by_path(void *arg, const char *selector)
{
	(void)arg;
	return strstr(selector, ".md") != NULL ? '0' : '1';
}

/* An article's page around its text: the head and the foot as text,
 * links as their label and their gopher URL under it. */
static void
test_page_text(void **state)
{
	struct text_view v = { 40, HOST, 7070, "/articles/a.md", 0, type_by_path, NULL };
	struct page head = PAGE_INIT, foot = PAGE_INIT;
	struct buf out = BUF_INIT;

	(void)state;
	page_heading(&head, 1, "A title");
	page_add(&head, PAGE_BYLINE, "3 February 2014 \xc2\xb7 By Jo \xc2\xb7 2 min read",
	    "/archive/2014/02/");
	page_add(&head, PAGE_TAG, "syria", "/tags/syria/");
	page_add(&head, PAGE_TAG, "caf\xc3\xa9 society", "/tags/caf\xc3\xa9 society/");
	page_blank(&head);
	assert_int_equal(gopher_page_text(&out, &head, &v), 0);
	assert_string_equal(out.data, "A title\r\n=======\r\n"
	    "3 February 2014 \xc2\xb7 By Jo \xc2\xb7 2 min read\r\n"
	    "Tags: syria, caf\xc3\xa9 society\r\n\r\n");
	buf_truncate(&out, 0);
	page_blank(&foot);
	page_link(&foot, "/articles/b.md", NULL, "Previous: An older article with a long title");
	page_link(&foot, "/archive/", NULL, "The archive");
	assert_int_equal(gopher_page_text(&out, &foot, &v), 0);
	assert_string_equal(out.data, "\r\nPrevious: An older article with a long\r\ntitle\r\n"
	    "  gopher://example.org:7070/0/articles/b.md\r\n"
	    "The archive\r\n  gopher://example.org:7070/1/archive/\r\n");
	buf_free(&out);
	page_free(&head);
	page_free(&foot);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gemtext_line_types),
		cmocka_unit_test(test_gemtext_wrapping),
		cmocka_unit_test(test_gemtext_links),
		cmocka_unit_test(test_link_resolution),
		cmocka_unit_test(test_url_page),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_request_frame),
		cmocka_unit_test(test_request_parse),
		cmocka_unit_test(test_gophermap),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_document_text),
		cmocka_unit_test(test_page_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
