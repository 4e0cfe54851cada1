#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/gemtext.h"
#include "convert/links.h"
#include "convert/date.h"
#include "convert/textutil.h"
#include "util/buf.h"

#define ZWSP "\xe2\x80\x8b"
#define MIDDLE_DOT "\xc2\xb7"
#define DOT_SEPARATOR " " MIDDLE_DOT " "

/* Whether a text line would be read as something else by a client. */
static int
reads_as_markup(const char *s, size_t len)
{
	return (len >= 2 && strncmp(s, "=>", 2) == 0) || (len >= 2 && strncmp(s, "* ", 2) == 0) ||
	    (len >= 1 && (s[0] == '#' || s[0] == '>')) || (len >= 3 && strncmp(s, "```", 3) == 0);
}

/* Append s as the rest of one line: line breaks and tabs become spaces. */
static void
append_flat(struct buf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n' || s[i] == '\t' || s[i] == '\r')
			buf_append_char(out, ' ');
		else
			buf_append_char(out, s[i]);
	}
}

static void
append_text_line(struct buf *out, const char *prefix, const char *s, size_t len)
{
	buf_append_str(out, prefix);
	if (*prefix == '\0' && reads_as_markup(s, len))
		buf_append_str(out, ZWSP);
	append_flat(out, s, len);
	buf_append_char(out, '\n');
}

/* One output line per line of text, each with prefix. */
static void
append_lines(struct buf *out, const char *prefix, const char *text)
{
	const char *line = text, *nl;
	size_t len;

	while (*line != '\0') {
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		if (len > 0)
			append_text_line(out, prefix, line, len);
		line += len + (nl != NULL);
	}
}

static void
append_link(struct buf *out, const struct doc_link *link)
{
	const char *u;

	if (*link->url == '\0')
		return;
	buf_append_str(out, "=> ");
	for (u = link->url; *u != '\0'; u++) {
		if (*u == ' ')
			buf_append_str(out, "%20");
		else if ((unsigned char)*u > ' ' && *u != 0x7f)
			buf_append_char(out, *u);
	}
	if (*link->label != '\0') {
		buf_append_char(out, ' ');
		append_flat(out, link->label, strlen(link->label));
	}
	buf_append_char(out, '\n');
}

static int
is_filler_byte(unsigned char c)
{
	return c == ' ' || c == '|' || c == ',' || c == ';' || c == ':' || c == '-' ||
	    c == '/' || c == '.' || c == '(' || c == ')' || c == '[' || c == ']' ||
	    c >= 0x80;
}

/* A block whose text is nothing but its link labels becomes link lines
 * alone (conversion.md §3): blank the labels out, see what is left. */
static int
text_is_only_links(const struct doc_block *block)
{
	static const char *const separators[] = { MIDDLE_DOT, "\xe2\x80\xa2", "\xe2\x80\x94",
	    "\xe2\x80\x93", NULL };
	char *rest, *hit;
	size_t i, j, n;
	int only = 1;

	if (block->nlinks == 0 || (rest = strdup(block->text)) == NULL)
		return 0;
	for (i = 0; i < block->nlinks; i++) {
		if (*block->links[i].label == '\0')
			continue;
		if ((hit = strstr(rest, block->links[i].label)) != NULL)
			memset(hit, ' ', strlen(block->links[i].label));
	}
	for (j = 0; rest[j] != '\0' && only; j++) {
		/* Multi-byte characters left over are text unless they are
		 * separators like the middle dot or a bullet. */
		if ((unsigned char)rest[j] >= 0x80) {
			if ((n = text_prefix_in_list(rest + j, separators)) > 0)
				j += n - 1;
			else
				only = 0;
		} else if (!is_filler_byte((unsigned char)rest[j]) && rest[j] != '\n') {
			only = 0;
		}
	}
	free(rest);
	return only;
}

static void
append_preformatted(struct buf *out, const struct doc_block *block)
{
	const char *line = block->text, *nl;
	size_t len, total = strlen(block->text);

	while (total > 0 && block->text[total - 1] == '\n')
		total--;
	buf_append_str(out, "```");
	if (block->alt != NULL)
		append_flat(out, block->alt, strlen(block->alt));
	buf_append_char(out, '\n');
	while (line < block->text + total) {
		nl = memchr(line, '\n', (size_t)(block->text + total - line));
		len = nl != NULL ? (size_t)(nl - line) : (size_t)(block->text + total - line);
		if (len >= 3 && strncmp(line, "```", 3) == 0)
			buf_append_str(out, ZWSP);
		buf_append(out, line, len);
		buf_append_char(out, '\n');
		line += len + 1;
	}
	buf_append_str(out, "```\n");
}

static void
append_heading(struct buf *out, const struct doc_block *block, int has_title)
{
	int level = block->level;

	if (level < 1)
		level = 1;
	if (level == 1 && has_title)
		level = 2;
	if (level > 3)
		level = 3;
	buf_append(out, "###", (size_t)level);
	buf_append_char(out, ' ');
	append_flat(out, block->text, strlen(block->text));
	buf_append_char(out, '\n');
}

static void
append_block(struct buf *out, const struct doc_block *block, int has_title)
{
	size_t i;

	switch (block->type) {
	case BLOCK_HEADING:
		if (block->text != NULL && *block->text != '\0')
			append_heading(out, block, has_title);
		break;
	case BLOCK_PARAGRAPH:
		if (block->text != NULL && !text_is_only_links(block))
			append_lines(out, "", block->text);
		break;
	case BLOCK_LIST_ITEM:
		if (block->text != NULL && *block->text != '\0')
			append_text_line(out, "* ", block->text, strlen(block->text));
		break;
	case BLOCK_QUOTE:
		if (block->text != NULL)
			append_lines(out, "> ", block->text);
		break;
	case BLOCK_PREFORMATTED:
		if (block->text != NULL)
			append_preformatted(out, block);
		break;
	case BLOCK_LINK:
		break;
	}
	for (i = 0; i < block->nlinks; i++)
		append_link(out, &block->links[i]);
}

/* Runs of list items and quotes stay together; other blocks are set
 * apart by one blank line. */
static int
joins_previous(const struct doc_block *prev, const struct doc_block *block)
{
	if (prev == NULL || prev->type != block->type)
		return 0;
	return block->type == BLOCK_LIST_ITEM || block->type == BLOCK_QUOTE;
}

/* "# Title", then "By Author · 2014-02-03" (conversion.md §3). */
static void
append_head(struct buf *out, const struct doc_meta *meta)
{
	int have_author = meta->author != NULL && *meta->author != '\0';
	int have_date = meta->date != NULL && *meta->date != '\0';

	if (meta->title != NULL && *meta->title != '\0') {
		buf_append_str(out, "# ");
		append_flat(out, meta->title, strlen(meta->title));
		buf_append_char(out, '\n');
	}
	if (have_author) {
		buf_append_str(out, "By ");
		append_flat(out, meta->author, strlen(meta->author));
		if (have_date)
			buf_append_str(out, DOT_SEPARATOR);
	}
	/* The day is what readers want; the time stays in the metadata. */
	if (have_date)
		buf_append(out, meta->date, strlen(meta->date) >= 10 ? 10 : strlen(meta->date));
	if (have_author || have_date)
		buf_append_char(out, '\n');
}

static char *
write_gemtext(const struct document *doc, size_t *len, int with_head)
{
	struct buf out = BUF_INIT;
	const struct doc_block *prev = NULL, *block;
	size_t i, before, mark;
	int has_title = doc->meta.title != NULL && *doc->meta.title != '\0';

	if (with_head)
		append_head(&out, &doc->meta);
	for (i = 0; i < doc->nblocks; i++) {
		block = &doc->blocks[i];
		/* Every heading that would come first and repeats the title
		 * goes: dropping only one would leave the next one first. */
		if (prev == NULL && document_repeats_title(block, doc->meta.title))
			continue;
		before = out.len;
		if (out.len > 0 && !joins_previous(prev, block))
			buf_append_char(&out, '\n');
		mark = out.len;
		append_block(&out, block, has_title);
		if (out.len == mark) {
			/* Nothing written: take back the separator. */
			buf_truncate(&out, before);
			continue;
		}
		prev = block;
	}
	/* The page around the article (navigation, the way back to the
	 * archive) is the site's to write, not the article's. */
	if (doc->meta.source_url != NULL && url_is_linkable(doc->meta.source_url)) {
		struct doc_link source = { doc->meta.source_url, "Original article" };

		if (out.len > 0)
			buf_append_char(&out, '\n');
		append_link(&out, &source);
	}
	if (out.failed) {
		buf_free(&out);
		return NULL;
	}
	return buf_release(&out, len);
}

char *
convert_write_gemtext(const struct document *doc, size_t *len)
{
	return write_gemtext(doc, len, 1);
}

char *
convert_write_gemtext_body(const struct document *doc, size_t *len)
{
	return write_gemtext(doc, len, 0);
}

struct gemtext_reader {
	struct document *doc;
	struct link_resolver links;
	struct buf pre;       /* preformatted text being collected */
	char *pre_alt;
	int in_pre;
	int seen_title;
	int after_title;      /* the previous line was the title */
	size_t link_owner;    /* link lines right under a block belong to it */
	int has_link_owner;
};

static int
add_text_block(struct gemtext_reader *r, enum block_type type, int level,
    const char *s, size_t len)
{
	struct buf text = BUF_INIT;
	int rc = 0;

	text_append_running(&text, s, len);
	text_trim_lines(&text);
	if (text.failed)
		rc = -1;
	else if (text.len > 0 && document_add_block(r->doc, type, level, text.data) == NULL)
		rc = -1;
	else if (text.len > 0 && type != BLOCK_HEADING) {
		r->link_owner = r->doc->nblocks - 1;
		r->has_link_owner = 1;
	}
	buf_free(&text);
	return rc;
}

static int
add_link_line(struct gemtext_reader *r, const char *s, size_t len)
{
	struct doc_block *block;
	char *url, *label;
	size_t start = 2, end;
	int rc, created = 0;

	while (start < len && (s[start] == ' ' || s[start] == '\t'))
		start++;
	end = start;
	while (end < len && s[end] != ' ' && s[end] != '\t')
		end++;
	if (end == start)
		return 0;
	url = strndup(s + start, end - start);
	label = text_squeeze(s + end, len - end);
	/* A run of link lines is one block, the block above's when there is one. */
	if (r->has_link_owner) {
		block = &r->doc->blocks[r->link_owner];
	} else if ((block = document_add_block(r->doc, BLOCK_LINK, 0, NULL)) != NULL) {
		r->link_owner = r->doc->nblocks - 1;
		r->has_link_owner = 1;
		created = 1;
	}
	rc = (url == NULL || label == NULL || block == NULL) ? -1 :
	    document_add_link_from(block, &r->links, url, label);
	if (rc == 0 && created && block->nlinks == 0) {
		document_remove_block(r->doc, r->doc->nblocks - 1);
		r->has_link_owner = 0;
	}
	free(url);
	free(label);
	return rc;
}

/* The author of "By Jane Doe", as the writer wrote it: read back as it
 * is, never cleaned, so that a round trip changes nothing.  NULL when
 * line is not a short byline. */
static char *
written_byline(const char *line)
{
	size_t len, words = 0, i;

	line += strspn(line, " \t");
	if (strncasecmp(line, "by ", 3) != 0)
		return NULL;
	line += 3;
	line += strspn(line, " \t");
	len = strlen(line);
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0 || len > 80 || line[len - 1] == '.')
		return NULL;
	for (i = 0; i < len; i++)
		if (i == 0 || (line[i - 1] == ' ' && line[i] != ' '))
			words++;
	return words <= 8 ? strndup(line, len) : NULL;
}

/* "By Author · 2014-02-03" under the title, as convert_write_gemtext()
 * writes it (either order is read).  Returns 1 when the line was that, 0 when not, -1 on error. */
static int
read_date_line(struct gemtext_reader *r, const char *s, size_t len)
{
	char *line, *parts[2], *sep, *author = NULL, date[DATE_MAX];
	size_t nparts = 1, i;
	int have_date = 0, ok = 1;

	if ((line = text_squeeze(s, len)) == NULL)
		return -1;
	parts[0] = line;
	/* More than one middle dot is ambiguous: an ordinary text line. */
	if ((sep = strstr(line, MIDDLE_DOT)) != NULL && strstr(sep + 1, MIDDLE_DOT) != NULL)
		ok = 0;
	if (ok && (sep = strstr(line, DOT_SEPARATOR)) != NULL) {
		*sep = '\0';
		parts[nparts++] = sep + strlen(DOT_SEPARATOR);
	}
	for (i = 0; i < nparts && ok; i++) {
		if (strstr(parts[i], MIDDLE_DOT) != NULL)
			ok = 0;
		else if (!have_date && date_parse(parts[i], date) == 0)
			have_date = 1;
		else if (author == NULL)
			ok = (author = written_byline(parts[i])) != NULL;
		else
			ok = 0;
	}
	if (ok && have_date && document_set_meta(&r->doc->meta.date, date) == -1)
		ok = -1;
	if (ok == 1 && author != NULL && document_set_meta(&r->doc->meta.author, author) == -1)
		ok = -1;
	free(author);
	free(line);
	return ok;
}

static int
end_preformatted(struct gemtext_reader *r)
{
	struct doc_block *block = NULL;
	int rc = 0;

	r->in_pre = 0;
	if (r->pre.failed)
		rc = -1;
	else if ((block = document_add_block(r->doc, BLOCK_PREFORMATTED, 0,
	    r->pre.len > 0 ? r->pre.data : "")) == NULL)
		rc = -1;
	else if (r->pre_alt != NULL && *r->pre_alt != '\0')
		rc = document_set_meta(&block->alt, r->pre_alt);
	if (block != NULL) {
		r->link_owner = r->doc->nblocks - 1;
		r->has_link_owner = 1;
	}
	buf_free(&r->pre);
	free(r->pre_alt);
	r->pre_alt = NULL;
	return rc;
}

static int
read_heading(struct gemtext_reader *r, const char *s, size_t len)
{
	size_t level = 0;
	char *title;
	int rc;

	while (level < len && level < 3 && s[level] == '#')
		level++;
	if (level == 1 && !r->seen_title) {
		if ((title = text_squeeze(s + 1, len - 1)) == NULL)
			return -1;
		/* An empty "#" is no title: the writer would not write it, and
		 * a later "# " line would then read back as the title. */
		rc = 0;
		if (*title != '\0') {
			r->seen_title = 1;
			r->after_title = 1;
			rc = document_set_meta(&r->doc->meta.title, title);
		}
		free(title);
		return rc;
	}
	return add_text_block(r, BLOCK_HEADING, (int)level, s + level, len - level);
}

static int
read_line(struct gemtext_reader *r, const char *s, size_t len)
{
	int after_title = r->after_title, rc;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len >= 3 && strncmp(s, "```", 3) == 0) {
		if (r->in_pre)
			return end_preformatted(r);
		r->in_pre = 1;
		r->after_title = 0;
		r->pre_alt = text_squeeze(s + 3, len - 3);
		return r->pre_alt == NULL ? -1 : 0;
	}
	if (r->in_pre) {
		text_append_verbatim(&r->pre, s, len);
		buf_append_char(&r->pre, '\n');
		return 0;
	}
	/* The date line is right under the title, as the writer puts it. */
	r->after_title = 0;
	if (len == 0) {
		r->has_link_owner = 0;
		return 0;
	}
	if (len < 2 || strncmp(s, "=>", 2) != 0)
		r->has_link_owner = 0;
	if (s[0] == '#')
		return read_heading(r, s, len);
	if (len >= 2 && strncmp(s, "=>", 2) == 0)
		return add_link_line(r, s, len);
	if (len >= 2 && strncmp(s, "* ", 2) == 0)
		return add_text_block(r, BLOCK_LIST_ITEM, 0, s + 2, len - 2);
	if (s[0] == '>')
		return add_text_block(r, BLOCK_QUOTE, 0, s + 1, len - 1);
	if (after_title && (rc = read_date_line(r, s, len)) != 0)
		return rc < 0 ? -1 : 0;
	return add_text_block(r, BLOCK_PARAGRAPH, 0, s, len);
}

struct document *
gemtext_read(const char *data, size_t len, const struct convert_options *options)
{
	struct gemtext_reader r;
	const char *line = data, *end = data + len, *nl;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	link_resolver_init(&r.links, options, 1);
	r.links.gemini_relative = 1;
	if ((r.doc = document_new()) == NULL)
		return NULL;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		line += 3;
	while (line < end && rc == 0) {
		nl = memchr(line, '\n', (size_t)(end - line));
		rc = read_line(&r, line, nl != NULL ? (size_t)(nl - line) : (size_t)(end - line));
		line = nl != NULL ? nl + 1 : end;
	}
	/* An unclosed preformatted block runs to the end (gemtext spec). */
	if (rc == 0 && r.in_pre)
		rc = end_preformatted(&r);
	buf_free(&r.pre);
	free(r.pre_alt);
	if (rc != 0) {
		document_free(r.doc);
		return NULL;
	}
	return r.doc;
}
