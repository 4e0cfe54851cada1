/* Moved: the article cache belongs to the site layer (issue 11).  This
 * header stays only until net/server.c, which includes it, moves to
 * server/; nothing else may include it. */
#include "site/cache.h"
