/* libFuzzer target: html_read() must survive any bytes, with and without a page URL. */
#include <stddef.h>
#include <stdint.h>

#include "convert/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct convert_options opt = { .base_url = "http://example.com/2014/02/03/a.html" };
	struct document *doc;

	doc = html_read((const char *)data, size, size % 2 ? &opt : NULL);
	document_free(doc);
	return 0;
}
