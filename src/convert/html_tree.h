/*
 * A flat, read-only index over a gumbo parse tree.  Gumbo's tree cannot
 * carry per-node state, and walking it recursively would overflow the
 * stack on deeply nested pages, so every element and text node gets a
 * slot in document (pre-)order: node i's subtree is exactly i..end-1,
 * which turns every subtree walk into a plain loop and lets the
 * extractor keep scores and flags in arrays indexed like the nodes.
 */
#ifndef CAPSULED_CONVERT_HTML_TREE_H
#define CAPSULED_CONVERT_HTML_TREE_H

#include <gumbo.h>
#include <stddef.h>

#include "util/buf.h"

#define HTML_NO_NODE ((size_t)-1)

struct html_node {
	const GumboNode *node;
	GumboTag tag;   /* GUMBO_TAG_UNKNOWN for text nodes */
	int is_text;
	size_t parent;  /* HTML_NO_NODE for the document */
	size_t end;     /* one past the last node of the subtree */
	const char *cls; /* the class and id attributes, looked up once: */
	const char *id;  /* the extractor asks for them at every turn */
};

struct html_tree {
	struct html_node *nodes;
	size_t len;
};

/* Index the tree under root (comments are left out).  Returns 0 or -1. */
int html_tree_build(struct html_tree *tree, const GumboNode *root);
void html_tree_free(struct html_tree *tree);

/* The attribute's value, or NULL; elements only. */
const char *html_attr(const struct html_tree *tree, size_t i, const char *name);
/* The text of a text node, else NULL. */
const char *html_text_of(const struct html_tree *tree, size_t i);
/* Append the running text of node i's subtree, skipping nodes whose skip
 * byte is set (skip may be NULL) and script-like elements. */
int html_append_text(const struct html_tree *tree, size_t i, const unsigned char *skip,
    struct buf *out);
/* Whether the class or id of element i holds one of words (any case,
 * anywhere: "author_byline" holds "byline"). */
int html_class_has(const struct html_tree *tree, size_t i, const char *const *words);
/* The first element with this tag in document order, or HTML_NO_NODE. */
size_t html_find_tag(const struct html_tree *tree, size_t from, size_t to, GumboTag tag);
struct html_table_shape {
	size_t rows;
	size_t cols;      /* the widest row, colspans counted */
	int nested;       /* holds another table */
	int block_cells;  /* a cell holds paragraphs, lists or other blocks */
	int header_parts; /* th, thead, tfoot, col or colgroup */
	int caption;
};

/* The shape of a table, for telling data tables from layout tables. */
void html_table_shape(const struct html_tree *tree, size_t table, struct html_table_shape *shape);

/* Whether the tag's text is never shown (script, style, template...). */
int html_tag_is_hidden_text(GumboTag tag);

#endif
