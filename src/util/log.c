#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "util/text.h"

/* The log destination is process-wide configuration, set once at start-up
 * and on reload; the mutex keeps lines whole across worker threads. */
static struct {
	pthread_mutex_t lock;
	enum log_target target;
	FILE *file;
	char *path;
} logger = { PTHREAD_MUTEX_INITIALIZER, LOG_TO_STDERR, NULL, NULL };

int
log_open(enum log_target target, const char *path)
{
	FILE *f = NULL;
	char *copy = NULL;

	if (target == LOG_TO_FILE) {
		if ((f = fopen(path, "a")) == NULL)
			return -1;
		if ((copy = strdup(path)) == NULL) {
			fclose(f);
			return -1;
		}
		setvbuf(f, NULL, _IOLBF, 0);
	} else if (target == LOG_TO_SYSLOG) {
		openlog("capsuled", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
	pthread_mutex_lock(&logger.lock);
	if (logger.file != NULL)
		fclose(logger.file);
	free(logger.path);
	logger.target = target;
	logger.file = f;
	logger.path = copy;
	pthread_mutex_unlock(&logger.lock);
	return 0;
}

int
log_reopen(void)
{
	FILE *f;
	int rc = 0;

	pthread_mutex_lock(&logger.lock);
	if (logger.target == LOG_TO_FILE) {
		if ((f = fopen(logger.path, "a")) == NULL) {
			rc = -1;
		} else {
			setvbuf(f, NULL, _IOLBF, 0);
			fclose(logger.file);
			logger.file = f;
		}
	}
	pthread_mutex_unlock(&logger.lock);
	return rc;
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
	char message[2048], stamp[32];
	struct timespec now;
	struct tm tm;
	FILE *out;

	vsnprintf(message, sizeof(message), fmt, ap);
	pthread_mutex_lock(&logger.lock);
	if (logger.target == LOG_TO_SYSLOG) {
		syslog(priority, "%s", message);
	} else {
		out = logger.target == LOG_TO_FILE ? logger.file : stderr;
		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(out, "%s.%03ldZ %s %s\n", stamp, now.tv_nsec / 1000000, level, message);
		fflush(out);
	}
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
	while (out > 0 && out + 3 >= dstsize)
		out--;
	/* never leave half a UTF-8 sequence before the ellipsis */
	while (out > 0 && ((unsigned char)dst[out] & 0xc0) == 0x80)
		out--;
	if (out + 3 < dstsize) {
		memcpy(dst + out, "...", 3);
		out += 3;
	}
	dst[out] = '\0';
}
