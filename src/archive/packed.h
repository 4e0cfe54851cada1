/*
 * What the index keeps of an article's body (store.h: its text, or only
 * its words) packed: one zstd frame with a checksum, made by the
 * converter threads (one packer each) and unpacked for the few rows whose
 * snippets a page shows, and for the rows the writer takes out of FTS5
 * (which needs the words of a row it deletes).
 *
 * Texts of a few KiB pack to about 0.39 of their size alone; with a
 * dictionary learned from the archive's own first kept texts (zstd's
 * trainer, once, while the index is first built) to about 0.30.  A frame
 * names its dictionary by id; the dictionaries live in the index (the
 * table dictionaries), where an unpacker finds them.  Texts packed before
 * the dictionary was learned stay as they are.
 *
 * Every connection to the index has the SQL function
 * PACKED_UNPACK_FN(blob) → text (with an unpacker of its own): the view
 * FTS5 reads its content from calls it (store.h).  A blob that does not
 * unpack is damage, reported as SQLITE_CORRUPT.
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
/* The dictionary, and the text it is learned from: the start of each
 * body, until there is this much from at least PACKED_DICT_MIN_BODIES. */
#define PACKED_DICT_BYTES (64 * 1024)
#define PACKED_DICT_SAMPLE_BYTES (4 * 1024 * 1024)
#define PACKED_DICT_SAMPLE_MAX 8192
#define PACKED_DICT_MIN_BODIES 500
/* The dictionaries of a database by id: SELECT dict FROM ... WHERE id = ?1. */
#define PACKED_DICT_SQL "SELECT dict FROM dictionaries WHERE id = ?1"

struct packer;
struct packed_dict;
struct unpacker;

/* A packer for one thread at a time, or NULL when memory runs out. */
struct packer *packer_new(void);
void packer_free(struct packer *p);
/* Pack with dict from now on (NULL: without); dict outlives that use. */
int packer_use(struct packer *p, const struct packed_dict *dict);
/* out = the packed form of the len bytes at text; -1 when memory runs out. */
int packer_pack(struct packer *p, const char *text, size_t len, struct buf *out);

/* Learn a dictionary from n samples laid end to end (sizes[i] bytes each);
 * NULL when zstd cannot (too little text, or too alike). */
struct packed_dict *packed_dict_learn(const void *samples, const size_t *sizes, unsigned n);
/* A dictionary from its stored bytes; NULL when they are not one. */
struct packed_dict *packed_dict_load(const void *data, size_t size);
unsigned packed_dict_id(const struct packed_dict *d);
const void *packed_dict_bytes(const struct packed_dict *d, size_t *size);
void packed_dict_free(struct packed_dict *d);

/* An unpacker that finds dictionaries in db (PACKED_DICT_SQL), or in no
 * database (NULL: bodies without one only); NULL when memory runs out.
 * One thread at a time, with db's. */
struct unpacker *unpacker_new(sqlite3 *db);
void unpacker_free(struct unpacker *u);
/* The text packed in data (NUL-terminated, malloc'd) in *text and its
 * length in *len; -1 when data is not a packed body (or names a
 * dictionary not there), or memory runs out (*damaged says which). */
int unpacker_unpack(struct unpacker *u, const void *data, size_t size, char **text,
    size_t *len, int *damaged);

/* Register PACKED_UNPACK_FN on db: SQLITE_OK or an SQLite error code. */
int packed_register(sqlite3 *db);

#endif
