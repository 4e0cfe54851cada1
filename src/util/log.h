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

#include <stddef.h>

enum log_target { LOG_TO_STDERR, LOG_TO_SYSLOG, LOG_TO_FILE };

/* path is used with LOG_TO_FILE only.  Returns 0, or -1 with errno set
 * and the log left where it was. */
int log_open(enum log_target target, const char *path);
/* Reopen the log file (after rotation: SIGHUP, SIGUSR1).  0, or -1 (said
 * on stderr and in the old file; lines go to stderr until the next reopen
 * succeeds). */
int log_reopen(void);
void log_close(void);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error an operator must see: in the log and, unless the log is
 * syslog, on stderr too (the journal under systemd). */
void log_alarm(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy src into dst (of dstsize bytes, always NUL-terminated), writing
 * control characters, backslash, double quote and bytes >= 0x7f that are
 * not valid UTF-8 as \xHH.  Truncates with "..." when dst is too small. */
void log_escape(char *dst, size_t dstsize, const char *src, size_t srclen);

#endif
