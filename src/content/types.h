/*
 * File types: the MIME type sent in a Gemini 20 header (and the base of
 * the Gopher item type).  Extension first, content sniffing only when the
 * extension says nothing (protocol.md §4).
 */
#ifndef CAPSULED_CONTENT_TYPES_H
#define CAPSULED_CONTENT_TYPES_H

/* Thread-safe after creation: the libmagic cookie is guarded by a mutex. */
struct content_types;

/* A built-in extension table (gmi/gemini, txt, md, html, images, audio,
 * video, archives, bin ...) overridden and extended by mime_types_path
 * ("/etc/mime.types" when NULL; a missing file is ignored).  .gmi and
 * .gemini are always text/gemini.  NULL only when out of memory; without a
 * usable libmagic database, unknown files are application/octet-stream. */
struct content_types *content_types_new(const char *mime_types_path);
void content_types_free(struct content_types *t);

/* The MIME type for the file name (a path; its last segment counts) open
 * on fd: by extension, case-insensitive, first; only when no extension is
 * known, libmagic on the first bytes of fd (read with pread, so the offset
 * does not move; fd -1 skips this).  Text types carry a charset:
 * "text/gemini; charset=utf-8", or the one libmagic found for a sniffed
 * non-UTF-8 text ("text/plain; charset=iso-8859-1").  The string is valid
 * as long as t lives. */
const char *content_type_of(struct content_types *t, const char *name, int fd);
/* The same by extension alone: NULL when the name says nothing (the
 * caller that cannot wait for libmagic leaves such files to one that can). */
const char *content_type_by_name(const struct content_types *t, const char *name);

#endif
