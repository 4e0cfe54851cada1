#include "archive/archive.h"

#include <errno.h>
#include <fcntl.h>
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

/* The longest a render waits for a damaged index to be replaced. */
#define REPLACE_WAIT_MS 500

struct archive {
	char *title;
	char *base_url;
	char *default_lang;
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
	free(a->title);
	free(a->base_url);
	free(a->default_lang);
	free(a->index_gmi);
	free(a);
}

static struct archive *
copy_options(const struct archive_options *o)
{
	struct archive *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->title = strdup(o->title != NULL ? o->title : "Archive");
	a->base_url = strdup(o->base_url != NULL ? o->base_url : "");
	a->default_lang = o->default_lang != NULL ? strdup(o->default_lang) : NULL;
	a->feed_entries = o->feed_entries;
	if (asprintf(&a->index_gmi, "%s/index.gmi", o->root_path) == -1)
		a->index_gmi = NULL;
	if (a->title == NULL || a->base_url == NULL || a->index_gmi == NULL ||
	    (o->default_lang != NULL && a->default_lang == NULL)) {
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
	if (pool_init(&a->pool, db_path) == -1) {
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
	indexer_stop(&a->indexer);
	pool_destroy(&a->pool);
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

enum archive_status
archive_render(struct archive *a, const char *path, const char *query,
    enum archive_feed feed, struct archive_page *page)
{
	struct page_context ctx;
	enum archive_status status;
	struct reader *r;

	if (!archive_generates(a, path))
		return ARCHIVE_NOT_MINE;
	ctx = (struct page_context){
		.title = a->title,
		.base_url = a->base_url,
		.default_lang = a->default_lang,
		.feed_entries = a->feed_entries,
		.building = a->indexer.ready ? -1 : (long)a->indexer.indexed,
		.rebuilding = a->indexer.rebuilding,
		.home = strcmp(path, "/") == 0,
		.feed_as_page = feed == ARCHIVE_FEED_PAGE,
	};
	if ((r = take_reader(a)) == NULL)
		return ARCHIVE_ERROR;
	status = pages_render(r, &ctx, path, query, page);
	/* Damage seen here is the indexer's to repair: it moves the file aside
	 * and rebuilds, and this reader is reopened on the new one. */
	if (status == ARCHIVE_ERROR && reader_damaged(r))
		indexer_report_damage(&a->indexer, r->generation);
	pool_give(&a->pool, r);
	return status;
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

char **
archive_chrome_lines(struct archive *a, unsigned long *generation)
{
	struct reader *r;
	sqlite3_stmt *st;
	char **lines = NULL;

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
