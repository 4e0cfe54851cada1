#include <gumbo.h>
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/frontmatter.h"
#include "convert/links.h"
#include "convert/markdown.h"
#include "convert/textutil.h"
#include "util/buf.h"
#include "util/text.h"

/* Tables wider than this are layout, not data (conversion.md §3). */
#define TABLE_MAX_COLUMNS 6
#define TABLE_GAP "  "
#define MD_INPUT_PADDING 16

struct container {
	char kind;     /* 'q' quote, 'u' bullet list, 'o' ordered list */
	unsigned next; /* ordered lists: the next item's number */
};

struct table_cell {
	size_t row;
	char *text;
};

struct md_table {
	struct table_cell *cells;
	size_t ncells, cap;
	size_t nrows, header_rows, ncols;
	int in_head;
};

struct md_reader {
	struct document *doc;
	struct link_resolver links;
	struct buf text;          /* text of the block being read */
	struct doc_block pending; /* its links (only links/nlinks used) */
	int open;                 /* a text block is being read */
	enum block_type kind;
	int level;
	size_t prefix_len;        /* "3. " put before an ordered item's text */
	char *alt;                /* preformatted alt text */
	struct container *containers;
	size_t depth, depth_cap;
	size_t container_start;   /* first block of the outermost container */
	char *href;               /* the link being read, and where its label starts */
	size_t label_start;
	int image_depth;          /* images nest in alt text; the outer one counts */
	char *image_src;
	struct buf image_alt;
	int in_code;
	int in_html;
	struct buf html;          /* a raw HTML block, read through gumbo */
	int in_table;
	struct md_table table;
	int failed;
};

/* Append the text of the HTML fragment html to out, walking gumbo's tree
 * without recursion so that deep nesting cannot exhaust the stack. */
static void
append_html_text(struct buf *out, const char *html, size_t len)
{
	GumboOutput *parsed;
	const GumboNode *node, *parent;
	const GumboVector *children;

	if ((parsed = gumbo_parse_with_options(&kGumboDefaultOptions, html, len)) == NULL)
		return;
	node = parsed->root;
	while (node != NULL) {
		if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
		    node->type == GUMBO_NODE_WHITESPACE) {
			text_append_running(out, node->v.text.text, strlen(node->v.text.text));
		} else if ((node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) &&
		    node->v.element.tag != GUMBO_TAG_SCRIPT && node->v.element.tag != GUMBO_TAG_STYLE &&
		    node->v.element.children.length > 0) {
			node = node->v.element.children.data[0];
			continue;
		}
		if (node->type == GUMBO_NODE_ELEMENT)
			text_append_running(out, " ", 1);
		/* Climb until a next sibling exists. */
		for (;;) {
			parent = node->parent;
			if (parent == NULL) {
				node = NULL;
				break;
			}
			children = parent->type == GUMBO_NODE_DOCUMENT ? &parent->v.document.children :
			    &parent->v.element.children;
			if (node->index_within_parent + 1 < children->length) {
				node = children->data[node->index_within_parent + 1];
				break;
			}
			node = parent;
			if (node->type == GUMBO_NODE_ELEMENT)
				text_append_running(out, " ", 1);
		}
	}
	gumbo_destroy_output(&kGumboDefaultOptions, parsed);
}

static void
append_text(struct buf *out, MD_TEXTTYPE type, const char *s, size_t len)
{
	switch (type) {
	case MD_TEXT_ENTITY:
		append_html_text(out, s, len);
		break;
	case MD_TEXT_NULLCHAR:
		text_append_running(out, "\xef\xbf\xbd", 3);
		break;
	case MD_TEXT_BR:
		while (out->len > 0 && out->data[out->len - 1] == ' ')
			out->len--;
		buf_append_char(out, '\n');
		break;
	case MD_TEXT_SOFTBR:
		text_append_running(out, " ", 1);
		break;
	default:
		text_append_running(out, s, len);
		break;
	}
}

/* An attribute (href, src) with its entities decoded; malloc'd. */
static char *
attribute(const MD_ATTRIBUTE *attr)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; attr->substr_offsets[i] < attr->size; i++)
		append_text(&b, attr->substr_types[i], attr->text + attr->substr_offsets[i],
		    attr->substr_offsets[i + 1] - attr->substr_offsets[i]);
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

static struct container *
innermost(struct md_reader *r)
{
	return r->depth > 0 ? &r->containers[r->depth - 1] : NULL;
}

static void
pending_clear(struct md_reader *r)
{
	size_t i;

	for (i = 0; i < r->pending.nlinks; i++) {
		free(r->pending.links[i].url);
		free(r->pending.links[i].label);
	}
	free(r->pending.links);
	r->pending.links = NULL;
	r->pending.nlinks = 0;
}

/* Move the pending links to block. */
static void
pending_give(struct md_reader *r, struct doc_block *block)
{
	block->links = r->pending.links;
	block->nlinks = r->pending.nlinks;
	r->pending.links = NULL;
	r->pending.nlinks = 0;
}

static void
begin(struct md_reader *r, enum block_type kind, int level)
{
	buf_truncate(&r->text, 0);
	r->open = 1;
	r->kind = kind;
	r->level = level;
	r->prefix_len = 0;
}

/* The block being read is complete: add it to the document. */
static void
flush(struct md_reader *r)
{
	struct doc_block *block;
	enum block_type kind = r->kind;

	if (!r->open)
		return;
	r->open = 0;
	if (r->text.failed) {
		r->failed = 1;
		return;
	}
	if (kind != BLOCK_PREFORMATTED) {
		if (r->text.len <= r->prefix_len)
			buf_truncate(&r->text, 0);
		text_trim_lines(&r->text);
	} else {
		while (r->text.len > 0 && r->text.data[r->text.len - 1] == '\n')
			r->text.len--;
		buf_truncate(&r->text, r->text.len);
	}
	if (r->text.len == 0 && r->pending.nlinks == 0 && kind != BLOCK_PREFORMATTED)
		return;
	if (r->text.len == 0 && kind != BLOCK_PREFORMATTED)
		kind = BLOCK_LINK;
	block = document_add_block(r->doc, kind, r->level,
	    kind == BLOCK_LINK ? NULL : (r->text.data != NULL ? r->text.data : ""));
	if (block == NULL) {
		r->failed = 1;
		return;
	}
	pending_give(r, block);
	if (kind == BLOCK_PREFORMATTED) {
		block->alt = r->alt;
		r->alt = NULL;
	}
}

/* The block kind of a paragraph in the innermost container. */
static enum block_type
paragraph_kind(struct md_reader *r)
{
	struct container *c = innermost(r);

	if (c == NULL)
		return BLOCK_PARAGRAPH;
	return c->kind == 'q' ? BLOCK_QUOTE : BLOCK_LIST_ITEM;
}

static void
push_container(struct md_reader *r, char kind, unsigned start)
{
	struct container *grown;
	size_t cap;

	flush(r);
	if (r->depth == r->depth_cap) {
		cap = r->depth_cap ? r->depth_cap * 2 : 16;
		if ((grown = reallocarray(r->containers, cap, sizeof(*grown))) == NULL) {
			r->failed = 1;
			return;
		}
		r->containers = grown;
		r->depth_cap = cap;
	}
	if (r->depth == 0)
		r->container_start = r->doc->nblocks;
	r->containers[r->depth].kind = kind;
	r->containers[r->depth].next = start;
	r->depth++;
}

/* A list whose items are each exactly one link becomes link lines. */
static int
is_list_of_links(const struct document *doc, size_t start)
{
	const struct doc_block *b;
	const char *text;
	size_t i;

	for (i = start; i < doc->nblocks; i++) {
		b = &doc->blocks[i];
		if (b->type == BLOCK_LINK)
			continue;
		if (b->type != BLOCK_LIST_ITEM || b->nlinks != 1)
			return 0;
		/* Skip an ordered list's "3. ". */
		text = b->text;
		text += strspn(text, "0123456789");
		if (text != b->text && strncmp(text, ". ", 2) == 0)
			text += 2;
		else
			text = b->text;
		if (strcmp(text, b->links[0].label) != 0)
			return 0;
	}
	return start < doc->nblocks;
}

/* Move the links of blocks start.. to the last of them, dropping repeats. */
static int
gather_links(struct document *doc, size_t start)
{
	struct doc_block *last = &doc->blocks[doc->nblocks - 1], *b;
	struct doc_link *links;
	size_t total = 0, n = 0, i, j, k;
	int repeat;

	for (i = start; i < doc->nblocks; i++)
		total += doc->blocks[i].nlinks;
	if (total == last->nlinks)
		return 0;
	if ((links = calloc(total, sizeof(*links))) == NULL)
		return -1;
	for (i = start; i < doc->nblocks; i++) {
		b = &doc->blocks[i];
		for (j = 0; j < b->nlinks; j++) {
			for (repeat = 0, k = 0; k < n && !repeat; k++)
				repeat = strcmp(links[k].url, b->links[j].url) == 0;
			if (repeat) {
				free(b->links[j].url);
				free(b->links[j].label);
			} else {
				links[n++] = b->links[j];
			}
		}
		free(b->links);
		b->links = NULL;
		b->nlinks = 0;
	}
	last->links = links;
	last->nlinks = n;
	return 0;
}

static void
finish_container(struct md_reader *r, char kind)
{
	struct doc_block *last;
	size_t i;
	int list_of_links;

	if (r->container_start >= r->doc->nblocks)
		return;
	list_of_links = kind != 'q' && is_list_of_links(r->doc, r->container_start);
	if (gather_links(r->doc, r->container_start) == -1) {
		r->failed = 1;
		return;
	}
	if (!list_of_links)
		return;
	/* One block of link lines in place of the items. */
	last = &r->doc->blocks[r->doc->nblocks - 1];
	last->type = BLOCK_LINK;
	free(last->text);
	last->text = NULL;
	for (i = r->doc->nblocks - 1; i-- > r->container_start;)
		document_remove_block(r->doc, i);
}

static void
pop_container(struct md_reader *r)
{
	flush(r);
	if (r->depth == 0)
		return;
	r->depth--;
	if (r->depth == 0)
		finish_container(r, r->containers[0].kind);
}

static void
begin_list_item(struct md_reader *r)
{
	struct container *c = innermost(r);

	flush(r);
	begin(r, BLOCK_LIST_ITEM, 0);
	if (c != NULL && c->kind == 'o') {
		buf_printf(&r->text, "%u. ", c->next);
		c->next++;
		r->prefix_len = r->text.len;
	}
}

static void
begin_paragraph(struct md_reader *r)
{
	/* The first paragraph of a loose list item continues the item. */
	if (r->open && r->kind == BLOCK_LIST_ITEM && r->text.len <= r->prefix_len)
		return;
	flush(r);
	begin(r, paragraph_kind(r), 0);
}

static void
begin_code(struct md_reader *r, const MD_BLOCK_CODE_DETAIL *detail)
{
	flush(r);
	begin(r, BLOCK_PREFORMATTED, 0);
	r->in_code = 1;
	free(r->alt);
	r->alt = detail->lang.size > 0 ? attribute(&detail->lang) : strdup("code");
	if (r->alt == NULL)
		r->failed = 1;
}

static void
table_reset(struct md_table *t)
{
	size_t i;

	for (i = 0; i < t->ncells; i++)
		free(t->cells[i].text);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

static void
table_add_cell(struct md_reader *r)
{
	struct md_table *t = &r->table;
	struct table_cell *grown;
	size_t cap, i, col = 0;
	char *text;

	text_trim_lines(&r->text);
	for (i = 0; i < r->text.len; i++)
		if (r->text.data[i] == '\n')
			r->text.data[i] = ' ';
	if (r->text.failed ||
	    (text = strndup(r->text.data != NULL ? r->text.data : "", r->text.len)) == NULL) {
		r->failed = 1;
		return;
	}
	buf_truncate(&r->text, 0);
	if (t->ncells == t->cap) {
		cap = t->cap ? t->cap * 2 : 16;
		if ((grown = reallocarray(t->cells, cap, sizeof(*grown))) == NULL) {
			free(text);
			r->failed = 1;
			return;
		}
		t->cells = grown;
		t->cap = cap;
	}
	for (i = t->ncells; i > 0 && t->cells[i - 1].row == t->nrows - 1; i--)
		col++;
	if (col + 1 > t->ncols)
		t->ncols = col + 1;
	t->cells[t->ncells].row = t->nrows - 1;
	t->cells[t->ncells].text = text;
	t->ncells++;
}

static void
append_padded(struct buf *out, const char *s, size_t width)
{
	size_t w = display_width(s, strlen(s));

	buf_append_str(out, s);
	while (w++ < width)
		buf_append_char(out, ' ');
}

/* A data table as aligned columns with a rule under the header. */
static void
table_as_preformatted(struct md_reader *r)
{
	struct md_table *t = &r->table;
	size_t widths[TABLE_MAX_COLUMNS] = { 0 }, i, col = 0, w;
	struct buf out = BUF_INIT;

	for (i = 0; i < t->ncells; i++) {
		col = (i > 0 && t->cells[i - 1].row == t->cells[i].row) ? col + 1 : 0;
		if ((w = display_width(t->cells[i].text, strlen(t->cells[i].text))) > widths[col])
			widths[col] = w;
	}
	for (i = 0; i < t->ncells; i++) {
		col = (i > 0 && t->cells[i - 1].row == t->cells[i].row) ? col + 1 : 0;
		if (col > 0)
			buf_append_str(&out, TABLE_GAP);
		append_padded(&out, t->cells[i].text, widths[col]);
		if (i + 1 < t->ncells && t->cells[i + 1].row == t->cells[i].row)
			continue;
		while (out.len > 0 && out.data[out.len - 1] == ' ')
			out.len--;
		buf_append_char(&out, '\n');
		if (t->cells[i].row + 1 != t->header_rows)
			continue;
		for (col = 0; col < t->ncols; col++) {
			if (col > 0)
				buf_append_str(&out, TABLE_GAP);
			for (w = 0; w < widths[col]; w++)
				buf_append_char(&out, '-');
		}
		buf_append_char(&out, '\n');
	}
	begin(r, BLOCK_PREFORMATTED, 0);
	buf_append(&r->text, out.data != NULL ? out.data : "", out.len);
	buf_free(&out);
	free(r->alt);
	if ((r->alt = strdup("table")) == NULL)
		r->failed = 1;
	flush(r);
}

/* A layout table: one paragraph per row. */
static void
table_as_paragraphs(struct md_reader *r)
{
	struct md_table *t = &r->table;
	size_t i;

	for (i = 0; i < t->ncells; i++) {
		if (i == 0 || t->cells[i - 1].row != t->cells[i].row)
			begin(r, BLOCK_PARAGRAPH, 0);
		else
			buf_append_str(&r->text, " | ");
		buf_append_str(&r->text, t->cells[i].text);
		if (i + 1 == t->ncells || t->cells[i + 1].row != t->cells[i].row) {
			if (i + 1 < t->ncells) {
				/* Links go after the last row. */
				struct doc_block keep = r->pending;

				r->pending.links = NULL;
				r->pending.nlinks = 0;
				flush(r);
				r->pending = keep;
			} else {
				flush(r);
			}
		}
	}
}

static void
end_table(struct md_reader *r)
{
	if (r->table.ncols > 0 && r->table.ncols <= TABLE_MAX_COLUMNS)
		table_as_preformatted(r);
	else
		table_as_paragraphs(r);
	pending_clear(r);
	table_reset(&r->table);
	r->in_table = 0;
}

static int
enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct md_reader *r = userdata;

	switch (type) {
	case MD_BLOCK_QUOTE:
		push_container(r, 'q', 0);
		break;
	case MD_BLOCK_UL:
		push_container(r, 'u', 0);
		break;
	case MD_BLOCK_OL:
		push_container(r, 'o', ((MD_BLOCK_OL_DETAIL *)detail)->start);
		break;
	case MD_BLOCK_LI:
		begin_list_item(r);
		break;
	case MD_BLOCK_P:
		begin_paragraph(r);
		break;
	case MD_BLOCK_H:
		flush(r);
		begin(r, BLOCK_HEADING, ((MD_BLOCK_H_DETAIL *)detail)->level <= 2 ?
		    (int)((MD_BLOCK_H_DETAIL *)detail)->level : 3);
		break;
	case MD_BLOCK_CODE:
		begin_code(r, detail);
		break;
	case MD_BLOCK_HTML:
		flush(r);
		begin(r, paragraph_kind(r), 0);
		r->in_html = 1;
		buf_truncate(&r->html, 0);
		break;
	case MD_BLOCK_TABLE:
		flush(r);
		r->in_table = 1;
		break;
	case MD_BLOCK_THEAD:
		r->table.in_head = 1;
		break;
	case MD_BLOCK_TR:
		r->table.nrows++;
		if (r->table.in_head)
			r->table.header_rows = r->table.nrows;
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		buf_truncate(&r->text, 0);
		break;
	default:
		flush(r);
		break;
	}
	return r->failed ? -1 : 0;
}

static int
leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct md_reader *r = userdata;

	(void)detail;
	switch (type) {
	case MD_BLOCK_QUOTE:
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		pop_container(r);
		break;
	case MD_BLOCK_CODE:
		r->in_code = 0;
		flush(r);
		break;
	case MD_BLOCK_HTML:
		r->in_html = 0;
		if (!r->html.failed)
			append_html_text(&r->text, r->html.data != NULL ? r->html.data : "",
			    r->html.len);
		flush(r);
		break;
	case MD_BLOCK_THEAD:
		r->table.in_head = 0;
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		table_add_cell(r);
		break;
	case MD_BLOCK_TABLE:
		end_table(r);
		break;
	case MD_BLOCK_LI:
	case MD_BLOCK_P:
	case MD_BLOCK_H:
		flush(r);
		break;
	default:
		break;
	}
	return r->failed ? -1 : 0;
}

static void
end_image(struct md_reader *r)
{
	text_trim_lines(&r->image_alt);
	/* An image without alt text is an "Image", never its file name. */
	if (r->image_src != NULL && document_add_link_from(&r->pending, &r->links,
	    r->image_src, r->image_alt.len > 0 ? r->image_alt.data : "Image") == -1)
		r->failed = 1;
	free(r->image_src);
	r->image_src = NULL;
	buf_truncate(&r->image_alt, 0);
}

static void
end_link(struct md_reader *r)
{
	char *label;

	if (r->href == NULL)
		return;
	label = strndup(r->text.data != NULL ? r->text.data + r->label_start : "",
	    r->text.len - r->label_start);
	if (label == NULL || document_add_link_from(&r->pending, &r->links, r->href, label) == -1)
		r->failed = 1;
	free(label);
	free(r->href);
	r->href = NULL;
}

static int
enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct md_reader *r = userdata;

	if (type == MD_SPAN_A && r->href == NULL && r->image_depth == 0) {
		if ((r->href = attribute(&((MD_SPAN_A_DETAIL *)detail)->href)) == NULL)
			r->failed = 1;
		r->label_start = r->text.len;
	} else if (type == MD_SPAN_IMG && r->image_depth++ == 0) {
		buf_truncate(&r->image_alt, 0);
		if ((r->image_src = attribute(&((MD_SPAN_IMG_DETAIL *)detail)->src)) == NULL)
			r->failed = 1;
	}
	return r->failed ? -1 : 0;
}

static int
leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct md_reader *r = userdata;

	(void)detail;
	if (type == MD_SPAN_IMG && r->image_depth > 0 && --r->image_depth == 0)
		end_image(r);
	else if (type == MD_SPAN_A && r->image_depth == 0)
		end_link(r);
	return r->failed ? -1 : 0;
}

static int
text_event(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE size, void *userdata)
{
	struct md_reader *r = userdata;

	if (r->image_depth > 0)
		append_text(&r->image_alt, type, s, size);
	else if (r->in_code)
		text_append_verbatim(&r->text, s, size);
	else if (r->in_html)
		buf_append(&r->html, s, size);
	else if (type == MD_TEXT_HTML)
		return 0;
	else if (r->open || r->in_table)
		append_text(&r->text, type, s, size);
	return 0;
}

/* The first heading is the title when the front matter gave none. */
static int
title_from_heading(struct document *doc)
{
	size_t i;

	if (doc->meta.title != NULL)
		return 0;
	for (i = 0; i < doc->nblocks; i++) {
		if (doc->blocks[i].type != BLOCK_HEADING || doc->blocks[i].level != 1)
			continue;
		if (document_set_meta(&doc->meta.title, doc->blocks[i].text) == -1)
			return -1;
		if (i == 0)
			document_remove_block(doc, 0);
		return 0;
	}
	return 0;
}

static void
reader_free(struct md_reader *r)
{
	buf_free(&r->text);
	buf_free(&r->image_alt);
	buf_free(&r->html);
	pending_clear(r);
	table_reset(&r->table);
	free(r->containers);
	free(r->alt);
	free(r->href);
	free(r->image_src);
}

struct document *
markdown_read(const char *data, size_t len, const struct convert_options *options)
{
	MD_PARSER parser;
	struct md_reader r;
	size_t body;
	char *padded;

	memset(&r, 0, sizeof(r));
	link_resolver_init(&r.links, options, 1);
	if ((r.doc = document_new()) == NULL)
		return NULL;
	if ((body = front_matter_read(r.doc, data, len)) == (size_t)-1) {
		document_free(r.doc);
		return NULL;
	}
	memset(&parser, 0, sizeof(parser));
	parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS;
	parser.enter_block = enter_block;
	parser.leave_block = leave_block;
	parser.enter_span = enter_span;
	parser.leave_span = leave_span;
	parser.text = text_event;
	/* md4c 0.4.8 can hand out text reaching a byte past its input (seen by
	 * fuzzing with permissive autolinks): give it NUL padding to read. */
	if ((padded = calloc(1, len - body + MD_INPUT_PADDING)) == NULL) {
		reader_free(&r);
		document_free(r.doc);
		return NULL;
	}
	memcpy(padded, data + body, len - body);
	if (md_parse(padded, (MD_SIZE)(len - body), &parser, &r) == 0) {
		while (r.depth > 0)
			pop_container(&r);
		flush(&r);
	} else {
		r.failed = 1;
	}
	free(padded);
	reader_free(&r);
	if (r.failed || title_from_heading(r.doc) == -1) {
		document_free(r.doc);
		return NULL;
	}
	return r.doc;
}
