/*
 * The SQLite VFS the index is opened with: the system one, except that a
 * relative database path stays relative.  SQLite otherwise makes every
 * path absolute with getcwd(), and a server that dropped privileges in a
 * directory under /root (mode 0700) could no longer reach `var/archive.db`,
 * although it can still reach `var/` from its working directory.
 */
#ifndef CAPSULED_ARCHIVE_VFS_H
#define CAPSULED_ARCHIVE_VFS_H

#define ARCHIVE_VFS_NAME "capsuled-relative"

/* Register the VFS (once per process; later calls do nothing).
 * SQLITE_OK or an SQLite error code. */
int archive_vfs_register(void);

#endif
