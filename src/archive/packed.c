#include "archive/packed.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

struct packer {
	ZSTD_CCtx *cctx;
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

/* Unpack with dctx (NULL: a context made for the call). */
static int
unpack_with(ZSTD_DCtx *dctx, const void *data, size_t size, char **text, size_t *len,
    int *damaged)
{
	unsigned long long want = ZSTD_getFrameContentSize(data, size);
	size_t n;

	*text = NULL;
	*damaged = 1;
	if (want == ZSTD_CONTENTSIZE_ERROR || want == ZSTD_CONTENTSIZE_UNKNOWN ||
	    want > PACKED_MAX_TEXT)
		return -1;
	*damaged = 0;
	if ((*text = malloc((size_t)want + 1)) == NULL)
		return -1;
	n = dctx != NULL ? ZSTD_decompressDCtx(dctx, *text, (size_t)want, data, size) :
	    ZSTD_decompress(*text, (size_t)want, data, size);
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

int
packed_unpack(const void *data, size_t size, char **text, size_t *len, int *damaged)
{
	return unpack_with(NULL, data, size, text, len, damaged);
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
	if (unpack_with(sqlite3_user_data(ctx), data, (size_t)size, &text, &len, &damaged) ==
	    -1) {
		sqlite3_result_error_code(ctx, damaged ? SQLITE_CORRUPT : SQLITE_NOMEM);
		return;
	}
	sqlite3_result_text64(ctx, text, len, free, SQLITE_UTF8);
}

static void
free_dctx(void *dctx)
{
	ZSTD_freeDCtx(dctx);
}

int
packed_register(sqlite3 *db)
{
	ZSTD_DCtx *dctx;

	if ((dctx = ZSTD_createDCtx()) == NULL)
		return SQLITE_NOMEM;
	/* Not SQLITE_DETERMINISTIC: nothing gains from it, and it would let
	 * the function into indexes, which must never need it. */
	return sqlite3_create_function_v2(db, PACKED_UNPACK_FN, 1, SQLITE_UTF8, dctx,
	    unpack_function, NULL, NULL, free_dctx);
}
