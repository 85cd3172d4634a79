/* When our DHT-PK goes to each friend: see dhtpk_sched.h. */
#include <string.h>

#include "netd/dhtpk_sched.h"

/* Due times are never 0: 0 means "nothing to send". */
#define STAMP(t)	((t) != 0 ? (t) : 1)

static const uint64_t	interval[DHTPK_ROUTES] = {
	[DHTPK_ROUTE_ONION] = DHTPK_ONION_MS,
	[DHTPK_ROUTE_DHT] = DHTPK_DHT_MS,
};

void
dhtpk_sched_init(struct dhtpk_sched *s)
{
	memset(s, 0, sizeof(*s));
}

struct dhtpk_friend *
dhtpk_sched_find(struct dhtpk_sched *s, const uint8_t pk[ONION_PK_LEN])
{
	int	i;

	for (i = 0; i < DHTPK_SCHED_MAX; i++)
		if (s->f[i].used && memcmp(s->f[i].pk, pk, ONION_PK_LEN) == 0)
			return &s->f[i];
	return NULL;
}

/* What is due for f as it now is: the DHT route needs its DHT key. */
static void
plan(struct dhtpk_friend *f, uint64_t now)
{
	f->due[DHTPK_ROUTE_ONION] = f->online ? 0 : STAMP(now);
	f->due[DHTPK_ROUTE_DHT] = f->online || !f->has_dht ? 0 : STAMP(now);
}

int
dhtpk_sched_set(struct dhtpk_sched *s, const uint8_t pk[ONION_PK_LEN],
    uint8_t state, uint64_t now, struct dhtpk_friend *gone)
{
	struct dhtpk_friend	*f = dhtpk_sched_find(s, pk);
	int			 i, was_online;

	if (state == FRIEND_NET_GONE) {
		if (f == NULL)
			return -1;
		if (gone != NULL)
			*gone = *f;
		memset(f, 0, sizeof(*f));
		return 0;
	}
	if (f == NULL) {
		for (i = 0; i < DHTPK_SCHED_MAX && f == NULL; i++)
			if (!s->f[i].used)
				f = &s->f[i];
		if (f == NULL)
			return -1;
		memset(f, 0, sizeof(*f));
		f->used = 1;
		memcpy(f->pk, pk, ONION_PK_LEN);
		f->online = 1;		/* so that offline below plans */
	}
	was_online = f->online;
	f->online = state == FRIEND_NET_ONLINE;
	if (was_online != f->online)
		plan(f, now);
	return 0;
}

int
dhtpk_sched_set_dht(struct dhtpk_sched *s, const uint8_t pk[ONION_PK_LEN],
    const uint8_t dht_pk[ONION_PK_LEN], uint64_t now, uint8_t old[ONION_PK_LEN],
    int *had_old)
{
	struct dhtpk_friend	*f = dhtpk_sched_find(s, pk);

	*had_old = 0;
	if (f == NULL)
		return -1;
	if (f->has_dht && memcmp(f->dht_pk, dht_pk, ONION_PK_LEN) == 0)
		return 0;
	if (f->has_dht) {
		memcpy(old, f->dht_pk, ONION_PK_LEN);
		*had_old = 1;
	}
	memcpy(f->dht_pk, dht_pk, ONION_PK_LEN);
	f->has_dht = 1;
	if (!f->online)
		f->due[DHTPK_ROUTE_DHT] = STAMP(now);
	return 1;
}

uint64_t
dhtpk_sched_next(const struct dhtpk_sched *s)
{
	uint64_t	next = UINT64_MAX;
	int		i, r;

	for (i = 0; i < DHTPK_SCHED_MAX; i++)
		for (r = 0; r < DHTPK_ROUTES; r++)
			if (s->f[i].used && s->f[i].due[r] != 0 &&
			    s->f[i].due[r] < next)
				next = s->f[i].due[r];
	return next;
}

struct dhtpk_friend *
dhtpk_sched_take(struct dhtpk_sched *s, uint64_t now, int *route)
{
	struct dhtpk_friend	*f;
	int			 i, r;

	for (i = 0; i < DHTPK_SCHED_MAX; i++) {
		f = &s->f[i];
		if (!f->used)
			continue;
		for (r = 0; r < DHTPK_ROUTES; r++)
			if (f->due[r] != 0 && f->due[r] <= now) {
				dhtpk_sched_retry(f, r, now);
				*route = r;
				return f;
			}
	}
	return NULL;
}

void
dhtpk_sched_sent(struct dhtpk_friend *f, int route, uint64_t now)
{
	if (f->due[route] != 0)
		f->due[route] = STAMP(now + interval[route]);
}

void
dhtpk_sched_retry(struct dhtpk_friend *f, int route, uint64_t now)
{
	if (f->due[route] != 0)
		f->due[route] = STAMP(now + DHTPK_RETRY_MS);
}
