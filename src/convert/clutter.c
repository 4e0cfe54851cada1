#include <stdlib.h>
#include <string.h>

#include "convert/clutter.h"
#include "convert/textutil.h"
#include "util/buf.h"

/* Only blocks this short are judged by their words. */
#define CLUTTER_MAX 200
/* Breadcrumbs and promoted links have at most this many words a link. */
#define CRUMB_MAX_WORDS 5
/* The article's header ends at its first paragraph this long. */
#define PROSE_MIN 80

/* Prompts, messages and boilerplate, by how the block starts. */
static const char *const boilerplate[] = {
	/* newsletter and app prompts */
	"sign up for", "sign up to", "subscribe",
	"get the app", "download the app", "download our app", "click here to get",
	"click here to download", "click here to sign", "get our newsletter",
	"breaking news emails", "get breaking news", "abonnez-vous", "inscrivez-vous",
	"newsletter abonnieren", "jetzt abonnieren", "suscríbete", "iscriviti", "assine",
	"подпишитесь", "přihlaste se k odběru",
	/* share prompts */
	"like this story", "share this", "share on", "share it with", "follow us on",
	"tweet this", "click to share",
	/* video players */
	"media playback is unsupported", "this video can not be played",
	"this video cannot be played", "your browser does not support", "video unavailable",
	"please enable javascript", "now playing", "watch this:", "reproduciendo:",
	/* advertisement labels */
	"advertisement", "story continues below", "article continues below",
	"continue reading below", "scroll to continue", "anzeige", "publicité", "publicidad",
	"pubblicità", "реклама",
	/* copyright and citation */
	"©", "copyright ©", "copyright 19", "copyright 20", "all rights reserved",
	"this material may not be published", "cite this article", "citation:", NULL,
};

/* Blocks that announce other articles, whose headlines follow. */
static const char *const related[] = {
	"more from", "more great", "more stories", "more on this", "read more", "read also",
	"also read", "related", "also on", "you may also like", "you might also like",
	"recommended", "most read", "most popular", "trending", "top stories", "editor's picks",
	"leggi anche", "leggi pure", "lesen sie auch", "mehr zum thema", "lire aussi",
	"à lire aussi", "lea también", "lee también", "leia também", "leia mais",
	"читайте также", "также читайте", "čtěte také", "přečtěte si také", "przeczytaj też",
	"lees ook", NULL,
};

/* First words of breadcrumbs. */
static const char *const home_words[] = {
	"home", "homepage", "home page", "startseite", "accueil", "inicio", "início", "главная",
	"domů", "strona główna", "hem", NULL,
};

/* The block's text in lower case without leading marks, in b. */
static const char *
lowered(const char *text, struct buf *b)
{
	static const char *const marks[] = { "–", "—", "•", "·", "»", "▶", "►", NULL };
	size_t k;

	buf_truncate(b, 0);
	for (k = 0; marks[k] != NULL;) {
		text += strspn(text, " -*>|:");
		if (strncmp(text, marks[k], strlen(marks[k])) == 0) {
			text += strlen(marks[k]);
			k = 0;
		} else {
			k++;
		}
	}
	if (text_append_lower(b, text, strlen(text)) == -1 || buf_append(b, "", 0) == -1)
		return "";
	return b->data;
}

static int
starts_with_any(const char *s, const char *const *list)
{
	size_t k, n;

	for (k = 0; list[k] != NULL; k++) {
		n = strlen(list[k]);
		/* A whole word or phrase: "related" but not "relatedness". */
		if (strncmp(s, list[k], n) == 0 && (s[n] == '\0' || strchr(" :,.!?-–|»", s[n]) ||
		    (unsigned char)list[k][n - 1] >= 0x80))
			return 1;
	}
	return 0;
}

/* "3 of 12", "Photo 3/12", "Bild 3 von 12": a gallery counter. */
static int
is_counter(const char *s)
{
	static const char *const joins[] = { "of", "/", "von", "de", "sur", "di", "из", "z",
	    "van", NULL };
	size_t k, n;

	s += strcspn(s, "0123456789");
	if (*s == '\0')
		return 0;
	s += strspn(s, "0123456789");
	s += strspn(s, " ");
	for (k = 0; joins[k] != NULL; k++) {
		n = strlen(joins[k]);
		if (strncmp(s, joins[k], n) == 0) {
			s += n + strspn(s + n, " ");
			n = strspn(s, "0123456789");
			return n > 0 && s[n + strspn(s + n, " ")] == '\0';
		}
	}
	return 0;
}

int
clutter_is_boilerplate(const char *text)
{
	struct buf b = BUF_INIT;
	const char *s;
	int found;

	if (strlen(text) > CLUTTER_MAX)
		return 0;
	s = lowered(text, &b);
	found = starts_with_any(s, boilerplate) || (is_counter(s) && strlen(s) < 30);
	buf_free(&b);
	return found;
}

static size_t
count_words(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s += strcspn(s, " ")) {
		s += strspn(s, " ");
		n += *s != '\0';
	}
	return n;
}

/* Whether the block says nothing but its links' labels (a headline list). */
static int
is_link_block(const struct doc_block *block)
{
	size_t k, labels = 0;

	if (block->type == BLOCK_LINK)
		return block->nlinks > 0;
	if (block->nlinks == 0 || block->text == NULL || block->type == BLOCK_HEADING)
		return 0;
	for (k = 0; k < block->nlinks; k++)
		labels += strlen(block->links[k].label);
	return strlen(block->text) <= labels + 3 * block->nlinks;
}

/* A link standing alone that promotes the site: written in capitals
 * ("CLICK HERE TO GET THE FOX NEWS APP") or worded as a prompt. */
static int
is_promoted_link(const struct doc_block *block)
{
	const char *label, *p;

	if (block->nlinks != 1 || !is_link_block(block) || block->type == BLOCK_LIST_ITEM)
		return 0;
	label = block->links[0].label;
	if (clutter_is_boilerplate(label))
		return 1;
	if (count_words(label) < 3)
		return 0;
	for (p = label; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			return 0;
	return 1;
}

/* The breadcrumb list at the top of the article: short links, the first
 * the home page ("1. Home 2. News 3. Science & Astronomy").  Returns how
 * many blocks from i it takes, 0 when there is none. */
static size_t
breadcrumb_at(const struct document *doc, size_t i)
{
	struct buf b = BUF_INIT;
	const struct doc_block *block = &doc->blocks[i];
	const char *first;
	size_t n = 0;
	int home;

	if (block->type == BLOCK_LINK && block->nlinks > 0)
		first = block->links[0].label;
	else if (block->type == BLOCK_LIST_ITEM && block->text != NULL)
		first = block->text;
	else
		return 0;
	/* "1. Home" of an ordered list. */
	first += strspn(first, "0123456789. ");
	home = text_in_list(lowered(first, &b), home_words);
	buf_free(&b);
	if (!home)
		return 0;
	while (i + n < doc->nblocks && doc->blocks[i + n].type == block->type &&
	    (block->type == BLOCK_LINK ||
	    count_words(doc->blocks[i + n].text) <= CRUMB_MAX_WORDS + 1))
		n++;
	return n;
}

/* "Lesen Sie auch: …": a colon among the first words. */
static int
has_colon_after(const char *text)
{
	const char *colon = strchr(text, ':');

	return colon != NULL && colon - text < 30;
}

/* A heading or short line announcing other articles, and the headlines
 * after it.  Returns how many blocks from i it takes, 0 when none. */
static size_t
related_at(const struct document *doc, size_t i)
{
	struct buf b = BUF_INIT;
	const struct doc_block *block = &doc->blocks[i];
	size_t n = 1;
	int announces;

	if (block->text == NULL || strlen(block->text) > CLUTTER_MAX ||
	    (block->type != BLOCK_HEADING && block->type != BLOCK_PARAGRAPH))
		return 0;
	announces = starts_with_any(lowered(block->text, &b), related);
	buf_free(&b);
	if (!announces)
		return 0;
	/* "Read more: <a>Headline</a>" is itself the teaser (its link may
	 * have gone, relative to an unknown site). */
	if (block->type == BLOCK_PARAGRAPH && (block->nlinks > 0 || has_colon_after(block->text)))
		return 1;
	while (i + n < doc->nblocks && is_link_block(&doc->blocks[i + n]))
		n++;
	return n > 1 ? n : 0;
}

static int
is_prose(const struct doc_block *block)
{
	return block->type == BLOCK_PARAGRAPH && block->text != NULL &&
	    strlen(block->text) >= PROSE_MIN;
}

void
clutter_clean(struct document *doc)
{
	size_t i = 0, n, k;
	int header = 1;

	while (i < doc->nblocks) {
		const struct doc_block *block = &doc->blocks[i];

		n = header ? breadcrumb_at(doc, i) : 0;
		if (n == 0)
			n = related_at(doc, i);
		if (n == 0 && (is_promoted_link(block) || (block->text != NULL &&
		    block->type != BLOCK_PREFORMATTED && clutter_is_boilerplate(block->text))))
			n = 1;
		header &= !is_prose(block);
		if (n == 0) {
			i++;
			continue;
		}
		for (k = 0; k < n; k++)
			document_remove_block(doc, i);
	}
}
