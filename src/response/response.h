/*
 * What a protocol handler (gemini/, gopher/) hands back to the connection:
 * bytes to send first, then optionally a shared read-only body and/or an
 * open file streamed to the end.  Owned by the connection; filled by one
 * handler call; released with response_reset().  A response is sent whole
 * or the connection is closed: never a partial body followed by anything.
 */
#ifndef CAPSULED_RESPONSE_RESPONSE_H
#define CAPSULED_RESPONSE_RESPONSE_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

struct response {
	struct buf head;        /* header and/or a whole generated body */
	const char *shared;     /* a body shared with a cache, sent after head */
	size_t shared_len;
	void (*shared_release)(void *); /* called once with shared_owner when done */
	void *shared_owner;
	int fd;                 /* file streamed after the rest, -1 if none */
	off_t file_size;        /* bytes to send from fd */
	int status;             /* Gemini status for the log line; Gopher: 0 ok, 3 error */
	char *log_note;         /* optional detail for the log line (malloc'd) */
	void (*tail)(void *);   /* optional: called after the whole response was sent */
	void *tail_arg;
};

void response_init(struct response *r);
/* Release everything the response holds and make it empty again. */
void response_reset(struct response *r);
/* Bytes the whole response will send. */
size_t response_size(const struct response *r);

/* Gemini header "NN meta\r\n" into head (meta is trusted, already checked). */
int response_gemini_header(struct response *r, int status, const char *meta);
/* Attach an open file (ownership of fd moves to the response). */
void response_set_file(struct response *r, int fd, off_t size);
/* Attach a shared body; release(owner) is called when the response is reset. */
void response_set_shared(struct response *r, const char *data, size_t len,
    void (*release)(void *), void *owner);

/* When the whole response fits in limit bytes, move a shared or file body
 * into head so that it leaves in one write (one TLS record).  On a read
 * error the body stays where it was. */
void response_coalesce(struct response *r, size_t limit);

#endif
