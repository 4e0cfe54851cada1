/*
 * Gemini as the connection layer sees it (struct protocol).  answer()
 * answers on the loop what gemini_handle_quick() can; anything else is a
 * copy of the request, answered by gemini_handle() on the pool.
 */
#include <stdlib.h>

#include "gemini/handler.h"
#include "gemini/request.h"

static void
handle(const void *ctx, const struct request_info *req, struct response *resp)
{
	gemini_handle(ctx, req->line, req->len, resp);
}

static int
answer(const void *ctx, const struct request_info *req, struct response *resp, void **job)
{
	if (gemini_handle_quick(ctx, req->line, req->len, resp))
		return 1;
	if ((*job = request_copy_new(req, ctx, handle)) != NULL)
		return 0;
	response_gemini_header(resp, 40, "out of memory");
	return 1;
}

static int
bad_request(const void *ctx, const char *reason, struct response *resp)
{
	(void)ctx;
	gemini_bad_request(resp, reason != NULL ? reason :
	    "request must be a URL of at most 1024 bytes ending in CRLF");
	return 1;
}

/* A client that never finished its request gets no answer. */
static int
timed_out(const void *ctx, struct response *resp)
{
	(void)ctx;
	(void)resp;
	return 0;
}

static int
slow_down(const void *ctx, unsigned seconds, struct response *resp)
{
	(void)ctx;
	gemini_slow_down(resp, seconds);
	return 1;
}

const struct protocol gemini_protocol = {
	.name = "gemini",
	.tls_always = 1,
	.frame = gemini_request_frame,
	.answer = answer,
	.produce = request_copy_produce,
	.job_free = free,
	.bad_request = bad_request,
	.timed_out = timed_out,
	.slow_down = slow_down,
};
