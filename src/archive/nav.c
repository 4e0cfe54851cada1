#include "archive/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/strlist.h"
#include "util/log.h"

static int
failed(struct reader *r, sqlite3_stmt *st)
{
	log_error("archive: article query failed: %s", sqlite3_errmsg(r->db));
	reader_done(st);
	return -1;
}

static char *
column_copy(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return strdup(s != NULL ? (const char *)s : "");
}

/* The first row of sql (?1 the date, ?2 the id) as a neighbour. */
static int
neighbour(struct reader *r, const char *sql, const char *date, long long id,
    struct archive_neighbour *n)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = reader_statement(r, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n->path = column_copy(st, 0);
		n->date = column_copy(st, 1);
		n->title = column_copy(st, 2);
		if (n->path == NULL || n->date == NULL || n->title == NULL)
			rc = SQLITE_NOMEM;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return failed(r, st);
	reader_done(st);
	return 0;
}

static int
tags_of(struct reader *r, long long id, struct archive_article *info)
{
	struct strlist tags = STRLIST_INIT;
	const unsigned char *tag;
	sqlite3_stmt *st;
	int rc;

	/* As most articles spell them; their paths come from that too. */
	if ((st = reader_statement(r, "SELECT c.shown FROM tags t JOIN tag_counts c"
	    " ON c.tag = t.tag WHERE t.article = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((tag = sqlite3_column_text(st, 0)) != NULL)
			strlist_add(&tags, (const char *)tag, (size_t)sqlite3_column_bytes(st, 0));
	if (rc != SQLITE_DONE) {
		strlist_clear(&tags);
		return failed(r, st);
	}
	reader_done(st);
	strlist_sort_unique(&tags);
	if (tags.failed) {
		strlist_clear(&tags);
		return -1;
	}
	info->tags = strlist_release(&tags);
	return 0;
}

int
nav_article(struct reader *r, const char *path, struct archive_article *info)
{
	sqlite3_stmt *st;
	long long id;
	int rc;

	memset(info, 0, sizeof(*info));
	if ((st = reader_statement(r, "SELECT id, date FROM articles WHERE path = ?1")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		reader_done(st);
		return rc == SQLITE_DONE ? 0 : failed(r, st);
	}
	id = sqlite3_column_int64(st, 0);
	snprintf(info->date, sizeof(info->date), "%s",
	    sqlite3_column_text(st, 1) != NULL ? (const char *)sqlite3_column_text(st, 1) : "");
	reader_done(st);
	if (tags_of(r, id, info) == -1)
		return -1;
	if (info->date[0] == '\0')
		return 1;
	/* The order of the date pages: date, then id, both descending. */
	if (neighbour(r, "SELECT path, date, title FROM articles WHERE date <> ''"
	    " AND date <= ?1 AND (date < ?1 OR id < ?2) ORDER BY date DESC, id DESC LIMIT 1",
	    info->date, id, &info->older) == -1 ||
	    neighbour(r, "SELECT path, date, title FROM articles WHERE date >= ?1"
	    " AND (date > ?1 OR id > ?2) ORDER BY date, id LIMIT 1",
	    info->date, id, &info->newer) == -1) {
		archive_article_free(info);
		return -1;
	}
	return 1;
}

static void
neighbour_free(struct archive_neighbour *n)
{
	free(n->path);
	free(n->date);
	free(n->title);
	n->path = n->date = n->title = NULL;
}

void
archive_article_free(struct archive_article *info)
{
	strlist_free(info->tags);
	info->tags = NULL;
	neighbour_free(&info->older);
	neighbour_free(&info->newer);
}
