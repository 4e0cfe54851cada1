#include "archive/retry.h"

#include "util/clock.h"
#include "util/log.h"

long long
retry_failed(struct retry *r, const char *what, const char *why)
{
	long long now = monotonic_ms();

	if (r->warned_at == 0) {
		log_warn("archive: cannot write %s: %s; pages and searches serve what it holds,"
		    " retrying", what, why);
		r->warned_at = now;
		r->failures = 0;
	} else if (now - r->warned_at >= RETRY_WARN_EVERY_MS) {
		log_warn("archive: still cannot write %s: %s (%ld more failures since the last"
		    " warning)", what, why, r->failures + 1);
		r->warned_at = now;
		r->failures = 0;
	} else {
		r->failures++;
	}
	r->pause_ms = r->pause_ms == 0 ? RETRY_FIRST_MS : r->pause_ms * 2;
	if (r->pause_ms > RETRY_MAX_MS)
		r->pause_ms = RETRY_MAX_MS;
	return r->pause_ms;
}

void
retry_succeeded(struct retry *r, const char *what)
{
	if (r->warned_at != 0)
		log_info("archive: %s is writable again; catching up", what);
	r->pause_ms = 0;
	r->warned_at = 0;
	r->failures = 0;
}
