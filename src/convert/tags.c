#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/html_entity.h"
#include "convert/tags.h"
#include "convert/textutil.h"
#include "util/buf.h"

#define TAG_MAX_BYTES 60
#define TAG_MAX_WORDS 6

/* Prefixes CMSs give their codes ("section-Articles", "type_news"). */
static const char *const code_prefixes[] = {
	"section-", "type-", "channel-", "tag-", "category-", "cat-", "topic-", "sponsor-",
	"no-", "tmp-", "id-", "meta-", NULL,
};

/* A word with digits next to a dot ("6758.to", "0700.HK"), with four
 * digits or more among letters ("i8150406"), or in capitals with a digit
 * ("NEWS1"): a ticker, an identifier or a code.  "COVID-19", "G20",
 * "Windows 10" and "Web3" stay. */
static int
is_code_word(const char *w, size_t n)
{
	size_t i, digits = 0, letters = 0;
	int dot_digit = 0;

	for (i = 0; i < n; i++) {
		if (w[i] >= '0' && w[i] <= '9')
			digits++;
		else if ((unsigned char)w[i] >= 0x80 || ((w[i] | 0x20) >= 'a' && (w[i] | 0x20) <= 'z'))
			letters++;
		if (w[i] == '.' && i > 0 && i + 1 < n &&
		    ((w[i - 1] >= '0' && w[i - 1] <= '9') || (w[i + 1] >= '0' && w[i + 1] <= '9')))
			dot_digit = 1;
	}
	if ((dot_digit && letters > 0) || (digits >= 4 && letters > 0))
		return 1;
	/* "NEWS1", "TOP10": a code word in capitals; "G20", "MP3" stay. */
	for (i = 0; i < n && !(w[i] >= 'a' && w[i] <= 'z') && (unsigned char)w[i] < 0x80 &&
	    w[i] != '-'; i++)
		;
	return i == n && digits > 0 && letters >= 3;
}

/* "WSJ-PRO-WSJ.com", "example.co.uk": a site, not a topic ("Node.js" is one). */
static int
is_domain(const char *w, size_t n)
{
	static const char *const tlds[] = { "com", "net", "org", "co", "io", "gov", "edu",
	    "info", "biz", "uk", "de", "fr", "ru", "jp", "cz", "it", "es", NULL };
	const char *dot = NULL, *p;
	char tld[8];
	size_t len;

	for (p = w; p < w + n; p++)
		if (*p == '.')
			dot = p;
	if (dot == NULL || dot == w || (len = (size_t)(w + n - dot - 1)) == 0 || len >= sizeof(tld))
		return 0;
	for (p = dot + 1; p < w + n; p++)
		tld[p - dot - 1] = (char)(*p | 0x20);
	tld[len] = '\0';
	return text_in_list(tld, tlds);
}

static int
is_junk(const char *tag)
{
	size_t k, n, words = 0, letters = 0;
	const char *p;

	if (*tag == '\0' || strlen(tag) > TAG_MAX_BYTES || strchr("/@_&=#{<[", *tag) != NULL)
		return 1;
	if (strpbrk(tag, "/\\:=|{}<>;_@") != NULL)
		return 1;
	for (k = 0; code_prefixes[k] != NULL; k++)
		if (strncasecmp(tag, code_prefixes[k], strlen(code_prefixes[k])) == 0)
			return 1;
	for (p = tag; *p != '\0'; p += n) {
		p += strspn(p, " ");
		if ((n = strcspn(p, " ")) == 0)
			break;
		words++;
		if (is_code_word(p, n) || is_domain(p, n))
			return 1;
	}
	for (p = tag; *p != '\0'; p++)
		letters += (unsigned char)*p >= 0x80 || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z');
	return words > TAG_MAX_WORDS || letters == 0;
}

char *
tag_clean(const char *raw)
{
	char *decoded, *tag;
	size_t start, len;

	if ((decoded = html_decode_entities(raw)) == NULL)
		return NULL;
	tag = text_squeeze(decoded, strlen(decoded));
	free(decoded);
	if (tag == NULL)
		return NULL;
	/* Quotes and a hash sign around a tag are not part of it. */
	start = strspn(tag, "\"'#");
	len = strlen(tag + start);
	while (len > 0 && strchr("\"'.,", tag[start + len - 1]) != NULL)
		len--;
	memmove(tag, tag + start, len);
	tag[len] = '\0';
	if (is_junk(tag)) {
		free(tag);
		return NULL;
	}
	return tag;
}

/* Whether doc has the tag already, in any case. */
static int
has_tag(const struct document *doc, const char *tag)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t k;
	int found = 0;

	text_append_lower(&a, tag, strlen(tag));
	buf_append(&a, "", 0);
	for (k = 0; k < doc->meta.ntags && !found && !a.failed; k++) {
		buf_truncate(&b, 0);
		text_append_lower(&b, doc->meta.tags[k], strlen(doc->meta.tags[k]));
		buf_append(&b, "", 0);
		found = !b.failed && strcmp(a.data, b.data) == 0;
	}
	buf_free(&a);
	buf_free(&b);
	return found;
}

static size_t
count_items(const char *list, char sep)
{
	size_t n = 1;

	for (; *list != '\0'; list++)
		n += *list == sep || *list == '\n';
	return n;
}

/* A single word in capitals ("SYND", "SNE"): in a dump of dozens of
 * keywords, a desk or ticker code rather than a topic. */
static int
is_shouted_code(const char *tag)
{
	const char *p;

	if (strchr(tag, ' ') != NULL)
		return 0;
	for (p = tag; *p != '\0'; p++)
		if ((*p >= 'a' && *p <= 'z') || (unsigned char)*p >= 0x80)
			return 0;
	return 1;
}

int
tags_add_list(struct document *doc, const char *list, char sep)
{
	const char *p = list;
	int dump = count_items(list, sep) > TAGS_MAX, rc = 0;
	size_t n;
	char *raw, *tag;

	while (*p != '\0' && rc == 0 && doc->meta.ntags < TAGS_MAX) {
		for (n = 0; p[n] != '\0' && p[n] != sep && p[n] != '\n'; n++)
			;
		if ((raw = strndup(p, n)) == NULL)
			return -1;
		tag = tag_clean(raw);
		free(raw);
		if (tag != NULL && dump && is_shouted_code(tag)) {
			free(tag);
			tag = NULL;
		}
		if (tag != NULL && !has_tag(doc, tag))
			rc = document_add_tag(doc, tag);
		free(tag);
		p += n + (p[n] != '\0');
	}
	return rc;
}
