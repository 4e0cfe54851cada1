#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/html_extract.h"
#include "convert/textutil.h"

/* Filters the retry loop relaxes one at a time (§2.7). */
enum pass_flag {
	STRIP_UNLIKELY = 1,
	WEIGHT_CLASSES = 2,
	CLEAN_CONDITIONALLY = 4,
};

enum node_mark {
	MARK_REMOVED = 1,
	MARK_COLLAPSED = 2, /* a div standing for its only paragraph */
	MARK_AS_PARAGRAPH = 4, /* a div without blocks, scored like a <p> */
	MARK_TO_SCORE = 8,
	MARK_CANDIDATE = 16, /* holds a content score */
};

#define TOP_CANDIDATES 5
#define MIN_PARAGRAPH_CHARS 25
#define ARTICLE_MIN_CHARS 500
#define SHARE_MAX_CHARS 500
#define CLASS_WEIGHT 25

struct patterns {
	regex_t unlikely, maybe, positive, negative, byline, share;
	int compiled;
};

/* A run of inline content directly inside a div that also holds blocks:
 * Readability wraps such runs in a <p>, so they score like one. */
struct inline_run {
	size_t div, first, last;
};

struct extractor {
	const struct html_tree *tree;
	const struct patterns *re;
	const char *title;
	int flags;
	int title_heading_removed;
	size_t body;
	unsigned char *mark;
	double *score;
	double *textlen;
	double *linklen;
	double *commas;
	unsigned char *has_block;
	struct inline_run *runs;
	size_t nruns, runcap;
	size_t *roots;
	size_t nroots;
	char *byline;
};

static int
compile_patterns(struct patterns *re)
{
	const int f = REG_EXTENDED | REG_ICASE | REG_NOSUB;

	re->compiled = 0;
	if (regcomp(&re->unlikely, "-ad-|ai2html|banner|breadcrumbs|combx|comment|community|"
	    "cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|"
	    "rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|"
	    "pagination|pager|popup|yom-remote|cookie|newsletter|subscribe", f) != 0)
		return -1;
	re->compiled++;
	if (regcomp(&re->maybe, "and|article|body|column|content|main|shadow", f) != 0)
		return -1;
	re->compiled++;
	if (regcomp(&re->positive, "article|body|content|entry|hentry|h-entry|main|page|"
	    "pagination|post|text|blog|story", f) != 0)
		return -1;
	re->compiled++;
	if (regcomp(&re->negative, "-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|"
	    "com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|"
	    "shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget", f) != 0)
		return -1;
	re->compiled++;
	if (regcomp(&re->byline, "byline|author|dateline|writtenby|p-author", f) != 0)
		return -1;
	re->compiled++;
	if (regcomp(&re->share, "(^|[^a-z0-9])(share|sharedaddy)([^a-z0-9]|$)", f) != 0)
		return -1;
	re->compiled++;
	return 0;
}

static void
free_patterns(struct patterns *re)
{
	regex_t *all[] = { &re->unlikely, &re->maybe, &re->positive, &re->negative,
	    &re->byline, &re->share };
	int i;

	for (i = 0; i < re->compiled; i++)
		regfree(all[i]);
}

static int
matches(const regex_t *re, const char *s)
{
	return s != NULL && *s != '\0' && regexec(re, s, 0, NULL, 0) == 0;
}

static int
is_element(const struct html_tree *tree, size_t i)
{
	return !tree->nodes[i].is_text && tree->nodes[i].parent != HTML_NO_NODE;
}

static GumboTag
tag_of(const struct extractor *ex, size_t i)
{
	if (ex->mark[i] & MARK_AS_PARAGRAPH)
		return GUMBO_TAG_P;
	return ex->tree->nodes[i].tag;
}

static int
is_heading(GumboTag tag)
{
	return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6;
}

/* Tags whose presence makes a div more than a paragraph. */
static int
is_block_tag(GumboTag tag)
{
	switch (tag) {
	case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_DL:
	case GUMBO_TAG_DIV:
	case GUMBO_TAG_IMG:
	case GUMBO_TAG_OL:
	case GUMBO_TAG_P:
	case GUMBO_TAG_PRE:
	case GUMBO_TAG_TABLE:
	case GUMBO_TAG_UL:
		return 1;
	default:
		return 0;
	}
}

static int
is_phrasing_tag(GumboTag tag)
{
	switch (tag) {
	case GUMBO_TAG_ABBR: case GUMBO_TAG_AUDIO: case GUMBO_TAG_B: case GUMBO_TAG_BDO:
	case GUMBO_TAG_BR: case GUMBO_TAG_BUTTON: case GUMBO_TAG_CITE: case GUMBO_TAG_CODE:
	case GUMBO_TAG_DATA: case GUMBO_TAG_DATALIST: case GUMBO_TAG_DFN: case GUMBO_TAG_EM:
	case GUMBO_TAG_EMBED: case GUMBO_TAG_I: case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT:
	case GUMBO_TAG_KBD: case GUMBO_TAG_LABEL: case GUMBO_TAG_MARK: case GUMBO_TAG_MATH:
	case GUMBO_TAG_METER: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_OBJECT:
	case GUMBO_TAG_OUTPUT: case GUMBO_TAG_PROGRESS: case GUMBO_TAG_Q: case GUMBO_TAG_RUBY:
	case GUMBO_TAG_SAMP: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_SELECT: case GUMBO_TAG_SMALL:
	case GUMBO_TAG_SPAN: case GUMBO_TAG_STRONG: case GUMBO_TAG_SUB: case GUMBO_TAG_SUP:
	case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TIME: case GUMBO_TAG_VAR: case GUMBO_TAG_WBR:
	case GUMBO_TAG_A: case GUMBO_TAG_DEL: case GUMBO_TAG_INS: case GUMBO_TAG_FONT:
	case GUMBO_TAG_U: case GUMBO_TAG_S: case GUMBO_TAG_STRIKE: case GUMBO_TAG_TT:
	case GUMBO_TAG_BIG:
		return 1;
	default:
		return 0;
	}
}

/* Characters of running text, whitespace runs counted once. */
static void
count_text(const char *s, double *chars, double *commas)
{
	const unsigned char *p = (const unsigned char *)s;
	int space = 0;

	*chars = 0;
	*commas = 0;
	for (; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == '\f') {
			if (!space)
				(*chars)++;
			space = 1;
			continue;
		}
		space = 0;
		if ((*p & 0xc0) != 0x80)
			(*chars)++;
		if (*p == ',')
			(*commas)++;
		/* U+FF0C fullwidth comma, U+3001 ideographic comma, U+060C Arabic comma */
		else if ((p[0] == 0xef && p[1] == 0xbc && p[2] == 0x8c) ||
		    (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x81) ||
		    (p[0] == 0xd8 && p[1] == 0x8c))
			(*commas)++;
	}
}

/* Text, link text and comma counts of every subtree, leaving out removed
 * nodes; children come after their parent, so one backward pass does it. */
static void
compute_stats(struct extractor *ex)
{
	const struct html_tree *tree = ex->tree;
	const char *text, *href;
	size_t i, p;

	memset(ex->textlen, 0, tree->len * sizeof(*ex->textlen));
	memset(ex->linklen, 0, tree->len * sizeof(*ex->linklen));
	memset(ex->commas, 0, tree->len * sizeof(*ex->commas));
	memset(ex->has_block, 0, tree->len);
	for (i = tree->len; i-- > 1;) {
		if ((text = html_text_of(tree, i)) != NULL)
			count_text(text, &ex->textlen[i], &ex->commas[i]);
		else if (tree->nodes[i].tag == GUMBO_TAG_A) {
			href = html_attr(tree, i, "href");
			ex->linklen[i] = ex->textlen[i] * (href != NULL && href[0] == '#' ? 0.3 : 1);
		}
		if ((ex->mark[i] & MARK_REMOVED) || html_tag_is_hidden_text(tree->nodes[i].tag))
			continue;
		p = tree->nodes[i].parent;
		ex->textlen[p] += ex->textlen[i];
		ex->linklen[p] += ex->linklen[i];
		ex->commas[p] += ex->commas[i];
		if (ex->has_block[i] || is_block_tag(tree->nodes[i].tag))
			ex->has_block[p] = 1;
	}
}

static void
remove_node(struct extractor *ex, size_t i)
{
	size_t a;

	if (ex->mark[i] & MARK_REMOVED)
		return;
	ex->mark[i] |= MARK_REMOVED;
	for (a = ex->tree->nodes[i].parent; a != HTML_NO_NODE; a = ex->tree->nodes[a].parent) {
		ex->textlen[a] -= ex->textlen[i];
		ex->linklen[a] -= ex->linklen[i];
		ex->commas[a] -= ex->commas[i];
	}
}

static int
inside_removed(const struct extractor *ex, size_t i)
{
	for (; i != HTML_NO_NODE; i = ex->tree->nodes[i].parent)
		if (ex->mark[i] & MARK_REMOVED)
			return 1;
	return 0;
}

static double
link_density(const struct extractor *ex, size_t i)
{
	return ex->textlen[i] > 0 ? ex->linklen[i] / ex->textlen[i] : 0;
}

static int
has_ancestor_tag(const struct html_tree *tree, size_t i, GumboTag tag)
{
	for (i = tree->nodes[i].parent; i != HTML_NO_NODE; i = tree->nodes[i].parent)
		if (tree->nodes[i].tag == tag)
			return 1;
	return 0;
}

/* "class id", for the class-name heuristics. */
static void
match_string(const struct html_tree *tree, size_t i, char *out, size_t size)
{
	const char *cls = html_attr(tree, i, "class"), *id = html_attr(tree, i, "id");

	snprintf(out, size, "%s %s", cls ? cls : "", id ? id : "");
}

static int
class_weight(const struct extractor *ex, size_t i)
{
	const char *cls, *id;
	int weight = 0;

	if (!(ex->flags & WEIGHT_CLASSES))
		return 0;
	cls = html_attr(ex->tree, i, "class");
	id = html_attr(ex->tree, i, "id");
	if (matches(&ex->re->negative, cls))
		weight -= CLASS_WEIGHT;
	if (matches(&ex->re->positive, cls))
		weight += CLASS_WEIGHT;
	if (matches(&ex->re->negative, id))
		weight -= CLASS_WEIGHT;
	if (matches(&ex->re->positive, id))
		weight += CLASS_WEIGHT;
	return weight;
}

static int
contains_nocase(const char *hay, const char *needle)
{
	return hay != NULL && strcasestr(hay, needle) != NULL;
}

static int
is_visible(const struct extractor *ex, size_t i)
{
	const char *style = html_attr(ex->tree, i, "style");
	const char *aria = html_attr(ex->tree, i, "aria-hidden");
	char squeezed[256];
	size_t n = 0;

	if (html_attr(ex->tree, i, "hidden") != NULL)
		return 0;
	if (aria != NULL && strcasecmp(aria, "true") == 0 &&
	    !contains_nocase(html_attr(ex->tree, i, "class"), "fallback-image"))
		return 0;
	for (; style != NULL && *style != '\0' && n + 1 < sizeof(squeezed); style++)
		if (*style != ' ' && *style != '\t' && *style != '\n')
			squeezed[n++] = *style;
	squeezed[n] = '\0';
	return !contains_nocase(squeezed, "display:none") &&
	    !contains_nocase(squeezed, "visibility:hidden");
}

static int
has_unlikely_role(const struct extractor *ex, size_t i)
{
	static const char *const roles[] = { "menu", "menubar", "complementary",
	    "navigation", "alert", "alertdialog", "dialog", NULL };
	const char *role = html_attr(ex->tree, i, "role");
	size_t k;

	for (k = 0; role != NULL && roles[k] != NULL; k++)
		if (strcasecmp(role, roles[k]) == 0)
			return 1;
	return 0;
}

static char *
subtree_text(const struct extractor *ex, size_t i)
{
	struct buf b = BUF_INIT;

	if (html_append_text(ex->tree, i, ex->mark, &b) == -1 || buf_reserve(&b, 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	text_trim_lines(&b);
	return buf_release(&b, NULL);
}

/* A short element marked as the author line; remember its text. */
static int
take_byline(struct extractor *ex, size_t i, const char *match)
{
	const char *rel = html_attr(ex->tree, i, "rel");
	const char *itemprop = html_attr(ex->tree, i, "itemprop");
	char *text;

	if (ex->byline != NULL)
		return 0;
	if (!(rel != NULL && strcasecmp(rel, "author") == 0) &&
	    !contains_nocase(itemprop, "author") && !matches(&ex->re->byline, match))
		return 0;
	if (ex->textlen[i] <= 1 || ex->textlen[i] >= 100)
		return 0;
	if ((text = subtree_text(ex, i)) == NULL)
		return 0;
	if (*text == '\0') {
		free(text);
		return 0;
	}
	ex->byline = text;
	return 1;
}

static int
heading_repeats_title(struct extractor *ex, size_t i)
{
	GumboTag tag = ex->tree->nodes[i].tag;
	char *text;
	int same;

	if (ex->title == NULL || ex->title_heading_removed ||
	    (tag != GUMBO_TAG_H1 && tag != GUMBO_TAG_H2))
		return 0;
	if ((text = subtree_text(ex, i)) == NULL)
		return 0;
	same = html_text_similarity(ex->title, text) > 0.75;
	free(text);
	if (same)
		ex->title_heading_removed = 1;
	return same;
}

static int
is_without_content(const struct extractor *ex, size_t i)
{
	const struct html_tree *tree = ex->tree;
	size_t j;

	if (ex->textlen[i] > 1)
		return 0;
	for (j = i + 1; j < tree->nodes[i].end; j = tree->nodes[j].end) {
		if (tree->nodes[j].is_text) {
			if (strspn(html_text_of(tree, j), " \t\n\r\f") != strlen(html_text_of(tree, j)))
				return 0;
			continue;
		}
		if (tree->nodes[j].tag != GUMBO_TAG_BR && tree->nodes[j].tag != GUMBO_TAG_HR)
			return 0;
	}
	return 1;
}

static int
drop_while_walking(struct extractor *ex, size_t i)
{
	GumboTag tag = ex->tree->nodes[i].tag;
	const char *role = html_attr(ex->tree, i, "role");
	const char *modal = html_attr(ex->tree, i, "aria-modal");
	char match[512];

	if (html_tag_is_hidden_text(tag) || tag == GUMBO_TAG_FORM && 0)
		return 1;
	if (!is_visible(ex, i))
		return 1;
	if (modal != NULL && strcmp(modal, "true") == 0 && role != NULL &&
	    strcmp(role, "dialog") == 0)
		return 1;
	match_string(ex->tree, i, match, sizeof(match));
	if (take_byline(ex, i, match) || heading_repeats_title(ex, i))
		return 1;
	if (ex->flags & STRIP_UNLIKELY) {
		if (matches(&ex->re->unlikely, match) && !matches(&ex->re->maybe, match) &&
		    !has_ancestor_tag(ex->tree, i, GUMBO_TAG_TABLE) &&
		    !has_ancestor_tag(ex->tree, i, GUMBO_TAG_CODE) &&
		    tag != GUMBO_TAG_BODY && tag != GUMBO_TAG_A)
			return 1;
		if (has_unlikely_role(ex, i))
			return 1;
	}
	if ((tag == GUMBO_TAG_DIV || tag == GUMBO_TAG_SECTION || tag == GUMBO_TAG_HEADER ||
	    is_heading(tag)) && is_without_content(ex, i))
		return 1;
	return 0;
}
