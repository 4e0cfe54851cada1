/*
 * A growable byte buffer.  The struct is owned by whoever declares it; its
 * data by the struct until buf_release() hands it over.  Always kept
 * NUL-terminated so text can be used as a C string.
 */
#ifndef CAPSULED_UTIL_BUF_H
#define CAPSULED_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	int failed; /* set once an allocation failed; later appends are no-ops */
};

#define BUF_INIT { NULL, 0, 0, 0 }

int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_append_str(struct buf *b, const char *s);
int buf_append_char(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_truncate(struct buf *b, size_t len);
/* Hand the data to the caller (malloc'd, NUL-terminated; never NULL unless
 * the buffer failed) and reset the buffer. */
char *buf_release(struct buf *b, size_t *len);
void buf_free(struct buf *b);

/* A malloc'd formatted string (NULL when memory runs out): for messages. */
char *format_string(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Replace the malloc'd string *field with a copy of value (NULL for none).
 * 0, or -1 when memory runs out (*field is then left as it was). */
int string_replace(char **field, const char *value);

#endif
