#include <gumbo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/charset.h"
#include "convert/clutter.h"
#include "convert/html.h"
#include "convert/html_extract.h"
#include "convert/html_meta.h"
#include "convert/html_render.h"
#include "convert/html_strip.h"
#include "convert/html_tree.h"
#include "convert/links.h"
#include "convert/textutil.h"
#include "util/text.h"

/*
 * gumbo 0.10 has no tree-depth limit and scans the whole stack of open
 * elements for most tags, so 100,000 nested divs take minutes.  Start and
 * end tags nested deeper than this are dropped before parsing; no real
 * article comes close.
 */
#define MAX_NESTING 400
/*
 * gumbo needs about 11 bytes of memory per byte of page; once scripts,
 * styles and comments are gone, text beyond this is not parsed, which
 * bounds gumbo near 100 MB.  No article is that long.
 */
#define MAX_PARSED_BYTES (8u << 20)

struct tag_scan {
	const char *p, *end;
	int depth;
	int max_depth;
};

/* Elements whose content is raw text, so tags inside are not tags. */
static int
is_raw_text(const char *name, size_t n)
{
	static const char *const raw[] = { "script", "style", "textarea", "title", "xmp",
	    "iframe", "noembed", "noframes", NULL };
	size_t k;

	for (k = 0; raw[k] != NULL; k++)
		if (strlen(raw[k]) == n && strncasecmp(name, raw[k], n) == 0)
			return 1;
	return 0;
}

/* Void elements and those whose end tag may be left out do not nest. */
static int
is_unnested(const char *name, size_t n)
{
	static const char *const tags[] = { "area", "base", "br", "col", "embed", "hr", "img",
	    "input", "link", "meta", "source", "track", "wbr", "p", "li", "dt", "dd", "option",
	    "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption",
	    "html", "head", "body", "rb", "rt", "rp", "param", "keygen", NULL };
	size_t k;

	for (k = 0; tags[k] != NULL; k++)
		if (strlen(tags[k]) == n && strncasecmp(name, tags[k], n) == 0)
			return 1;
	return 0;
}

static const char *
find_mem(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; p + n <= end; p++)
		if (strncasecmp(p, needle, n) == 0)
			return p;
	return end;
}

/* The end of the tag starting at p ('<'), quotes respected. */
static const char *
tag_end(const char *p, const char *end)
{
	char quote = 0;

	for (p++; p < end; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			if (p[-1] == '=' || p[-1] == ' ')
				quote = *p;
		} else if (*p == '>')
			return p + 1;
	}
	return end;
}

/* Copy the page to out (when not NULL) leaving out tags nested deeper
 * than MAX_NESTING; always measures the deepest nesting. */
static void
scan_tags(struct tag_scan *s, struct buf *out)
{
	const char *p = s->p, *name, *close, *raw;
	size_t n;
	int is_end, keep;

	while (p < s->end) {
		close = memchr(p, '<', (size_t)(s->end - p));
		if (close == NULL)
			close = s->end;
		if (out != NULL)
			buf_append(out, p, (size_t)(close - p));
		if ((p = close) >= s->end)
			break;
		if (s->end - p >= 4 && strncmp(p, "<!--", 4) == 0)
			close = find_mem(p + 4, s->end, "-->") + 3;
		else
			close = tag_end(p, s->end);
		if (close > s->end)
			close = s->end;
		is_end = p + 1 < s->end && p[1] == '/';
		name = p + 1 + is_end;
		for (n = 0; name + n < close && (((name[n] | 0x20) >= 'a' && (name[n] | 0x20) <= 'z') ||
		    (name[n] >= '0' && name[n] <= '9') || name[n] == '-'); n++)
			;
		keep = 1;
		if (n > 0 && !is_unnested(name, n) && close[-1] == '>' &&
		    !(close - p >= 2 && close[-2] == '/')) {
			if (is_end) {
				keep = s->depth <= MAX_NESTING;
				s->depth -= s->depth > 0;
			} else {
				keep = s->depth < MAX_NESTING;
				if (++s->depth > s->max_depth)
					s->max_depth = s->depth;
			}
		}
		if (out != NULL && keep)
			buf_append(out, p, (size_t)(close - p));
		p = close;
		if (n > 0 && !is_end && is_raw_text(name, n)) {
			raw = p;
			while ((raw = find_mem(raw, s->end, "</")) < s->end &&
			    strncasecmp(raw + 2, name, n) != 0)
				raw += 2;
			if (out != NULL)
				buf_append(out, p, (size_t)(raw - p));
			p = raw;
		}
	}
}

/* The page with over-deep nesting flattened, or NULL when it is fine as
 * it is (or memory ran out: then the page is parsed as it is). */
static char *
limit_nesting(const char *html, size_t len, size_t *outlen)
{
	struct tag_scan s = { html, html + len, 0, 0 };
	struct buf out = BUF_INIT;

	scan_tags(&s, NULL);
	if (s.max_depth <= MAX_NESTING)
		return NULL;
	s.depth = 0;
	scan_tags(&s, &out);
	if (buf_append(&out, "", 0) == -1) {
		buf_free(&out);
		return NULL;
	}
	return buf_release(&out, outlen);
}

static int
read_tree(const struct html_tree *tree, const struct convert_options *opt,
    struct document *doc)
{
	struct html_article article;
	struct link_resolver links;
	struct html_meta meta;
	int rc;

	link_resolver_init(&links, opt, 0);
	rc = html_meta_collect(&meta, tree, links.original != NULL ? links.original : links.capsule,
	    opt != NULL ? opt->saved_time : 0);
	if (rc == 0)
		rc = html_meta_head(&meta, doc);
	/* Links resolve against the page's web address, whichever told it. */
	links.original = meta.original;
	if (rc == 0 && (rc = html_extract(tree, doc->meta.title, &article)) == 0) {
		rc = html_render(tree, &article, &links, doc->meta.title, doc);
		if (rc == 0) {
			clutter_clean(doc);
			rc = html_meta_article(&meta, &article, doc);
		}
		html_article_free(&article);
	}
	html_meta_free(&meta);
	return rc;
}

struct document *
html_read(const char *data, size_t len, const struct convert_options *opt)
{
	GumboOptions options = kGumboDefaultOptions;
	struct document *doc = NULL;
	struct html_tree tree;
	GumboOutput *output;
	char *utf8, *shown, *flat;
	size_t ulen, slen, flen;

	/* The pre-pass reads only ASCII markup, the same in every charset a
	 * page may declare; it runs first so that no copy is page-sized. */
	if ((shown = html_strip_hidden(data, len, MAX_PARSED_BYTES, &slen)) == NULL)
		return NULL;
	utf8 = charset_html_to_utf8(shown, slen, &ulen);
	free(shown);
	if (utf8 == NULL)
		return NULL;
	/* Conversion to UTF-8 may have made the text longer: cut it again. */
	ulen = utf8_prefix_len(utf8, ulen, MAX_PARSED_BYTES);
	if ((flat = limit_nesting(utf8, ulen, &flen)) != NULL) {
		free(utf8);
		utf8 = flat;
		ulen = flen;
	}
	/* Errors are not used; recording them costs memory on broken pages. */
	options.max_errors = 0;
	if ((output = gumbo_parse_with_options(&options, utf8, ulen)) == NULL) {
		free(utf8);
		return NULL;
	}
	if (html_tree_build(&tree, output->document) == 0) {
		doc = document_new();
		if (doc != NULL && read_tree(&tree, opt, doc) == -1) {
			document_free(doc);
			doc = NULL;
		}
		html_tree_free(&tree);
	}
	gumbo_destroy_output(&options, output);
	free(utf8);
	return doc;
}
