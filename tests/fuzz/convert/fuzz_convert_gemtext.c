#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert/convert.h"
#include "convert/gemtext.h"

/* Reading what the writer wrote and writing it again changes nothing: the
 * writer's output is stable. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct document *doc, *again;
	char *out, *out2;
	size_t len, len2;

	if ((doc = gemtext_read((const char *)data, size, NULL)) == NULL)
		abort();
	if ((out = convert_write_gemtext(doc, &len)) == NULL || strlen(out) != len)
		abort();
	if ((again = gemtext_read(out, len, NULL)) == NULL)
		abort();
	if ((out2 = convert_write_gemtext(again, &len2)) == NULL)
		abort();
	if (len2 != len || memcmp(out, out2, len) != 0)
		abort();
	free(out);
	free(out2);
	document_free(doc);
	document_free(again);
	return 0;
}
