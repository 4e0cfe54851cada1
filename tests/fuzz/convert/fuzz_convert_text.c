#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert/convert.h"
#include "convert/text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const chrome[] = { "clear", NULL };
	struct convert_options opt = { .base_url = "/articles/2014/02/x.txt", .chrome_lines = chrome };
	struct document *doc = text_read((const char *)data, size, &opt);
	char *out;
	size_t len;

	if (doc == NULL)
		abort();
	if ((out = convert_write_gemtext(doc, &len)) == NULL || strlen(out) != len)
		abort();
	free(out);
	document_free(doc);
	return 0;
}
