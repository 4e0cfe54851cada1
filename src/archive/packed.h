/*
 * An article body as the index keeps it: one zstd frame with a checksum,
 * about a third of the text's size, made by the converter threads (one packer each)
 * and unpacked for the few rows whose snippets a page shows, and for
 * the rows the writer takes out of FTS5 (which needs the words of a row
 * it deletes).  Every connection to the index has the SQL function
 * PACKED_UNPACK_FN(blob) → text: the view FTS5 reads its content from
 * calls it (store.h).  A blob that does not unpack is damage, reported
 * as SQLITE_CORRUPT.
 */
#ifndef CAPSULED_ARCHIVE_PACKED_H
#define CAPSULED_ARCHIVE_PACKED_H

#include <stddef.h>
#include <sqlite3.h>

#include "util/buf.h"

#define PACKED_UNPACK_FN "unpack_body"
/* zstd's level: 3 packs at some 300 MB/s; higher levels gain little. */
#define PACKED_LEVEL 3
/* Larger bodies are not what the indexer stores: damage. */
#define PACKED_MAX_TEXT (16 * 1024 * 1024)

struct packer;

/* A packer for one thread at a time, or NULL when memory runs out. */
struct packer *packer_new(void);
void packer_free(struct packer *p);
/* out = the packed form of the len bytes at text; -1 when memory runs out. */
int packer_pack(struct packer *p, const char *text, size_t len, struct buf *out);

/* The text packed in data (NUL-terminated, malloc'd) in *text and its
 * length in *len; -1 when data is not a packed body or memory runs out
 * (*damaged says which). */
int packed_unpack(const void *data, size_t size, char **text, size_t *len, int *damaged);

/* Register PACKED_UNPACK_FN on db (one unpacking context per connection):
 * SQLITE_OK or an SQLite error code. */
int packed_register(sqlite3 *db);

#endif
