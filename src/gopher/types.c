#include "gopher/types.h"

#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/text.h"

struct extension_type {
	const char *extension;
	char type;
};

static const struct extension_type extension_types[] = {
	{ "gmi", '1' }, { "gemini", '1' },
	{ "txt", '0' }, { "md", '0' }, { "markdown", '0' }, { "text", '0' },
	{ "csv", '0' }, { "log", '0' }, { "json", '0' }, { "xml", '0' },
	{ "html", 'h' }, { "htm", 'h' },
	{ "gif", 'g' },
	{ "png", 'I' }, { "jpg", 'I' }, { "jpeg", 'I' }, { "webp", 'I' },
	{ "pdf", 'd' }, { "ps", 'd' },
	{ "mp3", 's' }, { "ogg", 's' }, { "flac", 's' }, { "wav", 's' },
	{ "zip", '5' }, { "arj", '5' }, { "lzh", '5' },
	{ "tar", '9' }, { "gz", '9' }, { "tgz", '9' }, { "xz", '9' }, { "bz2", '9' },
	{ "7z", '9' }, { "bin", '9' },
};

char
gopher_type_by_name(const char *name)
{
	const char *slash, *dot;
	size_t len = strlen(name), i;

	if (len > 0 && name[len - 1] == '/')
		return '1';
	slash = strrchr(name, '/');
	dot = strrchr(slash != NULL ? slash : name, '.');
	if (dot == NULL || dot == name || dot[-1] == '/')
		return '\0';
	for (i = 0; i < sizeof(extension_types) / sizeof(extension_types[0]); i++)
		if (strcasecmp(dot + 1, extension_types[i].extension) == 0)
			return extension_types[i].type;
	return '\0';
}

static int
starts_with_nocase(const unsigned char *data, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp((const char *)data, prefix, n) == 0;
}

/* Any NUL or invalid UTF-8; a sequence cut by the end of the sample is fine. */
static int
looks_binary(const unsigned char *data, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		if (data[i] == 0)
			return 1;
		n = utf8_next((const char *)data + i, len - i, &cp);
		if (n == 0)
			return len - i >= 4;
		i += n;
	}
	return 0;
}

char
gopher_type_sniff(const unsigned char *data, size_t len)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G' };
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff };
	static const unsigned char gzip[] = { 0x1f, 0x8b };
	size_t skip = 0;

	if (len > GOPHER_SNIFF_BYTES)
		len = GOPHER_SNIFF_BYTES;
	if (len >= 4 && memcmp(data, "GIF8", 4) == 0)
		return 'g';
	if ((len >= sizeof(png) && memcmp(data, png, sizeof(png)) == 0) ||
	    (len >= sizeof(jpeg) && memcmp(data, jpeg, sizeof(jpeg)) == 0))
		return 'I';
	if (len >= 4 && memcmp(data, "%PDF", 4) == 0)
		return 'd';
	if (len >= sizeof(gzip) && memcmp(data, gzip, sizeof(gzip)) == 0)
		return '9';
	while (skip < len && (data[skip] == ' ' || data[skip] == '\t' ||
	    data[skip] == '\r' || data[skip] == '\n'))
		skip++;
	if (starts_with_nocase(data + skip, len - skip, "<html") ||
	    starts_with_nocase(data + skip, len - skip, "<!doctype html"))
		return 'h';
	return looks_binary(data, len) ? '9' : '0';
}

char
gopher_type_of_file(const char *name, int fd)
{
	unsigned char sample[GOPHER_SNIFF_BYTES];
	char type = gopher_type_by_name(name);
	ssize_t n;

	if (type != '\0')
		return type;
	n = pread(fd, sample, sizeof(sample), 0);
	if (n < 0)
		return '9';
	return gopher_type_sniff(sample, (size_t)n);
}

int
gopher_type_is_binary(char type)
{
	return type != '0' && type != '1' && type != '7';
}
