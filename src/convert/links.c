#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/links.h"
#include "convert/textutil.h"
#include "util/buf.h"
#include "util/text.h"

/* Labels made from a URL are cut to about this many bytes. */
#define LABEL_MAX 60
#define LABEL_TAIL_MAX 40

int
link_is_web(const char *url)
{
	return url != NULL && (strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0);
}

void
link_resolver_init(struct link_resolver *lr, const struct convert_options *options,
    int capsule_relative)
{
	memset(lr, 0, sizeof(*lr));
	lr->capsule_relative = capsule_relative;
	if (options == NULL)
		return;
	if (link_is_web(options->base_url))
		lr->original = options->base_url;
	else
		lr->capsule = options->base_url;
	lr->local_path = options->local_path;
	lr->local_path_arg = options->local_path_arg;
}

/* The capsule path the caller gives for url, replacing it; url is kept
 * when there is none and keep is set, else dropped. */
static int
ask_local(const struct link_resolver *lr, char **url, int keep)
{
	const char *local;
	char *copy;

	if (lr->local_path == NULL)
		local = NULL;
	else
		local = lr->local_path(lr->local_path_arg, *url);
	if (local == NULL) {
		if (!keep) {
			free(*url);
			*url = NULL;
		}
		return 0;
	}
	/* The answer may be url itself: copy it before letting url go. */
	if ((copy = url_resolve(NULL, local)) == NULL)
		return -1;
	free(*url);
	*url = copy;
	return 0;
}

/* ref has nothing before its path but "//": a protocol-relative link. */
static int
is_protocol_relative(const char *ref)
{
	return strncmp(ref, "//", 2) == 0;
}

static int
resolve_clean(const struct link_resolver *lr, const char *ref, char **target)
{
	struct buf b = BUF_INIT;

	if (is_protocol_relative(ref) && !lr->gemini_relative) {
		/* A Gemini client would make it gemini://. */
		buf_append_str(&b, lr->original != NULL && strncasecmp(lr->original, "http:", 5) == 0 ?
		    "http:" : "https:");
		buf_append_str(&b, ref);
		if (buf_append(&b, "", 0) == -1)
			return -1;
		*target = url_resolve(NULL, b.data);
		buf_free(&b);
	} else if (url_scheme_len(ref) > 0 || is_protocol_relative(ref) || lr->original != NULL) {
		*target = url_resolve(lr->original, ref);
	} else if (lr->capsule != NULL || lr->capsule_relative) {
		if ((*target = url_resolve(lr->capsule, ref)) == NULL)
			return -1;
		/* Relative to the capsule: kept where it was written for it,
		 * else only where the caller finds something there. */
		return ask_local(lr, target, lr->capsule_relative);
	} else {
		return 0;
	}
	if (*target == NULL)
		return -1;
	return link_is_web(*target) ? ask_local(lr, target, 1) : 0;
}

int
link_resolve(const struct link_resolver *lr, const char *href, char **target)
{
	char *clean;
	int rc;

	*target = NULL;
	if (!url_is_linkable(href))
		return 0;
	/* Judged as a client would read it: without control characters. */
	if ((clean = url_resolve(NULL, href)) == NULL)
		return -1;
	rc = url_is_linkable(clean) ? resolve_clean(lr, clean, target) : 0;
	free(clean);
	return rc;
}

/* Whether the path segment ending at end is an index page ("index.html"). */
static int
is_index_name(const char *end, const char *path)
{
	const char *seg = end;

	while (seg > path && seg[-1] != '/')
		seg--;
	return strncasecmp(seg, "index.", 6) == 0 || strncasecmp(seg, "default.", 8) == 0;
}

char *
link_label(const char *url)
{
	const char *p = url, *end, *slash;
	struct buf b = BUF_INIT;
	size_t n;

	end = p + strlen(p);
	if ((slash = strstr(p, "://")) != NULL && url_scheme_len(p) > 0) {
		p = slash + 3;
		if (strncasecmp(p, "www.", 4) == 0)
			p += 4;
		end = p + strcspn(p, "?#");
	}
	while (end > p + 1 && end[-1] == '/')
		end--;
	n = (size_t)(end - p);
	if (n <= LABEL_MAX || (slash = memchr(p, '/', n)) == NULL) {
		buf_append(&b, p, n);
	} else {
		buf_append(&b, p, (size_t)(slash - p));
		buf_append_str(&b, "/…/");
		/* The last segment that says something: not "index.html". */
		if (end - slash > 7 && is_index_name(end, slash))
			while (end > slash + 1 && end[-1] != '/')
				end--;
		while (end > slash + 1 && end[-1] == '/')
			end--;
		for (p = end; p > slash + 1 && p[-1] != '/'; p--)
			;
		n = (size_t)(end - p);
		if (n > LABEL_TAIL_MAX) {
			buf_append(&b, p, utf8_prefix_len(p, n, LABEL_TAIL_MAX));
			buf_append_str(&b, "…");
		} else {
			buf_append(&b, p, n);
		}
	}
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}
