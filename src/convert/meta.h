/*
 * Metadata helpers shared by the readers: dates as written by people and
 * sites turned into ISO 8601, dates in archive paths, bylines.
 */
#ifndef CAPSULED_CONVERT_META_H
#define CAPSULED_CONVERT_META_H

#include <stddef.h>

/* Enough for "2014-02-03T10:12:00+01:00" and a NUL. */
#define META_DATE_MAX 32

/* Parse s when it is wholly a date: "February 3, 2014 at 10:12 am",
 * "Mon, 3 Feb 2014 10:12", "3 Feb. 2014", "2014-02-03", "2014-02-03T10:12:00Z".
 * Writes "2014-02-03" or "2014-02-03T10:12:00" (a zone only when one was
 * given) to out (META_DATE_MAX bytes).  Returns 0, or -1 when s is not a date. */
int meta_parse_date(const char *s, char *out);

/* The date of a path or URL with /YYYY/MM/ or /YYYY/MM/DD/ in it:
 * "2014-02" or "2014-02-03".  Returns 0, or -1 when there is none. */
int meta_date_from_path(const char *path, char *out);

/* The author named by a byline "By Jane Doe" (any case, "and" allowed);
 * a malloc'd string, or NULL when line is not a short byline. */
char *meta_byline_author(const char *line);

#endif
