#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/textutil.h"
#include "util/text.h"

int
text_append_running(struct buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, run;
	uint32_t cp;

	while (i < len) {
		/* Printable ASCII but the space, most of any text, goes as
		 * it is, a run at a time. */
		for (run = i; run < len && u[run] > ' ' && u[run] < 0x7f; run++)
			continue;
		if (run > i) {
			buf_append(b, s + i, run - i);
			i = run;
			continue;
		}
		cp = u[i];
		n = cp < 0x80 ? 1 : utf8_next_lossy(s + i, len - i, &cp);
		i += n;
		if (char_is_space(cp)) {
			if (b->len > 0 && b->data[b->len - 1] != ' ' &&
			    b->data[b->len - 1] != '\n')
				buf_append_char(b, ' ');
			continue;
		}
		if (char_is_invisible(cp))
			continue;
		if (cp == 0xfffd && n == 1)
			utf8_append_char(b, cp);
		else
			buf_append(b, s + i - n, n);
	}
	return b->failed ? -1 : 0;
}

int
text_append_verbatim(struct buf *b, const char *s, size_t len)
{
	size_t i = 0, col = 0;
	uint32_t cp;

	while (i < len) {
		i += utf8_next_lossy(s + i, len - i, &cp);
		if (cp == '\n') {
			buf_append_char(b, '\n');
			col = 0;
		} else if (cp == '\t') {
			do {
				buf_append_char(b, ' ');
				col++;
			} while (col % 8 != 0);
		} else if (cp == '\r' || cp == 0xfeff || cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f)) {
			continue;
		} else {
			utf8_append_char(b, cp);
			col++;
		}
	}
	return b->failed ? -1 : 0;
}

void
text_trim_lines(struct buf *b)
{
	size_t r = 0, w = 0, start, end;

	while (r < b->len) {
		start = r;
		while (r < b->len && b->data[r] != '\n')
			r++;
		end = r;
		if (r < b->len)
			r++;
		while (start < end && b->data[start] == ' ')
			start++;
		while (end > start && b->data[end - 1] == ' ')
			end--;
		if (start == end)
			continue;
		if (w > 0)
			b->data[w++] = '\n';
		memmove(b->data + w, b->data + start, end - start);
		w += end - start;
	}
	buf_truncate(b, w);
}

char *
text_squeeze(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	size_t i;

	text_append_running(&b, s, len);
	for (i = 0; i < b.len; i++)
		if (b.data[i] == '\n')
			b.data[i] = ' ';
	text_trim_lines(&b);
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

/* Latin Extended-A pairs a capital with the small letter after it; which
 * of the two comes first changes twice in the block. */
static int
is_latin_a_capital(uint32_t cp)
{
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177))
		return cp % 2 == 0 && cp != 0x130;
	return ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) && cp % 2 == 1;
}

int
text_append_lower(struct buf *b, const char *s, size_t len)
{
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		i += utf8_next_lossy(s + i, len - i, &cp);
		if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
		    (cp >= 0x410 && cp <= 0x42f))
			cp += 0x20;
		else if (cp >= 0x400 && cp <= 0x40f)
			cp += 0x50;
		else if (is_latin_a_capital(cp))
			cp += 1;
		utf8_append_char(b, cp);
	}
	return b->failed ? -1 : 0;
}

int
text_in_list(const char *word, const char *const *list)
{
	size_t k;

	for (k = 0; list[k] != NULL; k++)
		if (strcmp(word, list[k]) == 0)
			return 1;
	return 0;
}

size_t
text_prefix_in_list(const char *s, const char *const *list)
{
	size_t k, n;

	for (k = 0; list[k] != NULL; k++)
		if (strncmp(s, list[k], n = strlen(list[k])) == 0)
			return n;
	return 0;
}

/* Base letters of U+00C0..U+017F, '-' for signs. */
static const char latin_base[] =
    "aaaaaaaceeeeiiiidnooooo-ouuuuytsaaaaaaaceeeeiiiidnooooo-ouuuuyty"
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllll"
    "nnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

static int
is_key_cp(uint32_t cp)
{
	/* Spaces, punctuation and symbols of the common blocks are no part of a key. */
	return cp >= 0x80 && !(cp <= 0xbf) && !(cp >= 0x2000 && cp <= 0x2bff) &&
	    !(cp >= 0x3000 && cp <= 0x303f) && !(cp >= 0xfe30 && cp <= 0xfe4f) &&
	    !(cp >= 0xff00 && cp <= 0xff0f) && cp != 0xfffd;
}

char *
text_key(const char *s)
{
	struct buf b = BUF_INIT;
	size_t len = strlen(s), i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_next_lossy(s + i, len - i, &cp);
		if (cp < 0x80 && isalnum((int)cp))
			buf_append_char(&b, (char)tolower((int)cp));
		else if (cp >= 0xc0 && cp <= 0x17f && latin_base[cp - 0xc0] != '-')
			buf_append_char(&b, latin_base[cp - 0xc0]);
		else if (cp > 0x17f && is_key_cp(cp))
			text_append_lower(&b, s + i, n);
		i += n;
	}
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

char *
text_cut_words(const char *s, size_t max)
{
	size_t len = strlen(s), cut;
	struct buf b = BUF_INIT;

	if (len <= max)
		return strdup(s);
	cut = max;
	while (cut > max / 2 && s[cut] != ' ')
		cut--;
	if (s[cut] != ' ')
		cut = utf8_prefix_len(s, len, max);
	while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == ',' || s[cut - 1] == ';'))
		cut--;
	buf_append(&b, s, cut);
	buf_append_str(&b, "…");
	if (b.failed) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

/* C0 and C1 control characters and DEL: a client never sees them in a
 * link, so they must not hide a scheme or a fragment from our checks. */
static int
is_url_control_cp(uint32_t cp)
{
	return (cp < 0x20 && cp != ' ') || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

/* Append s[0..len) without its control characters; with trim, without
 * the spaces around it either. */
static void
append_without_controls(struct buf *out, const char *s, size_t len, int trim)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = out->len, i = 0, n, run, end;
	uint32_t cp;

	while (i < len) {
		for (run = i; run < len && u[run] > ' ' && u[run] < 0x7f; run++)
			continue;
		buf_append(out, s + i, run - i);
		if ((i = run) == len)
			break;
		n = utf8_next_lossy(s + i, len - i, &cp);
		if (!is_url_control_cp(cp) && !(trim && cp == ' ' && out->len == start))
			buf_append(out, s + i, n);
		i += n;
	}
	for (end = out->len; trim && end > start && out->data[end - 1] == ' '; end--)
		continue;
	buf_truncate(out, end);
}

/* A malloc'd copy of ref without control characters (and, with trim,
 * without the spaces around it): what every URL check and resolution
 * works on.  Bytes that are not UTF-8 are percent-encoded first: dropping
 * a control character between two of them could join them into a valid
 * character ("\xc2\x0f\x8f" into U+008F) that the checks never saw. */
static char *
url_clean(const char *ref, size_t len, int trim)
{
	struct buf encoded = BUF_INIT, b = BUF_INIT;

	if (utf8_valid(ref, len))
		append_without_controls(&b, ref, len, trim);
	else if (percent_encode(&encoded, ref, len, NULL, PERCENT_IRI) == 0)
		append_without_controls(&b, encoded.data, encoded.len, trim);
	if (encoded.failed || buf_append(&b, "", 0) == -1) {
		buf_free(&encoded);
		buf_free(&b);
		return NULL;
	}
	buf_free(&encoded);
	return buf_release(&b, NULL);
}

int
url_is_linkable(const char *ref)
{
	char *clean;
	int linkable;

	if ((clean = url_clean(ref, strlen(ref), 1)) == NULL)
		return 0;
	linkable = *clean != '\0' && *clean != '#' && strncasecmp(clean, "javascript:", 11) != 0 &&
	    strncasecmp(clean, "data:", 5) != 0;
	free(clean);
	return linkable;
}

size_t
url_scheme_len(const char *url)
{
	size_t i;

	if (!isalpha((unsigned char)url[0]))
		return 0;
	for (i = 1; url[i] != '\0'; i++) {
		if (url[i] == ':')
			return i + 1;
		if (!isalnum((unsigned char)url[i]) && url[i] != '+' && url[i] != '-' &&
		    url[i] != '.')
			return 0;
	}
	return 0;
}

/* Append path to out with "." and ".." segments removed (RFC 3986 §5.2.4). */
static void
append_path_without_dots(struct buf *out, const char *path, size_t len)
{
	size_t floor = out->len, i = 0, seg_end, n;

	while (i < len) {
		seg_end = i + 1;
		while (seg_end < len && path[seg_end] != '/')
			seg_end++;
		n = seg_end - i;
		/* Segment is path[i..seg_end), starting with '/' unless at 0. */
		if ((n == 2 && strncmp(path + i, "/.", 2) == 0)) {
			if (seg_end == len)
				buf_append_char(out, '/');
		} else if (n == 3 && strncmp(path + i, "/..", 3) == 0) {
			while (out->len > floor && out->data[out->len - 1] != '/')
				out->len--;
			if (out->len > floor)
				out->len--;
			if (seg_end == len)
				buf_append_char(out, '/');
		} else {
			buf_append(out, path + i, n);
		}
		i = seg_end;
	}
	if (!out->failed && out->data != NULL)
		out->data[out->len] = '\0';
}

/* The end of the scheme and authority of an absolute URL (where its path starts). */
static size_t
authority_end(const char *url)
{
	size_t i = url_scheme_len(url);

	if (strncmp(url + i, "//", 2) != 0)
		return i;
	i += 2;
	while (url[i] != '\0' && url[i] != '/' && url[i] != '?' && url[i] != '#')
		i++;
	return i;
}

static void
append_merged(struct buf *out, const char *base, const char *ref)
{
	size_t path_start = authority_end(base), path_end, dir_end, ref_path;
	struct buf merged = BUF_INIT;

	path_end = path_start + strcspn(base + path_start, "?#");
	buf_append(out, base, path_start);
	if (ref[0] == '/') {
		ref_path = strcspn(ref, "?#");
		append_path_without_dots(out, ref, ref_path);
		buf_append_str(out, ref + ref_path);
		return;
	}
	if (ref[0] == '?') {
		buf_append(out, base + path_start, path_end - path_start);
		buf_append_str(out, ref);
		return;
	}
	dir_end = path_end;
	while (dir_end > path_start && base[dir_end - 1] != '/')
		dir_end--;
	if (dir_end == path_start)
		buf_append_char(&merged, '/');
	else
		buf_append(&merged, base + path_start, dir_end - path_start);
	ref_path = strcspn(ref, "?#");
	buf_append(&merged, ref, ref_path);
	if (!merged.failed)
		append_path_without_dots(out, merged.data, merged.len);
	buf_append_str(out, ref + ref_path);
	buf_free(&merged);
}

/* What a gemtext link line keeps of ASCII besides letters and digits:
 * every printable character but the space, which would end the URL. */
#define LINK_KEEP "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

/* A URL fit for a gemtext link line, which reads back the same when it
 * is its own label: control characters dropped; spaces of every kind,
 * invisible characters and bytes that are not valid UTF-8
 * percent-encoded. */
static char *
encode_for_link(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	char *clean;

	if ((clean = url_clean(s, len, 0)) == NULL)
		return NULL;
	percent_encode(&b, clean, strlen(clean), LINK_KEEP, PERCENT_IRI_VISIBLE);
	free(clean);
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

char *
url_resolve(const char *base, const char *ref)
{
	char *clean, *result;

	if ((clean = url_clean(ref, strlen(ref), 1)) == NULL)
		return NULL;
	if (base == NULL || *base == '\0' || url_scheme_len(clean) > 0) {
		result = encode_for_link(clean, strlen(clean));
	} else if (strncmp(clean, "//", 2) == 0) {
		struct buf joined = BUF_INIT;

		buf_append(&joined, base, url_scheme_len(base));
		buf_append_str(&joined, clean);
		result = joined.failed ? NULL : encode_for_link(joined.data, joined.len);
		buf_free(&joined);
	} else {
		struct buf merged = BUF_INIT;

		append_merged(&merged, base, clean);
		result = merged.failed ? NULL : encode_for_link(merged.data, merged.len);
		buf_free(&merged);
	}
	free(clean);
	return result;
}
