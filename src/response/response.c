#include "response/response.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

void
response_init(struct response *r)
{
	struct buf empty = BUF_INIT;

	r->head = empty;
	r->shared = NULL;
	r->shared_len = 0;
	r->shared_release = NULL;
	r->shared_owner = NULL;
	r->fd = -1;
	r->file_size = 0;
	r->foot = empty;
	r->status = 0;
	r->log_note = NULL;
	r->log_request = NULL;
	r->tail = NULL;
	r->tail_arg = NULL;
}

void
response_reset(struct response *r)
{
	buf_free(&r->head);
	buf_free(&r->foot);
	if (r->shared_release != NULL)
		r->shared_release(r->shared_owner);
	if (r->fd != -1)
		close(r->fd);
	free(r->log_note);
	free(r->log_request);
	response_init(r);
}

size_t
response_size(const struct response *r)
{
	return r->head.len + r->shared_len + (r->fd != -1 ? (size_t)r->file_size : 0) +
	    r->foot.len;
}

int
response_gemini_header(struct response *r, int status, const char *meta)
{
	r->status = status;
	return buf_printf(&r->head, "%02d %s\r\n", status, meta);
}

void
response_set_file(struct response *r, int fd, off_t size)
{
	if (r->fd != -1)
		close(r->fd);
	r->fd = fd;
	r->file_size = size;
}

void
response_set_shared(struct response *r, const char *data, size_t len,
    void (*release)(void *), void *owner)
{
	if (r->shared_release != NULL)
		r->shared_release(r->shared_owner);
	r->shared = data;
	r->shared_len = len;
	r->shared_release = release;
	r->shared_owner = owner;
}

void
response_coalesce(struct response *r, size_t limit)
{
	size_t total = response_size(r);
	ssize_t n;

	if (total > limit || (r->shared_len == 0 && r->fd == -1 && r->foot.len == 0))
		return;
	if (r->shared_len > 0) {
		if (buf_append(&r->head, r->shared, r->shared_len) == -1)
			return;
		response_set_shared(r, NULL, 0, NULL, NULL);
	}
	if (r->fd != -1 && r->file_size > 0) {
		if (buf_reserve(&r->head, (size_t)r->file_size) == -1)
			return;
		n = pread(r->fd, r->head.data + r->head.len, (size_t)r->file_size, 0);
		if (n != (ssize_t)r->file_size) {
			r->head.data[r->head.len] = '\0';
			return;
		}
		r->head.len += (size_t)n;
		r->head.data[r->head.len] = '\0';
	}
	if (r->fd != -1) {
		close(r->fd);
		r->fd = -1;
		r->file_size = 0;
	}
	if (r->foot.len > 0 && buf_append(&r->head, r->foot.data, r->foot.len) == 0)
		buf_truncate(&r->foot, 0);
}
