#include <stdlib.h>
#include <string.h>

#include "convert/byline.h"
#include "convert/date.h"
#include "convert/textutil.h"
#include "util/buf.h"
#include "util/text.h"

/* A name has at most this many words; a byline at most this many names. */
#define NAME_MAX_WORDS 5
#define MAX_NAMES 8
#define BYLINE_LINE_MAX 120
#define WORDS_MAX 48

/* Words that introduce a byline, in the languages of the sites we meet. */
static const char *const label_words[] = {
	"by", "par", "von", "por", "di", "door", "av", "af", "text", "texto", "testo",
	"autor", "autore", "autorin", "autora", "author", "authors", "auteur", "auteurs",
	"written", "words", "story", "reporting", "reported", "posted", "published",
	"текст", "автор", "авторы", "tekst", "napsal", "napsala", "glosa", NULL,
};

/* Buttons and links that sit in bylines. */
static const char *const ui_words[] = {
	"follow", "following", "subscribe", "twitter", "facebook", "instagram", "linkedin",
	"email", "e-mail", "mail", "more", "bio", "contact", "profile", "view", "all", "posts",
	"articles", "stories", "read", "show", "see", "verified", "share", "tweet", "close",
	"rss", "x", "folgen", "suivre", "seguir", "segui", "подписаться", "updated", "update",
	"published", "posted", "aktualisiert", "veröffentlicht", "publié", "publicado",
	"pubblicato", NULL,
};

/* Job titles and desks: a name ends before them. */
static const char *const title_words[] = {
	"editor", "editors", "reporter", "reporters", "correspondent", "correspondents",
	"writer", "writers", "columnist", "contributor", "contributors", "technologist",
	"journalist", "journalists", "producer", "analyst", "director", "manager", "chief",
	"senior", "staff", "intern", "fellow", "photographer", "photojournalist", "critic",
	"host", "anchor", "presenter", "blogger", "researcher", "professor", "scientist",
	"founder", "ceo", "president", "strategist", "specialist", "expert", "coordinator",
	"officer", "counsel", "attorney", "lawyer", "economist", "commentator", "deputy",
	"associate", "assistant", "contributing", "managing", "executive", "freelance",
	"desk", "team", "bureau", "redakteur", "redakteurin", "korrespondent",
	"korrespondentin", "reporterin", "rédacteur", "rédactrice", "journaliste", "envoyé",
	"envoyée", "corresponsal", "periodista", "redactor", "redactora", "giornalista",
	"inviato", "inviata", "corrispondente", "jornalista", "correspondente", "redacteur",
	"verslaggever", "корреспондент", "журналист", "обозреватель", "редактор", "redaktor",
	"redaktorka", "zpravodaj", "zpravodajka", "기자", "특파원", "記者", "记者", NULL,
};

/* Words that qualify a job title ("Games Editor", "White House Correspondent"). */
static const char *const title_modifiers[] = {
	"games", "gaming", "sports", "sport", "politics", "political", "tech", "technology",
	"science", "health", "business", "entertainment", "digital", "foreign", "economics",
	"economy", "culture", "music", "film", "arts", "travel", "food", "fashion", "style",
	"security", "defence", "defense", "environment", "environmental", "climate",
	"education", "crime", "royal", "legal", "medical", "social", "media", "video",
	"audio", "photo", "special", "national", "international", "investigative", "white",
	"house", "world", "europe", "global", "local", "news", "breaking", "weekend",
	"features", "feature", "opinion", "data", "visual", "graphics", "copy", "night",
	"web", "online", "homepage", "markets", "finance", "financial", "consumer",
	"personal", "wire", "tv", "radio", "sr", "jr.", "staff", "senior", "chief", "deputy",
	"associate", "assistant", "contributing", "managing", "executive", "lead", "head",
	"the", NULL,
};

/* Words of organisations, not people. */
static const char *const org_words[] = {
	"news", "staff", "press", "agency", "associated", "reuters", "afp", "dpa", "ap",
	"bloomberg", "desk", "team", "bureau", "network", "radio", "tv", "television",
	"channel", "online", "insider", "service", "times", "post", "journal", "tribune",
	"herald", "gazette", "telegraph", "guardian", "daily", "weekly", "magazine", "media",
	"sport", "sports", "editorial", "editors", "newsroom", "redaktion", "rédaction",
	"redacción", "redazione", "redactie", "редакция", "inc", "ltd", "llc", "group",
	"company", "corporation", "foundation", "institute", "university", "the", NULL,
};

/* Lower-case words that belong inside a name. */
static const char *const particles[] = {
	"de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "du", "dos",
	"das", "bin", "ibn", "al", "el", "y", "e", "ten", "ter", "zu", "st.", NULL,
};

static const char *const conjunctions[] = {
	"and", "&", "und", "et", "y", "e", "i", "и", "og", "en", "och", "a", "with", "avec",
	"mit", "con", "com", "met", "с", NULL,
};

/* Degrees after a name ("Brenda Goodman, MA") end it like a title. */
static const char *const degrees[] = {
	"ma", "md", "phd", "ph.d", "mph", "rn", "msc", "bsc", "mba", "jd", "dds", "llm",
	"esq", "cpa", "facs", "mfa", NULL,
};

struct words {
	char *w[WORDS_MAX];
	size_t n;
};

/* Length of a quotation mark written in UTF-8 at s, or 0. */
static size_t
curly_quote_at(const char *s)
{
	static const char *const quotes[] = { "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x98",
	    "\xe2\x80\x99", "\xc2\xab", "\xc2\xbb", NULL };

	return text_prefix_in_list(s, quotes);
}

/* The lower-case form of word without the punctuation around it
 * ("(Henrique" -> "henrique", "Editor," -> "editor"), in a static-size buffer. */
static void
word_key(const char *word, char *key, size_t size)
{
	struct buf b = BUF_INIT;
	size_t start = 0, len = strlen(word), n, k;

	for (;;) {
		if (word[start] != '\0' && strchr("([\"',;:|", word[start]) != NULL)
			start++;
		else if ((n = curly_quote_at(word + start)) > 0)
			start += n;
		else
			break;
	}
	for (;;) {
		if (len > start && strchr(")]\"',;:|.", word[len - 1]) != NULL) {
			len--;
			continue;
		}
		for (k = 2; k <= 3 && len >= start + k; k++)
			if (curly_quote_at(word + len - k) == k)
				break;
		if (k > 3 || len < start + k)
			break;
		len -= k;
	}
	/* "Jr." and "St." keep their dot. */
	if (len > start && word[len] == '.' && len - start <= 2)
		len++;
	key[0] = '\0';
	if (text_append_lower(&b, word + start, len - start) == 0 && b.len > 0 && b.len < size) {
		memcpy(key, b.data, b.len);
		key[b.len] = '\0';
	}
	buf_free(&b);
}

static int
word_in(const char *word, const char *const *list)
{
	char key[64];

	word_key(word, key, sizeof(key));
	return key[0] != '\0' && text_in_list(key, list);
}

/* Whether the word could start a name: a capital, or a letter of a
 * script without case, after any opening punctuation. */
static int
is_name_word(const char *word)
{
	const unsigned char *p = (const unsigned char *)word + strspn(word, "([\"'“‘");
	uint32_t cp;

	if (*p == '\0')
		return 0;
	if (*p < 0x80)
		return *p >= 'A' && *p <= 'Z';
	utf8_next_lossy((const char *)p, strlen((const char *)p), &cp);
	/* Small letters of Latin-1, Latin Extended-A and Cyrillic are no start. */
	if ((cp >= 0xdf && cp <= 0xff) || (cp >= 0x430 && cp <= 0x45f))
		return 0;
	if (cp >= 0x100 && cp <= 0x17f) {
		struct buf b = BUF_INIT;
		int lower;

		text_append_lower(&b, (const char *)p, 2);
		lower = b.len == 2 && memcmp(b.data, p, 2) == 0;
		buf_free(&b);
		return !lower;
	}
	return 1;
}

static void
split_words(char *s, struct words *w)
{
	char *save = NULL, *tok;

	w->n = 0;
	for (tok = strtok_r(s, " ", &save); tok != NULL && w->n < WORDS_MAX;
	    tok = strtok_r(NULL, " ", &save))
		w->w[w->n++] = tok;
}

/* Whether one line of a byline is something else: a date, a time, a
 * handle, a link, a button, or no letters at all. */
static int
is_noise_line(const char *line)
{
	char date[DATE_MAX], copy[BYLINE_LINE_MAX * 4];
	struct words w;
	const char *p;
	size_t k;

	if (*line == '\0' || *line == '@' || strstr(line, "://") != NULL ||
	    date_parse(line, date) == 0 || (*line >= '0' && *line <= '9'))
		return 1;
	for (p = line; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80 || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
			break;
	if (*p == '\0' || strlen(line) >= sizeof(copy))
		return *p == '\0';
	strcpy(copy, line);
	split_words(copy, &w);
	for (k = 0; k < w.n; k++)
		if (!word_in(w.w[k], ui_words))
			return 0;
	return 1;
}

/* Append s with parentheses made separate words: "(avec Damien Leloup
 * et Morgane Tual)" sets off names as "|" does. */
static void
append_spaced(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '(' || *s == ')')
			buf_append_str(out, " | ");
		else
			buf_append_char(out, *s);
	}
}

/* The lines of text that are not noise, joined with spaces. */
static int
join_lines(const char *text, struct buf *out)
{
	const char *line = text, *nl;
	char *clean;
	size_t len;

	while (*line != '\0') {
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		if ((clean = text_squeeze(line, len)) == NULL)
			return -1;
		if (!is_noise_line(clean)) {
			if (out->len > 0)
				buf_append_char(out, ' ');
			append_spaced(out, clean);
		}
		free(clean);
		line += len + (nl != NULL);
	}
	return buf_append(out, "", 0);
}

/* Where the names start: after a leading label ("By", "Written by",
 * "Text:"), or after a "by" among the first words ("Tech Industry by
 * Steven Musil"). */
static size_t
skip_label(const struct words *w)
{
	size_t k, start = 0, len;
	char key[64];
	int seen_by = 0;

	for (k = 0; k < w->n && k < 6; k++) {
		word_key(w->w[k], key, sizeof(key));
		len = strlen(w->w[k]);
		if ((strcmp(key, "by") == 0 && !seen_by) || (k == start && text_in_list(key, label_words))) {
			start = k + 1;
			seen_by |= strcmp(key, "by") == 0;
		}
		else if (k < 3 && len > 1 && w->w[k][len - 1] == ':')
			start = k + 1;
	}
	return start;
}

/* Whether word separates two parts of a byline (a name from the next, or
 * from a title); *after is set when it also belongs to the part before
 * ("Doe," ends its part but is a name's word). */
static int
ends_part(const char *word, int *after)
{
	static const char *const marks[] = { "|", "/", "-", "–", "—", "·", "•", ",", ";", NULL };
	size_t len = strlen(word);

	*after = 0;
	if (text_in_list(word, marks) || word_in(word, conjunctions))
		return 1;
	*after = len > 1 && (word[len - 1] == ',' || word[len - 1] == ';');
	return *after;
}

/* Whether the word may close a name: buttons, calendar words and small
 * letters may not. */
static int
is_trailing_noise(const char *word)
{
	char key[64];

	word_key(word, key, sizeof(key));
	return text_in_list(key, ui_words) || date_word_is_calendar(key) || !is_name_word(word) ||
	    text_in_list(key, particles);
}

/* The name in a part words[*from..to): leading buttons go (*from moves
 * past them), trailing noise goes, a job title and the words that qualify
 * it go.  Returns the name's word count, 0 when the part holds no name;
 * *titled is set when it holds a title. */
static size_t
name_in_part(const struct words *w, size_t *from, size_t to, int *titled)
{
	size_t k, end = to, labels;

	*titled = 0;
	while (*from < to && word_in(w->w[*from], ui_words))
		(*from)++;
	for (k = *from; k < to && !*titled; k++)
		if (word_in(w->w[k], title_words) || (k > *from && word_in(w->w[k], degrees))) {
			end = k;
			*titled = 1;
		}
	while (*titled && end > *from && word_in(w->w[end - 1], title_modifiers))
		end--;
	while (end > *from && is_trailing_noise(w->w[end - 1]))
		end--;
	for (k = *from, labels = 0; k < end; k++) {
		if (!is_name_word(w->w[k]) && !word_in(w->w[k], particles))
			return 0;
		labels += word_in(w->w[k], label_words);
	}
	/* "Author", "Follow Author": a label with no name. */
	if (labels == end - *from)
		return 0;
	return end - *from <= NAME_MAX_WORDS ? end - *from : 0;
}

/* Copy words[from..from+n) as one name, without the punctuation of its ends. */
static char *
join_name(const struct words *w, size_t from, size_t n)
{
	struct buf b = BUF_INIT;
	size_t k;

	for (k = from; k < from + n; k++) {
		if (k > from)
			buf_append_char(&b, ' ');
		buf_append_str(&b, w->w[k]);
	}
	while (b.len > 0 && strchr(",;:|", b.data[b.len - 1]) != NULL)
		b.len--;
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

struct names {
	char *name[MAX_NAMES];
	size_t n;
	char *org;
};

static void
names_free(struct names *nm)
{
	size_t k;

	for (k = 0; k < nm->n; k++)
		free(nm->name[k]);
	free(nm->org);
}

/* Take one name: a person joins the list, the first organisation is
 * kept aside.  Returns 0 or -1. */
static int
take_name(struct names *nm, const struct words *w, size_t from, size_t n)
{
	char *name = join_name(w, from, n);
	size_t k;

	if (name == NULL)
		return -1;
	for (k = 0; k < nm->n; k++)
		if (strcmp(nm->name[k], name) == 0)
			n = 0;
	if (n > 0 && byline_is_person(name, 1) && nm->n < MAX_NAMES)
		nm->name[nm->n++] = name;
	else if (n > 0 && nm->org == NULL && nm->n == 0)
		nm->org = name;
	else
		free(name);
	return 0;
}

/* "A", "A and B", "A, B and C". */
static char *
join_names(const struct names *nm)
{
	struct buf b = BUF_INIT;
	size_t k;

	for (k = 0; k < nm->n; k++) {
		if (k > 0)
			buf_append_str(&b, k + 1 == nm->n ? " and " : ", ");
		buf_append_str(&b, nm->name[k]);
	}
	if (buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

/* Words up to the first that holds a digit (a date, a time, "2 hours
 * ago"), without handles, e-mail addresses and links. */
static void
drop_noise_words(struct words *w)
{
	size_t k, n = 0;
	const char *p;

	for (k = 0; k < w->n; k++) {
		for (p = w->w[k]; *p != '\0' && (*p < '0' || *p > '9'); p++)
			;
		if (*p != '\0')
			break;
		if (strchr(w->w[k], '@') != NULL || strstr(w->w[k], "://") != NULL ||
		    strncmp(w->w[k], "www.", 4) == 0)
			continue;
		w->w[n++] = w->w[k];
	}
	w->n = n;
}

/* Credits that are not authorship ("Edited by", "Photos by", "Additional
 * reporting by") end the byline. */
static void
end_at_credit(struct words *w, size_t start)
{
	static const char *const credits[] = { "edited", "editing", "photos", "photo",
	    "photographs", "pictures", "illustrations", "illustration", "illustrated",
	    "graphics", "video", "translated", "translation", "additional", "fotos", "foto",
	    NULL };
	size_t k;
	char key[64];

	for (k = start; k + 1 < w->n; k++) {
		word_key(w->w[k + 1], key, sizeof(key));
		if (word_in(w->w[k], credits) && (strcmp(key, "by") == 0 || strcmp(key, "reporting") == 0)) {
			w->n = k;
			return;
		}
	}
}

/* Read the names part by part; a title ends the byline, since what
 * follows it describes the person already named. */
static int
collect_names(struct words *w, struct names *nm)
{
	size_t k, from, end, n;
	int after = 0, titled;

	drop_noise_words(w);
	k = skip_label(w);
	end_at_credit(w, k);
	while (k < w->n) {
		from = k;
		while (k < w->n && !ends_part(w->w[k], &after))
			k++;
		end = k < w->n && after ? k + 1 : k;
		k += k < w->n;
		/* A degree standing alone ("Jane Doe, MD and John Roe") is skipped. */
		if (end == from + 1 && word_in(w->w[from], degrees))
			continue;
		n = name_in_part(w, &from, end, &titled);
		if (titled && (nm->n > 0 || nm->org != NULL))
			break;
		if (n > 0 && take_name(nm, w, from, n) == -1)
			return -1;
		if (titled && n > 0)
			break;
	}
	return 0;
}

char *
byline_clean(const char *text)
{
	struct buf joined = BUF_INIT;
	struct names nm;
	struct words w;
	char *result = NULL;

	memset(&nm, 0, sizeof(nm));
	if (join_lines(text, &joined) == -1) {
		buf_free(&joined);
		return NULL;
	}
	split_words(joined.data, &w);
	if (collect_names(&w, &nm) == 0) {
		if (nm.n > 0)
			result = join_names(&nm);
		else if (nm.org != NULL)
			result = strdup(nm.org);
	}
	names_free(&nm);
	buf_free(&joined);
	return result;
}

char *
byline_from_line(const char *line)
{
	char key[64], first[64];
	size_t n;

	line += strspn(line, " \t\n");
	n = strcspn(line, " \t\n");
	if (n == 0 || n >= sizeof(first) || strlen(line) > BYLINE_LINE_MAX)
		return NULL;
	memcpy(first, line, n);
	first[n] = '\0';
	word_key(first, key, sizeof(key));
	if (!text_in_list(key, label_words) || line[strlen(line) - 1] == '.')
		return NULL;
	return byline_clean(line);
}

/* Whether words from k to the next comma hold a job title or a degree. */
static int
titles_until_comma(const struct words *w, size_t k)
{
	size_t len;

	for (; k < w->n; k++) {
		if (word_in(w->w[k], title_words) || word_in(w->w[k], degrees))
			return 1;
		len = strlen(w->w[k]);
		if (len > 0 && w->w[k][len - 1] == ',')
			return 0;
	}
	return 0;
}

/* A name of a structured field (JSON-LD, <meta>, microdata) is written
 * as a name: only what is plainly not part of it goes. */
char *
byline_clean_name(const char *name)
{
	struct buf b = BUF_INIT;
	struct words w;
	char *copy, *result = NULL;
	size_t k, from, n;

	if ((copy = text_squeeze(name, strlen(name))) == NULL)
		return NULL;
	split_words(copy, &w);
	from = skip_label(&w);
	for (k = from, n = 0; k < w.n; k++) {
		if (strchr(w.w[k], '@') != NULL || strstr(w.w[k], "://") != NULL ||
		    (w.w[k][0] == '(' && strstr(w.w[k], "www.") != NULL))
			continue;
		/* "Jane Doe, Transport Editor": the title after the comma goes. */
		if (n > 0 && b.len > 0 && b.data[b.len - 1] == ',' && titles_until_comma(&w, k))
			break;
		if (n++ > 0)
			buf_append_char(&b, ' ');
		buf_append_str(&b, w.w[k]);
	}
	while (b.len > 0 && strchr(",;:|-", b.data[b.len - 1]) != NULL)
		b.len--;
	if (b.len > 0 && buf_append(&b, "", 0) == 0 && !is_noise_line(b.data))
		result = buf_release(&b, NULL);
	buf_free(&b);
	free(copy);
	return result;
}

/* One name of a list: no organisation's word, no digit ("CC7567" is a
 * user name), a capital somewhere (strict: on every word but particles). */
static int
is_person_name(char *const *words, size_t n, int strict)
{
	size_t k, capitals = 0;

	if (n == 0 || n > NAME_MAX_WORDS + !strict)
		return 0;
	for (k = 0; k < n; k++) {
		if (word_in(words[k], org_words) || strpbrk(words[k], "0123456789") != NULL)
			return 0;
		if (is_name_word(words[k]))
			capitals++;
		else if (strict && !word_in(words[k], particles))
			return 0;
	}
	return capitals > 0;
}

int
byline_is_person(const char *name, int strict)
{
	char copy[512];
	struct words w;
	size_t k, from = 0, len;
	int after = 0;

	if (strlen(name) >= sizeof(copy))
		return 0;
	strcpy(copy, name);
	split_words(copy, &w);
	/* "A, B and C": each a person's name. */
	for (k = 0; k <= w.n; k++) {
		if (k < w.n && strcmp(w.w[k], "and") != 0 && !ends_part(w.w[k], &after))
			continue;
		len = k < w.n && after ? k + 1 - from : k - from;
		if (k < w.n && after)
			w.w[k][strlen(w.w[k]) - 1] = '\0';
		if (!is_person_name(w.w + from, len, strict))
			return 0;
		from = k + 1;
	}
	return 1;
}

/* Whether a word of a byline line is not news: a label, a button, a job
 * title, a calendar word, a number or time, a mark. */
static int
is_byline_filler(const char *word)
{
	static const char *const small[] = { "on", "at", "am", "um", "le", "el", "de", "and",
	    "und", "et", "y", "|", "-", "–", "—", "·", "•", "uhr", "h", "updated", "aktualisiert",
	    "mis", "à", "jour", "actualizado", "aggiornato", "atualizado", "published",
	    "veröffentlicht", "publié", "publicado", "pubblicato", "posted", "in", NULL };
	char key[64];

	word_key(word, key, sizeof(key));
	if (key[0] == '\0' || strpbrk(key, "0123456789") != NULL)
		return 1;
	return text_in_list(key, small) || text_in_list(key, label_words) ||
	    text_in_list(key, ui_words) || text_in_list(key, title_words) ||
	    text_in_list(key, title_modifiers) || text_in_list(key, degrees) ||
	    date_word_is_calendar(key);
}

int
byline_is_whole_line(const char *line, const char *names)
{
	char copy[BYLINE_LINE_MAX * 4], name_copy[256], key[64], name_key[64];
	struct words w, nw;
	size_t k, j, residue = 0;
	int known;

	if (strlen(line) >= sizeof(copy) || strlen(names) >= sizeof(name_copy))
		return 0;
	strcpy(copy, line);
	strcpy(name_copy, names);
	split_words(copy, &w);
	split_words(name_copy, &nw);
	for (k = 0; k < w.n; k++) {
		word_key(w.w[k], key, sizeof(key));
		for (j = 0, known = 0; j < nw.n && !known; j++) {
			word_key(nw.w[j], name_key, sizeof(name_key));
			known = strcmp(key, name_key) == 0;
		}
		residue += !known && !is_byline_filler(w.w[k]);
	}
	return residue == 0;
}
