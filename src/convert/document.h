/*
 * The document model: every article reader (HTML, Markdown, plain text,
 * gemtext) produces one of these, and every writer (gemtext for Gemini,
 * reflowed text and menus for Gopher) consumes it.  Readers never write
 * output and writers never parse input, so each side can change alone.
 *
 * All strings are NUL-terminated UTF-8 owned by the document; free the
 * whole tree with document_free().
 */
#ifndef CAPSULED_CONVERT_DOCUMENT_H
#define CAPSULED_CONVERT_DOCUMENT_H

#include <stddef.h>

enum block_type {
	BLOCK_HEADING,      /* level 1..3 */
	BLOCK_PARAGRAPH,    /* one line of running text */
	BLOCK_LIST_ITEM,    /* one item; nesting already flattened */
	BLOCK_QUOTE,        /* one quoted paragraph */
	BLOCK_PREFORMATTED, /* text kept verbatim, may hold newlines; alt is the caption */
	BLOCK_LINK,         /* a link standing alone (image, figure, list of links) */
};

struct doc_link {
	char *url;   /* absolute, or a path on this server starting with '/' */
	char *label; /* never NULL; may be empty */
};

struct doc_block {
	enum block_type type;
	int level;             /* headings only: 1, 2 or 3 */
	char *text;            /* never NULL for text blocks; BLOCK_LINK: NULL */
	char *alt;             /* BLOCK_PREFORMATTED alt text, else NULL */
	struct doc_link *links; /* links found in this block, in order */
	size_t nlinks;
};

struct doc_meta {
	char *title;       /* NULL when unknown */
	char *date;        /* ISO 8601: "2014-02-03" or "2014-02-03T10:12:00"; "2014-02"
	                    * when only the month is known (from the path); NULL when unknown */
	char *author;
	char *lang;        /* BCP 47, e.g. "en"; NULL means the configured default */
	char *description;
	char *source_url;  /* where the article was first published */
	char *image;       /* the article's lead image (absolute URL), NULL when none */
	char **tags;       /* at most TAGS_MAX, cleaned (convert/tags.h) */
	size_t ntags;
};

struct document {
	struct doc_meta meta;
	struct doc_block *blocks;
	size_t nblocks;
	size_t capacity;
};

struct document *document_new(void);
void document_free(struct document *doc);

/* Append a block; text may be NULL for BLOCK_LINK.  Copies the strings.
 * Returns the block (valid until the next append) or NULL on allocation failure. */
struct doc_block *document_add_block(struct document *doc, enum block_type type,
    int level, const char *text);
/* Append a link to a block; copies the strings.  Returns 0 or -1. */
int document_add_link(struct doc_block *block, const char *url, const char *label);
/* Replace a metadata string (e.g. &doc->meta.title); copies value (NULL clears). */
int document_set_meta(char **field, const char *value);
int document_add_tag(struct document *doc, const char *tag);

struct link_resolver;

/* Add a link the way every reader must (conversion.md §3): href resolved
 * by links (convert/links.h), fragment-only, javascript: and data:
 * targets dropped, a target already in the block dropped, label cleaned
 * (the host and path when empty).  Returns 0 (also when the link was
 * dropped) or -1. */
int document_add_link_from(struct doc_block *block, const struct link_resolver *links,
    const char *href, const char *label);
/* Remove block i (e.g. a heading that became the title). */
void document_remove_block(struct document *doc, size_t i);
/* 1 when block is a heading with the words of title (case and
 * punctuation aside): a writer that shows the title leaves it out. */
int document_repeats_title(const struct doc_block *block, const char *title);

#endif
