#include "archive/vfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

/* SQLite keeps registered VFSes in a process-wide list; this one is made
 * once and never changes. */
static sqlite3_vfs relative_vfs;
static sqlite3_vfs *system_vfs;
static pthread_once_t registered = PTHREAD_ONCE_INIT;
static int register_result = SQLITE_ERROR;

static int
keep_relative_path(sqlite3_vfs *vfs, const char *name, int size, char *out)
{
	size_t len = strlen(name);

	(void)vfs;
	if (name[0] == '/')
		return system_vfs->xFullPathname(system_vfs, name, size, out);
	if (size < 0 || len + 1 > (size_t)size)
		return SQLITE_CANTOPEN;
	memcpy(out, name, len + 1);
	return SQLITE_OK;
}

static void
register_once(void)
{
	if ((system_vfs = sqlite3_vfs_find(NULL)) == NULL)
		return;
	/* The system VFS's methods read their settings from the struct they
	 * are handed, so a copy with one method replaced behaves the same. */
	relative_vfs = *system_vfs;
	relative_vfs.pNext = NULL;
	relative_vfs.zName = ARCHIVE_VFS_NAME;
	relative_vfs.xFullPathname = keep_relative_path;
	register_result = sqlite3_vfs_register(&relative_vfs, 0);
}

int
archive_vfs_register(void)
{
	pthread_once(&registered, register_once);
	return register_result;
}
