#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/meta.h"

static const char *const month_names[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december",
};

static const char *const weekday_names[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

struct date_parts {
	int year, month, day;
	int hour, minute, second;
	int has_time;
	char zone[8];
};

static const char *
skip_separators(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	return p;
}

/* Read a word of letters (and a trailing '.') into word; returns its end. */
static const char *
read_word(const char *p, char *word, size_t size)
{
	size_t n = 0;

	while (isalpha((unsigned char)*p)) {
		if (n + 1 < size)
			word[n++] = (char)tolower((unsigned char)*p);
		p++;
	}
	word[n] = '\0';
	if (n > 0 && *p == '.')
		p++;
	return p;
}

/* Read up to max digits; returns the end, or NULL when fewer than min. */
static const char *
read_number(const char *p, int min, int max, int *value)
{
	int n = 0;

	*value = 0;
	while (n < max && isdigit((unsigned char)p[n])) {
		*value = *value * 10 + (p[n] - '0');
		n++;
	}
	if (n < min || isdigit((unsigned char)p[n]))
		return NULL;
	return p + n;
}

/* A prefix of at least three letters of a name in names, as its index. */
static int
match_name(const char *word, const char *const *names, size_t count)
{
	size_t i, len = strlen(word);

	if (len < 3)
		return -1;
	for (i = 0; i < count; i++)
		if (len <= strlen(names[i]) && strncmp(names[i], word, len) == 0)
			return (int)i;
	return -1;
}

static const char *
read_month(const char *p, int *month)
{
	char word[16];
	const char *end = read_word(p, word, sizeof(word));
	int m = match_name(word, month_names, 12);

	if (m < 0)
		return NULL;
	*month = m + 1;
	return end;
}

static const char *
skip_weekday(const char *p)
{
	char word[16];
	const char *end = read_word(p, word, sizeof(word));

	if (match_name(word, weekday_names, 7) >= 0)
		return skip_separators(end);
	return p;
}

static const char *
read_day_suffix(const char *p)
{
	if (strncasecmp(p, "st", 2) == 0 || strncasecmp(p, "nd", 2) == 0 ||
	    strncasecmp(p, "rd", 2) == 0 || strncasecmp(p, "th", 2) == 0)
		return p + 2;
	return p;
}

/* "HH:MM[:SS][.fff][Z|+HH:MM| UTC| GMT]" right after an ISO date's 'T' or
 * space. */
static const char *
read_iso_time(const char *p, struct date_parts *d)
{
	int frac;

	if ((p = read_number(p, 2, 2, &d->hour)) == NULL || *p++ != ':')
		return NULL;
	if ((p = read_number(p, 2, 2, &d->minute)) == NULL)
		return NULL;
	if (*p == ':' && (p = read_number(p + 1, 2, 2, &d->second)) == NULL)
		return NULL;
	if (*p == '.' && (p = read_number(p + 1, 1, 9, &frac)) == NULL)
		return NULL;
	d->has_time = 1;
	if (*p == 'Z' || *p == 'z') {
		strcpy(d->zone, "Z");
		return p + 1;
	}
	if (*p == ' ' && (strncasecmp(p + 1, "UTC", 3) == 0 || strncasecmp(p + 1, "GMT", 3) == 0) &&
	    !isalnum((unsigned char)p[4])) {
		strcpy(d->zone, "Z");
		return p + 4;
	}
	if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2])) {
		if (p[3] == ':' && isdigit((unsigned char)p[4]) && isdigit((unsigned char)p[5])) {
			snprintf(d->zone, sizeof(d->zone), "%.6s", p);
			return p + 6;
		}
		if (isdigit((unsigned char)p[3]) && isdigit((unsigned char)p[4])) {
			snprintf(d->zone, sizeof(d->zone), "%c%.2s:%.2s", p[0], p + 1, p + 3);
			return p + 5;
		}
	}
	return p;
}

static const char *
read_iso(const char *p, struct date_parts *d)
{
	if ((p = read_number(p, 4, 4, &d->year)) == NULL || *p++ != '-')
		return NULL;
	if ((p = read_number(p, 2, 2, &d->month)) == NULL || *p++ != '-')
		return NULL;
	if ((p = read_number(p, 2, 2, &d->day)) == NULL)
		return NULL;
	if ((*p == 'T' || *p == 't' || *p == ' ') && isdigit((unsigned char)p[1]))
		return read_iso_time(p + 1, d);
	return p;
}

/* "February 3, 2014" or "3 February 2014". */
static const char *
read_written_date(const char *p, struct date_parts *d)
{
	const char *q;

	if (isdigit((unsigned char)*p)) {
		if ((p = read_number(p, 1, 2, &d->day)) == NULL)
			return NULL;
		p = skip_separators(read_day_suffix(p));
		if ((p = read_month(p, &d->month)) == NULL)
			return NULL;
	} else {
		if ((p = read_month(p, &d->month)) == NULL)
			return NULL;
		p = skip_separators(p);
		if ((p = read_number(p, 1, 2, &d->day)) == NULL)
			return NULL;
		p = read_day_suffix(p);
	}
	q = skip_separators(p);
	if (q == p && *p != '\0')
		return NULL;
	return read_number(q, 4, 4, &d->year);
}

/* "[at] H:MM[:SS] [am|pm|a.m.|p.m.] [UTC|GMT]" after a written date. */
static const char *
read_clock(const char *p, struct date_parts *d)
{
	char word[8];
	const char *q;

	p = skip_separators(p);
	if (strncasecmp(p, "at ", 3) == 0)
		p = skip_separators(p + 3);
	if (*p == '\0')
		return p;
	if ((p = read_number(p, 1, 2, &d->hour)) == NULL || *p++ != ':')
		return NULL;
	if ((p = read_number(p, 2, 2, &d->minute)) == NULL)
		return NULL;
	if (*p == ':' && (p = read_number(p + 1, 2, 2, &d->second)) == NULL)
		return NULL;
	d->has_time = 1;
	p = skip_separators(p);
	q = read_word(p, word, sizeof(word));
	if (strcmp(word, "am") == 0 || strcmp(word, "a") == 0 ||
	    strcmp(word, "pm") == 0 || strcmp(word, "p") == 0) {
		if (word[1] == '\0' && strncasecmp(q, "m.", 2) != 0)
			return NULL;
		if (word[1] == '\0')
			q += 2;
		if (d->hour < 1 || d->hour > 12)
			return NULL;
		d->hour = d->hour % 12 + (word[0] == 'p' ? 12 : 0);
		p = skip_separators(q);
		q = read_word(p, word, sizeof(word));
	}
	if (strcmp(word, "utc") == 0 || strcmp(word, "gmt") == 0) {
		strcpy(d->zone, "Z");
		p = q;
	}
	return p;
}

static int
parts_valid(const struct date_parts *d)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (d->year < 1800 || d->year > 2200 || d->month < 1 || d->month > 12)
		return 0;
	if (d->day < 1 || d->day > days[d->month - 1])
		return 0;
	return d->hour <= 23 && d->minute <= 59 && d->second <= 60;
}

int
meta_parse_date(const char *s, char *out)
{
	struct date_parts d;
	const char *p;

	memset(&d, 0, sizeof(d));
	p = skip_weekday(skip_separators(s));
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]))
		p = read_iso(p, &d);
	else if ((p = read_written_date(p, &d)) != NULL)
		p = read_clock(p, &d);
	if (p == NULL)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0' || !parts_valid(&d))
		return -1;
	/* The modulos only tell the compiler what parts_valid() made sure of. */
	if (d.has_time)
		snprintf(out, META_DATE_MAX, "%04u-%02u-%02uT%02u:%02u:%02u%s",
		    (unsigned)d.year % 10000, (unsigned)d.month % 100, (unsigned)d.day % 100,
		    (unsigned)d.hour % 100, (unsigned)d.minute % 100, (unsigned)d.second % 100,
		    d.zone);
	else
		snprintf(out, META_DATE_MAX, "%04u-%02u-%02u", (unsigned)d.year % 10000,
		    (unsigned)d.month % 100, (unsigned)d.day % 100);
	return 0;
}

/* "/DD" or "/MM" at p: two digits then '/' or the end. */
static int
two_digit_segment(const char *p, int *value)
{
	if (p[0] != '/' || !isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
		return 0;
	if (p[3] != '/' && p[3] != '\0')
		return 0;
	*value = (p[1] - '0') * 10 + (p[2] - '0');
	return 1;
}

int
meta_date_from_path(const char *path, char *out)
{
	const char *p;
	int year, month, day;

	for (p = strchr(path, '/'); p != NULL; p = strchr(p + 1, '/')) {
		if (read_number(p + 1, 4, 4, &year) == NULL || p[5] != '/')
			continue;
		if (year < 1800 || year > 2200 || !two_digit_segment(p + 5, &month) ||
		    month < 1 || month > 12)
			continue;
		if (p[8] == '/' && two_digit_segment(p + 8, &day) && day >= 1 && day <= 31 &&
		    p[11] == '/')
			snprintf(out, META_DATE_MAX, "%04u-%02u-%02u", (unsigned)year % 10000,
			    (unsigned)month % 100, (unsigned)day % 100);
		else
			snprintf(out, META_DATE_MAX, "%04u-%02u", (unsigned)year % 10000,
			    (unsigned)month % 100);
		return 0;
	}
	return -1;
}

char *
meta_byline_author(const char *line)
{
	size_t len, words = 0, i;

	while (isspace((unsigned char)*line))
		line++;
	if (strncasecmp(line, "by ", 3) != 0)
		return NULL;
	line += 3;
	while (isspace((unsigned char)*line))
		line++;
	len = strlen(line);
	while (len > 0 && isspace((unsigned char)line[len - 1]))
		len--;
	if (len == 0 || len > 80 || line[len - 1] == '.')
		return NULL;
	for (i = 0; i < len; i++)
		if (i == 0 || (line[i - 1] == ' ' && line[i] != ' '))
			words++;
	if (words > 8)
		return NULL;
	return strndup(line, len);
}
