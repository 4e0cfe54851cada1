#include "archive/packed.h"

#include <stdlib.h>
#include <string.h>
#include <zdict.h>
#include <zstd.h>

struct packer {
	ZSTD_CCtx *cctx;
};

struct packed_dict {
	unsigned id;
	void *bytes;
	size_t size;
	ZSTD_CDict *cdict;
};

struct unpacker {
	sqlite3 *db;
	ZSTD_DCtx *dctx;
	unsigned dict_id;    /* of ddict; 0: none loaded */
	ZSTD_DDict *ddict;
};

struct packer *
packer_new(void)
{
	struct packer *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	/* A checksum in every frame: damage to a body is found when it is
	 * unpacked, not shown. */
	if ((p->cctx = ZSTD_createCCtx()) == NULL ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(p->cctx, ZSTD_c_compressionLevel, PACKED_LEVEL)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(p->cctx, ZSTD_c_checksumFlag, 1))) {
		ZSTD_freeCCtx(p->cctx);
		free(p);
		return NULL;
	}
	return p;
}

void
packer_free(struct packer *p)
{
	if (p == NULL)
		return;
	ZSTD_freeCCtx(p->cctx);
	free(p);
}

int
packer_use(struct packer *p, const struct packed_dict *dict)
{
	return ZSTD_isError(ZSTD_CCtx_refCDict(p->cctx, dict != NULL ? dict->cdict : NULL)) ?
	    -1 : 0;
}

int
packer_pack(struct packer *p, const char *text, size_t len, struct buf *out)
{
	size_t bound = ZSTD_compressBound(len), n;

	buf_truncate(out, 0);
	if (buf_reserve(out, bound) == -1)
		return -1;
	n = ZSTD_compress2(p->cctx, out->data, bound, text, len);
	if (ZSTD_isError(n))
		return -1;
	out->len = n;
	return 0;
}

struct packed_dict *
packed_dict_load(const void *data, size_t size)
{
	struct packed_dict *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if ((d->id = ZDICT_getDictID(data, size)) == 0 || (d->bytes = malloc(size)) == NULL) {
		free(d);
		return NULL;
	}
	memcpy(d->bytes, data, size);
	d->size = size;
	if ((d->cdict = ZSTD_createCDict(d->bytes, size, PACKED_LEVEL)) == NULL) {
		packed_dict_free(d);
		return NULL;
	}
	return d;
}

struct packed_dict *
packed_dict_learn(const void *samples, const size_t *sizes, unsigned n)
{
	struct packed_dict *d = NULL;
	void *bytes;
	size_t size;

	if (n < PACKED_DICT_MIN_BODIES || (bytes = malloc(PACKED_DICT_BYTES)) == NULL)
		return NULL;
	size = ZDICT_trainFromBuffer(bytes, PACKED_DICT_BYTES, samples, sizes, n);
	if (!ZDICT_isError(size))
		d = packed_dict_load(bytes, size);
	free(bytes);
	return d;
}

unsigned
packed_dict_id(const struct packed_dict *d)
{
	return d->id;
}

const void *
packed_dict_bytes(const struct packed_dict *d, size_t *size)
{
	*size = d->size;
	return d->bytes;
}

void
packed_dict_free(struct packed_dict *d)
{
	if (d == NULL)
		return;
	ZSTD_freeCDict(d->cdict);
	free(d->bytes);
	free(d);
}

struct unpacker *
unpacker_new(sqlite3 *db)
{
	struct unpacker *u;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		return NULL;
	u->db = db;
	if ((u->dctx = ZSTD_createDCtx()) == NULL) {
		free(u);
		return NULL;
	}
	return u;
}

void
unpacker_free(struct unpacker *u)
{
	if (u == NULL)
		return;
	ZSTD_freeDDict(u->ddict);
	ZSTD_freeDCtx(u->dctx);
	free(u);
}

/* Load the dictionary id from the database, unless it is loaded. */
static int
load_dict(struct unpacker *u, unsigned id)
{
	sqlite3_stmt *st;
	ZSTD_DDict *ddict = NULL;

	if (id == u->dict_id)
		return 0;
	if (u->db == NULL ||
	    sqlite3_prepare_v2(u->db, PACKED_DICT_SQL, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		ddict = ZSTD_createDDict(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	if (ddict == NULL)
		return -1;
	ZSTD_freeDDict(u->ddict);
	u->ddict = ddict;
	u->dict_id = id;
	return 0;
}

int
unpacker_unpack(struct unpacker *u, const void *data, size_t size, char **text, size_t *len,
    int *damaged)
{
	unsigned long long want = ZSTD_getFrameContentSize(data, size);
	unsigned id = ZSTD_getDictID_fromFrame(data, size);
	size_t n;

	*text = NULL;
	*damaged = 1;
	if (want == ZSTD_CONTENTSIZE_ERROR || want == ZSTD_CONTENTSIZE_UNKNOWN ||
	    want > PACKED_MAX_TEXT || (id != 0 && load_dict(u, id) == -1))
		return -1;
	*damaged = 0;
	if ((*text = malloc((size_t)want + 1)) == NULL)
		return -1;
	n = id != 0 ? ZSTD_decompress_usingDDict(u->dctx, *text, (size_t)want, data, size,
	    u->ddict) : ZSTD_decompressDCtx(u->dctx, *text, (size_t)want, data, size);
	if (ZSTD_isError(n) || n != want) {
		free(*text);
		*text = NULL;
		*damaged = 1;
		return -1;
	}
	(*text)[n] = '\0';
	*len = n;
	return 0;
}

static void
unpack_function(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const void *data = sqlite3_value_blob(argv[0]);
	int size = sqlite3_value_bytes(argv[0]), damaged;
	size_t len;
	char *text;

	(void)argc;
	if (data == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (unpacker_unpack(sqlite3_user_data(ctx), data, (size_t)size, &text, &len,
	    &damaged) == -1) {
		sqlite3_result_error_code(ctx, damaged ? SQLITE_CORRUPT : SQLITE_NOMEM);
		return;
	}
	sqlite3_result_text64(ctx, text, len, free, SQLITE_UTF8);
}

static void
free_unpacker(void *u)
{
	unpacker_free(u);
}

int
packed_register(sqlite3 *db)
{
	struct unpacker *u;

	if ((u = unpacker_new(db)) == NULL)
		return SQLITE_NOMEM;
	/* Not SQLITE_DETERMINISTIC: nothing gains from it, and it would let
	 * the function into indexes, which must never need it. */
	return sqlite3_create_function_v2(db, PACKED_UNPACK_FN, 1, SQLITE_UTF8, u,
	    unpack_function, NULL, NULL, free_unpacker);
}
