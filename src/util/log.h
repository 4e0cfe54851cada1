/*
 * Logging: one line per event, to stderr, syslog or a file, chosen once at
 * start-up.  Anything that came from a client must go through
 * log_escape() first so that a request cannot forge log lines.
 */
#ifndef CAPSULED_UTIL_LOG_H
#define CAPSULED_UTIL_LOG_H

#include <stddef.h>

enum log_target { LOG_TO_STDERR, LOG_TO_SYSLOG, LOG_TO_FILE };

/* path is used with LOG_TO_FILE only.  Returns 0, or -1 with errno set. */
int log_open(enum log_target target, const char *path);
/* Reopen the log file (after rotation, on SIGHUP). */
int log_reopen(void);
void log_close(void);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy src into dst (of dstsize bytes, always NUL-terminated), writing
 * control characters, backslash, double quote and bytes >= 0x7f that are
 * not valid UTF-8 as \xHH.  Truncates with "..." when dst is too small. */
void log_escape(char *dst, size_t dstsize, const char *src, size_t srclen);

#endif
