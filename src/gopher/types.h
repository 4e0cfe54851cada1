/*
 * Gopher item types (gopher.md §6): by extension first, then by sniffing
 * the first bytes of files whose extension says nothing.
 */
#ifndef CAPSULED_GOPHER_TYPES_H
#define CAPSULED_GOPHER_TYPES_H

#include <stddef.h>

#define GOPHER_SNIFF_BYTES 4096

/* The type a file name's extension gives, or '\0' when it says nothing.
 * Names ending in '/' are menus. */
char gopher_type_by_name(const char *name);

/* The type of content from its first bytes (up to GOPHER_SNIFF_BYTES). */
char gopher_type_sniff(const unsigned char *data, size_t len);

/* The type of an open regular file: by name, else sniffed with pread(). */
char gopher_type_of_file(const char *name, int fd);

/* Whether the client gets the bytes as they are (no "." terminator). */
int gopher_type_is_binary(char type);

#endif
