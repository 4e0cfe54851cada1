#include "archive/indexer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive/article.h"
#include "archive/chrome.h"
#include "archive/strlist.h"
#include "convert/convert.h"
#include "util/clock.h"
#include "util/log.h"

#define WATCH_MASK (IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | \
    IN_ONLYDIR)
/* Deeper directories are not indexed: bounds recursion and open fds. */
#define MAX_DEPTH 32
/* More pending changes than this: walk everything instead. */
#define MAX_CHANGES 65536

/* Whatever the walk under way must stop for: a stop, or a fault. */
/* A reader found the database in use damaged. */
static int
damage_reported(const struct indexer *ix)
{
	return atomic_load(&ix->damaged_generation) == atomic_load(&ix->db_generation) &&
	    atomic_load(&ix->db_ready);
}

static int
cut_short(const struct indexer *ix)
{
	return ix->stopping || damage_reported(ix) || store_fault(&ix->store) != STORE_OK;
}

/* Commit, then tell archive_generation() readers: bumped after the
 * commit, a page rendered under the new number shows the new state.
 * While the first walk runs every commit counts, as pages show its
 * progress. */
static void
commit(struct indexer *ix)
{
	int changed = ix->store.changed || !ix->ready;
	long seen = ix->batch_seen;

	ix->batch_seen = 0;
	if (store_commit(&ix->store) != 0)
		return;
	retry_succeeded(&ix->retry, ix->db_path);
	if (!ix->ready)
		atomic_fetch_add(&ix->indexed, seen);
	if (changed)
		atomic_fetch_add(&ix->generation, 1);
	if (ix->chrome_changed) {
		ix->chrome_changed = 0;
		atomic_fetch_add(&ix->chrome_generation, 1);
	}
}

static void
batch_begin(struct indexer *ix)
{
	store_begin(&ix->store);
	ix->batch = 0;
	ix->batch_start = monotonic_ms();
}

/* Commit now and then so readers see progress and the WAL stays small;
 * seldom while building in bulk. */
static void
batch_check(struct indexer *ix)
{
	size_t rows = ix->store.bulk ? INDEXER_BULK_BATCH : INDEXER_BATCH;
	long long ms = ix->store.bulk ? INDEXER_BULK_BATCH_MS : INDEXER_BATCH_MS;

	if (ix->batch < rows && monotonic_ms() - ix->batch_start < ms)
		return;
	commit(ix);
	batch_begin(ix);
}

static struct watch *
find_watch(struct indexer *ix, int wd)
{
	size_t i;

	for (i = 0; i < ix->nwatches; i++)
		if (ix->watches[i].wd == wd)
			return &ix->watches[i];
	return NULL;
}

static void
drop_watch(struct indexer *ix, int wd)
{
	struct watch *w;

	if ((w = find_watch(ix, wd)) == NULL)
		return;
	free(w->path);
	*w = ix->watches[--ix->nwatches];
}

/* Watch the open directory fd, known as dirpath.  Watching through
 * /proc/self/fd names exactly the directory opened, never a symlink. */
static void
add_watch(struct indexer *ix, int fd, const char *dirpath)
{
	struct watch *w, *grown;
	char proc[64];
	char *copy;
	int wd;

	if (ix->inotify_fd == -1)
		return;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((wd = inotify_add_watch(ix->inotify_fd, proc, WATCH_MASK)) == -1) {
		log_warn("archive: cannot watch %s: %s", *dirpath ? dirpath : "/",
		    strerror(errno));
		return;
	}
	if ((copy = strdup(dirpath)) == NULL)
		return;
	if ((w = find_watch(ix, wd)) != NULL) {
		/* The same directory again, maybe moved: keep its new name. */
		free(w->path);
		w->path = copy;
		return;
	}
	if ((grown = reallocarray(ix->watches, ix->nwatches + 1, sizeof(*grown))) == NULL) {
		free(copy);
		return;
	}
	ix->watches = grown;
	ix->watches[ix->nwatches++] = (struct watch){ wd, copy };
}

static void
count_text_change(struct indexer *ix, const char *path)
{
	if (article_format_of(path) == ARTICLE_TEXT)
		ix->text_changes++;
}

static void write_all(struct indexer *);

/* The store learned a dictionary: what is handed out was packed without
 * it; everything after is packed with it. */
static void
take_dict(struct indexer *ix)
{
	store_dict_taken(&ix->store);
	write_all(ix);
	pipeline_set_dict(&ix->pipeline, ix->store.dict);
}

/* Write one converted file (skipped when it could not be read). */
static void
write_oldest(struct indexer *ix)
{
	struct conversion *c = pipeline_oldest(&ix->pipeline);

	if (c->loaded && store_put(&ix->store, &c->article.row) == 0) {
		ix->batch++;
		ix->batch_seen++;
		count_text_change(ix, c->path);
	}
	pipeline_release_oldest(&ix->pipeline);
	batch_check(ix);
	if (ix->store.dict_learned)
		take_dict(ix);
}

/* Write everything handed out; or, when the walk is cut short, drop it. */
static void
write_all(struct indexer *ix)
{
	while (pipeline_pending(&ix->pipeline) > 0 && !cut_short(ix))
		write_oldest(ix);
	pipeline_discard(&ix->pipeline);
}

/* Convert an indexed .txt article again with the current chrome; the
 * index is written only when that changed its text.  1 when it did. */
static int
reread(struct indexer *ix, const char *path)
{
	struct pipeline_dir *root;
	struct conversion *c;
	int changed = 0, fd;

	if ((fd = dup(ix->root_fd)) == -1 || (root = pipeline_dir_new(fd)) == NULL)
		return 0;
	if (pipeline_submit(&ix->pipeline, root, path + 1, path) == 0) {
		c = pipeline_oldest(&ix->pipeline);
		if (c->loaded && (changed = !store_same_text(&ix->store, &c->article.row))) {
			store_put(&ix->store, &c->article.row);
			ix->batch++;
		}
		pipeline_release_oldest(&ix->pipeline);
	}
	pipeline_dir_release(root);
	batch_check(ix);
	return changed;
}

/* The lines in one of a and b but not both. */
static char **
lines_changed(char *const *a, char *const *b)
{
	struct strlist changed = STRLIST_INIT;
	char *const *p;

	for (p = a; p != NULL && *p != NULL; p++)
		if (!strlist_has(b, *p))
			strlist_add(&changed, *p, strlen(*p));
	for (p = b; p != NULL && *p != NULL; p++)
		if (!strlist_has(a, *p))
			strlist_add(&changed, *p, strlen(*p));
	return strlist_release(&changed);
}

static void
set_chrome(struct indexer *ix, char **lines)
{
	pipeline_set_chrome(&ix->pipeline, lines);
	strlist_free(ix->chrome);
	ix->chrome = lines;
}

/* Learn the chrome from the heads in the index; when it changed, store
 * it and re-read the articles that the changed lines head.  Runs in the
 * open transaction, with nothing handed out. */
static void
learn_chrome(struct indexer *ix)
{
	char **learned, **changed, **paths = NULL, **p;
	size_t n = 0, rewritten = 0;

	ix->text_changes = 0;
	if (store_learn_chrome(&ix->store, &learned, &ix->text_files) == -1)
		return;
	if (strlist_same(learned, ix->chrome)) {
		strlist_free(learned);
		return;
	}
	changed = lines_changed(learned, ix->chrome);
	set_chrome(ix, learned);
	ix->chrome_changed = 1;
	if (store_set_chrome(&ix->store, learned) == 0 &&
	    store_paths_headed_by(&ix->store, changed, &paths) == 0)
		for (p = paths; p != NULL && *p != NULL && !cut_short(ix); p++, n++)
			rewritten += (size_t)reread(ix, *p);
	if (!cut_short(ix))
		log_info("archive: %zu lines of .txt site chrome learned; %zu articles re-read, "
		    "%zu of them changed", strlist_count(learned), n, rewritten);
	strlist_free(paths);
	strlist_free(changed);
}

/* Many .txt files changed since the chrome was last learned.  The first
 * walk learns each time the .txt files doubled, so most are converted
 * with the chrome already known rather than converted twice. */
static int
relearn_due(const struct indexer *ix)
{
	int pct = ix->ready ? INDEXER_RELEARN_PCT : 100;

	return ix->text_changes >= CHROME_MIN_FILES &&
	    ix->text_changes * 100 >= ix->text_files * pct;
}

/* Hand the file out for conversion, writing older ones to make room. */
static void
hand_out(struct indexer *ix, struct pipeline_dir *dir, const char *name, const char *path)
{
	while (pipeline_full(&ix->pipeline) && !cut_short(ix))
		write_oldest(ix);
	if (cut_short(ix) || pipeline_submit(&ix->pipeline, dir, name, path) == -1)
		return;
	if (ix->pipeline.nthreads == 0)
		write_oldest(ix);
	if (relearn_due(ix)) {
		write_all(ix);
		learn_chrome(ix);
	}
}

static void
index_file(struct indexer *ix, struct pipeline_dir *dir, const char *name, const char *path,
    const struct stat *st)
{
	int seen = store_touch(&ix->store, path, article_mtime(st), (long long)st->st_size);

	if (seen == 1)
		ix->batch_seen++;
	else if (seen == 0)
		hand_out(ix, dir, name, path);
}

static void walk_dir(struct indexer *, int, const char *, int);

static void
visit(struct indexer *ix, struct pipeline_dir *dir, const char *name, const char *path,
    int depth)
{
	struct stat st;
	int fd;

	if (fstatat(dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return;
	if (S_ISREG(st.st_mode) && article_is_indexed(path, &ix->rule)) {
		index_file(ix, dir, name, path, &st);
		return;
	}
	if (!S_ISDIR(st.st_mode) || depth >= MAX_DEPTH)
		return;
	if ((fd = openat(dir->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return;
	walk_dir(ix, fd, path, depth + 1);
	close(fd);
}

/* The names in the open directory dirfd but dotfiles, in strcmp order:
 * the same tree is walked in the same order everywhere. */
static char **
sorted_names(int dirfd)
{
	struct strlist names = STRLIST_INIT;
	struct dirent *e;
	DIR *dir;
	int fd;

	if ((fd = dup(dirfd)) == -1)
		return NULL;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	/* The copy shares its position with dirfd: an earlier walk left it
	 * at the end. */
	rewinddir(dir);
	while ((e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.')
			strlist_add(&names, e->d_name, strlen(e->d_name));
	closedir(dir);
	strlist_sort_unique(&names);
	return strlist_release(&names);
}

/* Index every article under the open directory dirfd (URL path dirpath,
 * "" for the root) and watch it and its subdirectories. */
static void
walk_dir(struct indexer *ix, int dirfd, const char *dirpath, int depth)
{
	struct pipeline_dir *dir;
	char **names, **name, *path;
	int fd;

	add_watch(ix, dirfd, dirpath);
	if ((names = sorted_names(dirfd)) == NULL)
		return;
	if ((fd = dup(dirfd)) != -1 && (dir = pipeline_dir_new(fd)) != NULL) {
		for (name = names; *name != NULL && !cut_short(ix); name++) {
			if (asprintf(&path, "%s/%s", dirpath, *name) == -1)
				continue;
			visit(ix, dir, *name, path, depth);
			free(path);
		}
		pipeline_dir_release(dir);
	}
	strlist_free(names);
}

/* Walk the whole tree; rows of files no longer there are dropped. */
static void
full_walk(struct indexer *ix)
{
	store_walk_start(&ix->store);
	batch_begin(ix);
	walk_dir(ix, ix->root_fd, "", 0);
	write_all(ix);
	if (!cut_short(ix)) {
		store_sweep(&ix->store);
		learn_chrome(ix);
	}
	store_walk_abandon(&ix->store);
	commit(ix);
}

/* Whether the file name in the directory dirpath ("" at the root) is
 * an article to index. */
static int
indexed_name(const struct indexer *ix, const char *dirpath, const char *name)
{
	char *path;
	int indexed;

	if (asprintf(&path, "%s/%s", dirpath, name) == -1)
		return 0;
	indexed = article_is_indexed(path, &ix->rule);
	free(path);
	return indexed;
}

static void
add_change(struct indexer *ix, const char *dirpath, const char *name, int is_dir)
{
	struct change *grown;
	char *path;

	if (ix->nchanges >= MAX_CHANGES) {
		ix->rescan = 1;
		return;
	}
	if (asprintf(&path, "%s/%s", dirpath, name) == -1)
		return;
	if ((grown = reallocarray(ix->changes, ix->nchanges + 1, sizeof(*grown))) == NULL) {
		free(path);
		return;
	}
	ix->changes = grown;
	ix->changes[ix->nchanges++] = (struct change){ path, is_dir };
}

static void
handle_event(struct indexer *ix, const struct inotify_event *ev)
{
	struct watch *w;
	int is_dir = (ev->mask & IN_ISDIR) != 0;

	if (ev->mask & IN_Q_OVERFLOW) {
		ix->rescan = 1;
		return;
	}
	if (ev->mask & IN_IGNORED) {
		drop_watch(ix, ev->wd);
		return;
	}
	if (ev->len == 0 || ev->name[0] == '.' || (w = find_watch(ix, ev->wd)) == NULL)
		return;
	/* Any file, article or not: listings show sizes too. */
	atomic_fetch_add(&ix->tree_generation, 1);
	/* Whether "/" is generated hangs on this file alone. */
	if (*w->path == '\0' && strcmp(ev->name, "index.gmi") == 0)
		atomic_fetch_add(&ix->generation, 1);
	if (!is_dir && !indexed_name(ix, w->path, ev->name))
		return;
	add_change(ix, w->path, ev->name, is_dir);
}

static void
read_events(struct indexer *ix)
{
	_Alignas(struct inotify_event) char events[16384];
	const struct inotify_event *ev;
	ssize_t n;
	char *p;

	while ((n = read(ix->inotify_fd, events, sizeof(events))) > 0) {
		for (p = events; p < events + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			handle_event(ix, ev);
		}
	}
}

static int
change_order(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c != 0 ? c : x->is_dir - y->is_dir;
}

static int
depth_of(const char *path)
{
	int depth = 0;

	for (; *path != '\0'; path++)
		depth += *path == '/';
	return depth;
}

/* Bring one path of the index in line with the tree as it is now. */
static void
apply_change(struct indexer *ix, struct pipeline_dir *root, const struct change *c)
{
	const char *rel = c->path + 1;
	long long removed;
	struct stat st;
	int fd;

	if (c->is_dir) {
		/* Whatever was there went away or moved: index what is there now.
		 * Every article removed counts as a .txt change: learning again
		 * a little early costs less than telling them apart. */
		write_all(ix);
		if ((removed = store_remove_tree(&ix->store, c->path)) > 0)
			ix->text_changes += removed;
		fd = openat(ix->root_fd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1)
			return;
		if (depth_of(c->path) <= MAX_DEPTH)
			walk_dir(ix, fd, c->path, depth_of(c->path));
		close(fd);
		return;
	}
	if (fstatat(ix->root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
		index_file(ix, root, rel, c->path, &st);
		return;
	}
	if (store_remove(&ix->store, c->path) == 1)
		count_text_change(ix, c->path);
}

static void
free_changes(struct indexer *ix)
{
	size_t i;

	for (i = 0; i < ix->nchanges; i++)
		free(ix->changes[i].path);
	free(ix->changes);
	ix->changes = NULL;
	ix->nchanges = 0;
}

static void
apply_changes(struct indexer *ix)
{
	struct pipeline_dir *root;
	size_t i;
	int fd;

	if (ix->rescan) {
		log_warn("archive: change events were lost, walking the tree again");
		ix->rescan = 0;
		full_walk(ix);
		free_changes(ix);
		return;
	}
	qsort(ix->changes, ix->nchanges, sizeof(*ix->changes), change_order);
	if ((fd = dup(ix->root_fd)) != -1 && (root = pipeline_dir_new(fd)) != NULL) {
		batch_begin(ix);
		for (i = 0; i < ix->nchanges && !cut_short(ix); i++)
			if (i == 0 || change_order(&ix->changes[i - 1], &ix->changes[i]) != 0)
				apply_change(ix, root, &ix->changes[i]);
		write_all(ix);
		pipeline_dir_release(root);
		if (relearn_due(ix))
			learn_chrome(ix);
		commit(ix);
	}
	free_changes(ix);
}

/* Milliseconds until pending changes are due, -1 when there are none. */
static int
due_in(const struct indexer *ix)
{
	long long now = monotonic_ms(), quiet, oldest;

	if (ix->nchanges == 0 && !ix->rescan)
		return -1;
	quiet = ix->last_change + INDEXER_QUIET_MS - now;
	oldest = ix->first_change + INDEXER_MAX_DELAY_MS - now;
	if (oldest < quiet)
		quiet = oldest;
	return quiet > 0 ? (int)quiet : 0;
}

/* Sleep up to ms (-1: until woken), woken early by indexer_stop() or a
 * report of damage; with inotify, until events come (1 then). */
static int
wait_for(struct indexer *ix, int ms, int events)
{
	struct pollfd fds[2] = {
		{ .fd = ix->wake_fd, .events = POLLIN },
		{ .fd = ix->inotify_fd, .events = POLLIN },
	};
	uint64_t count;

	if (poll(fds, events && ix->inotify_fd != -1 ? 2 : 1, ms) == -1 && errno != EINTR) {
		log_error("archive: poll: %s", strerror(errno));
		sleep(1);
		return 0;
	}
	if (fds[0].revents != 0 && read(ix->wake_fd, &count, sizeof(count)) == -1 &&
	    errno != EAGAIN)
		log_warn("archive: cannot read the indexer's wake-ups: %s", strerror(errno));
	return events && fds[1].revents != 0;
}

static void
follow_changes(struct indexer *ix)
{
	int pending;

	while (!cut_short(ix)) {
		if (wait_for(ix, due_in(ix), 1)) {
			pending = ix->nchanges > 0 || ix->rescan;
			read_events(ix);
			ix->last_change = monotonic_ms();
			if (!pending)
				ix->first_change = ix->last_change;
		}
		if (!cut_short(ix) && due_in(ix) == 0)
			apply_changes(ix);
	}
}

/* Open the store again (after damage, or after it failed to open). */
static int
reopen(struct indexer *ix)
{
	enum store_fault fault;
	char *error = NULL;
	int rc;

	if ((rc = store_open(&ix->store, ix->db_path, &error, &fault)) == 0) {
		set_chrome(ix, store_chrome(ix->store.db));
		pipeline_set_dict(&ix->pipeline, ix->store.dict);
		atomic_fetch_add(&ix->chrome_generation, 1);
		atomic_fetch_add(&ix->db_generation, 1);
		atomic_store(&ix->db_ready, 1);
		atomic_fetch_add(&ix->generation, 1);
	} else if (fault == STORE_UNWRITABLE) {
		wait_for(ix, (int)retry_failed(&ix->retry, ix->db_path, error), 0);
	} else {
		log_error("%s", error != NULL ? error : "archive: cannot open the index");
		wait_for(ix, RETRY_MAX_MS, 0);
	}
	free(error);
	return rc;
}

/* The database is damaged: move it aside, and start again from nothing
 * while pages say the index is being rebuilt. */
static void
rebuild(struct indexer *ix, const char *why)
{
	log_warn("archive: the index %s is damaged (%s); moved aside to %s.damaged, rebuilding"
	    " it from the tree", ix->db_path, why, ix->db_path);
	ix->ready = 0;
	ix->indexed = 0;
	ix->rebuilding = 1;
	/* Readers wait until the new file is there (archive.c). */
	atomic_store(&ix->db_ready, 0);
	pipeline_set_dict(&ix->pipeline, NULL);
	store_discard(&ix->store);
	reopen(ix);
}

/* After a walk or a burst of changes: deal with what went wrong, if
 * anything.  1 when something did (the tree is then walked again). */
static int
handle_fault(struct indexer *ix)
{
	enum store_fault fault = store_fault(&ix->store);
	char why[300];

	if (fault == STORE_OK && !damage_reported(ix))
		return 0;
	pipeline_discard(&ix->pipeline);
	store_walk_abandon(&ix->store);
	store_rollback(&ix->store);
	ix->batch_seen = 0;
	free_changes(ix);
	snprintf(why, sizeof(why), "%s", fault != STORE_OK ? ix->store.fault_message :
	    "a page or search read damaged data");
	store_recover(&ix->store);
	if (fault == STORE_DAMAGED || fault == STORE_OK)
		rebuild(ix, why);
	else
		wait_for(ix, (int)retry_failed(&ix->retry, ix->db_path, why), 0);
	return 1;
}

/* An index there before this start may have been damaged while it was
 * not open: check its structure once. */
static void
check_at_start(struct indexer *ix)
{
	char *result;

	if (ix->store.created)
		return;
	if ((result = store_check(&ix->store)) != NULL && strcmp(result, "ok") != 0) {
		store_rollback(&ix->store);
		rebuild(ix, result);
	}
	free(result);
	handle_fault(ix);
}

/* The first walk is in: leave bulk mode, and say what was done. */
static void
walk_done(struct indexer *ix, long long start)
{
	long long n, merging = 0;
	int bulk = ix->store.bulk;

	if (bulk) {
		merging = monotonic_ms();
		if (store_bulk_done(&ix->store) == -1)
			return;
		merging = monotonic_ms() - merging;
	}
	if ((n = store_count(&ix->store)) == -1)
		return;
	if (!ix->ready && bulk)
		log_info("archive: %lld articles indexed in %.1f s (the last %.1f s merging)%s", n,
		    (double)(monotonic_ms() - start) / 1000.0, (double)merging / 1000.0,
		    ix->rebuilding ? " (rebuilt)" : "");
	else if (!ix->ready)
		log_info("archive: %lld articles indexed in %.1f s%s", n,
		    (double)(monotonic_ms() - start) / 1000.0, ix->rebuilding ? " (rebuilt)" : "");
	ix->indexed = n;
	ix->rebuilding = 0;
	ix->ready = 1;
	atomic_fetch_add(&ix->generation, 1);
	/* The converters' and the build's memory, back to the system. */
	malloc_trim(0);
}

static void *
run(void *arg)
{
	struct indexer *ix = arg;
	long long start = monotonic_ms();

	check_at_start(ix);
	while (!ix->stopping) {
		if (ix->store.db == NULL && reopen(ix) == -1)
			continue;
		if (!ix->ready && ix->indexed == 0)
			start = monotonic_ms();
		full_walk(ix);
		if (ix->stopping || handle_fault(ix))
			continue;
		walk_done(ix, start);
		if (handle_fault(ix))
			continue;
		follow_changes(ix);
		handle_fault(ix);
	}
	pipeline_discard(&ix->pipeline);
	return NULL;
}

static int
fail(char **error, const char *what, const char *path)
{
	if (asprintf(error, "archive: %s %s: %s", what, path, strerror(errno)) == -1)
		*error = NULL;
	return -1;
}

static int
open_store(struct indexer *ix, const char *db_path, char **error)
{
	enum store_fault fault;

	if ((ix->db_path = strdup(db_path)) == NULL) {
		errno = ENOMEM;
		return fail(error, "cannot open", db_path);
	}
	if (store_open(&ix->store, db_path, error, &fault) == -1)
		return -1;
	ix->chrome = store_chrome(ix->store.db);
	return 0;
}

int
indexer_start(struct indexer *ix, const char *root_path, const struct article_rule *rule,
    const char *db_path, char **error)
{
	memset(ix, 0, sizeof(*ix));
	ix->inotify_fd = ix->wake_fd = ix->root_fd = -1;
	atomic_store(&ix->chrome_generation, 1);
	atomic_store(&ix->db_generation, 1);
	if (rule != NULL && rule->format != NULL) {
		ix->rule.format = rule->format;
		if (rule->article_paths != NULL &&
		    (ix->rule.article_paths = strdup(rule->article_paths)) == NULL) {
			errno = ENOMEM;
			fail(error, "out of memory for", "article_paths");
			goto fail;
		}
	}
	if ((ix->root_fd = open(root_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fail(error, "cannot open the content tree", root_path);
		goto fail;
	}
	if (open_store(ix, db_path, error) == -1)
		goto fail;
	/* A damaged file was moved aside on opening: what follows rebuilds. */
	ix->rebuilding = ix->store.recovered;
	ix->db_ready = 1;
	if (pipeline_start(&ix->pipeline, pipeline_threads()) == -1) {
		errno = ENOMEM;
		fail(error, "cannot start the converters for", root_path);
		store_close(&ix->store);
		goto fail;
	}
	pipeline_set_chrome(&ix->pipeline, ix->chrome);
	pipeline_set_dict(&ix->pipeline, ix->store.dict);
	if ((ix->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		log_warn("archive: inotify: %s; changes are seen after a restart only",
		    strerror(errno));
	if ((ix->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1 ||
	    (errno = pthread_create(&ix->thread, NULL, run, ix)) != 0) {
		fail(error, "cannot start the indexer for", root_path);
		indexer_stop(ix);
		return -1;
	}
	ix->running = 1;
	return 0;
fail:
	if (ix->root_fd != -1)
		close(ix->root_fd);
	free(ix->rule.article_paths);
	free(ix->db_path);
	return -1;
}

static void
wake(struct indexer *ix)
{
	uint64_t one = 1;

	if (write(ix->wake_fd, &one, sizeof(one)) == -1)
		log_warn("archive: cannot wake the indexer: %s", strerror(errno));
}

void
indexer_report_damage(struct indexer *ix, unsigned long db_generation)
{
	/* Once per database file: reports from readers of an older one, or
	 * more of the same, change nothing. */
	if (db_generation != atomic_load(&ix->db_generation) ||
	    atomic_exchange(&ix->damaged_generation, db_generation) == db_generation)
		return;
	wake(ix);
}

void
indexer_stop(struct indexer *ix)
{
	size_t i;

	if (ix->running) {
		ix->stopping = 1;
		wake(ix);
		pthread_join(ix->thread, NULL);
	}
	pipeline_stop(&ix->pipeline);
	for (i = 0; i < ix->nwatches; i++)
		free(ix->watches[i].path);
	free(ix->watches);
	free_changes(ix);
	if (ix->inotify_fd != -1)
		close(ix->inotify_fd);
	if (ix->wake_fd != -1)
		close(ix->wake_fd);
	close(ix->root_fd);
	store_close(&ix->store);
	strlist_free(ix->chrome);
	free(ix->rule.article_paths);
	free(ix->db_path);
}
