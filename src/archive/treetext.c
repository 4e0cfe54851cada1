#include "archive/treetext.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "archive/article.h"
#include "archive/store.h"
#include "archive/strlist.h"
#include "content/path.h"

static void
tree_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int root_fd = (int)(intptr_t)sqlite3_user_data(ctx);
	const char *path = (const char *)sqlite3_value_text(argv[0]);
	struct article a;
	struct stat info;
	char **chrome;
	int fd, rc;

	(void)argc;
	if (root_fd == -1 || path == NULL ||
	    content_open(root_fd, path, &fd, &info) != CONTENT_OK)
		return;
	chrome = store_chrome(sqlite3_context_db_handle(ctx));
	rc = article_read(&a, fd, path, chrome);
	close(fd);
	strlist_free(chrome);
	if (rc == 0) {
		sqlite3_result_text(ctx, a.body, -1, free);
		a.body = NULL;
		article_free(&a);
	}
}

int
tree_text_register(sqlite3 *db, int root_fd)
{
	return sqlite3_create_function_v2(db, STORE_TREE_TEXT_FN, 1, SQLITE_UTF8,
	    (void *)(intptr_t)root_fd, tree_text, NULL, NULL, NULL);
}
