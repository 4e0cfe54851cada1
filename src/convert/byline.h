/*
 * Author names from the bylines publishers write: the name only, no "By"
 * or "Par" or "Text:", no job title, desk, handle, "Follow" button, date
 * or time; several people as "A, B and C".  People are told from
 * organisations by their words, so a reader can prefer a person.
 */
#ifndef CAPSULED_CONVERT_BYLINE_H
#define CAPSULED_CONVERT_BYLINE_H

/* The people a byline names: "By Jane Doe, Staff Writer\nNovember 15,
 * 2019" gives "Jane Doe"; "Tech Industry by Steven Musil @stevenmusil"
 * gives "Steven Musil".  Lines of text (the byline's elements) are judged
 * apart first, so a date in an element of its own goes whole.  When no
 * person is named, the organisation it names ("Telegraph Sport"), if
 * any.  Returns a malloc'd string, or NULL when nothing is left. */
char *byline_clean(const char *text);

/* The author of a line that is a byline and nothing else: it starts with
 * a byline word ("By", "Par", "Von", "Por", "Door", "Text:", "Автор:"...)
 * and is short.  Returns the cleaned names (malloc'd) or NULL. */
char *byline_from_line(const char *line);

/* A name as a structured field gives it (JSON-LD, <meta>, microdata),
 * which holds a name already: a leading "By", handles, links and a job
 * title after a comma go, the rest stays as written ("Bruno (Henrique
 * Zecchin) Rodrigues").  Returns a malloc'd string or NULL. */
char *byline_clean_name(const char *name);

/* Whether line says nothing but a byline of these names: labels, job
 * titles, buttons, dates and times around them ("Von Anna Schmidt,
 * Korrespondentin Mittwoch, 20. November 2019, 10:43 Uhr"). */
int byline_is_whole_line(const char *line, const char *names);

/* Whether a cleaned name is a person's: no words of organisations ("News",
 * "Staff", "Press", "Agency"...), and (strict, for bylines read off the
 * page) every word a name's, or (else) some word capitalised. */
int byline_is_person(const char *name, int strict);

#endif
