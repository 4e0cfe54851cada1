/*
 * The loaded configuration: built-in defaults, then the INI file, then
 * command-line flags (every file setting is also a flag: `max_connections`
 * in the file is `--max-connections` on the command line).  Immutable once
 * loaded; a reload builds a new one, and each setting says whether a
 * reload may change it or only a restart (config_reload_changes()).
 */
#ifndef CAPSULED_CONFIG_CONFIG_H
#define CAPSULED_CONFIG_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

struct host_config {
	char *name;  /* lower-case; the first host is the default (no SNI, IP literal) */
	char *root;  /* content tree */
	char *cert;  /* PEM certificate (chain); generated when missing */
	char *key;   /* PEM private key */
	char *lang;  /* default lang= of text/gemini; NULL: the global one */
};

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_TSV };

/* What the certificates (or the token) of an area grant. */
enum area_access { AREA_READ = 1, AREA_PUBLISH = 2 };

#define AREA_MAX_UPLOAD_DEFAULT ((size_t)1 << 20)
#define AREA_ARTICLES_DEFAULT "/articles/"

/*
 * An [area "HOST/PATH"] section (no HOST: the first host): a folder or a
 * file of one host's tree guarded by client certificates.  AREA_READ: only
 * the certificates let in may read it (60/61/62 otherwise; never over
 * Gopher, never in the archive's public pages); AREA_PUBLISH: they may
 * upload into it with Titan.  A path covers itself and what lies below it;
 * the longest one covering a request wins.
 */
struct area_config {
	char *host;             /* as written, lower-case; NULL: the first host */
	size_t host_index;      /* into config.hosts, set once the file is read */
	char *path;             /* starts with '/'; a publish area's ends with '/' */
	unsigned access;        /* AREA_READ | AREA_PUBLISH */
	char **fingerprints;    /* SHA-256, "ab:cd:..." lower-case */
	size_t nfingerprints;
	char *ca;               /* PEM file: certificates it issued are let in; NULL */
	char *token;            /* Titan uploads with ;token= this need no certificate; NULL */
	size_t max_upload;      /* bytes of one Titan upload at most */
	int delete;             /* Titan size=0 deletes */
	char *articles;         /* uploads to a folder go to ARTICLES/YYYY/MM/slug.EXT */
};

struct config {
	char *config_path;         /* NULL when none was read */
	struct host_config *hosts;
	size_t nhosts;
	struct area_config *areas;
	size_t nareas;
	char **listen;             /* addresses to bind; "*" = all (IPv6 and IPv4) */
	size_t nlisten;
	int port;                  /* Gemini listen port */
	int public_port;           /* port clients use (behind NAT or a proxy); 0 = port */
	int proxy_protocol;        /* every connection starts with a PROXY v1/v2 header */
	int gopher_port;           /* 0 disables Gopher */
	int gopher_public_port;    /* 0 = gopher_port */
	char *gopher_host;         /* public name announced in menus; NULL = first host */
	int gopher_tls;            /* TLS Gopher on the Gopher port too (first byte 0x16) */
	unsigned gopher_width;
	unsigned workers;          /* event-loop threads; 0 = number of cores */
	unsigned max_connections;
	unsigned max_connections_per_ip; /* per client address (IPv6: /64); 0 = no cap */
	unsigned rate_limit;       /* requests a minute per client address; 0 = none */
	unsigned rate_burst;       /* requests at once before rate_limit applies */
	int limit_loopback;        /* the per-address limits apply to 127/8 and ::1 too */
	unsigned request_timeout;  /* seconds for handshake and request line */
	unsigned write_timeout;    /* seconds, plus one per write_min_rate bytes */
	unsigned write_min_rate;   /* bytes per second a slow reader must sustain */
	unsigned shutdown_timeout; /* seconds to finish responses on SIGTERM */
	char *lang;
	char *log;                 /* "stderr", "syslog" or a file path */
	enum log_format log_format;
	int log_addresses;         /* 0: client addresses left out of the log */
	char *user;                /* drop to this user when started as root; "" keeps root */
	int sandbox;               /* Landlock: only what is served and kept is reachable */
	char *cert_dir;
	char *state_dir;
	int directory_listing;
	char *article_paths;       /* which files are articles (site layer); "/" = all */
	int archive;               /* 0 disables the index, feeds and search */
	char *title;               /* "": the first host's name */
	char *description;         /* one line on the generated home page; "" none */
	char *about;               /* a gemtext file of the tree for the home page; "" none */
	size_t cache_bytes;
	unsigned feed_entries;
	char *server_description;
	char *server_admin;
};

/* Load the configuration: defaults, then the file named by --config (or
 * none), then the flags.  argv[0] is skipped; getopt state is reset.
 * On error returns NULL with a message in *error (malloc'd). */
struct config *config_load(int argc, char **argv, char **error);
void config_free(struct config *c);

/* The host serving a request for name (already lower-case), or NULL. */
const struct host_config *config_find_host(const struct config *c, const char *name);
int config_public_port(const struct config *c);
int config_gopher_public_port(const struct config *c);
const char *config_gopher_host(const struct config *c);
const char *config_host_lang(const struct config *c, const struct host_config *h);

/* Normalise a SHA-256 fingerprint (64 hex digits, with or without ':',
 * any case) into out as "ab:cd:..."; -1 when it is not one. */
int config_fingerprint_normalise(const char *in, char out[96]);

/* What a reload changes.  fresh is the configuration just loaded, running
 * the one it replaces.  The settings that differ and take effect now are
 * named in applied, those that only a restart can change in restart
 * (", "-separated, host settings as "root of NAME", the [area] sections
 * as "areas": added, removed or given another access, they wait for a
 * restart, since the index and the sandbox are made at start-up); fresh keeps
 * running's values of the latter, so that a generation never announces a
 * port it does not listen on nor serves a root the archive does not
 * index.  0, or -1 when memory ran out. */
int config_reload_changes(struct config *fresh, const struct config *running,
    struct buf *applied, struct buf *restart);

/* fresh takes running's value of the setting key (a reload that could not
 * apply it).  0, or -1 for an unknown key or when memory ran out. */
int config_keep(struct config *fresh, const struct config *running, const char *key);

/* Print the flags and their defaults. */
void config_usage(FILE *out);
/* Print the effective configuration as an INI file (for --check-config). */
void config_print(const struct config *c, FILE *out);

#endif
