/*
 * The contract between the connection layer (net/) and a protocol
 * (gemini/, gopher/): what a protocol hands back (struct response: bytes
 * to send first, then optionally a shared read-only body and/or an open
 * file streamed to the end; owned by the connection, filled by one
 * answer, released with response_reset(); sent whole or the connection
 * is closed, never a partial body followed by anything), and the table of
 * functions each protocol exports (struct protocol) so that net/ never
 * names a protocol.  A request may carry a body of a length its line
 * announces (an upload): the protocol's job receives it piece by piece
 * on the event loop before produce() answers.
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
	struct buf foot;        /* sent after everything else */
	int status;             /* Gemini status for the log line; Gopher: 0 ok, 3 error */
	char *log_note;         /* optional detail for the log line (malloc'd) */
	char *log_request;      /* optional: the request line as logged, when the
	                         * line itself holds a secret (malloc'd) */
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

/* How much of a request the bytes read so far hold. */
enum frame {
	FRAME_NEED_MORE, /* no line end yet */
	FRAME_COMPLETE,  /* a whole request line: *line_len bytes, without its end */
	FRAME_BAD,       /* can never become a request (too long, bare LF...) */
};

/* One request as the connection layer knows it. */
struct request_info {
	const char *line;        /* the request line, without its line end */
	size_t len;
	const char *sni;         /* TLS server name, "" when none */
	const char *fingerprint; /* client certificate SHA-256, "" when none */
	/* The client certificate itself (an OpenSSL X509, borrowed for the
	 * call, its handshake signature verified): for a protocol that checks
	 * its dates or issuer.  NULL when none. */
	const void *certificate;
};

/*
 * A protocol: frames the bytes of a connection into a request and answers
 * it.  ctx is the protocol's own context for the configuration generation
 * the connection was accepted under (opaque to net/).  Each "answered"
 * function returns 1 when resp holds the answer.
 */
struct protocol {
	const char *name;  /* "gemini", "gopher": the first word of log lines */
	int tls_always;    /* 1: every connection starts with a TLS handshake;
	                    * 0: plain, TLS only when the first byte is 0x16 */
	enum frame (*frame)(const char *data, size_t len, size_t *line_len);
	/* On the event loop, never blocking: 1 answered; 0 *job is set and
	 * produce() finishes it on a pool thread.  The request is parsed and
	 * its file opened once, here; the job carries what was resolved. */
	int (*answer)(const void *ctx, const struct request_info *req, struct response *resp,
	    void **job);
	/* On a pool thread: the answer of a job (conversion, index query,
	 * listing...); frees the job. */
	void (*produce)(void *job, struct response *resp);
	/* Free a job that will never be produced (the pool stopped, or the
	 * client went away before its body was whole). */
	void (*job_free)(void *job);
	/* Optional (NULL: requests never have a body; what follows the line
	 * is ignored).  After answer() made a job: the bytes of body that
	 * follow the request line (0: none). */
	size_t (*body_length)(const void *job);
	/* The body, in order, on the event loop, piece by piece as it comes
	 * (first what arrived with the line); never blocking long.  0: go on;
	 * -1: stop reading (produce() then answers).  Once the body is whole,
	 * or after -1, produce() runs.  A client that closes early or misses
	 * the deadline (request_timeout plus a second per write_min_rate
	 * bytes) is closed without an answer. */
	int (*body)(void *job, const char *data, size_t len);
	/* The answer to bytes that cannot be framed: answered (1).  reason
	 * is what the connection saw, or NULL when frame() said FRAME_BAD
	 * (the protocol then says what its framing wants). */
	int (*bad_request)(const void *ctx, const char *reason, struct response *resp);
	/* No whole request line within the deadline: 1 answered (Gopher: an
	 * error item); 0 the connection is closed without one (Gemini). */
	int (*timed_out)(const void *ctx, struct response *resp);
	/* The client is over its request rate: 1 answered (Gemini 44); 0 the
	 * answer waits `seconds` (Gopher has no such status). */
	int (*slow_down)(const void *ctx, unsigned seconds, struct response *resp);
};

#endif
