#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "convert/document.h"
#include "convert/links.h"
#include "convert/textutil.h"

struct document *
document_new(void)
{
	return calloc(1, sizeof(struct document));
}

static void
block_free(struct doc_block *block)
{
	size_t i;

	for (i = 0; i < block->nlinks; i++) {
		free(block->links[i].url);
		free(block->links[i].label);
	}
	free(block->links);
	free(block->text);
	free(block->alt);
}

void
document_free(struct document *doc)
{
	size_t i;

	if (doc == NULL)
		return;
	for (i = 0; i < doc->nblocks; i++)
		block_free(&doc->blocks[i]);
	free(doc->blocks);
	free(doc->meta.title);
	free(doc->meta.date);
	free(doc->meta.author);
	free(doc->meta.lang);
	free(doc->meta.description);
	free(doc->meta.source_url);
	free(doc->meta.image);
	for (i = 0; i < doc->meta.ntags; i++)
		free(doc->meta.tags[i]);
	free(doc->meta.tags);
	free(doc);
}

struct doc_block *
document_add_block(struct document *doc, enum block_type type, int level, const char *text)
{
	struct doc_block *blocks, *block;
	size_t capacity;
	char *copy = NULL;

	if (text != NULL && (copy = strdup(text)) == NULL)
		return NULL;
	if (doc->nblocks == doc->capacity) {
		capacity = doc->capacity ? doc->capacity * 2 : 16;
		blocks = reallocarray(doc->blocks, capacity, sizeof(*blocks));
		if (blocks == NULL) {
			free(copy);
			return NULL;
		}
		doc->blocks = blocks;
		doc->capacity = capacity;
	}
	block = &doc->blocks[doc->nblocks++];
	memset(block, 0, sizeof(*block));
	block->type = type;
	block->level = level;
	block->text = copy;
	return block;
}

int
document_add_link(struct doc_block *block, const char *url, const char *label)
{
	struct doc_link *links;
	char *u, *l;

	u = strdup(url);
	l = strdup(label != NULL ? label : "");
	links = reallocarray(block->links, block->nlinks + 1, sizeof(*links));
	if (u == NULL || l == NULL || links == NULL) {
		free(u);
		free(l);
		if (links != NULL)
			block->links = links;
		return -1;
	}
	block->links = links;
	links[block->nlinks].url = u;
	links[block->nlinks].label = l;
	block->nlinks++;
	return 0;
}

int
document_set_meta(char **field, const char *value)
{
	char *copy = NULL;

	if (value != NULL && (copy = strdup(value)) == NULL)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

int
document_add_tag(struct document *doc, const char *tag)
{
	char **tags, *copy;
	size_t i;

	for (i = 0; i < doc->meta.ntags; i++)
		if (strcmp(doc->meta.tags[i], tag) == 0)
			return 0;
	if ((copy = strdup(tag)) == NULL)
		return -1;
	tags = reallocarray(doc->meta.tags, doc->meta.ntags + 1, sizeof(*tags));
	if (tags == NULL) {
		free(copy);
		return -1;
	}
	doc->meta.tags = tags;
	tags[doc->meta.ntags++] = copy;
	return 0;
}

int
document_add_link_from(struct doc_block *block, const struct link_resolver *links,
    const char *href, const char *label)
{
	char *url, *clean;
	size_t i;
	int rc;

	if (link_resolve(links, href, &url) == -1)
		return -1;
	if (url == NULL)
		return 0;
	for (i = 0; i < block->nlinks; i++) {
		if (strcmp(block->links[i].url, url) == 0) {
			free(url);
			return 0;
		}
	}
	clean = text_squeeze(label != NULL ? label : "", label != NULL ? strlen(label) : 0);
	if (clean != NULL && *clean == '\0') {
		free(clean);
		clean = link_label(url);
	}
	rc = clean == NULL ? -1 : document_add_link(block, url, clean);
	free(clean);
	free(url);
	return rc;
}

void
document_remove_block(struct document *doc, size_t i)
{
	if (i >= doc->nblocks)
		return;
	block_free(&doc->blocks[i]);
	memmove(&doc->blocks[i], &doc->blocks[i + 1],
	    (doc->nblocks - i - 1) * sizeof(*doc->blocks));
	doc->nblocks--;
}

/* Letters and digits only, so "The *title*" repeats "The title". */
static int
same_words(const char *a, const char *b)
{
	for (;;) {
		while (*a != '\0' && !isalnum((unsigned char)*a) && (unsigned char)*a < 0x80)
			a++;
		while (*b != '\0' && !isalnum((unsigned char)*b) && (unsigned char)*b < 0x80)
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

int
document_repeats_title(const struct doc_block *block, const char *title)
{
	return block->type == BLOCK_HEADING && title != NULL && block->text != NULL &&
	    same_words(block->text, title);
}
