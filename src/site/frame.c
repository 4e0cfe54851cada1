/* The page around an article: its head and its foot (site.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/site.h"
#include "util/text.h"

#define MIDDLE_DOT " \xc2\xb7 "
/* Words a reader reads in a minute, for the reading time. */
#define WORDS_A_MINUTE 200

/* The year and month of "2014-02-03" or "2014-02": 0, or -1 when date
 * is neither. */
static int
year_month(const char *date, int *y, int *m)
{
	int n = 0;

	if (date == NULL || sscanf(date, "%4d-%2d%n", y, m, &n) != 2 || n != 7 ||
	    month_name(*m) == NULL)
		return -1;
	return 0;
}

/* "3 February 2014" from "2014-02-03", "February 2014" from "2014-02". */
static void
readable_date(struct buf *out, const char *date)
{
	int y, m, d;

	if (year_month(date, &y, &m) != 0)
		return;
	if (sscanf(date + 7, "-%2d", &d) == 1 && d >= 1 && d <= 31)
		buf_printf(out, "%d ", d);
	buf_printf(out, "%s %d", month_name(m), y);
}

/* "/archive/2014/02/" for a date of February 2014. */
static char *
month_path(const char *date)
{
	int y, m;

	return year_month(date, &y, &m) == 0 ?
	    format_string(ARCHIVE_PATH_DATES "%04d/%02d/", y, m) : NULL;
}

/* "3 February 2014 · By Jane Doe · 4 min read", linked to the month. */
static void
byline(struct page *head, const char *date, const char *author, size_t words,
    const char *month)
{
	struct buf line = BUF_INIT;
	size_t minutes = (words + WORDS_A_MINUTE - 1) / WORDS_A_MINUTE;

	readable_date(&line, date);
	if (author != NULL && *author != '\0')
		buf_printf(&line, "%sBy %s", line.len > 0 ? MIDDLE_DOT : "", author);
	buf_printf(&line, "%s%zu min read", line.len > 0 ? MIDDLE_DOT : "",
	    minutes > 0 ? minutes : 1);
	if (line.failed)
		head->failed = 1;
	else
		page_add(head, PAGE_BYLINE, line.data, month);
	buf_free(&line);
}

static void
tag_lines(struct page *head, char *const *tags)
{
	struct buf path = BUF_INIT;

	for (; tags != NULL && *tags != NULL; tags++) {
		buf_truncate(&path, 0);
		if (archive_tag_path(&path, *tags) != 0)
			head->failed = 1;
		else
			page_add(head, PAGE_TAG, *tags, path.data);
	}
	buf_free(&path);
}

static void
neighbour_line(struct page *foot, const struct archive_neighbour *n, const char *what)
{
	char *label;

	if (n->path == NULL)
		return;
	if ((label = format_string("%s: %s", what, n->title)) == NULL)
		foot->failed = 1;
	else
		page_link(foot, n->path, NULL, label);
	free(label);
}

/* The way on: the articles around it, its month (or the undated ones),
 * the archive. */
static void
foot_lines(struct page *foot, const struct archive_article *info, const char *date)
{
	char *month = month_path(date), *label;
	int y, m;

	page_blank(foot);
	if (info != NULL) {
		neighbour_line(foot, &info->older, "Previous");
		neighbour_line(foot, &info->newer, "Next");
	}
	if (month != NULL && year_month(date, &y, &m) == 0) {
		if ((label = format_string("All articles of %s %d", month_name(m), y)) == NULL)
			foot->failed = 1;
		else
			page_link(foot, month, NULL, label);
		free(label);
	} else if (info != NULL)
		page_link(foot, ARCHIVE_PATH_UNDATED, NULL, "Undated articles");
	page_link(foot, ARCHIVE_PATH_DATES, NULL, "The archive");
	free(month);
}

int
site_article_frame(const struct site *s, const char *path, const struct cached_article *a,
    struct page *head, struct page *foot)
{
	const struct doc_meta *meta = &a->doc->meta;
	struct archive_article info;
	const char *date = meta->date;
	char *month;
	int indexed = s->archive != NULL ? archive_article(s->archive, path, &info) : 0;

	/* The index decides the date pages list it under, and its tags (as
	 * their pages spell them: until it is indexed, none). */
	if (indexed == 1)
		date = info.date[0] != '\0' ? info.date : NULL;
	month = s->archive != NULL ? month_path(date) : NULL;
	page_heading(head, 1, meta->title != NULL ? meta->title : path);
	byline(head, date, meta->author, a->words, month);
	if (indexed == 1)
		tag_lines(head, info.tags);
	page_blank(head);
	if (s->archive != NULL)
		foot_lines(foot, indexed == 1 ? &info : NULL, date);
	else {
		page_blank(foot);
		page_link(foot, "/", NULL, "Home");
	}
	free(month);
	if (indexed == 1)
		archive_article_free(&info);
	return head->failed || foot->failed ? -1 : 0;
}

int
site_robots_text(struct buf *out)
{
	/* Lines short enough for a Gopher text: never wrapped there. */
	buf_append_str(out, "# Made by capsuled; a robots.txt in the tree replaces it.\n"
	    "# Search results only repeat what the archive links to.\n"
	    "# Originals (a path with ?" SITE_RAW_QUERY ") are linked from no page.\n"
	    "User-agent: *\n"
	    "Disallow: " ARCHIVE_PATH_SEARCH "\n");
	return out->failed ? -1 : 0;
}
