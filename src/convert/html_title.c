#include <stdlib.h>
#include <string.h>

#include "convert/html_extract.h"
#include "convert/html_meta.h"
#include "convert/textutil.h"

static size_t
word_count(const char *s)
{
	size_t n = 0;

	while (*s != '\0') {
		s += strspn(s, " \t\n");
		if (*s == '\0')
			break;
		n++;
		s += strcspn(s, " \t\n");
	}
	return n;
}

/* Length of a title separator (" | ", " - ", " – "...) at s, or 0. */
static size_t
separator_at(const char *s, int *hierarchical)
{
	static const char *const seps[] = { "|", "-", "\\", "/", ">", "\xc2\xbb",
	    "\xe2\x80\x93", "\xe2\x80\x94", NULL };
	size_t k, n;

	if (s[0] != ' ')
		return 0;
	for (k = 0; seps[k] != NULL; k++) {
		n = strlen(seps[k]);
		if (strncmp(s + 1, seps[k], n) == 0 && s[1 + n] == ' ') {
			*hierarchical = k >= 2 && k <= 5;
			return n + 2;
		}
	}
	return 0;
}

static int
is_title_heading(const struct html_tree *tree, const char *title)
{
	size_t i;
	char *text;
	int same = 0;

	for (i = 0; i < tree->len && !same; i++) {
		if (tree->nodes[i].tag != GUMBO_TAG_H1 && tree->nodes[i].tag != GUMBO_TAG_H2)
			continue;
		if ((text = html_meta_text(tree, i, 0)) == NULL)
			return 0;
		same = strcmp(text, title) == 0;
		free(text);
	}
	return same;
}

static char *
single_h1(const struct html_tree *tree)
{
	size_t i, found = HTML_NO_NODE;

	for (i = 0; i < tree->len; i++) {
		if (tree->nodes[i].tag != GUMBO_TAG_H1)
			continue;
		if (found != HTML_NO_NODE)
			return NULL;
		found = i;
	}
	return found == HTML_NO_NODE ? NULL : html_meta_text(tree, found, 0);
}

/* Readability's title cleaning, with the dashes of §4 as separators. */
static char *
cut_title(const struct html_tree *tree, const char *orig, int *hierarchical)
{
	size_t i, n, last = 0, first = 0, len = strlen(orig);
	const char *colon;
	char *cut, *h1;
	int h = 0, found = 0;

	for (i = 0; i < len; i++) {
		if ((n = separator_at(orig + i, &h)) == 0)
			continue;
		if (!found)
			first = i + n;
		found = 1;
		last = i;
		*hierarchical |= h;
	}
	if (found) {
		if ((cut = strndup(orig, last)) != NULL && word_count(cut) < 3) {
			free(cut);
			cut = strdup(orig + first);
		}
		return cut;
	}
	if ((colon = strstr(orig, ": ")) != NULL && !is_title_heading(tree, orig)) {
		cut = strdup(strrchr(orig, ':') + 1);
		if (cut != NULL && word_count(cut) < 3) {
			free(cut);
			cut = strdup(colon + 1);
		} else if (cut != NULL) {
			h1 = strndup(orig, (size_t)(colon - orig));
			if (h1 != NULL && word_count(h1) > 5) {
				free(cut);
				cut = strdup(orig);
			}
			free(h1);
		}
		return cut;
	}
	if ((len > 150 || len < 15) && (h1 = single_h1(tree)) != NULL)
		return h1;
	return strdup(orig);
}

/* Readability's cleaning of a <title> whose site name is not known:
 * cut at the last separator when enough words remain. */
static char *
readability_title(const struct html_tree *tree, const char *raw)
{
	char *orig, *cut, *clean, *stripped;
	int hierarchical = 0;
	size_t words, i, n = 0;

	if ((orig = text_squeeze(raw, strlen(raw))) == NULL)
		return NULL;
	if (*orig == '\0') {
		free(orig);
		return NULL;
	}
	cut = cut_title(tree, orig, &hierarchical);
	clean = cut != NULL ? text_squeeze(cut, strlen(cut)) : NULL;
	free(cut);
	if (clean == NULL || (stripped = strdup(orig)) == NULL) {
		free(clean);
		free(orig);
		return NULL;
	}
	for (i = 0; orig[i] != '\0'; i++)
		if (strchr("|-\\/>", orig[i]) == NULL)
			stripped[n++] = orig[i];
	stripped[n] = '\0';
	words = word_count(clean);
	if (words <= 4 && (!hierarchical || words + 1 != word_count(stripped))) {
		free(clean);
		clean = orig;
		orig = NULL;
	}
	free(stripped);
	free(orig);
	return clean;
}

/* JSON-LD's name or headline: the one like the page's title when they
 * differ; never one that is only the site's name. */
static const char *
jsonld_title(const struct html_meta *m, const char *page_title)
{
	const struct jsonld_article *ld = &m->ld;
	const char *name = ld->name, *headline = ld->headline;
	int name_matches, headline_matches;

	/* A video's name is not the page's title. */
	if (ld->rank == JSONLD_MEDIA)
		return NULL;
	if (name != NULL && html_meta_names_site(m, name))
		name = NULL;
	if (headline != NULL && html_meta_names_site(m, headline))
		headline = NULL;
	if (name != NULL && headline != NULL && strcmp(name, headline) != 0 &&
	    page_title != NULL) {
		name_matches = html_text_similarity(name, page_title) > 0.75;
		headline_matches = html_text_similarity(headline, page_title) > 0.75;
		return headline_matches && !name_matches ? headline : name;
	}
	return name != NULL ? name : headline;
}

static int
same_name(const char *a, const char *b)
{
	char *ka = text_key(a), *kb = text_key(b);
	int same = ka != NULL && kb != NULL && *ka != '\0' && strcmp(ka, kb) == 0;

	free(ka);
	free(kb);
	return same;
}

/* The part of title[0..len) before its last separator or after its first,
 * whichever names the site, cut off; 1 when something was cut. */
static int
cut_site_part(const struct html_meta *m, char *title, const char *author)
{
	size_t len = strlen(title), seplen, first_end = 0, first_len = 0, last = 0, last_len = 0;
	const char *p = title, *sep;
	char *part;
	int cut = 0;

	while ((sep = html_meta_separator(p, len - (size_t)(p - title), &seplen)) != NULL) {
		if (first_end == 0) {
			first_end = (size_t)(sep - title);
			first_len = seplen;
		}
		last = (size_t)(sep - title);
		last_len = seplen;
		p = sep + seplen;
	}
	if (first_end == 0)
		return 0;
	if ((part = strdup(title + last + last_len)) == NULL)
		return 0;
	if (html_meta_names_site(m, part) || (author != NULL && same_name(part, author))) {
		title[last] = '\0';
		cut = 1;
	}
	free(part);
	if (cut || (part = strndup(title, first_end)) == NULL)
		return cut;
	if (html_meta_names_site(m, part)) {
		memmove(title, title + first_end + first_len, len - first_end - first_len + 1);
		cut = 1;
	}
	free(part);
	return cut;
}

/* The first line of the JSON-LD people or the author meta: a title part
 * naming the author ("... - John C. Welch - Medium") is no headline. */
static char *
first_author(const struct html_meta *m)
{
	const char *people = m->ld.people;

	if (people != NULL)
		return strndup(people, strcspn(people, "\n"));
	return m->value[FIELD_AUTHOR] != NULL ? strdup(m->value[FIELD_AUTHOR]) : NULL;
}

/* The title with every leading or trailing part that names the site (or
 * the author) cut off, never all of it.  Returns how many parts went. */
static int
strip_site(const struct html_meta *m, char *title)
{
	char *author = first_author(m);
	int cuts = 0;

	while (cut_site_part(m, title, author))
		cuts++;
	free(author);
	return cuts;
}

/* The first <h1> with text, or NULL. */
static char *
first_h1(const struct html_tree *tree)
{
	size_t i;
	char *text;

	for (i = 0; i < tree->len; i++) {
		if (tree->nodes[i].tag != GUMBO_TAG_H1)
			continue;
		if ((text = html_meta_text(tree, i, 0)) == NULL || *text != '\0')
			return text;
		free(text);
	}
	return NULL;
}

/* The headline as the page shows it: when the title is the <h1> plus a
 * part set off by a separator, the <h1>. */
static void
prefer_h1(const struct html_tree *tree, char **title)
{
	char *h1 = first_h1(tree), *squeezed;
	size_t n, len = strlen(*title), seplen;
	const char *sep;

	squeezed = h1 != NULL ? text_squeeze(h1, strlen(h1)) : NULL;
	free(h1);
	if (squeezed == NULL)
		return;
	n = strlen(squeezed);
	/* The <h1> is the headline part, not the site's shorter one. */
	if (n > 0 && n < len && n > len - n && ((strncmp(*title, squeezed, n) == 0 &&
	    (sep = html_meta_separator(*title + n, len - n, &seplen)) == *title + n) ||
	    (strcmp(*title + len - n, squeezed) == 0 &&
	    (sep = html_meta_separator(*title, len - n, &seplen)) != NULL &&
	    sep + seplen == *title + len - n))) {
		free(*title);
		*title = squeezed;
		return;
	}
	free(squeezed);
}

static char *
clean_copy(const char *raw)
{
	char *title = NULL;

	if (raw != NULL && html_meta_set_clean(&title, raw) == -1)
		return NULL;
	return title;
}

/* A candidate title with the site cut off, or NULL when nothing is left
 * but the site's name.  *cuts counts the parts cut. */
static char *
site_free(const struct html_meta *m, const char *raw, int *cuts)
{
	char *title = clean_copy(raw);

	*cuts = 0;
	if (title == NULL)
		return NULL;
	*cuts = strip_site(m, title);
	if (*title == '\0' || html_meta_names_site(m, title)) {
		free(title);
		return NULL;
	}
	return title;
}

char *
html_meta_title(const struct html_meta *m)
{
	char *page = NULL, *title, *raw;
	int cuts;

	if (m->title != HTML_NO_NODE && (raw = html_meta_text(m->tree, m->title, 0)) != NULL) {
		page = clean_copy(raw);
		free(raw);
	}
	title = site_free(m, jsonld_title(m, page), &cuts);
	if (title == NULL)
		title = site_free(m, m->value[FIELD_TITLE], &cuts);
	if (title == NULL && page != NULL && (title = site_free(m, page, &cuts)) != NULL &&
	    cuts == 0) {
		raw = readability_title(m->tree, title);
		free(title);
		title = raw;
	}
	if (title == NULL)
		title = first_h1(m->tree);
	free(page);
	if (title != NULL && *title == '\0') {
		free(title);
		return NULL;
	}
	if (title != NULL)
		prefer_h1(m->tree, &title);
	return title;
}
