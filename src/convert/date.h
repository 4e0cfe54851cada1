/*
 * Dates as publishers write them, turned into ISO 8601: machine dates in
 * metadata ("2019-11-20T10:43Z", "2019-11-19T17:05:00+0000", "Sat Dec 07
 * 2024 01:36:41 GMT+0000"), written dates in several languages
 * ("November 15, 2019", "20. November 2019", "20 de noviembre de 2019",
 * "20 ноября 2019", "19.11.2019", "2019年11月19日"), and dates in URLs and
 * archive paths.  The date kept is the one the publication states: an
 * offset is kept as written, never converted to another zone.
 */
#ifndef CAPSULED_CONVERT_DATE_H
#define CAPSULED_CONVERT_DATE_H

#include <stddef.h>
#include <time.h>

/* Enough for "2014-02-03T10:12:00+01:00" and a NUL. */
#define DATE_MAX 32

/* Parse s when it is wholly a date (a weekday, connecting words such as
 * "at" or "de", a time and a zone may come with it): writes "2014-02-03"
 * or "2014-02-03T10:12:00" (a zone only when one was given) to out
 * (DATE_MAX bytes).  Returns 0, or -1 when s is not a date. */
int date_parse(const char *s, char *out);

/* The first date written in a short line of text ("Published on: June 25,
 * 2024", "JANE DOE NOVEMBER 20, 2019 10:43").  *updated (may be NULL) is
 * set when the words before it say it is a modification ("Updated",
 * "Aktualisiert", "mis à jour"...); a publication date later in the line
 * is preferred to such a one.  Returns 0, or -1 when there is none. */
int date_find(const char *text, char *out, int *updated);

/* The date of a URL or archive path: "/2019/11/19/" or "/2019-11-19/" or
 * a bounded "20191119" gives "2019-11-19", "/2014/02/" gives "2014-02".
 * Returns 0, or -1 when there is none. */
int date_from_path(const char *path, char *out);

/* Whether a lower-case word names a month or a day of the week, in any
 * language dates are read in. */
int date_word_is_calendar(const char *word);

/* Whether an ISO date written by these functions is believable as a
 * publication date: not before 1990, and not after saved (the time the
 * page was saved; 0 when unknown) by more than a day. */
int date_is_plausible(const char *iso, time_t saved);

#endif
