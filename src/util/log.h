/*
 * Logging: one line per event, to stderr, syslog or a file, chosen at
 * start-up and on reload.  A line is "TIME LEVEL MESSAGE", or on stderr
 * when stderr is systemd's journal (JOURNAL_STREAM names it) "<N>LEVEL
 * MESSAGE" with N the syslog priority: the journal keeps the time and the
 * priority.  A log file is created mode 0640.  When reopening it fails
 * (after rotation), the failure is said on stderr and in the old file, and
 * lines go to stderr until a reopen succeeds: never into a rotated file.
 * Anything that came from a client must go through log_escape() first so
 * that a request cannot forge log lines.
 */
#ifndef CAPSULED_UTIL_LOG_H
#define CAPSULED_UTIL_LOG_H

#include <pthread.h>
#include <stddef.h>

enum log_target { LOG_TO_STDERR, LOG_TO_SYSLOG, LOG_TO_FILE };

/* path is used with LOG_TO_FILE only.  Returns 0, or -1 with errno set
 * and the log left where it was. */
int log_open(enum log_target target, const char *path);
/* Reopen the log file (after rotation: SIGHUP, SIGUSR1).  0, or -1 (said
 * on stderr and in the old file; lines go to stderr until the next reopen
 * succeeds). */
int log_reopen(void);
/* The same for a helper process whose failure the main one already says:
 * nothing is said, and its lines go to stderr until a reopen succeeds. */
void log_reopen_quietly(void);
void log_close(void);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error an operator must see: in the log and, unless the log is
 * syslog, on stderr too (the journal under systemd). */
void log_alarm(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A kind of line a flood from clients could repeat (failed handshakes,
 * bad PROXY headers): at most LOG_LIMIT_LINES of it every
 * LOG_LIMIT_SECONDS, the first line after a quiet spell saying how many
 * were left out.  Zero-initialise one static instance per kind. */
#define LOG_LIMIT_LINES 20
#define LOG_LIMIT_SECONDS 60

struct log_limit {
	pthread_mutex_t lock;
	long window;         /* monotonic second the current window started */
	unsigned lines;      /* written in this window */
	unsigned suppressed; /* left out since the last line written */
};

#define LOG_LIMIT_INIT { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 }

/* log_info() under l's limit. */
void log_limited(struct log_limit *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copy src into dst (of dstsize bytes, always NUL-terminated), writing
 * control characters, backslash, double quote and bytes >= 0x7f that are
 * not valid UTF-8 as \xHH.  Truncates with "..." when dst is too small. */
void log_escape(char *dst, size_t dstsize, const char *src, size_t srclen);

#endif
