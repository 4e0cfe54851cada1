#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/html_extract.h"
#include "convert/html_render.h"
#include "convert/textutil.h"
#include "util/text.h"

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
/* A caption is a sentence or two; more text is an article of its own. */
#define CAPTION_MAX_CHARS 400
/* An <article> this long is the page's article, not a teaser. */
#define MAIN_ARTICLE_CHARS 1000
/* A paragraph of prose this long keeps a wrapper a weak negative class
 * word would have removed. */
#define PROSE_MIN_CHARS 100

struct patterns {
	regex_t unlikely, maybe, positive, negative, byline, share, strong_negative, popup;
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
	unsigned char *holds_main; /* is or holds the page's main content element */
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
	if (regcomp(&re->byline, "byline|author|dateline|writtenby|p-author|autor|auteur|firma",
	    f) != 0)
		return -1;
	re->compiled++;
	if (regcomp(&re->share, "(^|[^a-z0-9])(share|sharedaddy)([^a-z0-9]|$)", f) != 0)
		return -1;
	re->compiled++;
	/* The negative words but those a wrapper of the article's own
	 * paragraphs may carry ("el__leafmedia--sourced-paragraph"). */
	if (regcomp(&re->strong_negative, "-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|"
	    "comment|com-|contact|footer|gdpr|masthead|outbrain|promo|related|scroll|share|"
	    "shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget", f) != 0)
		return -1;
	re->compiled++;
	/* Pop-up cards inside running text: hover cards, tooltips. */
	if (regcomp(&re->popup, "rollover|hover|tooltip|popover|popup|flyout|infobox-card", f) != 0)
		return -1;
	re->compiled++;
	return 0;
}

static void
free_patterns(struct patterns *re)
{
	regex_t *all[] = { &re->unlikely, &re->maybe, &re->positive, &re->negative,
	    &re->byline, &re->share, &re->strong_negative, &re->popup };
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
	size_t n;
	uint32_t cp;
	int space = 0;

	*chars = 0;
	*commas = 0;
	for (; *p != '\0'; p += n) {
		n = 1;
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == '\f') {
			if (!space)
				(*chars)++;
			space = 1;
			continue;
		}
		space = 0;
		(*chars)++;
		if (*p < 0x80) {
			*commas += *p == ',';
			continue;
		}
		/* A sequence is at most 4 bytes: no need to measure all of s. */
		n = utf8_next_lossy((const char *)p, strnlen((const char *)p, 4), &cp);
		/* U+FF0C fullwidth comma, U+3001 ideographic comma, U+060C Arabic comma */
		*commas += cp == 0xff0c || cp == 0x3001 || cp == 0x060c;
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

	if (html_append_text(ex->tree, i, ex->mark, &b) == -1 || buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	text_trim_lines(&b);
	return buf_release(&b, NULL);
}

/* The byline's text, one text node a line, without its <time>: the
 * elements of a byline (name, date, "Follow" button) are told apart by
 * the byline cleaner, where their text would otherwise run together
 * ("Jane Doe" and "November 15, 2019" read "Jane DoeNovember 15, 2019"). */
static char *
byline_text(struct extractor *ex, size_t i)
{
	const struct html_tree *tree = ex->tree;
	size_t j = i, end = tree->nodes[i].end;
	struct buf b = BUF_INIT;
	const char *text;

	while (j < end) {
		if ((ex->mark[j] & MARK_REMOVED) || tree->nodes[j].tag == GUMBO_TAG_TIME ||
		    (j != i && html_tag_is_hidden_text(tree->nodes[j].tag))) {
			j = tree->nodes[j].end;
			continue;
		}
		if ((text = html_text_of(tree, j)) != NULL) {
			text_append_running(&b, text, strlen(text));
			buf_append_char(&b, '\n');
		}
		j++;
	}
	if (buf_append(&b, "", 0) == -1) {
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
	if ((text = byline_text(ex, i)) == NULL)
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
is_blank_text(const struct html_tree *tree, size_t i)
{
	const char *text = html_text_of(tree, i);

	return text != NULL && strspn(text, " \t\n\r\f") == strlen(text);
}

/* A card that pops up over running text when its trigger is hovered
 * (The Hill's "Kristi NoemKristi Lynn NoemSouth Dakota governor … MORE"):
 * inside a paragraph, classed like a pop-up, right after the link that
 * opens it or inside a pop-up wrapper.  The trigger's text stays. */
static int
is_popup_card(const struct extractor *ex, size_t i, const char *match)
{
	const struct html_tree *tree = ex->tree;
	size_t parent = tree->nodes[i].parent, prev = HTML_NO_NODE, j;
	char parent_match[512];

	if (tree->nodes[i].tag != GUMBO_TAG_SPAN && tree->nodes[i].tag != GUMBO_TAG_DIV &&
	    tree->nodes[i].tag != GUMBO_TAG_ASIDE)
		return 0;
	if (!matches(&ex->re->popup, match) || parent == HTML_NO_NODE ||
	    !(has_ancestor_tag(tree, i, GUMBO_TAG_P) || has_ancestor_tag(tree, i, GUMBO_TAG_LI)))
		return 0;
	match_string(tree, parent, parent_match, sizeof(parent_match));
	if (matches(&ex->re->popup, parent_match))
		return 1;
	for (j = parent + 1; j < i; j = tree->nodes[j].end)
		if (!is_blank_text(tree, j))
			prev = j;
	return prev != HTML_NO_NODE && tree->nodes[prev].tag == GUMBO_TAG_A;
}

static int
drop_while_walking(struct extractor *ex, size_t i)
{
	GumboTag tag = ex->tree->nodes[i].tag;
	const char *role = html_attr(ex->tree, i, "role");
	const char *modal = html_attr(ex->tree, i, "aria-modal");
	char match[512];

	if (html_tag_is_hidden_text(tag))
		return 1;
	if (!is_visible(ex, i))
		return 1;
	if (modal != NULL && strcmp(modal, "true") == 0 && role != NULL &&
	    strcmp(role, "dialog") == 0)
		return 1;
	match_string(ex->tree, i, match, sizeof(match));
	if (take_byline(ex, i, match) || heading_repeats_title(ex, i))
		return 1;
	if (is_popup_card(ex, i, match))
		return 1;
	/* A "site_header" that holds the <main> or the articleBody is no header. */
	if ((ex->flags & STRIP_UNLIKELY) && !ex->holds_main[i]) {
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

static int
is_phrasing(const struct extractor *ex, size_t i)
{
	const struct html_tree *tree = ex->tree;
	size_t j;

	if (tree->nodes[i].is_text)
		return 1;
	if (!is_phrasing_tag(tree->nodes[i].tag))
		return 0;
	if (tree->nodes[i].tag != GUMBO_TAG_A && tree->nodes[i].tag != GUMBO_TAG_DEL &&
	    tree->nodes[i].tag != GUMBO_TAG_INS)
		return 1;
	for (j = i + 1; j < tree->nodes[i].end; j++)
		if (!tree->nodes[j].is_text && !is_phrasing_tag(tree->nodes[j].tag))
			return 0;
	return 1;
}

static int
add_run(struct extractor *ex, size_t div, size_t first, size_t last)
{
	struct inline_run *p;
	size_t ncap;

	if (ex->nruns == ex->runcap) {
		ncap = ex->runcap ? ex->runcap * 2 : 64;
		if ((p = reallocarray(ex->runs, ncap, sizeof(*p))) == NULL)
			return -1;
		ex->runs = p;
		ex->runcap = ncap;
	}
	ex->runs[ex->nruns++] = (struct inline_run){ div, first, last };
	return 0;
}

/* A div: collapse onto its only paragraph, score it as a paragraph when it
 * holds no blocks, or note its runs of inline content. */
static int
visit_div(struct extractor *ex, size_t i)
{
	const struct html_tree *tree = ex->tree;
	size_t j, elements = 0, only = HTML_NO_NODE, first = HTML_NO_NODE, last = 0;
	int text = 0;

	for (j = i + 1; j < tree->nodes[i].end; j = tree->nodes[j].end) {
		if (ex->mark[j] & MARK_REMOVED)
			continue;
		if (tree->nodes[j].is_text) {
			text |= !is_blank_text(tree, j);
		} else {
			elements++;
			only = j;
		}
	}
	if (elements == 1 && !text && tree->nodes[only].tag == GUMBO_TAG_P &&
	    link_density(ex, i) < 0.25) {
		ex->mark[i] |= MARK_COLLAPSED;
		return 0;
	}
	if (!ex->has_block[i]) {
		ex->mark[i] |= MARK_AS_PARAGRAPH | MARK_TO_SCORE;
		return 0;
	}
	for (j = i + 1; j <= tree->nodes[i].end; j = j < tree->nodes[i].end ? tree->nodes[j].end : j + 1) {
		if (j < tree->nodes[i].end && (ex->mark[j] & MARK_REMOVED))
			continue;
		if (j < tree->nodes[i].end && is_phrasing(ex, j)) {
			if (first == HTML_NO_NODE)
				first = j;
			last = j;
			continue;
		}
		if (first != HTML_NO_NODE && add_run(ex, i, first, last) == -1)
			return -1;
		first = HTML_NO_NODE;
	}
	return 0;
}

static int
walk(struct extractor *ex)
{
	const struct html_tree *tree = ex->tree;
	size_t i = ex->body;
	GumboTag tag;

	while (i < tree->nodes[ex->body].end) {
		if (tree->nodes[i].is_text) {
			i++;
			continue;
		}
		if (i != ex->body && drop_while_walking(ex, i)) {
			remove_node(ex, i);
			i = tree->nodes[i].end;
			continue;
		}
		tag = tree->nodes[i].tag;
		if (tag == GUMBO_TAG_SECTION || (is_heading(tag) && tag != GUMBO_TAG_H1) ||
		    tag == GUMBO_TAG_P || tag == GUMBO_TAG_TD || tag == GUMBO_TAG_PRE)
			ex->mark[i] |= MARK_TO_SCORE;
		if (tag == GUMBO_TAG_DIV && visit_div(ex, i) == -1)
			return -1;
		i++;
	}
	return 0;
}

/* The parent as Readability sees it once collapsed divs are gone. */
static size_t
scoring_parent(const struct extractor *ex, size_t i)
{
	size_t p = ex->tree->nodes[i].parent;

	while (p != HTML_NO_NODE && (ex->mark[p] & MARK_COLLAPSED))
		p = ex->tree->nodes[p].parent;
	return p;
}

static void
initialize(struct extractor *ex, size_t i)
{
	double base = 0;

	switch (tag_of(ex, i)) {
	case GUMBO_TAG_DIV:
		base = 5;
		break;
	case GUMBO_TAG_PRE: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE:
		base = 3;
		break;
	case GUMBO_TAG_ADDRESS: case GUMBO_TAG_OL: case GUMBO_TAG_UL: case GUMBO_TAG_DL:
	case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_LI: case GUMBO_TAG_FORM:
		base = -3;
		break;
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
	case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_TH:
		base = -5;
		break;
	default:
		break;
	}
	ex->score[i] = base + class_weight(ex, i);
	ex->mark[i] |= MARK_CANDIDATE;
}

/* Give a paragraph's score to its ancestors, less the farther they are. */
static void
spread_score(struct extractor *ex, size_t parent, double chars, double commas)
{
	double content = 1 + (commas + 1) + (chars / 100 < 3 ? (int)(chars / 100) : 3);
	size_t a = parent, level;

	for (level = 0; level < 5 && a != HTML_NO_NODE; level++, a = scoring_parent(ex, a)) {
		if (!is_element(ex->tree, a) || ex->tree->nodes[a].parent == 0)
			break;
		if (!(ex->mark[a] & MARK_CANDIDATE))
			initialize(ex, a);
		ex->score[a] += content / (level == 0 ? 1 : level == 1 ? 2 : level * 3.0);
	}
}

static void
score_paragraphs(struct extractor *ex)
{
	const struct html_tree *tree = ex->tree;
	double chars, commas;
	size_t i, j, k;

	for (i = 0; i < tree->len; i++) {
		if (!(ex->mark[i] & MARK_TO_SCORE) || (ex->mark[i] & MARK_REMOVED))
			continue;
		if (ex->textlen[i] < MIN_PARAGRAPH_CHARS)
			continue;
		spread_score(ex, scoring_parent(ex, i), ex->textlen[i], ex->commas[i]);
	}
	for (k = 0; k < ex->nruns; k++) {
		if (ex->mark[ex->runs[k].div] & MARK_REMOVED)
			continue;
		chars = commas = 0;
		for (j = ex->runs[k].first; j <= ex->runs[k].last; j = ex->tree->nodes[j].end) {
			if (ex->mark[j] & MARK_REMOVED)
				continue;
			chars += ex->textlen[j];
			commas += ex->commas[j];
		}
		if (chars >= MIN_PARAGRAPH_CHARS)
			spread_score(ex, ex->runs[k].div, chars, commas);
	}
}

static size_t
element_children(const struct extractor *ex, size_t i)
{
	size_t j, n = 0;

	for (j = i + 1; j < ex->tree->nodes[i].end; j = ex->tree->nodes[j].end)
		if (!ex->tree->nodes[j].is_text && !(ex->mark[j] & MARK_REMOVED))
			n++;
	return n;
}

static size_t
first_element_child(const struct extractor *ex, size_t i)
{
	size_t j;

	for (j = i + 1; j < ex->tree->nodes[i].end; j = ex->tree->nodes[j].end)
		if (!ex->tree->nodes[j].is_text && !(ex->mark[j] & MARK_REMOVED))
			return j;
	return HTML_NO_NODE;
}

static int
is_ancestor(const struct extractor *ex, size_t a, size_t i)
{
	return a < i && i < ex->tree->nodes[a].end;
}

/* Readability's choice: the best candidate, moved up to the common
 * ancestor of several near-equal ones or to a parent that scores more. */
static size_t
pick_top(struct extractor *ex)
{
	size_t top[TOP_CANDIDATES], ntop = 0, i, k, best, p, alternatives = 0, holding;
	double last, threshold;

	for (i = 0; i < ex->tree->len; i++) {
		if (!(ex->mark[i] & MARK_CANDIDATE) || inside_removed(ex, i))
			continue;
		ex->score[i] *= 1 - link_density(ex, i);
		for (k = ntop; k > 0 && ex->score[top[k - 1]] < ex->score[i]; k--)
			if (k < TOP_CANDIDATES)
				top[k] = top[k - 1];
		if (k < TOP_CANDIDATES) {
			top[k] = i;
			if (ntop < TOP_CANDIDATES)
				ntop++;
		}
	}
	if (ntop == 0 || top[0] == ex->body)
		return HTML_NO_NODE;
	best = top[0];
	for (k = 1; k < ntop; k++)
		if (ex->score[top[k]] / ex->score[best] >= 0.75)
			alternatives++;
	if (alternatives >= 3) {
		for (p = scoring_parent(ex, best); p != HTML_NO_NODE && p != ex->body &&
		    p != 0; p = scoring_parent(ex, p)) {
			holding = 0;
			for (k = 1; k < ntop; k++)
				if (ex->score[top[k]] / ex->score[best] >= 0.75 &&
				    is_ancestor(ex, p, top[k]))
					holding++;
			if (holding >= 3) {
				best = p;
				break;
			}
		}
	}
	if (!(ex->mark[best] & MARK_CANDIDATE))
		initialize(ex, best);
	last = ex->score[best];
	threshold = last / 3;
	for (p = scoring_parent(ex, best); p != HTML_NO_NODE && p != ex->body && p != 0;
	    p = scoring_parent(ex, p)) {
		if (!(ex->mark[p] & MARK_CANDIDATE))
			continue;
		if (ex->score[p] < threshold)
			break;
		if (ex->score[p] > last) {
			best = p;
			break;
		}
		last = ex->score[p];
	}
	for (p = scoring_parent(ex, best); p != HTML_NO_NODE && p != ex->body && p != 0 &&
	    element_children(ex, p) == 1; p = scoring_parent(ex, p))
		best = p;
	if (!(ex->mark[best] & MARK_CANDIDATE))
		initialize(ex, best);
	return best;
}

static int
add_root(struct extractor *ex, size_t i)
{
	size_t *p;

	if ((p = reallocarray(ex->roots, ex->nroots + 1, sizeof(*p))) == NULL)
		return -1;
	ex->roots = p;
	ex->roots[ex->nroots++] = i;
	return 0;
}

/* The sentence test for short sibling paragraphs: ". " or a final ".". */
static int
has_sentence_end(const struct extractor *ex, size_t i)
{
	char *text = subtree_text(ex, i);
	const char *dot;
	int found = 0;

	if (text == NULL)
		return 0;
	for (dot = strchr(text, '.'); dot != NULL && !found; dot = strchr(dot + 1, '.'))
		found = dot[1] == ' ' || dot[1] == '\0';
	free(text);
	return found;
}

/* The only element inside the plain wrapper i (a div or span holding
 * nothing else but blank text), else HTML_NO_NODE.  Sectioning elements
 * (aside, nav, section...) are page structure, not an image's frame. */
static size_t
wrapped_element(const struct extractor *ex, size_t i)
{
	const struct html_tree *tree = ex->tree;
	size_t j, only = HTML_NO_NODE;

	if (tree->nodes[i].tag != GUMBO_TAG_DIV && tree->nodes[i].tag != GUMBO_TAG_SPAN)
		return HTML_NO_NODE;
	for (j = i + 1; j < tree->nodes[i].end; j = tree->nodes[j].end) {
		if (ex->mark[j] & MARK_REMOVED)
			continue;
		if (tree->nodes[j].is_text) {
			if (!is_blank_text(tree, j))
				return HTML_NO_NODE;
		} else if (only != HTML_NO_NODE)
			return HTML_NO_NODE;
		else
			only = j;
	}
	return only;
}

/* A figure with one image the renderer shows and a short caption with
 * few links: a lead image or an illustration that belongs to the article
 * although Readability's scores never reach it (§3, Images and figures).
 * Plain wrappers around nothing but the figure are looked through; a
 * <picture> (unknown to gumbo 0.10) inside counts by its img. */
static int
is_captioned_image(const struct extractor *ex, size_t s)
{
	const struct html_tree *tree = ex->tree;
	size_t j, images = 0;
	double caption = 0;

	while (tree->nodes[s].tag != GUMBO_TAG_FIGURE &&
	    (j = wrapped_element(ex, s)) != HTML_NO_NODE)
		s = j;
	if (tree->nodes[s].tag != GUMBO_TAG_FIGURE || ex->textlen[s] > CAPTION_MAX_CHARS ||
	    link_density(ex, s) >= 0.25)
		return 0;
	j = s + 1;
	while (j < tree->nodes[s].end) {
		if (ex->mark[j] & MARK_REMOVED) {
			j = tree->nodes[j].end;
			continue;
		}
		if (tree->nodes[j].tag == GUMBO_TAG_FIGCAPTION)
			caption += ex->textlen[j];
		else if (tree->nodes[j].tag == GUMBO_TAG_IMG && html_image_is_shown(tree, j))
			images++;
		j++;
	}
	return images == 1 && caption > 0;
}

static int
sibling_fits(struct extractor *ex, size_t top, size_t s, double threshold)
{
	const char *cls = html_attr(ex->tree, top, "class");
	const char *scls = html_attr(ex->tree, s, "class");
	double bonus = 0, density;

	if (cls != NULL && *cls != '\0' && scls != NULL && strcmp(cls, scls) == 0)
		bonus = ex->score[top] * 0.2;
	if ((ex->mark[s] & MARK_CANDIDATE) && ex->score[s] + bonus >= threshold)
		return 1;
	if (is_captioned_image(ex, s))
		return 1;
	if (tag_of(ex, s) != GUMBO_TAG_P)
		return 0;
	density = link_density(ex, s);
	if (ex->textlen[s] > 80 && density < 0.25)
		return 1;
	return ex->textlen[s] < 80 && ex->textlen[s] > 0 && density == 0 &&
	    has_sentence_end(ex, s);
}

static int
gather_siblings(struct extractor *ex, size_t top)
{
	const struct html_tree *tree = ex->tree;
	double threshold = ex->score[top] * 0.2 > 10 ? ex->score[top] * 0.2 : 10;
	size_t parent = scoring_parent(ex, top), j, s;

	for (j = parent + 1; j < tree->nodes[parent].end; j = tree->nodes[j].end) {
		if (tree->nodes[j].is_text || (ex->mark[j] & MARK_REMOVED))
			continue;
		s = j;
		while ((ex->mark[s] & MARK_COLLAPSED) && first_element_child(ex, s) != HTML_NO_NODE)
			s = first_element_child(ex, s);
		if (s == top || is_ancestor(ex, j, top) || sibling_fits(ex, top, s, threshold))
			if (add_root(ex, j) == -1)
				return -1;
	}
	return 0;
}

/* Readability's data-table test: tables that hold data are kept whole by
 * the post-clean, layout tables are judged like any container. */
static int
is_data_table(const struct extractor *ex, size_t i)
{
	const char *role = html_attr(ex->tree, i, "role");
	const char *datatable = html_attr(ex->tree, i, "datatable");
	struct html_table_shape shape;

	if (role != NULL && strcasecmp(role, "presentation") == 0)
		return 0;
	if (datatable != NULL && strcmp(datatable, "0") == 0)
		return 0;
	if (html_attr(ex->tree, i, "summary") != NULL)
		return 1;
	html_table_shape(ex->tree, i, &shape);
	if (shape.caption || shape.header_parts)
		return 1;
	if (shape.nested || shape.rows == 1 || shape.cols == 1)
		return 0;
	return shape.rows >= 10 || shape.cols > 4 || shape.rows * shape.cols > 10;
}

struct subtree_counts {
	size_t p, img, li, input, embeds, lists;
	double heading_chars, list_chars;
};

static void
count_subtree(const struct extractor *ex, size_t i, struct subtree_counts *c)
{
	const struct html_tree *tree = ex->tree;
	size_t j = i + 1;

	memset(c, 0, sizeof(*c));
	while (j < tree->nodes[i].end) {
		if (ex->mark[j] & MARK_REMOVED) {
			j = tree->nodes[j].end;
			continue;
		}
		switch (tree->nodes[j].tag) {
		case GUMBO_TAG_P: c->p++; break;
		case GUMBO_TAG_IMG: c->img++; break;
		case GUMBO_TAG_LI: c->li++; break;
		case GUMBO_TAG_INPUT: c->input++; break;
		case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_IFRAME:
			c->embeds++;
			break;
		case GUMBO_TAG_UL: case GUMBO_TAG_OL:
			c->lists++;
			c->list_chars += ex->textlen[j];
			break;
		case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
		case GUMBO_TAG_H5: case GUMBO_TAG_H6:
			c->heading_chars += ex->textlen[j];
			break;
		default:
			break;
		}
		j++;
	}
}

static int
inside_data_table_or_code(const struct extractor *ex, size_t i)
{
	size_t a;

	for (a = ex->tree->nodes[i].parent; a != HTML_NO_NODE; a = ex->tree->nodes[a].parent) {
		if (ex->tree->nodes[a].tag == GUMBO_TAG_CODE)
			return 1;
		if (ex->tree->nodes[a].tag == GUMBO_TAG_TABLE && is_data_table(ex, a))
			return 1;
	}
	return 0;
}

/* A list whose items each hold one image: a gallery worth keeping. */
static int
is_image_list(const struct extractor *ex, size_t i, const struct subtree_counts *c)
{
	size_t j;

	for (j = i + 1; j < ex->tree->nodes[i].end; j = ex->tree->nodes[j].end)
		if (!ex->tree->nodes[j].is_text && element_children(ex, j) > 1)
			return 0;
	return c->img == c->li;
}

/* A wrapper whose only negative class word is a weak one ("media",
 * "meta") around a paragraph of prose with few links: the article's own
 * text (CNN wraps its first paragraph so), kept. */
static int
is_weak_negative_prose(const struct extractor *ex, size_t i, const struct subtree_counts *c)
{
	char match[512];

	match_string(ex->tree, i, match, sizeof(match));
	return !matches(&ex->re->strong_negative, match) && c->p >= 1 &&
	    ex->textlen[i] >= PROSE_MIN_CHARS && link_density(ex, i) < 0.2 && c->embeds == 0 &&
	    c->img <= 1;
}

static int
fails_conditional_clean(const struct extractor *ex, size_t i)
{
	GumboTag tag = ex->tree->nodes[i].tag;
	int list = tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL, weight, remove;
	struct subtree_counts c;
	double chars = ex->textlen[i], density, heading_density;
	ssize_t li;

	if (tag == GUMBO_TAG_TABLE && is_data_table(ex, i))
		return 0;
	if (inside_data_table_or_code(ex, i))
		return 0;
	count_subtree(ex, i, &c);
	if (!list && chars > 0 && c.list_chars / chars > 0.9)
		list = 1;
	weight = class_weight(ex, i);
	if (weight < 0 && !is_weak_negative_prose(ex, i, &c))
		return 1;
	if (weight < 0)
		weight = 0;
	if (ex->commas[i] >= 10)
		return 0;
	li = (ssize_t)c.li - 100;
	density = link_density(ex, i);
	heading_density = chars > 0 ? c.heading_chars / chars : 0;
	remove = (c.img > 1 && (double)c.p / c.img < 0.5 &&
	    !has_ancestor_tag(ex->tree, i, GUMBO_TAG_FIGURE)) ||
	    (!list && li > (ssize_t)c.p) ||
	    (c.input > c.p / 3) ||
	    (!list && heading_density < 0.9 && chars < 25 && (c.img == 0 || c.img > 2) &&
	    !has_ancestor_tag(ex->tree, i, GUMBO_TAG_FIGURE)) ||
	    (!list && weight < 25 && density > 0.2) ||
	    (weight >= 25 && density > 0.5) ||
	    (c.embeds == 1 && chars < 75) || c.embeds > 1;
	if (remove && list && is_image_list(ex, i, &c))
		return 0;
	return remove;
}

static void
clean_conditionally(struct extractor *ex, GumboTag tag)
{
	size_t k, j, root;

	if (!(ex->flags & CLEAN_CONDITIONALLY))
		return;
	for (k = 0; k < ex->nroots; k++) {
		root = ex->roots[k];
		for (j = ex->tree->nodes[root].end; j-- > root;)
			if (ex->tree->nodes[j].tag == tag && !inside_removed(ex, j) &&
			    fails_conditional_clean(ex, j))
				remove_node(ex, j);
	}
}

static int
always_cleaned(GumboTag tag)
{
	switch (tag) {
	case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_FOOTER:
	case GUMBO_TAG_LINK: case GUMBO_TAG_ASIDE: case GUMBO_TAG_IFRAME:
	case GUMBO_TAG_INPUT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_SELECT:
	case GUMBO_TAG_BUTTON:
		return 1;
	default:
		return 0;
	}
}

static void
clean_fixed(struct extractor *ex)
{
	const struct html_tree *tree = ex->tree;
	size_t k, j, root;
	char match[512];
	GumboTag tag;

	for (k = 0; k < ex->nroots; k++) {
		root = ex->roots[k];
		j = root;
		while (j < tree->nodes[root].end) {
			tag = tree->nodes[j].tag;
			if (tree->nodes[j].is_text || (ex->mark[j] & MARK_REMOVED)) {
				j = tree->nodes[j].is_text ? j + 1 : tree->nodes[j].end;
				continue;
			}
			match_string(tree, j, match, sizeof(match));
			if (always_cleaned(tag) ||
			    (j != root && matches(&ex->re->share, match) &&
			    ex->textlen[j] < SHARE_MAX_CHARS) ||
			    ((tag == GUMBO_TAG_H1 || tag == GUMBO_TAG_H2) && class_weight(ex, j) < 0)) {
				remove_node(ex, j);
				j = tree->nodes[j].end;
				continue;
			}
			j++;
		}
	}
}

static void
prepare_article(struct extractor *ex)
{
	clean_conditionally(ex, GUMBO_TAG_FORM);
	clean_conditionally(ex, GUMBO_TAG_FIELDSET);
	clean_fixed(ex);
	clean_conditionally(ex, GUMBO_TAG_TABLE);
	clean_conditionally(ex, GUMBO_TAG_UL);
	clean_conditionally(ex, GUMBO_TAG_DIV);
}

static double
article_chars(const struct extractor *ex)
{
	double chars = 0;
	size_t k;

	for (k = 0; k < ex->nroots; k++)
		if (!(ex->mark[ex->roots[k]] & MARK_REMOVED))
			chars += ex->textlen[ex->roots[k]];
	return chars;
}

static int
body_as_article(struct extractor *ex)
{
	size_t j;

	for (j = ex->body + 1; j < ex->tree->nodes[ex->body].end; j = ex->tree->nodes[j].end)
		if (!(ex->mark[j] & MARK_REMOVED) && add_root(ex, j) == -1)
			return -1;
	return 0;
}

/* Mark the page's main content element (<main>, role=main, the
 * articleBody, a long <article>) and its ancestors. */
static void
mark_main(struct extractor *ex)
{
	const struct html_tree *tree = ex->tree;
	const char *role, *prop;
	size_t i;
	int is_main;

	memset(ex->holds_main, 0, tree->len);
	for (i = tree->len; i-- > 1;) {
		if (tree->nodes[i].is_text)
			continue;
		role = html_attr(tree, i, "role");
		prop = html_attr(tree, i, "itemprop");
		is_main = tree->nodes[i].tag == GUMBO_TAG_MAIN ||
		    (role != NULL && strcasecmp(role, "main") == 0) ||
		    (prop != NULL && strcasestr(prop, "articleBody") != NULL) ||
		    (tree->nodes[i].tag == GUMBO_TAG_ARTICLE && ex->textlen[i] >= MAIN_ARTICLE_CHARS);
		if (is_main || ex->holds_main[i])
			ex->holds_main[tree->nodes[i].parent] = 1;
		ex->holds_main[i] |= is_main;
	}
}

/* One pass of §2 with the given filters; leaves roots and marks in ex. */
static int
extract_pass(struct extractor *ex, int flags)
{
	size_t top;

	ex->flags = flags;
	ex->title_heading_removed = 0;
	ex->nroots = 0;
	ex->nruns = 0;
	memset(ex->mark, 0, ex->tree->len);
	memset(ex->score, 0, ex->tree->len * sizeof(*ex->score));
	compute_stats(ex);
	mark_main(ex);
	if (walk(ex) == -1)
		return -1;
	compute_stats(ex);
	score_paragraphs(ex);
	top = pick_top(ex);
	if (top == HTML_NO_NODE) {
		if (body_as_article(ex) == -1)
			return -1;
	} else if (gather_siblings(ex, top) == -1)
		return -1;
	prepare_article(ex);
	return 0;
}

static size_t
find_body(const struct html_tree *tree)
{
	size_t body = html_find_tag(tree, 0, tree->len, GUMBO_TAG_BODY);

	return body == HTML_NO_NODE ? 0 : body;
}

static int
keep_attempt(struct extractor *ex, struct html_article *best, double *best_chars)
{
	double chars = article_chars(ex);
	size_t *roots;

	if (best->roots != NULL && chars <= *best_chars)
		return 0;
	if ((roots = reallocarray(NULL, ex->nroots ? ex->nroots : 1, sizeof(*roots))) == NULL)
		return -1;
	if (ex->nroots > 0)
		memcpy(roots, ex->roots, ex->nroots * sizeof(*roots));
	free(best->roots);
	best->roots = roots;
	best->nroots = ex->nroots;
	memcpy(best->removed, ex->mark, ex->tree->len);
	*best_chars = chars;
	return 0;
}

static int
run_passes(struct extractor *ex, struct html_article *article)
{
	static const int passes[] = {
		STRIP_UNLIKELY | WEIGHT_CLASSES | CLEAN_CONDITIONALLY,
		WEIGHT_CLASSES | CLEAN_CONDITIONALLY,
		CLEAN_CONDITIONALLY,
		0,
	};
	double best_chars = 0;
	size_t k, i;

	for (k = 0; k < sizeof(passes) / sizeof(passes[0]); k++) {
		if (extract_pass(ex, passes[k]) == -1 ||
		    keep_attempt(ex, article, &best_chars) == -1)
			return -1;
		if (best_chars >= ARTICLE_MIN_CHARS)
			break;
	}
	for (i = 0; i < ex->tree->len; i++)
		article->removed[i] = (article->removed[i] & MARK_REMOVED) != 0;
	return 0;
}

int
html_extract(const struct html_tree *tree, const char *title, struct html_article *article)
{
	struct extractor ex;
	struct patterns re;
	size_t n = tree->len ? tree->len : 1;
	int rc = -1;

	memset(article, 0, sizeof(*article));
	memset(&ex, 0, sizeof(ex));
	ex.tree = tree;
	ex.re = &re;
	ex.title = title;
	ex.body = find_body(tree);
	ex.mark = calloc(n, 1);
	ex.has_block = calloc(n, 1);
	ex.holds_main = calloc(n, 1);
	ex.score = calloc(n, sizeof(double));
	ex.textlen = calloc(n, sizeof(double));
	ex.linklen = calloc(n, sizeof(double));
	ex.commas = calloc(n, sizeof(double));
	article->removed = calloc(n, 1);
	if (compile_patterns(&re) == 0 && ex.mark && ex.has_block && ex.holds_main && ex.score &&
	    ex.textlen &&
	    ex.linklen && ex.commas && article->removed && tree->len > 0)
		rc = run_passes(&ex, article);
	free_patterns(&re);
	free(ex.mark);
	free(ex.has_block);
	free(ex.holds_main);
	free(ex.score);
	free(ex.textlen);
	free(ex.linklen);
	free(ex.commas);
	free(ex.runs);
	free(ex.roots);
	article->byline = ex.byline;
	if (rc == -1)
		html_article_free(article);
	return rc;
}

void
html_article_free(struct html_article *article)
{
	free(article->roots);
	free(article->removed);
	free(article->byline);
	memset(article, 0, sizeof(*article));
}

/* Lower-cased words of s, as a space-joined string. */
static char *
words_of(const char *s)
{
	struct buf b = BUF_INIT;
	const unsigned char *p;
	int inword = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p >= 0x80 ||
		    (*p >= 'A' && *p <= 'Z')) {
			if (!inword && b.len > 0)
				buf_append_char(&b, ' ');
			buf_append_char(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
			inword = 1;
		} else
			inword = 0;
	}
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

static int
has_word(const char *words, const char *w, size_t len)
{
	const char *p = words;

	while (*p != '\0') {
		if (strncmp(p, w, len) == 0 && (p[len] == ' ' || p[len] == '\0'))
			return 1;
		if ((p = strchr(p, ' ')) == NULL)
			return 0;
		p++;
	}
	return 0;
}

double
html_text_similarity(const char *a, const char *b)
{
	char *wa = words_of(a), *wb = words_of(b), *w, *next;
	size_t total, unique = 0, len;
	double sim = 0;

	if (wa == NULL || wb == NULL || *wb == '\0')
		goto done;
	total = strlen(wb);
	for (w = wb; w != NULL && *w != '\0'; w = next) {
		next = strchr(w, ' ');
		len = next ? (size_t)(next - w) : strlen(w);
		if (!has_word(wa, w, len))
			unique += len + 1;
		next = next ? next + 1 : NULL;
	}
	if (unique > 0)
		unique--;
	sim = 1 - (double)unique / (double)total;
done:
	free(wa);
	free(wb);
	return sim;
}
