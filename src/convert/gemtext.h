/*
 * gemtext both ways.  The writer, convert_write_gemtext(), is declared in
 * convert/convert.h; the reader below turns a native .gmi article into the
 * document model so its metadata (and a Gopher rendering) come for free.
 */
#ifndef CAPSULED_CONVERT_GEMTEXT_H
#define CAPSULED_CONVERT_GEMTEXT_H

#include <stddef.h>
#include "convert/document.h"
#include "convert/options.h"

/* Parse gemtext: the first "# " heading is the title (not kept as a block),
 * a "By Author · 2014-02-03" line (either order) right under it is read as metadata.
 * Link targets are resolved against options->base_url (may be NULL).
 * NULL only when memory runs out. */
struct document *gemtext_read(const char *data, size_t len, const struct convert_options *options);

#endif
