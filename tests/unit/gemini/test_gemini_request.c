#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gemini/request.h"

static void
expect_59_len(const char *line, size_t len)
{
	struct gemini_request req;
	const char *reason = NULL;

	if (gemini_request_parse(line, len, &req, &reason) != 59)
		fail_msg("accepted: \"%.*s\"", (int)len, line);
	assert_non_null(reason);
	assert_true(strlen(reason) > 0);
	assert_null(req.path);
	assert_null(req.query);
}

static void
expect_59(const char *line)
{
	expect_59_len(line, strlen(line));
}

/* The reason goes to the client: it must name the actual problem. */
static void
expect_59_reason(const char *line, const char *want)
{
	struct gemini_request req;
	const char *reason = NULL;

	assert_int_equal(gemini_request_parse(line, strlen(line), &req, &reason), 59);
	assert_non_null(reason);
	assert_string_equal(reason, want);
}

static void
parse_ok(const char *line, struct gemini_request *req)
{
	const char *reason = NULL;

	if (gemini_request_parse(line, strlen(line), req, &reason) != 0)
		fail_msg("refused \"%s\": %s", line, reason);
	assert_non_null(req->path);
}

/* Parses to exactly this path (and no query). */
static void
expect_path(const char *line, const char *path)
{
	struct gemini_request req;

	parse_ok(line, &req);
	assert_string_equal(req.path, path);
	assert_null(req.query);
	gemini_request_free(&req);
}

static void
expect_host(const char *line, const char *host, int port)
{
	struct gemini_request req;

	parse_ok(line, &req);
	assert_string_equal(req.host, host);
	assert_int_equal(req.port, port);
	gemini_request_free(&req);
}

static void
expect_frame(const char *data, size_t len, enum frame want, size_t want_len)
{
	size_t line_len = (size_t)-1;

	assert_int_equal(gemini_request_frame(data, len, &line_len), want);
	if (want == FRAME_COMPLETE)
		assert_int_equal(line_len, want_len);
}

/* "gemini://h/aaa...": exactly len bytes, plus "\r\n" after them. */
static char *
long_url(size_t len)
{
	char *s = malloc(len + 3);

	assert_non_null(s);
	memcpy(s, "gemini://h/", 11);
	memset(s + 11, 'a', len - 11);
	memcpy(s + len, "\r\n", 3);
	return s;
}

static void
test_frame_complete(void **state)
{
	(void)state;
	expect_frame("gemini://h/\r\n", 13, FRAME_COMPLETE, 11);
	expect_frame("\r\n", 2, FRAME_COMPLETE, 0);
}

static void
test_frame_ignores_trailing_bytes(void **state)
{
	const char data[] = "gemini://h/a\r\nGET / HTTP/1.0\n\0\r\r";

	(void)state;
	expect_frame(data, sizeof(data) - 1, FRAME_COMPLETE, 12);
}

static void
test_frame_need_more(void **state)
{
	(void)state;
	expect_frame("", 0, FRAME_NEED_MORE, 0);
	expect_frame("gemini://h/", 11, FRAME_NEED_MORE, 0);
	expect_frame("gemini://h/\r", 12, FRAME_NEED_MORE, 0);
}

static void
test_frame_bad(void **state)
{
	(void)state;
	expect_frame("gemini://h/\n", 12, FRAME_BAD, 0);
	expect_frame("gemini://h/\rx\n", 14, FRAME_BAD, 0);
	expect_frame("gemini://h/\r\r\n", 14, FRAME_BAD, 0);
	expect_frame("gemini://h/\0\r\n", 14, FRAME_BAD, 0);
	expect_frame("\n", 1, FRAME_BAD, 0);
}

static void
test_frame_length_limit(void **state)
{
	struct gemini_request req;
	const char *reason;
	size_t line_len = 0;
	char *max = long_url(GEMINI_URL_MAX);
	char *over = long_url(GEMINI_URL_MAX + 1);

	(void)state;
	assert_int_equal(gemini_request_frame(max, GEMINI_URL_MAX + 2, &line_len),
	    FRAME_COMPLETE);
	assert_int_equal(line_len, GEMINI_URL_MAX);
	assert_int_equal(gemini_request_parse(max, line_len, &req, &reason), 0);
	assert_int_equal(strlen(req.path), GEMINI_URL_MAX - 10);
	gemini_request_free(&req);
	/* 1024 bytes, then a CR still waiting for its LF. */
	expect_frame(max, GEMINI_URL_MAX + 1, FRAME_NEED_MORE, 0);

	expect_frame(over, GEMINI_URL_MAX + 1, FRAME_BAD, 0);
	expect_frame(over, GEMINI_URL_MAX + 3, FRAME_BAD, 0);
	expect_59_len(over, GEMINI_URL_MAX + 1);
	free(max);
	free(over);
}

static void
test_empty_and_bom(void **state)
{
	(void)state;
	expect_59("");
	expect_59_reason("\xef\xbb\xbfgemini://h/", "byte-order mark before the URL");
	/* U+FEFF elsewhere is an ordinary character. */
	expect_path("gemini://h/a\xef\xbb\xbf", "/a\xef\xbb\xbf");
}

static void
test_invalid_utf8(void **state)
{
	(void)state;
	expect_59("gemini://h/\x80");
	expect_59("gemini://h/\xc3");
	expect_59("gemini://h/\xc0\xaf");         /* overlong '/' */
	expect_59("gemini://h/\xe0\x80\xaf");     /* overlong '/' */
	expect_59("gemini://h/\xed\xa0\x80");     /* surrogate */
	expect_59("gemini://h/\xf4\x90\x80\x80"); /* above U+10FFFF */
	expect_59("gemini://h/\xff");
	expect_59("gemini://h/?\xfe");
	expect_59("gemini://h\xc3/");
	expect_path("gemini://h/\xf0\x9f\x98\x80", "/\xf0\x9f\x98\x80");
}

static void
test_controls(void **state)
{
	struct gemini_request req;
	const char *reason = NULL;

	(void)state;
	expect_59_len("gemini://h/a\0b", 14);
	assert_int_equal(gemini_request_parse("gemini://h/a\0b", 14, &req, &reason), 59);
	assert_string_equal(reason, "NUL byte");
	expect_59_reason("gemini://h/\x01", "control character");
	expect_59("gemini://h/a\tb");
	expect_59("gemini://h/a\x7f");
	expect_59("gemini://h/a\x01");
	expect_59("gemini://h/a\xc2\x85"); /* U+0085, a C1 control */
	expect_59("gemini://h/a\rb");
	expect_59("gemini://h/?a\x1b");
	expect_59("http://h/\t");
}

static void
test_space_and_backslash(void **state)
{
	(void)state;
	expect_59_reason("gemini://h/a b", "raw space (send %20)");
	expect_59("gemini://h/ ");
	expect_59("gemini://h/?a b");
	expect_59_reason("gemini://h/a\\b", "backslash in URL");
	expect_59("gemini://h\\a/");
	expect_path("gemini://h/a%20b", "/a b");
}

static void
test_not_absolute(void **state)
{
	(void)state;
	expect_59("/");
	expect_59("index.gmi");
	expect_59("//h/");
	expect_59("//h/index.gmi");
	expect_59(":");
	expect_59("://h/");
	expect_59("1gemini://h/");
	expect_59("gem_ini://h/");
	expect_59("hello");
	expect_59("gemini");
	expect_59("abcdefghijabcdefghijabcdefghijab://h/");
}

static void
test_host_required(void **state)
{
	(void)state;
	expect_59("gemini:");
	expect_59("gemini:/a");
	expect_59("gemini:a/b");
	expect_59("gemini://");
	expect_59("gemini:///a");
	expect_59("gemini://:1965/");
	expect_59("gemini://?q");
}

static void
test_userinfo_and_fragment(void **state)
{
	(void)state;
	expect_59_reason("gemini://user@h/", "userinfo not allowed");
	expect_59_reason("gemini://user:pw@h/", "userinfo not allowed");
	expect_59_reason("gemini://@h/", "userinfo not allowed");
	expect_59_reason("gemini://h/#", "fragment not allowed");
	expect_59_reason("gemini://h/a#b", "fragment not allowed");
	expect_59_reason("gemini://h/?q#b", "fragment not allowed");
	expect_59_reason("gemini://h#", "fragment not allowed");
	expect_59_reason("http://user@h/", "userinfo not allowed");
	expect_59_reason("https://h/#top", "fragment not allowed");
	/* An '@' in the path is an ordinary character. */
	expect_path("gemini://h/a@b", "/a@b");
}

static void
test_ports(void **state)
{
	(void)state;
	expect_host("gemini://h/", "h", -1);
	expect_host("gemini://h:1965/", "h", 1965);
	expect_host("gemini://h:/", "h", -1);
	expect_host("gemini://h:", "h", -1);
	expect_host("gemini://h:0/", "h", 0);
	expect_host("gemini://h:65535/", "h", 65535);
	expect_host("gemini://h:001965/", "h", 1965);
	expect_host("gemini://h:1966?q", "h", 1966);
	expect_59("gemini://h:65536/");
	expect_59("gemini://h:99999999999999999999/");
	expect_59("gemini://h:-1/");
	expect_59("gemini://h:+1/");
	expect_59("gemini://h:19a/");
	expect_59("gemini://h:1965:1/");
	expect_59("gemini://h: 1965/");
}

static void
test_hosts(void **state)
{
	(void)state;
	expect_host("gemini://Example.COM/", "example.com", -1);
	expect_host("gemini://127.0.0.1:1965/", "127.0.0.1", 1965);
	expect_host("gemini://ex%41mple.com/", "example.com", -1);
	expect_host("gemini://a_b.example/", "a_b.example", -1);
	expect_59("gemini://ex%2Fample/");
	expect_59("gemini://ex%00ample/");
	expect_59("gemini://ex%zzample/");
	expect_59("gemini://h[1]/");
	expect_59("gemini://ex%25ample/");
}

/* "gemini://" + a host of n letters + "/" into url. */
static void
url_with_host(char *url, char *host, size_t n)
{
	memset(host, 'a', n);
	host[n] = '\0';
	strcpy(url, "gemini://");
	strcat(url, host);
	strcat(url, "/");
}

static void
test_host_too_long(void **state)
{
	char url[300], host[260];

	(void)state;
	url_with_host(url, host, 255);
	expect_host(url, host, -1);
	url_with_host(url, host, 256);
	expect_59(url);
}

/* Unicode names are measured in their A-label form, which libidn2 caps at
 * 253 bytes (the DNS limit). */
static void
test_idn_host_too_long(void **state)
{
	char url[320], want[300], label[62];
	int i;

	(void)state;
	strcpy(url, "gemini://caf\xc3\xa9.");
	strcpy(want, "xn--caf-dma.");
	memset(label, 'a', 60);
	strcpy(label + 60, ".");
	for (i = 0; i < 4; i++) {
		if (i == 3)
			label[58] = '\0';
		strcat(url, label);
		strcat(want, label);
	}
	assert_int_equal(strlen(want), 253);
	expect_host(url, want, -1);
	strcat(url, "a");
	expect_59(url);
}

static void
test_idn_hosts(void **state)
{
	(void)state;
	expect_host("gemini://caf\xc3\xa9.example/", "xn--caf-dma.example", -1);
	expect_host("gemini://CAF\xc3\x89.Example:1965/", "xn--caf-dma.example", 1965);
	expect_host("gemini://caf%C3%A9.example/", "xn--caf-dma.example", -1);
	/* NFC first: a decomposed é is the same name. */
	expect_host("gemini://cafe\xcc\x81.example/", "xn--caf-dma.example", -1);
	/* Non-transitional: ß stays ß, it does not become "ss". */
	expect_host("gemini://fa\xc3\x9f.de/", "xn--fa-hia.de", -1);
	expect_host("gemini://XN--CAF-DMA.example/", "xn--caf-dma.example", -1);
	expect_59("gemini://\xf0\x9f\x92\xa9.la/");
	expect_59("gemini://caf\xc3\xa9-.example/");
}

static void
test_ipv6(void **state)
{
	(void)state;
	expect_host("gemini://[::1]/", "::1", -1);
	expect_host("gemini://[2001:DB8::1]:1965/a", "2001:db8::1", 1965);
	expect_host("gemini://[::ffff:192.0.2.1]", "::ffff:192.0.2.1", -1);
	expect_59("gemini://[::1/");
	expect_59("gemini://[::g]/");
	expect_59("gemini://[]/");
	expect_59("gemini://[::1]x/");
	expect_59("gemini://[::1]:x/");
	expect_59("gemini://::1/");
	expect_59("gemini://[v1.x]/");
	expect_59("gemini://[fe80::1%25eth0]/");
}

static void
test_empty_path(void **state)
{
	struct gemini_request req;

	(void)state;
	expect_path("gemini://h", "/");
	expect_path("gemini://h/", "/");
	expect_path("gemini://h/dir/", "/dir/");
	expect_path("gemini://h/a/b.gmi", "/a/b.gmi");
	parse_ok("gemini://h?q", &req);
	assert_string_equal(req.path, "/");
	assert_string_equal(req.query, "q");
	gemini_request_free(&req);
}

static void
test_scheme_lower_cased(void **state)
{
	struct gemini_request req;

	(void)state;
	parse_ok("GeMiNi://h/", &req);
	assert_string_equal(req.scheme, "gemini");
	gemini_request_free(&req);
}

static void
test_empty_segments(void **state)
{
	(void)state;
	expect_59("gemini://h//");
	expect_59("gemini://h//a");
	expect_59("gemini://h/a//b");
	expect_59("gemini://h/a//");
}

static void
test_bad_escapes(void **state)
{
	(void)state;
	expect_59("gemini://h/%G1");
	expect_59("gemini://h/%1G");
	expect_59("gemini://h/%4");
	expect_59("gemini://h/%");
	expect_59("gemini://h/a%/b");
	expect_59("gemini://h/?%4");
	expect_59("gemini://h/?%zz");
	expect_59("gemini://h/%FF");
	expect_59("gemini://h/%C3");
	expect_59("gemini://h/%C0%AF");
	expect_path("gemini://h/%41%62", "/Ab");
}

static void
test_decoded_separators(void **state)
{
	(void)state;
	expect_59("gemini://h/%00");
	expect_59("gemini://h/a%00.gmi");
	expect_59_reason("gemini://h/a%2Fb", "encoded slash in path");
	expect_59("gemini://h/a%2fb");
	expect_59("gemini://h/..%2F..%2Fetc");
	expect_59("gemini://h/a%5Cb");
	expect_59("gemini://h/a%5cb");
	expect_59("gemini://h/a%09b");
	expect_59("gemini://h/a%7F");
	expect_59("gemini://h/a%C2%85");
}

static void
test_dot_segments(void **state)
{
	(void)state;
	expect_59("gemini://h/.");
	expect_59("gemini://h/./");
	expect_59("gemini://h/..");
	expect_59("gemini://h/../");
	expect_59("gemini://h/a/../b");
	expect_59("gemini://h/a/./b");
	expect_59("gemini://h/%2e");
	expect_59("gemini://h/%2E/");
	expect_59_reason("gemini://h/%2e%2e/", "dot segment in path");
	expect_59("gemini://h/.%2E/etc");
	expect_59("gemini://h/%2E./etc");
	expect_path("gemini://h/%252e", "/%2e");
	expect_path("gemini://h/%252e%252e/", "/%2e%2e/");
	expect_path("gemini://h/...", "/...");
	expect_path("gemini://h/.hidden", "/.hidden");
	expect_path("gemini://h/a..b/c.", "/a..b/c.");
}

static void
test_iri_path(void **state)
{
	(void)state;
	expect_path("gemini://h/caf\xc3\xa9.gmi", "/caf\xc3\xa9.gmi");
	expect_path("gemini://h/caf%C3%A9.gmi", "/caf\xc3\xa9.gmi");
	expect_path("gemini://h/caf%c3%a9.gmi", "/caf\xc3\xa9.gmi");
	expect_path("gemini://h/a+b", "/a+b");
	expect_path("gemini://h/a:b;c=d,e!$&'()*~", "/a:b;c=d,e!$&'()*~");
}

static void
test_characters_outside_urls(void **state)
{
	(void)state;
	expect_59("gemini://h/<a>");
	expect_59("gemini://h/\"");
	expect_59("gemini://h/a|b");
	expect_59("gemini://h/{a}");
	expect_59("gemini://h/a^b");
	expect_59("gemini://h/`");
	expect_59("gemini://h/[a]");
	expect_59("gemini://h/?[a]");
}

static void
test_query_kept_raw(void **state)
{
	struct gemini_request req;

	(void)state;
	parse_ok("gemini://h/search?hello%20world+x/y?z&%C3%A9\xc3\xa9", &req);
	assert_string_equal(req.path, "/search");
	assert_string_equal(req.query, "hello%20world+x/y?z&%C3%A9\xc3\xa9");
	gemini_request_free(&req);

	parse_ok("gemini://h/a?", &req);
	assert_string_equal(req.query, "");
	gemini_request_free(&req);

	/* %2F and %00 are only checked when the handler decodes the query. */
	parse_ok("gemini://h/a?%2F%00", &req);
	assert_string_equal(req.query, "%2F%00");
	gemini_request_free(&req);
}

static void
test_foreign_schemes(void **state)
{
	struct gemini_request req;

	(void)state;
	parse_ok("HTTPS://Example.com:443/a//b/../c?x=1", &req);
	assert_string_equal(req.scheme, "https");
	assert_string_equal(req.host, "example.com");
	assert_int_equal(req.port, 443);
	assert_string_equal(req.path, "/");
	assert_string_equal(req.query, "x=1");
	gemini_request_free(&req);

	parse_ok("mailto:someone@example.com", &req);
	assert_string_equal(req.scheme, "mailto");
	assert_string_equal(req.host, "");
	assert_int_equal(req.port, -1);
	gemini_request_free(&req);

	parse_ok("gopher://h:70/1/foo%09bar", &req);
	assert_string_equal(req.scheme, "gopher");
	gemini_request_free(&req);
	parse_ok("titan://h/a.gmi;size=10;mime=text/plain", &req);
	assert_string_equal(req.scheme, "titan");
	gemini_request_free(&req);
	parse_ok("file:///etc/passwd", &req);
	gemini_request_free(&req);
	parse_ok("urn:isbn:0451450523", &req);
	gemini_request_free(&req);
	parse_ok("http://h", &req);
	gemini_request_free(&req);

	expect_59("http://h/%zz");
	expect_59("http://h:x/");
	expect_59("http://h/a b");
	expect_59("urn:a%");
	expect_59("http://[::1/");
}

static void
test_free_twice(void **state)
{
	struct gemini_request req;

	(void)state;
	parse_ok("gemini://h/a?b", &req);
	gemini_request_free(&req);
	gemini_request_free(&req);
	assert_null(req.path);
	assert_null(req.query);
}

static void
expect_decoded(const char *query, const char *want)
{
	char *got = gemini_query_decode(query);

	if (got == NULL)
		fail_msg("refused query \"%s\"", query);
	assert_string_equal(got, want);
	free(got);
}

static void
test_query_decode(void **state)
{
	(void)state;
	expect_decoded("", "");
	expect_decoded("hello%20world+x", "hello world+x");
	expect_decoded("caf%C3%A9", "caf\xc3\xa9");
	expect_decoded("caf\xc3\xa9", "caf\xc3\xa9");
	expect_decoded("a%0Ab", "a\nb");
	expect_decoded("%2F%5C%25", "/\\%");
	assert_null(gemini_query_decode("%zz"));
	assert_null(gemini_query_decode("%4"));
	assert_null(gemini_query_decode("%"));
	assert_null(gemini_query_decode("a%00b"));
	assert_null(gemini_query_decode("%FF"));
	assert_null(gemini_query_decode("%C3"));
	assert_null(gemini_query_decode("%ED%A0%80"));
	assert_null(gemini_query_decode("\xc3"));
	assert_null(gemini_query_decode("a b"));
	assert_null(gemini_query_decode("a#b"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_complete),
		cmocka_unit_test(test_frame_ignores_trailing_bytes),
		cmocka_unit_test(test_frame_need_more),
		cmocka_unit_test(test_frame_bad),
		cmocka_unit_test(test_frame_length_limit),
		cmocka_unit_test(test_empty_and_bom),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_space_and_backslash),
		cmocka_unit_test(test_not_absolute),
		cmocka_unit_test(test_host_required),
		cmocka_unit_test(test_userinfo_and_fragment),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_host_too_long),
		cmocka_unit_test(test_idn_host_too_long),
		cmocka_unit_test(test_idn_hosts),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_empty_path),
		cmocka_unit_test(test_scheme_lower_cased),
		cmocka_unit_test(test_empty_segments),
		cmocka_unit_test(test_bad_escapes),
		cmocka_unit_test(test_decoded_separators),
		cmocka_unit_test(test_dot_segments),
		cmocka_unit_test(test_iri_path),
		cmocka_unit_test(test_characters_outside_urls),
		cmocka_unit_test(test_query_kept_raw),
		cmocka_unit_test(test_foreign_schemes),
		cmocka_unit_test(test_free_twice),
		cmocka_unit_test(test_query_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
