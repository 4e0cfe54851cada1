#include <stdlib.h>
#include <string.h>

#include "convert/html_tree.h"
#include "convert/textutil.h"

struct frame {
	const GumboNode *node;
	size_t index;
	unsigned int next_child;
};

static const GumboVector *
children_of(const GumboNode *node)
{
	if (node->type == GUMBO_NODE_DOCUMENT)
		return &node->v.document.children;
	if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
		return &node->v.element.children;
	return NULL;
}

static int
grow(void **array, size_t *cap, size_t want, size_t size)
{
	size_t ncap;
	void *p;

	if (want <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 256;
	while (ncap < want)
		ncap *= 2;
	if ((p = reallocarray(*array, ncap, size)) == NULL)
		return -1;
	*array = p;
	*cap = ncap;
	return 0;
}

/* gumbo writes attribute names in lower case. */
static void
find_class_and_id(const GumboVector *attrs, struct html_node *n)
{
	const GumboAttribute *attr;
	unsigned int k;

	for (k = 0; k < attrs->length; k++) {
		attr = attrs->data[k];
		if (n->cls == NULL && strcmp(attr->name, "class") == 0)
			n->cls = attr->value;
		else if (n->id == NULL && strcmp(attr->name, "id") == 0)
			n->id = attr->value;
	}
}

static int
add_node(struct html_tree *tree, size_t *cap, const GumboNode *node, size_t parent)
{
	struct html_node *n;

	if (grow((void **)&tree->nodes, cap, tree->len + 1, sizeof(*tree->nodes)) == -1)
		return -1;
	n = &tree->nodes[tree->len++];
	n->node = node;
	n->parent = parent;
	n->end = tree->len;
	n->is_text = node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE &&
	    node->type != GUMBO_NODE_DOCUMENT;
	n->tag = n->is_text || node->type == GUMBO_NODE_DOCUMENT ?
	    GUMBO_TAG_UNKNOWN : node->v.element.tag;
	n->cls = n->id = NULL;
	if (!n->is_text && node->type != GUMBO_NODE_DOCUMENT)
		find_class_and_id(&node->v.element.attributes, n);
	return 0;
}

int
html_tree_build(struct html_tree *tree, const GumboNode *root)
{
	struct frame *stack = NULL, *top;
	size_t depth = 0, stackcap = 0, cap = 0;
	const GumboVector *kids;
	const GumboNode *child;

	tree->nodes = NULL;
	tree->len = 0;
	if (add_node(tree, &cap, root, HTML_NO_NODE) == -1 ||
	    grow((void **)&stack, &stackcap, 1, sizeof(*stack)) == -1)
		goto fail;
	stack[depth++] = (struct frame){ root, 0, 0 };
	while (depth > 0) {
		top = &stack[depth - 1];
		kids = children_of(top->node);
		if (kids == NULL || top->next_child >= kids->length) {
			tree->nodes[top->index].end = tree->len;
			depth--;
			continue;
		}
		child = kids->data[top->next_child++];
		if (child->type == GUMBO_NODE_COMMENT)
			continue;
		if (add_node(tree, &cap, child, top->index) == -1 ||
		    grow((void **)&stack, &stackcap, depth + 1, sizeof(*stack)) == -1)
			goto fail;
		stack[depth++] = (struct frame){ child, tree->len - 1, 0 };
	}
	free(stack);
	return 0;
fail:
	free(stack);
	html_tree_free(tree);
	return -1;
}

void
html_tree_free(struct html_tree *tree)
{
	free(tree->nodes);
	tree->nodes = NULL;
	tree->len = 0;
}

const char *
html_attr(const struct html_tree *tree, size_t i, const char *name)
{
	const GumboNode *node = tree->nodes[i].node;
	const GumboAttribute *attr;

	if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE)
		return NULL;
	if (strcmp(name, "class") == 0)
		return tree->nodes[i].cls;
	if (strcmp(name, "id") == 0)
		return tree->nodes[i].id;
	attr = gumbo_get_attribute(&node->v.element.attributes, name);
	return attr != NULL ? attr->value : NULL;
}

const char *
html_text_of(const struct html_tree *tree, size_t i)
{
	if (!tree->nodes[i].is_text)
		return NULL;
	return tree->nodes[i].node->v.text.text;
}

int
html_tag_is_hidden_text(GumboTag tag)
{
	switch (tag) {
	case GUMBO_TAG_SCRIPT:
	case GUMBO_TAG_STYLE:
	case GUMBO_TAG_TEMPLATE:
	case GUMBO_TAG_NOSCRIPT:
	case GUMBO_TAG_NOEMBED:
	case GUMBO_TAG_NOFRAMES:
	case GUMBO_TAG_HEAD:
	case GUMBO_TAG_TITLE:
	case GUMBO_TAG_SELECT:
	case GUMBO_TAG_TEXTAREA:
	case GUMBO_TAG_IFRAME:
	case GUMBO_TAG_OBJECT:
	case GUMBO_TAG_SVG:
		return 1;
	default:
		return 0;
	}
}

int
html_append_text(const struct html_tree *tree, size_t i, const unsigned char *skip,
    struct buf *out)
{
	size_t j = i, end = tree->nodes[i].end;
	const char *text;

	while (j < end) {
		if ((skip != NULL && skip[j]) ||
		    (j != i && html_tag_is_hidden_text(tree->nodes[j].tag))) {
			j = tree->nodes[j].end;
			continue;
		}
		if ((text = html_text_of(tree, j)) != NULL &&
		    text_append_running(out, text, strlen(text)) == -1)
			return -1;
		if (tree->nodes[j].tag == GUMBO_TAG_BR && buf_append_char(out, ' ') == -1)
			return -1;
		j++;
	}
	return 0;
}

int
html_class_has(const struct html_tree *tree, size_t i, const char *const *words)
{
	const char *attrs[2] = { html_attr(tree, i, "class"), html_attr(tree, i, "id") };
	size_t a, k;

	for (a = 0; a < 2; a++)
		for (k = 0; attrs[a] != NULL && words[k] != NULL; k++)
			if (strcasestr(attrs[a], words[k]) != NULL)
				return 1;
	return 0;
}

size_t
html_find_tag(const struct html_tree *tree, size_t from, size_t to, GumboTag tag)
{
	size_t j;

	for (j = from; j < to; j++)
		if (tree->nodes[j].tag == tag)
			return j;
	return HTML_NO_NODE;
}

static int
is_cell_block(GumboTag tag)
{
	switch (tag) {
	case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
	case GUMBO_TAG_PRE: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_DL:
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
	case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
		return 1;
	default:
		return 0;
	}
}

static size_t
row_width(const struct html_tree *tree, size_t tr)
{
	size_t j, width = 0;
	const char *span;
	long n;

	for (j = tr + 1; j < tree->nodes[tr].end; j = tree->nodes[j].end) {
		if (tree->nodes[j].tag != GUMBO_TAG_TD && tree->nodes[j].tag != GUMBO_TAG_TH)
			continue;
		span = html_attr(tree, j, "colspan");
		n = span != NULL ? strtol(span, NULL, 10) : 1;
		width += n >= 1 && n <= 100 ? (size_t)n : 1;
	}
	return width;
}

void
html_table_shape(const struct html_tree *tree, size_t table, struct html_table_shape *shape)
{
	size_t j = table + 1, width;
	GumboTag tag;

	memset(shape, 0, sizeof(*shape));
	while (j < tree->nodes[table].end) {
		tag = tree->nodes[j].tag;
		if (tag == GUMBO_TAG_TABLE) {
			shape->nested = 1;
			j = tree->nodes[j].end;
			continue;
		}
		if (tag == GUMBO_TAG_TR) {
			shape->rows++;
			if ((width = row_width(tree, j)) > shape->cols)
				shape->cols = width;
		} else if (tag == GUMBO_TAG_TH || tag == GUMBO_TAG_THEAD ||
		    tag == GUMBO_TAG_TFOOT || tag == GUMBO_TAG_COL || tag == GUMBO_TAG_COLGROUP)
			shape->header_parts = 1;
		else if (tag == GUMBO_TAG_CAPTION && tree->nodes[j].end > j + 1)
			shape->caption = 1;
		else if (is_cell_block(tag))
			shape->block_cells = 1;
		j++;
	}
}
