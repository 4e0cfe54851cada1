#include "gopher/request.h"

#include <string.h>

enum frame
gopher_request_frame(const char *data, size_t len, size_t *line_len)
{
	size_t i, limit = len < GOPHER_LINE_MAX + 2 ? len : GOPHER_LINE_MAX + 2;

	for (i = 0; i < limit; i++) {
		if (data[i] == '\0')
			return FRAME_BAD;
		if (data[i] != '\n')
			continue;
		*line_len = i > 0 && data[i - 1] == '\r' ? i - 1 : i;
		return *line_len <= GOPHER_LINE_MAX ? FRAME_COMPLETE : FRAME_BAD;
	}
	return len > GOPHER_LINE_MAX + 1 ? FRAME_BAD : FRAME_NEED_MORE;
}

int
gopher_request_parse(const char *line, size_t len, struct gopher_request *req)
{
	const char *tab = memchr(line, '\t', len);
	const char *next;

	req->selector = line;
	req->selector_len = tab != NULL ? (size_t)(tab - line) : len;
	req->search = NULL;
	req->search_len = 0;
	if (memchr(req->selector, '\r', req->selector_len) != NULL)
		return -1;
	if (tab == NULL)
		return 0;
	req->search = tab + 1;
	next = memchr(req->search, '\t', len - (size_t)(req->search - line));
	req->search_len = next != NULL ? (size_t)(next - req->search)
	    : len - (size_t)(req->search - line);
	return 0;
}
