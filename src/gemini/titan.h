/*
 * Titan: uploads on the Gemini port (titan://host/path;size=N;mime=T;token=X,
 * then exactly N bytes, then an ordinary Gemini response), into the
 * publish areas of a host (site/area.h) and nowhere else.
 *
 * titan_answer() decides on the event loop, before a byte of the body is
 * read: who may publish there (60, 61, 62), what the parameters say (59:
 * no size, over the area's max_upload, a mime that contradicts the
 * extension, a name that is not .gmi/.md/.txt/.html, a hidden name); it
 * opens the temporary file in the target folder (content/publish.h).  The
 * body is then streamed into that file as it comes (titan_body(): memory
 * per upload is the connection's one read chunk), and titan_produce()
 * finishes on a pool thread: fsync and rename, never half-visible, then
 * "30 gemini://host/path" to the page; a body cut short never gets there
 * and the job's free removes the temporary file.  A path ending in '/'
 * files a new article as ARTICLES/YYYY/MM/slug.EXT (the area's articles
 * folder, today's UTC date, a slug of the title; never over another
 * file).  size=0 deletes where the area allows it; ";edit" answers 20 with
 * the current source of the page (served by the caller, see below).
 */
#ifndef CAPSULED_GEMINI_TITAN_H
#define CAPSULED_GEMINI_TITAN_H

#include <stddef.h>

#include "gemini/request.h"
#include "response/response.h"

struct site_areas;
struct titan_upload;

/* The host an upload is for. */
struct titan_host {
	int root_fd;                    /* its tree */
	const struct site_areas *areas; /* its areas */
	int public_port;                /* for the gemini:// URL of the answer */
};

enum titan_decision {
	TITAN_ANSWERED, /* resp holds the answer (a refusal, or an error) */
	TITAN_UPLOAD,   /* *upload is set: read its body, then titan_produce() */
	TITAN_EDIT,     /* allowed: the caller serves the path's source (?raw) */
};

/* On the event loop: the decision on a parsed titan:// request for host
 * (req->titan set), by the client that info describes.  Every answer and
 * the upload's job carry a note for the log line (the fingerprint, the
 * path, the bytes, what became of it) and, when the line holds a token,
 * the line with the token hidden. */
enum titan_decision titan_answer(const struct titan_host *host,
    const struct gemini_request *req, const struct request_info *info, struct response *resp,
    struct titan_upload **upload);

/* The bytes of body the upload waits for. */
size_t titan_body_length(const struct titan_upload *u);
/* A piece of it, on the event loop.  0, or -1 when it cannot be written
 * (titan_produce() then answers 40). */
int titan_body(struct titan_upload *u, const char *data, size_t len);
/* On a pool thread: commit (or delete) and answer. */
void titan_produce(struct titan_upload *u, struct response *resp);
/* Drop an upload: whatever it wrote is removed. */
void titan_upload_free(struct titan_upload *u);

/* The request line with the value of a ";token=" parameter hidden, for the
 * log (malloc'd); NULL when it has none (or memory runs out). */
char *titan_hidden_line(const char *line, size_t len);

/* The file name of a new article titled title (UTF-8): letters and digits,
 * lower case, Latin-1 letters without their accents, other scripts kept;
 * every other run of characters one '-'; at most 80 bytes; "untitled"
 * when nothing is left.  Into out (TITAN_SLUG_MAX bytes). */
#define TITAN_SLUG_MAX 96
void titan_slug(const char *title, char out[TITAN_SLUG_MAX]);

#endif
