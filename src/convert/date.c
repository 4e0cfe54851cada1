#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/date.h"
#include "convert/textutil.h"
#include "util/text.h"

/* A date is read from at most this many tokens of a line. */
#define MAX_TOKENS 64
#define WORD_MAX 32
/* Publication dates before this year are suspect (no news site then). */
#define FIRST_WEB_YEAR 1990
#define DAY_SECONDS (24 * 60 * 60)

enum tok_kind { TOK_NUM, TOK_WORD, TOK_PUNCT };

struct tok {
	enum tok_kind kind;
	int value;       /* TOK_NUM; TOK_PUNCT: the character (ASCII), or 0 */
	int digits;      /* TOK_NUM */
	char word[WORD_MAX]; /* TOK_WORD, lower case */
};

struct tokens {
	struct tok t[MAX_TOKENS];
	size_t n;
};

struct date_parts {
	int year, month, day;
	int hour, minute, second;
	int has_time;
	char zone[8];
};

/* Month names, full, in the languages of the sites we meet besides
 * English (whose names are util's month_name()); abbreviable ones may
 * also be written as a prefix of three letters or more ("Nov.", "déc.",
 * "сент."), the others (Czech and Polish genitives, whose prefixes
 * collide) only in full. */
static const struct other_month_name {
	const char *name;
	int month;
	int abbreviable;
} other_month_names[] = {
	{ "januar", 1, 1 }, { "jänner", 1, 1 }, { "februar", 2, 1 }, { "märz", 3, 1 },
	{ "mai", 5, 1 }, { "juni", 6, 1 }, { "juli", 7, 1 }, { "oktober", 10, 1 },
	{ "dezember", 12, 1 },
	{ "janvier", 1, 1 }, { "février", 2, 1 }, { "mars", 3, 1 }, { "avril", 4, 1 },
	{ "juin", 6, 1 }, { "juillet", 7, 1 }, { "août", 8, 1 }, { "septembre", 9, 1 },
	{ "octobre", 10, 1 }, { "novembre", 11, 1 }, { "décembre", 12, 1 },
	{ "enero", 1, 1 }, { "febrero", 2, 1 }, { "marzo", 3, 1 }, { "abril", 4, 1 },
	{ "mayo", 5, 1 }, { "junio", 6, 1 }, { "julio", 7, 1 }, { "agosto", 8, 1 },
	{ "septiembre", 9, 1 }, { "setiembre", 9, 1 }, { "octubre", 10, 1 },
	{ "noviembre", 11, 1 }, { "diciembre", 12, 1 },
	{ "gennaio", 1, 1 }, { "febbraio", 2, 1 }, { "aprile", 4, 1 }, { "maggio", 5, 1 },
	{ "giugno", 6, 1 }, { "luglio", 7, 1 }, { "settembre", 9, 1 }, { "ottobre", 10, 1 },
	{ "dicembre", 12, 1 },
	{ "janeiro", 1, 1 }, { "fevereiro", 2, 1 }, { "março", 3, 1 }, { "maio", 5, 1 },
	{ "junho", 6, 1 }, { "julho", 7, 1 }, { "setembro", 9, 1 }, { "outubro", 10, 1 },
	{ "novembro", 11, 1 }, { "dezembro", 12, 1 },
	{ "januari", 1, 1 }, { "februari", 2, 1 }, { "maart", 3, 1 }, { "mrt", 3, 0 },
	{ "mei", 5, 1 }, { "augustus", 8, 1 },
	{ "январь", 1, 1 }, { "января", 1, 1 }, { "февраль", 2, 1 }, { "февраля", 2, 1 },
	{ "март", 3, 1 }, { "марта", 3, 1 }, { "апрель", 4, 1 }, { "апреля", 4, 1 },
	{ "май", 5, 0 }, { "мая", 5, 0 }, { "июнь", 6, 1 }, { "июня", 6, 1 },
	{ "июль", 7, 1 }, { "июля", 7, 1 }, { "август", 8, 1 }, { "августа", 8, 1 },
	{ "сентябрь", 9, 1 }, { "сентября", 9, 1 }, { "октябрь", 10, 1 }, { "октября", 10, 1 },
	{ "ноябрь", 11, 1 }, { "ноября", 11, 1 }, { "декабрь", 12, 1 }, { "декабря", 12, 1 },
	{ "ledna", 1, 0 }, { "února", 2, 0 }, { "března", 3, 0 }, { "dubna", 4, 0 },
	{ "května", 5, 0 }, { "června", 6, 0 }, { "července", 7, 0 }, { "srpna", 8, 0 },
	{ "září", 9, 0 }, { "října", 10, 0 }, { "listopadu", 11, 0 }, { "prosince", 12, 0 },
	{ "stycznia", 1, 0 }, { "lutego", 2, 0 }, { "marca", 3, 0 }, { "kwietnia", 4, 0 },
	{ "maja", 5, 0 }, { "czerwca", 6, 0 }, { "lipca", 7, 0 }, { "sierpnia", 8, 0 },
	{ "września", 9, 0 }, { "października", 10, 0 }, { "listopada", 11, 0 },
	{ "grudnia", 12, 0 },
};

static const char *const weekday_names[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
	"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
	"lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
	"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
	"segunda", "terça", "quarta", "quinta", "sexta",
	"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
	"понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
	NULL,
};

/* Words that may stand around a date without making it something else. */
static const char *const filler_words[] = {
	"at", "on", "de", "del", "el", "le", "à", "a", "las", "um", "alle", "ore", "om",
	"в", "kl", "klo", "uhr", "h", "г", "года", "godz", "feira", "t", NULL,
};

/* Zones written by name: read past, their offset not applied. */
static const char *const zone_names[] = {
	"est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "akst", "akdt", "hst", "et",
	"pt", "ct", "mt", "bst", "ist", "cet", "cest", "eet", "eest", "wet", "west", "msk",
	"kst", "jst", "hkt", "sgt", "aest", "aedt", "acst", "awst", "nzst", "nzdt", "mez",
	"mesz", NULL,
};

/* Words before a date that make it a modification, not a publication. */
static const char *const update_words[] = {
	"updated", "update", "modified", "edited", "revised", "aktualisiert", "actualizado",
	"actualizada", "actualisé", "aggiornato", "atualizado", "bijgewerkt", "обновлено",
	"обновлен", "aktualizováno", "zaktualizowano", "jour", NULL,
};

/* Whether word, 3 characters or more, begins name (ASCII letters compared
 * in either case: util's English names are capitalised). */
static int
prefix_of(const char *word, const char *name)
{
	size_t n = strlen(word), chars = 0, i;
	uint32_t cp;

	for (i = 0; i < n; i += utf8_next_lossy(word + i, n - i, &cp))
		chars++;
	return chars >= 3 && n <= strlen(name) && strncasecmp(name, word, n) == 0;
}

/* One month's name against word, *found the month that the names so far
 * abbreviate: the month when word is the name, -1 when word abbreviates
 * two months (it names none), else 0. */
static int
match_month(const char *word, const char *name, int month, int abbreviable, int *found)
{
	if (strcasecmp(word, name) == 0)
		return month;
	if (!abbreviable || !prefix_of(word, name))
		return 0;
	/* A prefix naming two months ("jui": juin, juillet) names none. */
	if (*found != 0 && *found != month)
		return -1;
	*found = month;
	return 0;
}

static int
month_of(const char *word)
{
	const struct other_month_name *other = other_month_names;
	size_t n = sizeof(other_month_names) / sizeof(other_month_names[0]), k;
	int found = 0, rc = 0, month;

	for (month = 1; month <= 12 && rc == 0; month++)
		rc = match_month(word, month_name(month), month, 1, &found);
	for (k = 0; k < n && rc == 0; k++)
		rc = match_month(word, other[k].name, other[k].month, other[k].abbreviable, &found);
	return rc == 0 ? found : rc > 0 ? rc : 0;
}

static int
is_weekday(const char *word)
{
	size_t k;

	for (k = 0; weekday_names[k] != NULL; k++)
		if (strcmp(word, weekday_names[k]) == 0 || prefix_of(word, weekday_names[k]))
			return 1;
	return 0;
}

static void
lower_word(const char *s, size_t len, char *out, size_t size)
{
	struct buf b = BUF_INIT;

	if (text_append_lower(&b, s, len) == -1 || b.len >= size)
		out[0] = '\0';
	else {
		memcpy(out, b.data, b.len);
		out[b.len] = '\0';
	}
	buf_free(&b);
}

static int
is_letter_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Characters of more than one byte that separate like punctuation. */
static size_t
wide_punct_len(const char *p)
{
	static const char *const marks[] = { "\xc2\xb7", "\xe2\x80\x93", "\xe2\x80\x94",
	    "\xe2\x80\xa2", "\xc2\xa0", "\xe2\x80\xaf", "\xe3\x80\x80", NULL };

	return text_prefix_in_list(p, marks);
}

static void
tokenize(const char *s, struct tokens *tk)
{
	const char *p = s, *start;
	struct tok *t;
	size_t n;

	tk->n = 0;
	while (*p != '\0' && tk->n < MAX_TOKENS) {
		t = &tk->t[tk->n];
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			p++;
		} else if (*p >= '0' && *p <= '9') {
			for (t->value = 0, t->digits = 0; *p >= '0' && *p <= '9'; p++, t->digits++)
				t->value = t->digits < 9 ? t->value * 10 + (*p - '0') : t->value;
			t->kind = TOK_NUM;
			tk->n++;
		} else if ((n = wide_punct_len(p)) > 0) {
			t->kind = TOK_PUNCT;
			t->value = 0;
			p += n;
			tk->n++;
		} else if (is_letter_byte((unsigned char)*p)) {
			for (start = p; is_letter_byte((unsigned char)*p) && wide_punct_len(p) == 0; p++)
				;
			t->kind = TOK_WORD;
			lower_word(start, (size_t)(p - start), t->word, sizeof(t->word));
			tk->n++;
		} else {
			t->kind = TOK_PUNCT;
			t->value = (unsigned char)*p++;
			tk->n++;
		}
	}
}

static int
is_num(const struct tokens *tk, size_t i, int min_digits, int max_digits)
{
	return i < tk->n && tk->t[i].kind == TOK_NUM && tk->t[i].digits >= min_digits &&
	    tk->t[i].digits <= max_digits;
}

static int
is_punct(const struct tokens *tk, size_t i, const char *chars)
{
	return i < tk->n && tk->t[i].kind == TOK_PUNCT && tk->t[i].value != 0 &&
	    strchr(chars, tk->t[i].value) != NULL;
}

static int
is_word(const struct tokens *tk, size_t i, const char *word)
{
	return i < tk->n && tk->t[i].kind == TOK_WORD && strcmp(tk->t[i].word, word) == 0;
}

static int
is_word_in(const struct tokens *tk, size_t i, const char *const *list)
{
	return i < tk->n && tk->t[i].kind == TOK_WORD && text_in_list(tk->t[i].word, list);
}

/* An offset at i ("+0100", "-04:00", "+01") into d->zone; returns the
 * next token, i itself when there is none. */
static size_t
read_offset(const struct tokens *tk, size_t i, struct date_parts *d)
{
	int sign, hours, minutes = 0;
	size_t next = i + 2;

	if (!is_punct(tk, i, "+-") || !is_num(tk, i + 1, 2, 4) || tk->t[i + 1].digits == 3)
		return i;
	sign = tk->t[i].value;
	hours = tk->t[i + 1].value;
	if (tk->t[i + 1].digits == 4) {
		minutes = hours % 100;
		hours /= 100;
	} else if (is_punct(tk, i + 2, ":") && is_num(tk, i + 3, 2, 2)) {
		minutes = tk->t[i + 3].value;
		next = i + 4;
	}
	if (hours > 14 || minutes > 59)
		return i;
	snprintf(d->zone, sizeof(d->zone), "%c%02u:%02u", sign == '-' ? '-' : '+',
	    (unsigned)hours % 100, (unsigned)minutes % 100);
	return next;
}

/* A zone after a time: Z, UTC or GMT with or without an offset, an
 * offset, or a zone name (read past, its offset unknown).  Returns the
 * next token. */
static size_t
read_zone(const struct tokens *tk, size_t i, struct date_parts *d)
{
	if (is_word(tk, i, "z")) {
		strcpy(d->zone, "Z");
		return i + 1;
	}
	if (is_word(tk, i, "utc") || is_word(tk, i, "gmt")) {
		strcpy(d->zone, "Z");
		return read_offset(tk, i + 1, d);
	}
	if (is_word_in(tk, i, zone_names))
		return i + 1;
	return read_offset(tk, i, d);
}

/* "am", "pm", "a.m.", "p.m." at i: 'a' or 'p' and the next token, or 0. */
static int
read_meridiem(const struct tokens *tk, size_t *i)
{
	size_t j = *i;

	if (is_word(tk, j, "am") || is_word(tk, j, "pm")) {
		*i = j + 1 + is_punct(tk, j + 1, ".");
		return tk->t[j].word[0];
	}
	if ((is_word(tk, j, "a") || is_word(tk, j, "p")) && is_punct(tk, j + 1, ".") &&
	    is_word(tk, j + 2, "m")) {
		*i = j + 3 + is_punct(tk, j + 3, ".");
		return tk->t[j].word[0];
	}
	return 0;
}

/* "[at] H:MM[:SS][.fff] [am|pm] [zone]" or "10h43" at i.  Returns the
 * next token; i itself when there is no time; (size_t)-1 when the time is
 * impossible ("13:12 pm"). */
static size_t
read_time(const struct tokens *tk, size_t i, struct date_parts *d)
{
	size_t j = i;
	int ampm;

	while (is_punct(tk, j, ",|-") || is_word_in(tk, j, filler_words))
		j++;
	if (!is_num(tk, j, 1, 2) || !(is_punct(tk, j + 1, ":") || is_word(tk, j + 1, "h")) ||
	    !is_num(tk, j + 2, 2, 2))
		return i;
	d->hour = tk->t[j].value;
	d->minute = tk->t[j + 2].value;
	j += 3;
	if (is_punct(tk, j, ":") && is_num(tk, j + 1, 2, 2)) {
		d->second = tk->t[j + 1].value;
		j += 2;
	}
	if (is_punct(tk, j, ".") && is_num(tk, j + 1, 1, 9))
		j += 2;
	d->has_time = 1;
	if ((ampm = read_meridiem(tk, &j)) != 0) {
		if (d->hour < 1 || d->hour > 12)
			return (size_t)-1;
		d->hour = d->hour % 12 + (ampm == 'p' ? 12 : 0);
	}
	j = read_zone(tk, j, d);
	return j + is_word(tk, j, "uhr");
}

/* "2019-11-19", "2019/11/19", "2019.11.19.", "2019年11月19日", "2019년 11월 19일". */
static size_t
read_ymd(const struct tokens *tk, size_t i, struct date_parts *d)
{
	static const char *const cjk[][3] = { { "年", "月", "日" }, { "년", "월", "일" } };
	size_t k;

	if (!is_num(tk, i, 4, 4))
		return 0;
	d->year = tk->t[i].value;
	for (k = 0; k < 2; k++) {
		if (is_word(tk, i + 1, cjk[k][0]) && is_num(tk, i + 2, 1, 2) &&
		    is_word(tk, i + 3, cjk[k][1]) && is_num(tk, i + 4, 1, 2) &&
		    is_word(tk, i + 5, cjk[k][2])) {
			d->month = tk->t[i + 2].value;
			d->day = tk->t[i + 4].value;
			return i + 6;
		}
	}
	if (!is_punct(tk, i + 1, "-/.") || !is_num(tk, i + 2, 1, 2) ||
	    !is_punct(tk, i + 3, "-/.") || tk->t[i + 3].value != tk->t[i + 1].value ||
	    !is_num(tk, i + 4, 1, 2))
		return 0;
	d->month = tk->t[i + 2].value;
	d->day = tk->t[i + 4].value;
	return i + 5 + (tk->t[i + 1].value == '.' && is_punct(tk, i + 5, "."));
}

static size_t
skip_day_suffix(const struct tokens *tk, size_t i)
{
	static const char *const suffixes[] = { "st", "nd", "rd", "th", "er", "º", "ª", NULL };

	if (is_word_in(tk, i, suffixes))
		i++;
	return i + is_punct(tk, i, ".");
}

static size_t
read_year(const struct tokens *tk, size_t i, struct date_parts *d)
{
	if (!is_num(tk, i, 4, 4))
		return 0;
	d->year = tk->t[i].value;
	i++;
	/* "2019 г.", "2019 года", "2019 r." */
	if (is_word(tk, i, "г") || is_word(tk, i, "года") || is_word(tk, i, "r"))
		i += 1 + is_punct(tk, i + 1, ".");
	return i;
}

/* "3 Feb 2014", "3. Februar 2014", "3 de febrero de 2014", "20 ноября 2019 г.". */
static size_t
read_dmy_words(const struct tokens *tk, size_t i, struct date_parts *d)
{
	if (!is_num(tk, i, 1, 2))
		return 0;
	d->day = tk->t[i].value;
	i = skip_day_suffix(tk, i + 1);
	i += is_word(tk, i, "de");
	if (i >= tk->n || tk->t[i].kind != TOK_WORD || (d->month = month_of(tk->t[i].word)) == 0)
		return 0;
	i++;
	while (is_punct(tk, i, ".,") || is_word(tk, i, "de") || is_word(tk, i, "del"))
		i++;
	return read_year(tk, i, d);
}

/* "February 3, 2014", "Feb. 3rd 2014", "Dec 07 2024". */
static size_t
read_mdy_words(const struct tokens *tk, size_t i, struct date_parts *d)
{
	if (i >= tk->n || tk->t[i].kind != TOK_WORD || (d->month = month_of(tk->t[i].word)) == 0)
		return 0;
	i += 1 + is_punct(tk, i + 1, ".");
	if (!is_num(tk, i, 1, 2))
		return 0;
	d->day = tk->t[i].value;
	i = skip_day_suffix(tk, i + 1);
	i += is_punct(tk, i, ",");
	return read_year(tk, i, d);
}

/* "19.11.2019", "19-11-2019", and "19/11/2019" or "11/19/2019" when only
 * one reading is a date (a slash date that reads both ways is no date). */
static size_t
read_dmy_numeric(const struct tokens *tk, size_t i, struct date_parts *d)
{
	int a, b;

	if (!is_num(tk, i, 1, 2) || !is_punct(tk, i + 1, ".-/") || !is_num(tk, i + 2, 1, 2) ||
	    !is_punct(tk, i + 3, ".-/") || tk->t[i + 3].value != tk->t[i + 1].value ||
	    !is_num(tk, i + 4, 4, 4))
		return 0;
	a = tk->t[i].value;
	b = tk->t[i + 2].value;
	if (tk->t[i + 1].value == '/' && a <= 12 && b <= 12 && a != b)
		return 0;
	d->day = tk->t[i + 1].value == '/' && b > 12 ? b : a;
	d->month = tk->t[i + 1].value == '/' && b > 12 ? a : b;
	d->year = tk->t[i + 4].value;
	return i + 5;
}

/* "20191119" standing alone. */
static size_t
read_compact(const struct tokens *tk, size_t i, struct date_parts *d)
{
	if (!is_num(tk, i, 8, 8))
		return 0;
	d->year = tk->t[i].value / 10000;
	d->month = tk->t[i].value / 100 % 100;
	d->day = tk->t[i].value % 100;
	return i + 1;
}

static int
parts_valid(const struct date_parts *d)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (d->year < 1800 || d->year > 2200 || d->month < 1 || d->month > 12)
		return 0;
	if (d->day < 1 || d->day > days[d->month - 1])
		return 0;
	if (d->month == 2 && d->day == 29 && (d->year % 4 != 0 ||
	    (d->year % 100 == 0 && d->year % 400 != 0)))
		return 0;
	return d->hour <= 23 && d->minute <= 59 && d->second <= 60;
}

/* A date with its time starting at token i: the next token, or 0. */
static size_t
read_date_at(const struct tokens *tk, size_t i, struct date_parts *d)
{
	size_t (*const readers[])(const struct tokens *, size_t, struct date_parts *) = {
		read_ymd, read_dmy_words, read_mdy_words, read_dmy_numeric, read_compact,
	};
	size_t k, end;

	for (k = 0; k < sizeof(readers) / sizeof(readers[0]); k++) {
		memset(d, 0, sizeof(*d));
		if ((end = readers[k](tk, i, d)) == 0)
			continue;
		if ((end = read_time(tk, end, d)) == (size_t)-1 || !parts_valid(d))
			return 0;
		return end;
	}
	return 0;
}

static void
format_date(const struct date_parts *d, char *out)
{
	/* The modulos only tell the compiler what parts_valid() made sure of. */
	if (d->has_time)
		snprintf(out, DATE_MAX, "%04u-%02u-%02uT%02u:%02u:%02u%s",
		    (unsigned)d->year % 10000, (unsigned)d->month % 100, (unsigned)d->day % 100,
		    (unsigned)d->hour % 100, (unsigned)d->minute % 100, (unsigned)d->second % 100,
		    d->zone);
	else
		snprintf(out, DATE_MAX, "%04u-%02u-%02u", (unsigned)d->year % 10000,
		    (unsigned)d->month % 100, (unsigned)d->day % 100);
}

/* Tokens that may stand around a date that is the whole text. */
static int
is_filler(const struct tokens *tk, size_t i)
{
	if (tk->t[i].kind == TOK_PUNCT)
		return tk->t[i].value == 0 || strchr(",.()|-/", tk->t[i].value) != NULL;
	if (tk->t[i].kind != TOK_WORD)
		return 0;
	return is_weekday(tk->t[i].word) || text_in_list(tk->t[i].word, filler_words) ||
	    text_in_list(tk->t[i].word, zone_names) || strcmp(tk->t[i].word, "utc") == 0;
}

int
date_parse(const char *s, char *out)
{
	struct tokens tk;
	struct date_parts d;
	size_t i, end, k;

	tokenize(s, &tk);
	for (i = 0; i < tk.n; i++) {
		if ((end = read_date_at(&tk, i, &d)) != 0) {
			for (k = end; k < tk.n && is_filler(&tk, k); k++)
				;
			if (k < tk.n)
				return -1;
			format_date(&d, out);
			return 0;
		}
		if (!is_filler(&tk, i))
			return -1;
	}
	return -1;
}

int
date_find(const char *text, char *out, int *updated)
{
	struct tokens tk;
	struct date_parts d;
	size_t i, end;
	int update = 0, have_update = 0;

	tokenize(text, &tk);
	for (i = 0; i < tk.n; i++) {
		if (is_word_in(&tk, i, update_words)) {
			update = 1;
			continue;
		}
		if ((end = read_date_at(&tk, i, &d)) == 0)
			continue;
		if (!update) {
			format_date(&d, out);
			if (updated != NULL)
				*updated = 0;
			return 0;
		}
		/* A modification: kept unless a publication date follows. */
		if (!have_update)
			format_date(&d, out);
		have_update = 1;
		update = 0;
		i = end - 1;
	}
	if (have_update && updated != NULL)
		*updated = 1;
	return have_update ? 0 : -1;
}

/* "/DD" or "/MM" at p: two digits then '/' or the end. */
static int
two_digit_segment(const char *p, int *value)
{
	if (p[0] != '/' || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
		return 0;
	if (p[3] != '/' && p[3] != '\0')
		return 0;
	*value = (p[1] - '0') * 10 + (p[2] - '0');
	return 1;
}

static int
digits_at(const char *p, size_t n, int *value)
{
	size_t i;

	*value = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		*value = *value * 10 + (p[i] - '0');
	}
	return 1;
}

/* "/YYYY/MM/" or "/YYYY/MM/DD/" at p (a '/'). */
static int
slash_date_at(const char *p, char *out)
{
	struct date_parts d;

	memset(&d, 0, sizeof(d));
	if (!digits_at(p + 1, 4, &d.year) || p[5] != '/' || !two_digit_segment(p + 5, &d.month))
		return 0;
	d.day = 1;
	if (!parts_valid(&d))
		return 0;
	if (p[8] == '/' && two_digit_segment(p + 8, &d.day) && p[11] == '/' && parts_valid(&d)) {
		format_date(&d, out);
		return 1;
	}
	snprintf(out, DATE_MAX, "%04u-%02u", (unsigned)d.year % 10000, (unsigned)d.month % 100);
	return 1;
}

/* "2019-11-19" or "20191119" at p, not inside a longer run of digits. */
static int
dashed_or_compact_date_at(const char *path, const char *p, char *out)
{
	struct date_parts d;
	size_t n;

	if (p > path && p[-1] >= '0' && p[-1] <= '9')
		return 0;
	memset(&d, 0, sizeof(d));
	if (!digits_at(p, 4, &d.year))
		return 0;
	if (p[4] == '-' && digits_at(p + 5, 2, &d.month) && p[7] == '-' &&
	    digits_at(p + 8, 2, &d.day))
		n = 10;
	else if (digits_at(p + 4, 2, &d.month) && digits_at(p + 6, 2, &d.day))
		n = 8;
	else
		return 0;
	if (p[n] >= '0' && p[n] <= '9')
		return 0;
	if (d.year < FIRST_WEB_YEAR || d.year > 2100 || !parts_valid(&d))
		return 0;
	format_date(&d, out);
	return 1;
}

int
date_from_path(const char *path, char *out)
{
	const char *p, *end = path + strcspn(path, "?#");

	for (p = strchr(path, '/'); p != NULL && p < end; p = strchr(p + 1, '/'))
		if (slash_date_at(p, out))
			return 0;
	for (p = path; p + 8 <= end; p++)
		if (*p >= '0' && *p <= '9' && dashed_or_compact_date_at(path, p, out))
			return 0;
	return -1;
}

int
date_is_plausible(const char *iso, time_t saved)
{
	struct tm tm;
	time_t when;
	int year, month = 1, day = 1;

	if (!digits_at(iso, 4, &year) || year < FIRST_WEB_YEAR)
		return 0;
	if (saved == 0)
		return 1;
	if (iso[4] == '-' && digits_at(iso + 5, 2, &month) && iso[7] == '-')
		digits_at(iso + 8, 2, &day);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	when = timegm(&tm);
	return when == (time_t)-1 || when <= saved + DAY_SECONDS;
}

int
date_word_is_calendar(const char *word)
{
	return month_of(word) != 0 || is_weekday(word);
}
