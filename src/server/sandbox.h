/*
 * The file-system sandbox (Linux Landlock): once started, the server
 * process keeps access to what it serves and keeps and nothing else.
 * Read: the content roots, the configuration file, /etc/mime.types,
 * /dev/urandom, its own /proc entries, and /usr (system libraries and
 * data: libmagic's database and iconv's modules are loaded on first use),
 * and the CA files of [area] sections.  Read and write: the state
 * directory and the folders of publish areas (Titan uploads; a rename
 * stays inside its folder, which Landlock's first ABI allows).  Write and
 * create files only: the log file's directory (logrotate makes a new
 * file).  /home, /root, the rest of /etc, other trees: out of reach even
 * to a bug that slipped past the path checks.  A reload cannot widen it: a
 * new root or a new publish area needs a restart.  The certificates and
 * keys are the key process's alone (its own rules).  Rulesets are made by
 * the main process before it drops privileges, and enforced by each
 * process it starts (again after a restart).
 */
#ifndef CAPSULED_SERVER_SANDBOX_H
#define CAPSULED_SERVER_SANDBOX_H

#include "config/config.h"

/* The kernel's Landlock ABI version, or 0 when it has none. */
int sandbox_abi(void);
/* Build the rules while every path can still be opened (before dropping
 * privileges): the ruleset's descriptor, -1 when the kernel has no
 * Landlock or sandbox is off (said in the log), or -2 on an error (said). */
int sandbox_prepare(const struct config *c);
/* The key process's rules: the certificates' and keys' directories (and
 * where certbot's links point), the configuration, the log's directory
 * (append only), /usr, /dev/urandom, its own /proc entries.  The same
 * results as sandbox_prepare(). */
int sandbox_prepare_keys(const struct config *c);
/* Apply the rules to the calling thread and every thread it starts; call
 * before starting any.  said (NULL: nothing) is logged once it holds.
 * Closes ruleset.  0, or -1 (said in the log). */
int sandbox_enforce(int ruleset, const char *said);

#endif
