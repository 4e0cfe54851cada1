/*
 * Gopher as the connection layer sees it (struct protocol).  Every
 * request is a copy answered by gopher_handle() on the pool; errors are
 * type-3 items, and a client over its rate waits (Gopher has no "slow
 * down").
 */
#include <stdlib.h>

#include "gopher/handler.h"
#include "gopher/request.h"

static void
handle(const void *ctx, const struct request_info *req, struct response *resp)
{
	gopher_handle(ctx, req->line, req->len, resp);
}

static int
answer(const void *ctx, const struct request_info *req, struct response *resp, void **job)
{
	*job = request_copy_new(req, ctx, handle);
	if (*job == NULL)
		gopher_error_response(ctx, "Server error", resp);
	return *job == NULL;
}

static int
bad_request(const void *ctx, const char *reason, struct response *resp)
{
	gopher_error_response(ctx, reason != NULL ? reason : "selector too long or malformed", resp);
	return 1;
}

/* Gopher clients expect an error item rather than a silent close. */
static int
timed_out(const void *ctx, struct response *resp)
{
	gopher_error_response(ctx, "request timed out", resp);
	return 1;
}

static int
slow_down(const void *ctx, unsigned seconds, struct response *resp)
{
	(void)ctx;
	(void)seconds;
	(void)resp;
	return 0;
}

const struct protocol gopher_protocol = {
	.name = "gopher",
	.tls_always = 0,
	.frame = gopher_request_frame,
	.answer = answer,
	.produce = request_copy_produce,
	.job_free = free,
	.bad_request = bad_request,
	.timed_out = timed_out,
	.slow_down = slow_down,
};
