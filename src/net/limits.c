#include "net/limits.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Addresses tracked at once, and how far from its hash one may sit: a
 * bounded table, as a flood of addresses must not grow memory.  Beyond
 * it, new addresses go unlimited rather than refused. */
#define SLOTS 4096
#define PROBE 16

struct slot {
	struct address_key key; /* family 0: never used */
	unsigned connections;
	double tokens;
	long long refilled_ms;  /* when tokens were last brought up to date */
};

struct address_limits {
	pthread_mutex_t lock;
	struct address_limits_config config;
	struct slot *slots;
};

struct address_limits *
address_limits_new(const struct address_limits_config *c)
{
	struct address_limits *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->slots = calloc(SLOTS, sizeof(*l->slots))) == NULL ||
	    pthread_mutex_init(&l->lock, NULL) != 0) {
		free(l->slots);
		free(l);
		return NULL;
	}
	l->config = *c;
	return l;
}

void
address_limits_free(struct address_limits *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->slots);
	free(l);
}

void
address_limits_configure(struct address_limits *l, const struct address_limits_config *c)
{
	pthread_mutex_lock(&l->lock);
	l->config = *c;
	pthread_mutex_unlock(&l->lock);
}

void
address_key_of(const struct address_limits *l, const struct sockaddr_storage *ss,
    struct address_key *key)
{
	const struct sockaddr_in6 *six = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *four = (const struct sockaddr_in *)ss;
	const uint8_t *v4 = NULL;

	memset(key, 0, sizeof(*key));
	if (ss->ss_family == AF_INET)
		v4 = (const uint8_t *)&four->sin_addr;
	else if (ss->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&six->sin6_addr))
		v4 = six->sin6_addr.s6_addr + 12;
	if (v4 != NULL) {
		if (v4[0] == 127 && !l->config.limit_loopback)
			return;
		key->family = AF_INET;
		memcpy(key->bytes, v4, 4);
	} else if (ss->ss_family == AF_INET6) {
		if (IN6_IS_ADDR_LOOPBACK(&six->sin6_addr) && !l->config.limit_loopback)
			return;
		key->family = AF_INET6;
		memcpy(key->bytes, six->sin6_addr.s6_addr, 8);
	}
}

static size_t
hash_of(const struct address_key *key)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(key->bytes); i++)
		h = (h ^ key->bytes[i]) * 16777619u;
	return (h ^ key->family) * 16777619u;
}

static unsigned
burst_of(const struct address_limits_config *c)
{
	return c->burst > 0 ? c->burst : 1;
}

/* Bring the bucket up to date at now. */
static void
refill(const struct address_limits_config *c, struct slot *s, long long now)
{
	double burst = burst_of(c);

	if (now > s->refilled_ms)
		s->tokens += (double)(now - s->refilled_ms) * c->per_minute / 60000.0;
	if (c->per_minute == 0 || s->tokens > burst)
		s->tokens = burst;
	s->refilled_ms = now;
}

/* A slot that tells nothing any more: no connection, a full bucket. */
static int
forgettable(const struct address_limits_config *c, struct slot *s, long long now)
{
	if (s->key.family == 0)
		return 1;
	if (s->connections > 0)
		return 0;
	refill(c, s, now);
	return s->tokens >= burst_of(c);
}

/* The key's slot, made (from an unused or forgettable one) when create is
 * set; NULL when not there or no room.  Called with the lock held. */
static struct slot *
find(struct address_limits *l, const struct address_key *key, long long now, int create)
{
	size_t h = hash_of(key), i;
	struct slot *s, *room = NULL;

	for (i = 0; i < PROBE; i++) {
		s = &l->slots[(h + i) & (SLOTS - 1)];
		if (s->key.family == key->family && memcmp(s->key.bytes, key->bytes,
		    sizeof(key->bytes)) == 0)
			return s;
		if (create && room == NULL && forgettable(&l->config, s, now))
			room = s;
	}
	if (room != NULL) {
		room->key = *key;
		room->connections = 0;
		room->tokens = burst_of(&l->config);
		room->refilled_ms = now;
	}
	return room;
}

int
address_limits_connect(struct address_limits *l, const struct address_key *key, long long now_ms)
{
	struct slot *s;
	int rc = -1;

	if (key->family == 0)
		return -1;
	pthread_mutex_lock(&l->lock);
	if (l->config.max_connections > 0 && (s = find(l, key, now_ms, 1)) != NULL) {
		rc = s->connections < l->config.max_connections;
		s->connections += (unsigned)rc;
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void
address_limits_disconnect(struct address_limits *l, const struct address_key *key)
{
	struct slot *s;

	pthread_mutex_lock(&l->lock);
	if ((s = find(l, key, 0, 0)) != NULL && s->connections > 0)
		s->connections--;
	pthread_mutex_unlock(&l->lock);
}

unsigned
address_limits_request(struct address_limits *l, const struct address_key *key, long long now_ms)
{
	struct slot *s;
	unsigned wait = 0;
	double missing;

	if (key->family == 0)
		return 0;
	pthread_mutex_lock(&l->lock);
	if (l->config.per_minute > 0 && (s = find(l, key, now_ms, 1)) != NULL) {
		refill(&l->config, s, now_ms);
		if (s->tokens >= 1) {
			s->tokens -= 1;
		} else {
			missing = (1 - s->tokens) * 60.0 / l->config.per_minute;
			wait = (unsigned)missing + ((double)(unsigned)missing < missing);
			if (wait == 0)
				wait = 1;
		}
	}
	pthread_mutex_unlock(&l->lock);
	return wait;
}
