#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/charset.h"
#include "util/buf.h"
#include "util/text.h"

/* The WHATWG encoding standard looks at no more than this for a <meta>. */
#define PRESCAN_BYTES 1024

static const char replacement[] = "\xef\xbf\xbd";

static int
bom_encoding(const unsigned char *s, size_t len, char *name, size_t namesize,
    size_t *bom_len)
{
	const char *found = NULL;

	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		found = "utf-8";
		*bom_len = 3;
	} else if (len >= 2 && s[0] == 0xff && s[1] == 0xfe) {
		found = "utf-16le";
		*bom_len = 2;
	} else if (len >= 2 && s[0] == 0xfe && s[1] == 0xff) {
		found = "utf-16be";
		*bom_len = 2;
	}
	if (found == NULL)
		return -1;
	strncpy(name, found, namesize - 1);
	name[namesize - 1] = '\0';
	return 0;
}

static const char *
find_nocase(const char *hay, size_t haylen, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= haylen; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* The charset=NAME inside one <meta ...> tag spanning tag[0..len). */
static int
meta_charset(const char *tag, size_t len, char *name, size_t namesize)
{
	const char *p, *end = tag + len;
	size_t n = 0;

	if ((p = find_nocase(tag, len, "charset")) == NULL)
		return -1;
	p += strlen("charset");
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p >= end || *p != '=')
		return -1;
	p++;
	while (p < end && (*p == ' ' || *p == '"' || *p == '\'' || *p == '\t'))
		p++;
	while (p < end && n + 1 < namesize &&
	    (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9') ||
	    *p == '-' || *p == '_' || *p == '.' || *p == ':')) {
		name[n++] = (*p >= 'A' && *p <= 'Z') ? *p + 32 : *p;
		p++;
	}
	name[n] = '\0';
	return n > 0 ? 0 : -1;
}

int
charset_sniff_html(const char *data, size_t len, char *name, size_t namesize,
    size_t *bom_len)
{
	size_t scan = len < PRESCAN_BYTES ? len : PRESCAN_BYTES;
	const char *p = data, *end = data + scan, *tag, *close;

	*bom_len = 0;
	if (namesize == 0)
		return -1;
	if (bom_encoding((const unsigned char *)data, len, name, namesize, bom_len) == 0)
		return 0;
	while ((tag = find_nocase(p, (size_t)(end - p), "<meta")) != NULL) {
		close = memchr(tag, '>', (size_t)(end - tag));
		if (close == NULL)
			close = end;
		if (meta_charset(tag, (size_t)(close - tag), name, namesize) == 0)
			return 0;
		p = close;
	}
	return -1;
}

/* The iconv name for a declared label, following the WHATWG aliases that
 * matter in practice: Latin-1 and ASCII labels mean windows-1252, a
 * UTF-16 label in a <meta> means UTF-8, GB2312 means GBK. */
static const char *
iconv_name(const char *label, int from_bom)
{
	static const char *const latin[] = {
		"iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii",
		"cp1252", "x-cp1252", "windows-1252", "cp819", "ibm819",
		"iso_8859-1", "x-user-defined", NULL
	};
	size_t i;

	for (i = 0; latin[i] != NULL; i++)
		if (strcmp(label, latin[i]) == 0)
			return "WINDOWS-1252";
	if (strcmp(label, "utf8") == 0 || strcmp(label, "unicode-1-1-utf-8") == 0)
		return "UTF-8";
	if (!from_bom && strncmp(label, "utf-16", 6) == 0)
		return "UTF-8";
	if (strcmp(label, "gb2312") == 0 || strcmp(label, "x-gbk") == 0)
		return "GBK";
	return label;
}

static int
iconv_to_utf8(iconv_t cd, const char *data, size_t len, struct buf *out)
{
	char *in = (char *)data, *dst;
	size_t inleft = len, outleft, before;

	if (buf_append(out, "", 0) == -1)
		return -1;
	while (inleft > 0) {
		if (buf_reserve(out, inleft * 2 + 16) == -1)
			return -1;
		dst = out->data + out->len;
		outleft = out->cap - out->len - 1;
		before = outleft;
		if (iconv(cd, &in, &inleft, &dst, &outleft) != (size_t)-1) {
			out->len += before - outleft;
			break;
		}
		out->len += before - outleft;
		if (errno == E2BIG)
			continue;
		/* EILSEQ or a sequence cut at the end: one replacement, move on. */
		if (buf_append(out, replacement, 3) == -1)
			return -1;
		in++;
		inleft--;
	}
	dst = out->data + out->len;
	outleft = out->cap - out->len - 1;
	iconv(cd, NULL, NULL, &dst, &outleft);
	out->data[out->len] = '\0';
	return 0;
}

static int
has_non_ascii(const char *data, size_t len)
{
	return utf8_ascii_len(data, len) < len;
}

char *
charset_html_to_utf8(const char *data, size_t len, size_t *outlen)
{
	struct buf out = BUF_INIT;
	char label[64];
	const char *encoding;
	size_t bom_len;
	iconv_t cd;
	int declared, utf8;

	declared = charset_sniff_html(data, len, label, sizeof(label), &bom_len) == 0;
	data += bom_len;
	len -= bom_len;
	utf8 = utf8_valid(data, len);
	/* A saved page is often re-encoded as UTF-8 with its old <meta> kept;
	 * non-ASCII text that is all valid UTF-8 is almost never anything else. */
	if (declared && bom_len == 0 && utf8 && has_non_ascii(data, len))
		declared = 0;
	if (declared)
		encoding = iconv_name(label, bom_len > 0);
	else
		encoding = utf8 ? "UTF-8" : "WINDOWS-1252";
	if (strcmp(encoding, "UTF-8") == 0 && utf8) {
		if (buf_append(&out, data, len) == -1)
			return NULL;
		return buf_release(&out, outlen);
	}
	cd = iconv_open("UTF-8", encoding);
	if (cd == (iconv_t)-1) {
		encoding = utf8 ? "UTF-8" : "WINDOWS-1252";
		cd = iconv_open("UTF-8", encoding);
		if (cd == (iconv_t)-1)
			return NULL;
	}
	if (iconv_to_utf8(cd, data, len, &out) == -1) {
		iconv_close(cd);
		buf_free(&out);
		return NULL;
	}
	iconv_close(cd);
	return buf_release(&out, outlen);
}
