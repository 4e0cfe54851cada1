/*
 * Gemini as the connection layer sees it (struct protocol).  answer()
 * parses and resolves the request once, on the loop (gemini_answer());
 * what it cannot answer there is a job carrying the resolved target,
 * which produce() finishes on the pool (gemini_produce()); a Titan
 * upload's job reads its body first (body_length(), body()).
 */
#include "gemini/handler.h"
#include "gemini/request.h"

static int
answer(const void *ctx, const struct request_info *req, struct response *resp, void **job)
{
	return gemini_answer(ctx, req, resp, job);
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
	.produce = gemini_produce,
	.job_free = gemini_job_free,
	.body_length = gemini_body_length,
	.body = gemini_body,
	.bad_request = bad_request,
	.timed_out = timed_out,
	.slow_down = slow_down,
};
