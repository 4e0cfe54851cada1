#include "archive/archive.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/article.h"
#include "archive/indexer.h"
#include "archive/pages.h"
#include "archive/pool.h"
#include "archive/store.h"
#include "archive/strlist.h"
#include "content/path.h"

/* The most of the about file the home page shows: the page stays small. */
#define ABOUT_MAX_BYTES (16 * 1024)

/* The longest a render waits for a damaged index to be replaced. */
#define REPLACE_WAIT_MS 500

struct archive {
	/* The page options below, replaced by archive_set_page_options()
	 * while handler threads render with them: writers first, so that a
	 * reload waits for one render at most. */
	pthread_rwlock_t options_lock;
	char *title;
	char *base_url;
	char *default_lang;
	char *description;   /* NULL: none */
	char *about_path;    /* NULL: none */
	unsigned feed_entries;
	char *index_gmi;     /* root_path/index.gmi: "/" is generated without it */
	struct indexer indexer;
	struct pool pool;
};

static int
fail(char **error, const char *what, const char *path, int err)
{
	if (asprintf(error, "archive: %s %s: %s", what, path, strerror(err)) == -1)
		*error = NULL;
	return -1;
}

/* The state directory must exist (it is created) and be writable. */
static int
check_state_dir(const char *dir, char **error)
{
	struct stat st;

	if (mkdir(dir, 0750) == -1 && errno != EEXIST)
		return fail(error, "cannot create the state directory", dir, errno);
	if (stat(dir, &st) == -1)
		return fail(error, "cannot use the state directory", dir, errno);
	if (!S_ISDIR(st.st_mode))
		return fail(error, "the state directory is not a directory:", dir, ENOTDIR);
	if (access(dir, W_OK | X_OK) == -1)
		return fail(error, "the state directory is not writable:", dir, errno);
	return 0;
}

static void
free_strings(struct archive *a)
{
	pthread_rwlock_destroy(&a->options_lock);
	free(a->title);
	free(a->base_url);
	free(a->default_lang);
	free(a->description);
	free(a->about_path);
	free(a->index_gmi);
	free(a);
}

/* The title of the pages: the setting, else the host of the base URL
 * ("gemini://example.org:1966" gives "example.org"). */
static char *
title_of(const struct archive_options *o)
{
	const char *host = o->base_url != NULL ? strstr(o->base_url, "://") : NULL;
	size_t len;

	if (o->title != NULL && *o->title != '\0')
		return strdup(o->title);
	if (host == NULL || host[3] == '\0')
		return strdup("Archive");
	host += 3;
	/* An IPv6 literal keeps its brackets, and its colons. */
	len = *host == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/");
	return strndup(host, len);
}

/* A copy of s, NULL for NULL or ""; *failed set when memory ran out. */
static char *
optional_copy(const char *s, int *failed)
{
	char *copy;

	if (s == NULL || *s == '\0')
		return NULL;
	if ((copy = strdup(s)) == NULL)
		*failed = 1;
	return copy;
}

static struct archive *
copy_options(const struct archive_options *o)
{
	pthread_rwlockattr_t attr;
	struct archive *a;
	int failed = 0;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&a->options_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	a->title = title_of(o);
	a->base_url = strdup(o->base_url != NULL ? o->base_url : "");
	a->default_lang = optional_copy(o->default_lang, &failed);
	a->description = optional_copy(o->description, &failed);
	a->about_path = optional_copy(o->about_path, &failed);
	a->feed_entries = o->feed_entries;
	if (asprintf(&a->index_gmi, "%s/index.gmi", o->root_path) == -1)
		a->index_gmi = NULL;
	if (a->title == NULL || a->base_url == NULL || a->index_gmi == NULL || failed) {
		free_strings(a);
		return NULL;
	}
	return a;
}

struct archive *
archive_open(const struct archive_options *o, char **error)
{
	struct article_rule rule;
	struct archive *a;
	char *db_path;

	*error = NULL;
	if (check_state_dir(o->state_dir, error) == -1)
		return NULL;
	if ((a = copy_options(o)) == NULL ||
	    asprintf(&db_path, "%s/archive.db", o->state_dir) == -1) {
		if (a != NULL)
			free_strings(a);
		*error = strdup("archive: out of memory");
		return NULL;
	}
	rule.format = o->article_format;
	rule.article_paths = (char *)o->article_paths;
	if (indexer_start(&a->indexer, o->root_path, &rule, db_path, error) == -1) {
		free(db_path);
		free_strings(a);
		return NULL;
	}
	if (pool_init(&a->pool, db_path, a->indexer.root_fd) == -1) {
		indexer_stop(&a->indexer);
		free(db_path);
		free_strings(a);
		*error = strdup("archive: out of memory");
		return NULL;
	}
	free(db_path);
	return a;
}

void
archive_close(struct archive *a)
{
	if (a == NULL)
		return;
	/* The readers borrow the indexer's root fd: closed first. */
	pool_destroy(&a->pool);
	indexer_stop(&a->indexer);
	free_strings(a);
}

int
archive_ready(struct archive *a)
{
	return a->indexer.ready;
}

static int
has_index_gmi(const struct archive *a)
{
	struct stat st;

	return lstat(a->index_gmi, &st) == 0 && S_ISREG(st.st_mode);
}

unsigned long
archive_generation(struct archive *a)
{
	return atomic_load(&a->indexer.generation);
}

int
archive_generates(struct archive *a, const char *path)
{
	switch (archive_route_of(path)) {
	case ARCHIVE_ROUTE_NONE:
		return 0;
	case ARCHIVE_ROUTE_HOME:
		return !has_index_gmi(a);
	default:
		return 1;
	}
}

/* A reader of the database in use; while the indexer replaces a damaged
 * file (some milliseconds), wait for the new one. */
static struct reader *
take_reader(struct archive *a)
{
	int waited;

	for (waited = 0; !atomic_load(&a->indexer.db_ready) && waited < REPLACE_WAIT_MS;
	    waited += 5)
		usleep(5000);
	if (!atomic_load(&a->indexer.db_ready))
		return NULL;
	return pool_take(&a->pool, atomic_load(&a->indexer.db_generation));
}

/* Give r back; when what it did failed on damage to the database, that
 * is the indexer's to repair: it moves the file aside and rebuilds, and
 * r is reopened on the new one. */
static void
give_reader(struct archive *a, struct reader *r, int failed)
{
	if (failed && reader_damaged(r))
		indexer_report_damage(&a->indexer, r->generation);
	pool_give(&a->pool, r);
}

/* Append gemtext with its top-level headings one level down ("# " is
 * "## "), outside preformatted blocks: the home page it goes in has its
 * own title. */
static void
append_headings_down(struct buf *out, const char *text, size_t len)
{
	const char *line = text, *end = text + len, *next;
	int preformatted = 0;

	for (; line < end; line = next) {
		next = memchr(line, '\n', (size_t)(end - line));
		next = next != NULL ? next + 1 : end;
		if (strncmp(line, "```", 3) == 0 && (size_t)(next - line) >= 3)
			preformatted = !preformatted;
		else if (!preformatted && next - line >= 2 && line[0] == '#' && line[1] == ' ')
			buf_append_char(out, '#');
		buf_append(out, line, (size_t)(next - line));
	}
}

/* The about file of the tree, read for the home page (at most
 * ABOUT_MAX_BYTES, cut at a line); nothing when there is none. */
static void
read_about(const struct archive *a, struct buf *out)
{
	char *text;
	struct stat st;
	ssize_t n;
	int fd;

	if (a->about_path == NULL ||
	    content_open(a->indexer.root_fd, a->about_path, &fd, &st) != CONTENT_OK)
		return;
	if (S_ISREG(st.st_mode) && (text = malloc(ABOUT_MAX_BYTES)) != NULL) {
		if ((n = read(fd, text, ABOUT_MAX_BYTES)) == ABOUT_MAX_BYTES)
			while (n > 0 && text[n - 1] != '\n')
				n--;
		if (n > 0)
			append_headings_down(out, text, (size_t)n);
		free(text);
	}
	close(fd);
}

enum archive_status
archive_render(struct archive *a, const char *path, const char *query,
    enum archive_feed feed, struct archive_page *page)
{
	struct buf about = BUF_INIT;
	struct page_context ctx;
	enum archive_status status;
	struct reader *r;

	if (!archive_generates(a, path))
		return ARCHIVE_NOT_MINE;
	if ((r = take_reader(a)) == NULL)
		return ARCHIVE_ERROR;
	pthread_rwlock_rdlock(&a->options_lock);
	ctx = (struct page_context){
		.title = a->title,
		.base_url = a->base_url,
		.default_lang = a->default_lang,
		.feed_entries = a->feed_entries,
		.building = a->indexer.ready ? -1 : (long)a->indexer.indexed,
		.rebuilding = a->indexer.rebuilding,
		.home = strcmp(path, "/") == 0,
		.feed_as_page = feed == ARCHIVE_FEED_PAGE,
		.description = a->description,
		.about_path = a->about_path,
	};
	if (ctx.home) {
		read_about(a, &about);
		ctx.about = about.data;
	}
	status = pages_render(r, &ctx, path, query, page);
	pthread_rwlock_unlock(&a->options_lock);
	give_reader(a, r, status == ARCHIVE_ERROR);
	buf_free(&about);
	return status;
}

int
archive_article(struct archive *a, const char *path, struct archive_article *info)
{
	struct reader *r;
	int rc;

	if ((r = take_reader(a)) == NULL)
		return -1;
	rc = nav_article(r, path, info);
	give_reader(a, r, rc == -1);
	return rc;
}

int
archive_set_page_options(struct archive *a, const struct archive_options *o)
{
	char *title = title_of(o);
	int rc = title != NULL ? 0 : -1;

	pthread_rwlock_wrlock(&a->options_lock);
	if (title != NULL) {
		free(a->title);
		a->title = title;
	}
	if (string_replace(&a->base_url, o->base_url != NULL ? o->base_url : "") == -1 ||
	    string_replace(&a->default_lang, o->default_lang) == -1 ||
	    string_replace(&a->description, o->description) == -1 ||
	    string_replace(&a->about_path, o->about_path) == -1)
		rc = -1;
	a->feed_entries = o->feed_entries;
	pthread_rwlock_unlock(&a->options_lock);
	/* Pages cached by the generation show the old title: make them stale. */
	atomic_fetch_add(&a->indexer.generation, 1);
	return rc;
}

void
archive_page_free(struct archive_page *p)
{
	page_free(&p->page);
	buf_free(&p->body);
	free(p->prompt);
	p->prompt = NULL;
	p->mime = NULL;
}

unsigned long
archive_tree_generation(struct archive *a)
{
	return atomic_load(&a->indexer.tree_generation);
}

unsigned long
archive_chrome_generation(struct archive *a)
{
	return atomic_load(&a->indexer.chrome_generation);
}

int
archive_source_path(struct archive *a, const char *url, char *path, size_t size)
{
	char *key = article_source_key(url);
	struct reader *r;
	sqlite3_stmt *st;
	int found = 0, rc = SQLITE_DONE;

	if (key == NULL || (r = take_reader(a)) == NULL) {
		free(key);
		return 0;
	}
	if ((st = reader_statement(r, "SELECT a.path FROM sources s"
	    " JOIN articles a ON a.id = s.article WHERE s.url = ?1")) != NULL) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
		    sqlite3_column_bytes(st, 0) < (int)size) {
			memcpy(path, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0) + 1);
			found = 1;
		}
		reader_done(st);
	}
	give_reader(a, r, rc != SQLITE_ROW && rc != SQLITE_DONE);
	free(key);
	return found;
}

char **
archive_chrome_lines(struct archive *a, unsigned long *generation)
{
	struct reader *r;
	sqlite3_stmt *st;
	char **lines = NULL;

	if (generation != NULL)
		*generation = archive_chrome_generation(a);
	if ((r = take_reader(a)) == NULL)
		return NULL;
	if ((st = reader_statement(r, store_chrome_sql)) != NULL)
		lines = store_chrome_lines(r->db, st);
	reader_done(st);
	pool_give(&a->pool, r);
	return lines;
}

void
archive_chrome_free(char **lines)
{
	strlist_free(lines);
}
