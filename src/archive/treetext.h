/*
 * The text of an article read again from the tree: the SQL function
 * STORE_TREE_TEXT_FN(path) (store.h), through which FTS5 gets the body of
 * a row whose text the index does not keep: its snippets on a reader
 * (reader.h), or FTS5's integrity check in a test.  It reads the file at
 * path beneath the root (content/path.h: never outside it) and converts
 * it as the indexer did (article.h, with the chrome learned by now); NULL
 * when the file is gone or will not convert.  A file changed since it
 * was indexed gives its new text until the indexer catches up: a snippet
 * then shows the new words.
 */
#ifndef CAPSULED_ARCHIVE_TREETEXT_H
#define CAPSULED_ARCHIVE_TREETEXT_H

#include <sqlite3.h>

/* Give db the function, reading beneath root_fd (-1: every call gives
 * NULL; the fd outlives db).  An SQLite result code. */
int tree_text_register(sqlite3 *db, int root_fd);

#endif
