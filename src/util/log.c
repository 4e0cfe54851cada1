#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/text.h"

/* The log destination is process-wide configuration, set once at start-up
 * and on reload; the mutex keeps lines whole across worker threads.  A
 * file target whose reopen failed has no file: its lines go to stderr
 * until a reopen succeeds. */
static struct {
	pthread_mutex_t lock;
	enum log_target target;
	FILE *file;
	char *path;
	int journal; /* stderr is systemd's journal: "<N>" prefixes, no time;
	              * -1 until known */
} logger = { PTHREAD_MUTEX_INITIALIZER, LOG_TO_STDERR, NULL, NULL, -1 };

/* systemd names the journal stream it gave us as "dev:ino" in
 * JOURNAL_STREAM; stderr is that stream unless it was redirected since. */
static int
stderr_is_journal(void)
{
	const char *stream = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (stream == NULL || sscanf(stream, "%llu:%llu%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* Append to path, creating it readable by its owner and group only: a log
 * holds client addresses. */
static FILE *
open_file(const char *path)
{
	FILE *f;
	int fd;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640)) == -1)
		return NULL;
	if ((f = fdopen(fd, "a")) == NULL) {
		close(fd);
		return NULL;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

int
log_open(enum log_target target, const char *path)
{
	FILE *f = NULL;
	char *copy = NULL;

	if (target == LOG_TO_FILE) {
		if ((f = open_file(path)) == NULL)
			return -1;
		if ((copy = strdup(path)) == NULL) {
			fclose(f);
			return -1;
		}
	} else if (target == LOG_TO_SYSLOG) {
		openlog("capsuled", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
	pthread_mutex_lock(&logger.lock);
	if (logger.file != NULL)
		fclose(logger.file);
	if (logger.target == LOG_TO_SYSLOG && target != LOG_TO_SYSLOG)
		closelog();
	free(logger.path);
	logger.target = target;
	logger.file = f;
	logger.path = copy;
	logger.journal = stderr_is_journal();
	pthread_mutex_unlock(&logger.lock);
	return 0;
}

/* One line: "<N>" and the level for the journal, else the time and the
 * level.  Called with the lock held. */
static void
write_line(FILE *out, int priority, const char *level, const char *message)
{
	char stamp[32];
	struct timespec now;
	struct tm tm;

	if (out == stderr && logger.journal == -1)
		logger.journal = stderr_is_journal();
	if (out == stderr && logger.journal) {
		fprintf(out, "<%d>%s %s\n", priority, level, message);
	} else {
		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(out, "%s.%03ldZ %s %s\n", stamp, now.tv_nsec / 1000000, level, message);
	}
	fflush(out);
}

/* An error an operator must see: in the log file and on stderr, where
 * systemd's journal keeps it (or in syslog).  Called with the lock held. */
static void
alarm_line(const char *message)
{
	if (logger.target == LOG_TO_SYSLOG) {
		syslog(LOG_ERR, "%s", message);
		return;
	}
	if (logger.file != NULL)
		write_line(logger.file, LOG_ERR, "error", message);
	write_line(stderr, LOG_ERR, "error", message);
}

void
log_alarm(const char *fmt, ...)
{
	char message[2048];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&logger.lock);
	alarm_line(message);
	pthread_mutex_unlock(&logger.lock);
	errno = saved;
}

/* The reopen failed: say so in the old file and on stderr, then leave the
 * old file (logrotate may compress or delete it) for stderr.  Called with
 * the lock held. */
static void
reopen_failed(int err)
{
	char message[2048];

	snprintf(message, sizeof(message), "log: cannot reopen %s: %s; logging to stderr until "
	    "a reopen succeeds (SIGHUP or SIGUSR1)", logger.path, strerror(err));
	alarm_line(message);
	if (logger.file != NULL)
		fclose(logger.file);
	logger.file = NULL;
}

int
log_reopen(void)
{
	int rc = 0, err, was_lost;
	FILE *f;

	pthread_mutex_lock(&logger.lock);
	if (logger.target == LOG_TO_FILE) {
		was_lost = logger.file == NULL;
		if ((f = open_file(logger.path)) == NULL) {
			err = errno;
			reopen_failed(err);
			rc = -1;
		} else {
			if (logger.file != NULL)
				fclose(logger.file);
			logger.file = f;
			if (was_lost)
				write_line(stderr, LOG_INFO, "info", "log: reopened, back to the file");
		}
	}
	pthread_mutex_unlock(&logger.lock);
	return rc;
}

void
log_reopen_quietly(void)
{
	FILE *f;

	pthread_mutex_lock(&logger.lock);
	if (logger.target == LOG_TO_FILE) {
		f = open_file(logger.path);
		if (logger.file != NULL)
			fclose(logger.file);
		logger.file = f;
	}
	pthread_mutex_unlock(&logger.lock);
}

void
log_close(void)
{
	pthread_mutex_lock(&logger.lock);
	if (logger.file != NULL)
		fclose(logger.file);
	if (logger.target == LOG_TO_SYSLOG)
		closelog();
	free(logger.path);
	logger.file = NULL;
	logger.path = NULL;
	logger.target = LOG_TO_STDERR;
	pthread_mutex_unlock(&logger.lock);
}

static void __attribute__((format(printf, 3, 0)))
log_line(int priority, const char *level, const char *fmt, va_list ap)
{
	char message[2048];

	vsnprintf(message, sizeof(message), fmt, ap);
	pthread_mutex_lock(&logger.lock);
	if (logger.target == LOG_TO_SYSLOG)
		syslog(priority, "%s", message);
	else
		write_line(logger.file != NULL ? logger.file : stderr, priority, level, message);
	pthread_mutex_unlock(&logger.lock);
}

/* The three levels differ only in their names: one body for all. */
#define LOG_LEVEL_FUNCTION(name, priority, label)		\
	void							\
	name(const char *fmt, ...)				\
	{							\
		va_list ap;					\
		int saved = errno;				\
								\
		va_start(ap, fmt);				\
		log_line(priority, label, fmt, ap);		\
		va_end(ap);					\
		errno = saved;					\
	}

LOG_LEVEL_FUNCTION(log_info, LOG_INFO, "info")
LOG_LEVEL_FUNCTION(log_warn, LOG_WARNING, "warn")
LOG_LEVEL_FUNCTION(log_error, LOG_ERR, "error")

void
log_escape(char *dst, size_t dstsize, const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0, i = 0, seq;
	uint32_t cp;
	char hex[5];

	if (dstsize == 0)
		return;
	while (i < srclen) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' && s[i] != '"') {
			if (out + 1 >= dstsize)
				goto truncated;
			dst[out++] = (char)s[i++];
		} else if (s[i] >= 0x80 && (seq = utf8_next(src + i, srclen - i, &cp)) > 0) {
			if (out + seq >= dstsize)
				goto truncated;
			memcpy(dst + out, s + i, seq);
			out += seq;
			i += seq;
		} else {
			if (out + 4 >= dstsize)
				goto truncated;
			snprintf(hex, sizeof(hex), "\\x%02x", s[i++]);
			memcpy(dst + out, hex, 4);
			out += 4;
		}
	}
	dst[out] = '\0';
	return;
truncated:
	/* Room for the ellipsis and the NUL, never half a UTF-8 sequence
	 * before it. */
	out = utf8_prefix_len(dst, out, dstsize >= 4 ? dstsize - 4 : 0);
	if (out + 3 < dstsize) {
		memcpy(dst + out, "...", 3);
		out += 3;
	}
	dst[out] = '\0';
}

/* 1 when l lets one more line through now; *left_out is what it held
 * back since the last one. */
static int
log_limit_take(struct log_limit *l, unsigned *left_out)
{
	struct timespec now;
	int pass;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&l->lock);
	if (l->window == 0 || now.tv_sec - l->window >= LOG_LIMIT_SECONDS) {
		l->window = now.tv_sec;
		l->lines = 0;
	}
	pass = l->lines < LOG_LIMIT_LINES;
	*left_out = 0;
	if (pass) {
		l->lines++;
		*left_out = l->suppressed;
		l->suppressed = 0;
	} else {
		l->suppressed++;
	}
	pthread_mutex_unlock(&l->lock);
	return pass;
}

void
log_limited(struct log_limit *l, const char *fmt, ...)
{
	char message[1800];
	unsigned left_out;
	va_list ap;
	int saved = errno;

	if (!log_limit_take(l, &left_out))
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (left_out > 0)
		log_info("%s (and %u more like it left out of the log)", message, left_out);
	else
		log_info("%s", message);
	errno = saved;
}
