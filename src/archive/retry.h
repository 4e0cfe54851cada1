/*
 * Writing that keeps failing, told once: the first failure is one
 * warning line, later ones are counted and told again at most once per
 * RETRY_WARN_EVERY_MS (with the count), and a success after them one
 * line more.  The pause before the next attempt doubles from
 * RETRY_FIRST_MS up to RETRY_MAX_MS.  One writer thread uses it.
 */
#ifndef CAPSULED_ARCHIVE_RETRY_H
#define CAPSULED_ARCHIVE_RETRY_H

#define RETRY_FIRST_MS 1000
#define RETRY_MAX_MS 60000
#define RETRY_WARN_EVERY_MS 60000

struct retry {
	long long pause_ms;  /* before the next attempt; 0 while all is well */
	long long warned_at; /* monotonic ms of the last warning, 0: none */
	long failures;       /* since that warning */
};

#define RETRY_INIT { 0, 0, 0 }

/* An attempt failed because of why (about what): warn as above.  The
 * milliseconds to pause before the next attempt. */
long long retry_failed(struct retry *r, const char *what, const char *why);
/* An attempt succeeded: say so when failures were told. */
void retry_succeeded(struct retry *r, const char *what);

#endif
