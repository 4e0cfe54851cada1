#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/html_entity.h"
#include "convert/html_render.h"
#include "convert/links.h"
#include "convert/textutil.h"
#include "util/text.h"

/* A tiny image (tracking pixel) is at most this many pixels wide or high. */
#define PIXEL_MAX 2
/* Data tables wider than this read badly as preformatted text. */
#define TABLE_MAX_COLUMNS 6
#define SIMILAR_TO_TITLE 0.75

struct pending_link {
	char *url;
	char *label;
};

/* A block waiting for its list or quote to end, so that the links of the
 * whole group can follow it (§3, Lists and Quotes). */
struct held_block {
	enum block_type type;
	char *text;
	struct pending_link *links;
	size_t nlinks;
};

struct open_element {
	size_t node;
	size_t text_start; /* anchors: where their label starts in the text */
	long counter;      /* ordered lists: the next item number */
};

struct renderer {
	const struct html_tree *tree;
	const unsigned char *removed;
	const struct link_resolver *resolver;
	const char *title;
	struct document *doc;
	struct buf text;
	struct pending_link *links;
	size_t nlinks, linkcap;
	struct held_block *held;
	size_t nheld, heldcap;
	struct open_element *stack;
	size_t depth, stackcap;
	int heading_level;  /* > 0 inside a heading */
	int list_depth;
	int quote_depth;
	int item_depth;     /* inside li */
	int body_started;   /* a non-heading block was written */
	char *image_label;  /* alt of the last image inside an anchor */
	int failed;
};

static void
free_links(struct pending_link *links, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(links[i].url);
		free(links[i].label);
	}
	free(links);
}

static int
in_group(const struct renderer *r)
{
	return r->list_depth > 0 || r->quote_depth > 0;
}

static int
add_pending_link(struct renderer *r, const char *ref, const char *label)
{
	struct pending_link *p;
	char *url;
	size_t i;

	if (ref == NULL)
		return 0;
	if (link_resolve(r->resolver, ref, &url) == -1)
		return -1;
	if (url == NULL)
		return 0;
	for (i = 0; i < r->nlinks; i++) {
		if (strcmp(r->links[i].url, url) == 0) {
			free(url);
			return 0;
		}
	}
	if (r->nlinks == r->linkcap) {
		p = reallocarray(r->links, r->linkcap ? r->linkcap * 2 : 8, sizeof(*p));
		if (p == NULL) {
			free(url);
			return -1;
		}
		r->links = p;
		r->linkcap = r->linkcap ? r->linkcap * 2 : 8;
	}
	r->links[r->nlinks].url = url;
	r->links[r->nlinks].label = text_squeeze(label, strlen(label));
	/* Every link line has a label: the host and path when it has no text. */
	if (r->links[r->nlinks].label != NULL && *r->links[r->nlinks].label == '\0') {
		free(r->links[r->nlinks].label);
		r->links[r->nlinks].label = link_label(url);
	}
	if (r->links[r->nlinks].label == NULL) {
		free(url);
		return -1;
	}
	r->nlinks++;
	return 0;
}

static int
emit_block(struct renderer *r, enum block_type type, int level, const char *text,
    struct pending_link *links, size_t nlinks)
{
	struct doc_block *block;
	size_t i;

	if ((block = document_add_block(r->doc, type, level, text)) == NULL)
		return -1;
	for (i = 0; i < nlinks; i++)
		if (document_add_link(block, links[i].url, links[i].label) == -1)
			return -1;
	return 0;
}

/* Whether the text says nothing but the labels of its links. */
static int
only_link_labels(const char *text, const struct pending_link *links, size_t nlinks)
{
	size_t i, n;

	if (nlinks == 0)
		return 0;
	for (i = 0; i < nlinks; i++) {
		while (*text == ' ' || *text == '\n')
			text++;
		n = strlen(links[i].label);
		if (n > 0 && strncmp(text, links[i].label, n) == 0)
			text += n;
	}
	return text[strspn(text, " \n,|·")] == '\0';
}

static int
hold_block(struct renderer *r, enum block_type type, char *text)
{
	struct held_block *p;

	if (r->nheld == r->heldcap) {
		p = reallocarray(r->held, r->heldcap ? r->heldcap * 2 : 16, sizeof(*p));
		if (p == NULL)
			return -1;
		r->held = p;
		r->heldcap = r->heldcap ? r->heldcap * 2 : 16;
	}
	r->held[r->nheld++] = (struct held_block){ type, text, r->links, r->nlinks };
	r->links = NULL;
	r->nlinks = r->linkcap = 0;
	return 0;
}

static enum block_type
current_type(const struct renderer *r)
{
	if (r->heading_level > 0)
		return BLOCK_HEADING;
	if (r->item_depth > 0)
		return BLOCK_LIST_ITEM;
	if (r->quote_depth > 0)
		return BLOCK_QUOTE;
	return BLOCK_PARAGRAPH;
}

static int
repeats_title(const struct renderer *r, const char *text)
{
	return r->title != NULL && !r->body_started &&
	    html_text_similarity(r->title, text) > SIMILAR_TO_TITLE &&
	    html_text_similarity(text, r->title) > SIMILAR_TO_TITLE;
}

/* End the block being built: the text so far and its links. */
static int
flush(struct renderer *r)
{
	enum block_type type = current_type(r);
	char *text;
	int rc = 0;

	text_trim_lines(&r->text);
	if (r->text.failed)
		return -1;
	if (r->text.len == 0 && r->nlinks == 0)
		return 0;
	if (buf_append(&r->text, "", 0) == -1 || (text = buf_release(&r->text, NULL)) == NULL)
		return -1;
	if (*text == '\0' || (type != BLOCK_HEADING && only_link_labels(text, r->links, r->nlinks))) {
		free(text);
		text = NULL;
		type = BLOCK_LINK;
	}
	if (type == BLOCK_HEADING && repeats_title(r, text)) {
		free(text);
		free_links(r->links, r->nlinks);
		r->links = NULL;
		r->nlinks = r->linkcap = 0;
		return 0;
	}
	if (type != BLOCK_HEADING)
		r->body_started = 1;
	if (in_group(r))
		return hold_block(r, type, text) == -1 ? (free(text), -1) : 0;
	rc = emit_block(r, type, r->heading_level <= 2 ? 2 : 3, text, r->links, r->nlinks);
	free(text);
	free_links(r->links, r->nlinks);
	r->links = NULL;
	r->nlinks = r->linkcap = 0;
	return rc;
}

static int
is_single_link(const struct held_block *b)
{
	if (b->type == BLOCK_LINK)
		return b->nlinks == 1;
	return b->nlinks == 1 && b->text != NULL &&
	    strcmp(b->text, b->links[0].label) == 0;
}

static int
block_has_url(const struct doc_block *block, const char *url)
{
	size_t i;

	for (i = 0; i < block->nlinks; i++)
		if (strcmp(block->links[i].url, url) == 0)
			return 1;
	return 0;
}

/* A list or quote ended: write its blocks, then all its links after the
 * last one; a list of nothing but links becomes link lines. */
static int
emit_group(struct renderer *r)
{
	size_t i, k, singles = 0;
	struct doc_block *last;
	int rc = 0;

	for (i = 0; i < r->nheld; i++)
		singles += is_single_link(&r->held[i]);
	for (i = 0; i < r->nheld && rc == 0; i++) {
		if (singles == r->nheld || r->held[i].type == BLOCK_LINK)
			rc = emit_block(r, BLOCK_LINK, 0, NULL, r->held[i].links, r->held[i].nlinks);
		else
			rc = emit_block(r, r->held[i].type, 0, r->held[i].text, NULL, 0);
	}
	for (i = 0; i < r->nheld && rc == 0 && singles < r->nheld; i++) {
		if (r->held[i].type == BLOCK_LINK)
			continue;
		last = &r->doc->blocks[r->doc->nblocks - 1];
		for (k = 0; k < r->held[i].nlinks && rc == 0; k++)
			if (!block_has_url(last, r->held[i].links[k].url))
				rc = document_add_link(last, r->held[i].links[k].url,
				    r->held[i].links[k].label);
	}
	for (i = 0; i < r->nheld; i++) {
		free(r->held[i].text);
		free_links(r->held[i].links, r->held[i].nlinks);
	}
	r->nheld = 0;
	return rc;
}

static int
is_tiny(const char *dimension)
{
	char *end;
	long n;

	if (dimension == NULL || *dimension == '\0')
		return 0;
	n = strtol(dimension, &end, 10);
	return end != dimension && n >= 0 && n <= PIXEL_MAX;
}

static int
is_usable_src(const char *src)
{
	return src != NULL && src[strspn(src, " \t\n")] != '\0' &&
	    strncasecmp(src + strspn(src, " \t\n"), "data:", 5) != 0;
}

/* The image URL, also from the attributes lazy loaders use. */
static const char *
image_source(const struct html_tree *tree, size_t i, char *first, size_t size)
{
	static const char *const names[] = { "src", "data-src", "data-original",
	    "data-lazy-src", "data-url", NULL };
	const char *src, *srcset;
	size_t k, n;

	for (k = 0; names[k] != NULL; k++)
		if (is_usable_src(src = html_attr(tree, i, names[k])))
			return src;
	srcset = html_attr(tree, i, "srcset");
	if (srcset == NULL)
		srcset = html_attr(tree, i, "data-srcset");
	if (srcset == NULL)
		return NULL;
	srcset += strspn(srcset, " \t\n");
	n = strcspn(srcset, " \t\n,");
	if (n == 0 || n >= size)
		return NULL;
	memcpy(first, srcset, n);
	first[n] = '\0';
	return is_usable_src(first) ? first : NULL;
}

/* Whether element i is a photo credit ("Credit: EPA", "© Getty Images"). */
static int
is_credit(const struct html_tree *tree, size_t i)
{
	static const char *const words[] = { "credit", "copyright", "photographer",
	    "attribution", "getty", "source", "courtesy", NULL };

	return html_class_has(tree, i, words);
}

/* The caption of the figure around node i without its credit, if any. */
static char *
figure_caption(const struct renderer *r, size_t i)
{
	struct buf b = BUF_INIT;
	size_t a, cap, j;
	const char *text;

	for (a = r->tree->nodes[i].parent; a != HTML_NO_NODE; a = r->tree->nodes[a].parent)
		if (r->tree->nodes[a].tag == GUMBO_TAG_FIGURE)
			break;
	if (a == HTML_NO_NODE)
		return NULL;
	cap = html_find_tag(r->tree, a, r->tree->nodes[a].end, GUMBO_TAG_FIGCAPTION);
	for (j = cap; cap != HTML_NO_NODE && j < r->tree->nodes[cap].end; j++) {
		if (r->removed[j] || is_credit(r->tree, j) ||
		    html_tag_is_hidden_text(r->tree->nodes[j].tag)) {
			j = r->tree->nodes[j].end - 1;
			continue;
		}
		if ((text = html_text_of(r->tree, j)) != NULL)
			text_append_running(&b, text, strlen(text));
	}
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	text_trim_lines(&b);
	return buf_release(&b, NULL);
}

/* Whether an alt text is no label: a file name ("1535178347 1.jpg",
 * "IMG_2041"), or the page's title given to every image. */
static int
is_useless_alt(const struct renderer *r, const char *alt)
{
	static const char *const exts[] = { ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg",
	    ".avif", ".bmp", NULL };
	size_t n = strlen(alt), k;

	for (k = 0; exts[k] != NULL; k++)
		if (n >= strlen(exts[k]) && strcasecmp(alt + n - strlen(exts[k]), exts[k]) == 0)
			return 1;
	if (strchr(alt, ' ') == NULL && (strchr(alt, '_') != NULL || strpbrk(alt, "0123456789")))
		return 1;
	return r->title != NULL && html_text_similarity(r->title, alt) > 0.9 &&
	    html_text_similarity(alt, r->title) > 0.9;
}

/* The source of an image worth a link line, or NULL for a tracking
 * pixel or an image without a usable URL. */
static const char *
shown_source(const struct html_tree *tree, size_t img, char *first, size_t size)
{
	if (is_tiny(html_attr(tree, img, "width")) || is_tiny(html_attr(tree, img, "height")))
		return NULL;
	return image_source(tree, img, first, size);
}

int
html_image_is_shown(const struct html_tree *tree, size_t img)
{
	char first[2048];

	return shown_source(tree, img, first, sizeof(first)) != NULL;
}

/* An image's label: its alt text, else its figure's caption, else its
 * title, else "Image"; never a file name. */
static char *
image_label(const struct renderer *r, size_t i)
{
	const char *attrs[2] = { html_attr(r->tree, i, "alt"), html_attr(r->tree, i, "title") };
	char *label, *clean;
	size_t k;

	for (k = 0; k < 2; k++) {
		if (k == 1 && (label = figure_caption(r, i)) != NULL) {
			if (*label != '\0')
				return label;
			free(label);
		}
		if (attrs[k] == NULL || (label = html_decode_entities(attrs[k])) == NULL)
			continue;
		clean = text_squeeze(label, strlen(label));
		free(label);
		if (clean != NULL && *clean != '\0' && !is_useless_alt(r, clean))
			return clean;
		free(clean);
	}
	return strdup("Image");
}

static int
render_image(struct renderer *r, size_t i)
{
	char first[2048], *label;
	const char *src;
	int rc;

	if ((src = shown_source(r->tree, i, first, sizeof(first))) == NULL)
		return 0;
	if ((label = image_label(r, i)) == NULL)
		return -1;
	rc = add_pending_link(r, src, label);
	free(r->image_label);
	r->image_label = label;
	return rc;
}

/* language-x or lang-x in a class list, else "code" (§3, Preformatted). */
static void
code_language(const struct renderer *r, size_t pre, char *out, size_t size)
{
	const char *cls, *p;
	size_t j, n;

	snprintf(out, size, "code");
	for (j = pre; j < r->tree->nodes[pre].end; j++) {
		if ((cls = html_attr(r->tree, j, "class")) == NULL)
			continue;
		p = strstr(cls, "language-");
		if (p != NULL)
			p += strlen("language-");
		else if ((p = strstr(cls, "lang-")) != NULL)
			p += strlen("lang-");
		if (p == NULL)
			continue;
		n = strcspn(p, " \t\n");
		if (n > 0 && n < size) {
			memcpy(out, p, n);
			out[n] = '\0';
			return;
		}
	}
}

static int
render_pre(struct renderer *r, size_t pre)
{
	struct buf b = BUF_INIT;
	char alt[64], *text;
	const char *t;
	size_t j = pre + 1, start;
	int rc;

	while (j < r->tree->nodes[pre].end) {
		if (r->removed[j] || html_tag_is_hidden_text(r->tree->nodes[j].tag)) {
			j = r->tree->nodes[j].end;
			continue;
		}
		if ((t = html_text_of(r->tree, j)) != NULL)
			text_append_verbatim(&b, t, strlen(t));
		else if (r->tree->nodes[j].tag == GUMBO_TAG_BR)
			buf_append_char(&b, '\n');
		j++;
	}
	if (buf_append(&b, "", 0) == -1)
		return -1;
	for (start = 0; start < b.len && b.data[start] == '\n'; start++)
		;
	while (b.len > start && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' '))
		b.len--;
	b.data[b.len] = '\0';
	if (b.len == start) {
		buf_free(&b);
		return 0;
	}
	code_language(r, pre, alt, sizeof(alt));
	text = b.data + start;
	if (in_group(r)) {
		rc = flush(r);
		if (rc == 0)
			rc = emit_group(r);
	} else
		rc = 0;
	if (rc == 0 && (rc = emit_block(r, BLOCK_PREFORMATTED, 0, text, NULL, 0)) == 0)
		rc = document_set_meta(&r->doc->blocks[r->doc->nblocks - 1].alt, alt);
	r->body_started = 1;
	buf_free(&b);
	return rc;
}

struct table_cells {
	char **cells;    /* rows * cols, NULL for missing cells */
	size_t rows, cols;
	int header;      /* the first row is a header */
};

static char *
node_text(const struct renderer *r, size_t i)
{
	struct buf b = BUF_INIT;

	if (html_append_text(r->tree, i, r->removed, &b) == -1 || buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	text_trim_lines(&b);
	return buf_release(&b, NULL);
}

static int
fill_row(const struct renderer *r, size_t tr, struct table_cells *t, size_t row)
{
	size_t j, col = 0;
	char *text, *flat;

	for (j = tr + 1; j < r->tree->nodes[tr].end && col < t->cols; j = r->tree->nodes[j].end) {
		if (r->tree->nodes[j].tag != GUMBO_TAG_TD && r->tree->nodes[j].tag != GUMBO_TAG_TH)
			continue;
		if (r->removed[j]) {
			col++;
			continue;
		}
		if ((text = node_text(r, j)) == NULL)
			return -1;
		flat = text_squeeze(text, strlen(text));
		free(text);
		if (flat == NULL)
			return -1;
		t->cells[row * t->cols + col++] = flat;
		if (row == 0 && r->tree->nodes[j].tag == GUMBO_TAG_TH)
			t->header = 1;
	}
	return 0;
}

static int
table_links(struct renderer *r, size_t table)
{
	size_t j;
	char *label;
	int rc = 0;

	for (j = table; j < r->tree->nodes[table].end && rc == 0; j++) {
		if (r->removed[j]) {
			j = r->tree->nodes[j].end - 1;
			continue;
		}
		if (r->tree->nodes[j].tag == GUMBO_TAG_IMG)
			rc = render_image(r, j);
		if (r->tree->nodes[j].tag != GUMBO_TAG_A)
			continue;
		if ((label = node_text(r, j)) == NULL)
			return -1;
		rc = add_pending_link(r, html_attr(r->tree, j, "href"), label);
		free(label);
	}
	return rc;
}

static int
write_table(struct table_cells *t, struct buf *out)
{
	size_t *width, row, col, w, k;
	const char *cell;

	if ((width = calloc(t->cols, sizeof(*width))) == NULL)
		return -1;
	for (row = 0; row < t->rows; row++)
		for (col = 0; col < t->cols; col++)
			if ((cell = t->cells[row * t->cols + col]) != NULL &&
			    (w = display_width(cell, strlen(cell))) > width[col])
				width[col] = w;
	for (row = 0; row < t->rows; row++) {
		for (col = 0; col < t->cols; col++) {
			cell = t->cells[row * t->cols + col];
			cell = cell != NULL ? cell : "";
			buf_append_str(out, cell);
			if (col + 1 < t->cols)
				for (k = display_width(cell, strlen(cell)); k < width[col] + 2; k++)
					buf_append_char(out, ' ');
		}
		while (out->len > 0 && out->data[out->len - 1] == ' ')
			out->len--;
		buf_append_char(out, '\n');
		for (col = 0; row == 0 && t->header && col < t->cols; col++) {
			for (k = 0; k < width[col]; k++)
				buf_append_char(out, '-');
			if (col + 1 < t->cols)
				buf_append_str(out, "  ");
		}
		if (row == 0 && t->header)
			buf_append_char(out, '\n');
	}
	if (out->len > 0)
		out->len--;
	free(width);
	return buf_append(out, "", 0);
}

static int
is_render_data_table(const struct renderer *r, size_t table)
{
	struct html_table_shape shape;
	const char *role = html_attr(r->tree, table, "role");

	if (role != NULL && strcasecmp(role, "presentation") == 0)
		return 0;
	html_table_shape(r->tree, table, &shape);
	return !shape.nested && !shape.block_cells && shape.rows >= 1 && shape.cols >= 2 &&
	    shape.cols <= TABLE_MAX_COLUMNS;
}

static int
render_table(struct renderer *r, size_t table)
{
	struct table_cells t = { NULL, 0, 0, 0 };
	struct html_table_shape shape;
	struct buf out = BUF_INIT;
	char alt[256], *caption = NULL;
	size_t j, row = 0, cap;
	int rc = -1;

	html_table_shape(r->tree, table, &shape);
	t.rows = shape.rows;
	t.cols = shape.cols;
	if ((t.cells = calloc(t.rows * t.cols, sizeof(*t.cells))) == NULL)
		return -1;
	for (j = table; j < r->tree->nodes[table].end && row < t.rows; j++) {
		if (r->tree->nodes[j].tag != GUMBO_TAG_TR)
			continue;
		if (row == 0 && r->tree->nodes[r->tree->nodes[j].parent].tag == GUMBO_TAG_THEAD)
			t.header = 1;
		if (fill_row(r, j, &t, row++) == -1)
			goto done;
	}
	cap = html_find_tag(r->tree, table, r->tree->nodes[table].end, GUMBO_TAG_CAPTION);
	if (cap != HTML_NO_NODE && (caption = node_text(r, cap)) == NULL)
		goto done;
	if (caption != NULL && *caption != '\0')
		snprintf(alt, sizeof(alt), "table: %s", caption);
	else
		snprintf(alt, sizeof(alt), "table");
	if (write_table(&t, &out) == -1 || table_links(r, table) == -1)
		goto done;
	if (out.len == 0) {
		rc = 0;
		goto done;
	}
	if ((rc = emit_block(r, BLOCK_PREFORMATTED, 0, out.data, r->links, r->nlinks)) == 0)
		rc = document_set_meta(&r->doc->blocks[r->doc->nblocks - 1].alt, alt);
	free_links(r->links, r->nlinks);
	r->links = NULL;
	r->nlinks = r->linkcap = 0;
	r->body_started = 1;
done:
	for (j = 0; j < t.rows * t.cols; j++)
		free(t.cells[j]);
	free(t.cells);
	free(caption);
	buf_free(&out);
	return rc;
}

static int
is_skipped(GumboTag tag)
{
	switch (tag) {
	case GUMBO_TAG_INPUT: case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT:
	case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT:
	case GUMBO_TAG_EMBED: case GUMBO_TAG_VIDEO: case GUMBO_TAG_AUDIO:
	case GUMBO_TAG_CANVAS: case GUMBO_TAG_MAP: case GUMBO_TAG_MATH:
		return 1;
	default:
		return html_tag_is_hidden_text(tag);
	}
}

static int
is_block(GumboTag tag)
{
	switch (tag) {
	case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
	case GUMBO_TAG_MAIN: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE:
	case GUMBO_TAG_NAV: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_CENTER: case GUMBO_TAG_DL:
	case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
	case GUMBO_TAG_HR: case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
	case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT: case GUMBO_TAG_CAPTION:
	case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_FORM:
	case GUMBO_TAG_FIELDSET: case GUMBO_TAG_HGROUP: case GUMBO_TAG_TABLE:
	case GUMBO_TAG_BODY: case GUMBO_TAG_LEGEND:
		return 1;
	default:
		return 0;
	}
}

static int
push(struct renderer *r, size_t node, long counter)
{
	struct open_element *p;

	if (r->depth == r->stackcap) {
		p = reallocarray(r->stack, r->stackcap ? r->stackcap * 2 : 64, sizeof(*p));
		if (p == NULL)
			return -1;
		r->stack = p;
		r->stackcap = r->stackcap ? r->stackcap * 2 : 64;
	}
	r->stack[r->depth++] = (struct open_element){ node, r->text.len, counter };
	return 0;
}

static long
list_start(const struct renderer *r, size_t list)
{
	const char *start = html_attr(r->tree, list, "start");
	long n = start != NULL ? strtol(start, NULL, 10) : 1;

	return n > -1000000 && n < 1000000 ? n : 1;
}

/* "N. " for an item of an ordered list (§3, Lists). */
static void
item_prefix(struct renderer *r, size_t li, char *prefix, size_t size)
{
	const char *value = html_attr(r->tree, li, "value");
	size_t k;
	long n;

	prefix[0] = '\0';
	for (k = r->depth; k-- > 0;) {
		if (r->tree->nodes[r->stack[k].node].tag == GUMBO_TAG_UL)
			return;
		if (r->tree->nodes[r->stack[k].node].tag != GUMBO_TAG_OL)
			continue;
		if (value != NULL && (n = strtol(value, NULL, 10)) > -1000000 && n < 1000000)
			r->stack[k].counter = n;
		snprintf(prefix, size, "%ld. ", r->stack[k].counter++);
		return;
	}
}

/* Whether text node i is inside inline code, where an entity name may be
 * the very thing the article shows. */
static int
in_code(const struct renderer *r, size_t i)
{
	size_t a;

	for (a = r->tree->nodes[i].parent; a != HTML_NO_NODE; a = r->tree->nodes[a].parent)
		switch (r->tree->nodes[a].tag) {
		case GUMBO_TAG_CODE: case GUMBO_TAG_KBD: case GUMBO_TAG_SAMP: case GUMBO_TAG_TT:
			return 1;
		default:
			break;
		}
	return 0;
}

static int
append_text(struct renderer *r, size_t i, char *prefix)
{
	const char *text = html_text_of(r->tree, i);
	struct buf decoded = BUF_INIT;
	size_t n = strlen(text);
	int rc;

	if (prefix[0] != '\0' && strspn(text, " \t\n\r\f") < n) {
		if (r->text.len > 0 && r->text.data[r->text.len - 1] != ' ' &&
		    r->text.data[r->text.len - 1] != '\n')
			buf_append_char(&r->text, ' ');
		buf_append_str(&r->text, prefix);
		prefix[0] = '\0';
	}
	if (!html_has_entity(text, n) || in_code(r, i))
		return text_append_running(&r->text, text, n);
	rc = html_append_decoded(&decoded, text, n);
	if (rc == 0)
		rc = text_append_running(&r->text, decoded.data, decoded.len);
	buf_free(&decoded);
	return rc;
}

static int
has_figure_ancestor(const struct html_tree *tree, size_t i)
{
	for (i = tree->nodes[i].parent; i != HTML_NO_NODE; i = tree->nodes[i].parent)
		if (tree->nodes[i].tag == GUMBO_TAG_FIGURE ||
		    tree->nodes[i].tag == GUMBO_TAG_FIGCAPTION)
			return 1;
	return 0;
}

/* Open an element; returns 1 when its subtree is done with. */
static int
enter(struct renderer *r, size_t i, char *prefix, size_t prefixsize)
{
	GumboTag tag = r->tree->nodes[i].tag;

	if (r->removed[i] || is_skipped(tag)) {
		/* A block cut out still ends the text before it: "…on
		 * Wednesday." and "The stabbing…" around an empty <div>. */
		if (is_block(tag) && r->item_depth == 0 && r->heading_level == 0 && flush(r) == -1)
			return -1;
		return 1;
	}
	switch (tag) {
	case GUMBO_TAG_BR:
		if (r->text.len > 0 && r->text.data[r->text.len - 1] != '\n')
			buf_append_char(&r->text, '\n');
		return 1;
	case GUMBO_TAG_IMG:
		return render_image(r, i) == -1 ? -1 : 1;
	case GUMBO_TAG_PRE:
		return flush(r) == -1 || render_pre(r, i) == -1 ? -1 : 1;
	case GUMBO_TAG_TABLE:
		if (!is_render_data_table(r, i))
			break;
		if (flush(r) == -1 || (in_group(r) && emit_group(r) == -1))
			return -1;
		return render_table(r, i) == -1 ? -1 : 1;
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
	case GUMBO_TAG_H5: case GUMBO_TAG_H6:
		if (r->item_depth > 0)
			break;
		if (flush(r) == -1)
			return -1;
		r->heading_level = tag - GUMBO_TAG_H1 + 1;
		break;
	case GUMBO_TAG_UL: case GUMBO_TAG_OL:
		if (flush(r) == -1)
			return -1;
		r->list_depth++;
		return push(r, i, list_start(r, i)) == -1 ? -1 : 0;
	case GUMBO_TAG_LI:
		if (flush(r) == -1)
			return -1;
		item_prefix(r, i, prefix, prefixsize);
		r->item_depth++;
		break;
	case GUMBO_TAG_BLOCKQUOTE:
		if (flush(r) == -1)
			return -1;
		r->quote_depth++;
		break;
	default:
		if (!is_block(tag))
			break;
		if (r->item_depth > 0)
			buf_append_char(&r->text, ' ');
		else if (flush(r) == -1)
			return -1;
		break;
	}
	if (tag == GUMBO_TAG_A) {
		free(r->image_label);
		r->image_label = NULL;
	}
	/* "…sought treatment" and "Credit: EPA" are two things. */
	if (r->text.len > 0 && is_credit(r->tree, i) && has_figure_ancestor(r->tree, i)) {
		while (r->text.len > 0 && r->text.data[r->text.len - 1] == ' ')
			r->text.len--;
		buf_append_str(&r->text, " \xe2\x80\x94 ");
	}
	return push(r, i, 0);
}

static int
close_anchor(struct renderer *r, const struct open_element *e)
{
	const char *label = "";
	char *squeezed;
	int rc;

	if (e->text_start <= r->text.len && r->text.data != NULL)
		label = r->text.data + e->text_start;
	if ((squeezed = text_squeeze(label, strlen(label))) == NULL)
		return -1;
	if (*squeezed == '\0' && r->image_label != NULL) {
		free(squeezed);
		if ((squeezed = strdup(r->image_label)) == NULL)
			return -1;
	}
	rc = add_pending_link(r, html_attr(r->tree, e->node, "href"), squeezed);
	free(squeezed);
	return rc;
}

static int
leave(struct renderer *r, const struct open_element *e)
{
	GumboTag tag = r->tree->nodes[e->node].tag;

	switch (tag) {
	case GUMBO_TAG_A:
		return close_anchor(r, e);
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
	case GUMBO_TAG_H5: case GUMBO_TAG_H6:
		if (r->heading_level == 0)
			return 0;
		if (flush(r) == -1)
			return -1;
		r->heading_level = 0;
		return 0;
	case GUMBO_TAG_UL: case GUMBO_TAG_OL:
		if (flush(r) == -1)
			return -1;
		r->list_depth--;
		return in_group(r) ? 0 : emit_group(r);
	case GUMBO_TAG_LI:
		if (flush(r) == -1)
			return -1;
		r->item_depth--;
		return 0;
	case GUMBO_TAG_BLOCKQUOTE:
		if (flush(r) == -1)
			return -1;
		r->quote_depth--;
		return in_group(r) ? 0 : emit_group(r);
	default:
		if (!is_block(tag))
			return 0;
		if (r->item_depth > 0)
			return buf_append_char(&r->text, ' ');
		return flush(r);
	}
}

static int
render_subtree(struct renderer *r, size_t root)
{
	size_t i = root, end = r->tree->nodes[root].end;
	char prefix[32] = "";
	int rc;

	while (i < end) {
		while (r->depth > 0 && r->tree->nodes[r->stack[r->depth - 1].node].end <= i)
			if (leave(r, &r->stack[--r->depth]) == -1)
				return -1;
		if (html_text_of(r->tree, i) != NULL) {
			if (!r->removed[i] && append_text(r, i, prefix) == -1)
				return -1;
			i++;
			continue;
		}
		if ((rc = enter(r, i, prefix, sizeof(prefix))) == -1)
			return -1;
		i = rc == 1 ? r->tree->nodes[i].end : i + 1;
	}
	while (r->depth > 0)
		if (leave(r, &r->stack[--r->depth]) == -1)
			return -1;
	return 0;
}

int
html_render(const struct html_tree *tree, const struct html_article *article,
    const struct link_resolver *links, const char *title, struct document *doc)
{
	struct renderer r;
	size_t k;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.tree = tree;
	r.removed = article->removed;
	r.resolver = links;
	r.title = title;
	r.doc = doc;
	for (k = 0; k < article->nroots && rc == 0; k++)
		rc = render_subtree(&r, article->roots[k]);
	if (rc == 0)
		rc = flush(&r);
	if (rc == 0 && r.nheld > 0)
		rc = emit_group(&r);
	for (k = 0; k < r.nheld; k++) {
		free(r.held[k].text);
		free_links(r.held[k].links, r.held[k].nlinks);
	}
	buf_free(&r.text);
	free_links(r.links, r.nlinks);
	free(r.held);
	free(r.stack);
	free(r.image_label);
	return rc;
}
