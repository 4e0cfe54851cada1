/*
 * Request framing and parsing, gemtext -> menu, gophermap -> menu and
 * reflow on arbitrary bytes: nothing may crash, and the output must keep
 * the invariants clients rely on (four fields per menu line, lines within
 * the width unless a single word, valid UTF-8).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gopher/gemmenu.h"
#include "gopher/gophermap.h"
#include "gopher/reflow.h"
#include "gopher/request.h"
#include "gopher/width.h"

static void
check_menu(const struct buf *out, size_t width)
{
	const char *p = out->data != NULL ? out->data : "", *end;

	while ((end = strstr(p, "\r\n")) != NULL) {
		size_t tabs = 0, i, display = strcspn(p, "\t");

		for (i = 0; p + i < end; i++)
			tabs += p[i] == '\t';
		if (tabs != 3 || gopher_text_width(p + 1, display - 1) > width)
			abort();
		p = end + 2;
	}
	if (*p != '\0')
		abort();
}

static void
check_text(const struct buf *out, size_t width)
{
	const char *p = out->data != NULL ? out->data : "", *end;

	while ((end = strstr(p, "\r\n")) != NULL) {
		size_t len = (size_t)(end - p), i;

		for (i = 0; i < len;) {
			uint32_t cp;
			size_t n = gopher_utf8_decode(p + i, len - i, &cp);

			if (n == 0 || cp == '\r' || cp == '\n')
				abort();
			i += n;
		}
		if (len >= 2 && p[0] == '.') {
			p++; /* dot-stuffed: the client drops the first "." */
			len--;
		}
		if (memchr(p, ' ', len) != NULL && gopher_text_width(p, len) > width)
			abort();
		p = end + 2;
	}
	if (*p != '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct buf out = BUF_INIT;
	struct menu m = { &out, "fuzz.example", 70, size > 0 ? 20 + data[0] % 60 : 67 };
	struct gemtext_menu g = { &m, "/a/b/index.gmi", NULL, NULL };
	struct gopher_request req;
	size_t line_len;

	if (gopher_request_frame(text, size, &line_len) == FRAME_COMPLETE)
		gopher_request_parse(text, line_len, &req);
	gemtext_to_menu(&g, text, size);
	check_menu(&out, m.width);
	buf_truncate(&out, 0);
	gophermap_to_menu(&m, "/d/", text, size, NULL, NULL);
	check_menu(&out, m.width);
	buf_truncate(&out, 0);
	reflow_text(&out, text, size, m.width);
	check_text(&out, m.width);
	buf_free(&out);
	return 0;
}
