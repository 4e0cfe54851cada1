#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert/convert.h"
#include "convert/markdown.h"

/* Whatever the input, the gemtext written from it has no NUL, and each
 * line ends with a newline. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct convert_options opt = { .base_url = "gemini://h/articles/2021/03/p.md" };
	struct document *doc = markdown_read((const char *)data, size, &opt);
	char *out;
	size_t len;

	if (doc == NULL)
		abort();
	if ((out = convert_write_gemtext(doc, &len)) == NULL || strlen(out) != len ||
	    (len > 0 && out[len - 1] != '\n'))
		abort();
	free(out);
	document_free(doc);
	return 0;
}
