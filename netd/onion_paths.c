/*
 * Onion paths (map §5.1, c-toxcore random_path and path_timed_out): three
 * nodes picked at random from the path pool, two fresh keypairs for the
 * layers B and C.  A path dies when it is 20 minutes old, or when it was
 * used 4 times without an answer and the last use is 4 s (never answered)
 * or 10 s (answered before) ago.
 */
#include <string.h>

#include <sodium.h>

#include "netd/onion_client_int.h"

int
oc_pool_add(struct oc_pool *pool, const uint8_t pk[ONION_PK_LEN],
    const struct ip_port *ipp, uint64_t now)
{
	unsigned	i;

	if (!ipp_isset(ipp))
		return -1;
	for (i = 0; i < pool->count; i++)
		if (memcmp(pool->n[i].pk, pk, ONION_PK_LEN) == 0) {
			pool->n[i].ipp = *ipp;
			pool->n[i].seen = now;
			return 0;
		}
	memcpy(pool->n[pool->next].pk, pk, ONION_PK_LEN);
	pool->n[pool->next].ipp = *ipp;
	pool->n[pool->next].seen = now;
	pool->next = (pool->next + 1) % OC_POOL_MAX;
	if (pool->count < OC_POOL_MAX)
		pool->count++;
	return 0;
}

int
oc_pool_node_live(const struct oc_pool_node *n, uint64_t now)
{
	return now < n->seen + OC_POOL_FRESH_MS;
}

unsigned
oc_pool_live(const struct oc_pool *pool, uint64_t now)
{
	unsigned	i, n = 0;

	for (i = 0; i < pool->count; i++)
		n += oc_pool_node_live(&pool->n[i], now);
	return n;
}

int
oc_path_timed_out(const struct oc_pathslot *s, uint64_t now)
{
	uint64_t	timeout;

	if (s->num == 0)
		return 1;
	timeout = s->last_success == s->created ? OC_PATH_NEW_TIMEOUT_MS :
	    OC_PATH_TIMEOUT_MS;
	return (s->used_times >= OC_PATH_MAX_USES &&
	    now >= s->last_used + timeout) ||
	    now >= s->created + OC_PATH_LIFE_MS;
}

int
oc_path_exists(const struct oc_paths *ps, uint32_t num, uint64_t now)
{
	const struct oc_pathslot	*s;

	if (num == OC_PATH_ANY)
		return 0;
	s = &ps->s[num % OC_PATHS];
	return s->num == num && !oc_path_timed_out(s, now);
}

/*
 * Candidates: the live path nodes; with fewer than three of them the
 * bootstrap nodes too (a young client knows little else); with none of
 * either, every path node, vouched for lately or not.
 */
static unsigned
candidates(const struct onion_client *oc, const struct oc_pool_node **c,
    uint64_t now)
{
	unsigned	i, n = 0;

	for (i = 0; i < oc->pool.count; i++)
		if (oc_pool_node_live(&oc->pool.n[i], now))
			c[n++] = &oc->pool.n[i];
	if (n >= 3)
		return n;
	for (i = 0; i < oc->pool_bs.count; i++)
		c[n++] = &oc->pool_bs.n[i];
	if (n > 0)
		return n;
	for (i = 0; i < oc->pool.count; i++)
		c[n++] = &oc->pool.n[i];
	return n;
}

static int
in_path(const struct oc_path *p, unsigned k, const uint8_t *pk)
{
	unsigned	i;

	for (i = 0; i < k; i++)
		if (memcmp(p->node_pk[i], pk, ONION_PK_LEN) == 0)
			return 1;
	return 0;
}

static int
path_build(struct onion_client *oc, struct oc_pathslot *s, unsigned idx,
    uint64_t now)
{
	const struct oc_pool_node	*c[2 * OC_POOL_MAX], *pick;
	unsigned			 n, k, tries;
	uint32_t			 r;

	if ((n = candidates(oc, c, now)) == 0)
		return -1;
	memset(&s->p, 0, sizeof(s->p));
	k = 0;
	if (oc->ops->tcp_entry != NULL &&
	    oc->ops->tcp_entry(oc->arg, &s->p.ipp[0], s->p.node_pk[0]) == 1)
		k = 1;
	for (; k < 3; k++) {
		/*
		 * Distinct nodes where there are enough; a 1-node network
		 * uses the same node thrice, which 0.2.18 relays allow.
		 */
		tries = 0;
		do
			pick = c[randombytes_uniform(n)];
		while (in_path(&s->p, k, pick->pk) && ++tries < 8);
		s->p.ipp[k] = pick->ipp;
		memcpy(s->p.node_pk[k], pick->pk, ONION_PK_LEN);
	}
	crypto_box_keypair(s->p.pk[0], s->p.sk[0]);
	crypto_box_keypair(s->p.pk[1], s->p.sk[1]);
	/* A random number that names the slot, never 0. */
	r = randombytes_uniform(UINT32_MAX / OC_PATHS - 1) + 1;
	s->num = r * OC_PATHS + idx;
	s->created = s->last_success = now;
	s->last_used = now;
	s->used_times = 0;
	return 0;
}

/*
 * A path whose first node is a UDP node when the glue now names a relay
 * for every new path (no UDP, a relay up): made before the relay came up,
 * it reaches nothing.  Made again at once rather than after its uses time
 * out, so the first announce after a relay comes up goes through it.
 */
static int
path_stale(struct onion_client *oc, const struct oc_pathslot *s)
{
	struct ip_port	a;
	uint8_t		pk[ONION_PK_LEN];

	return s->num != 0 && s->p.ipp[0].family != IPP_RELAY &&
	    oc->ops->tcp_entry != NULL &&
	    oc->ops->tcp_entry(oc->arg, &a, pk) == 1;
}

uint32_t
oc_path_get(struct onion_client *oc, struct oc_paths *ps, uint32_t num,
    uint64_t now, struct oc_path *out)
{
	struct oc_pathslot	*s;
	unsigned		 idx;

	idx = num == OC_PATH_ANY ? randombytes_uniform(OC_PATHS) :
	    num % OC_PATHS;
	s = &ps->s[idx];
	if ((oc_path_timed_out(s, now) || path_stale(oc, s)) &&
	    path_build(oc, s, idx, now) == -1)
		return 0;
	if (s->used_times < OC_PATH_MAX_USES)
		s->last_used = now;
	s->used_times++;
	*out = s->p;
	return s->num;
}

uint32_t
oc_path_success(struct oc_paths *ps, uint32_t num, uint64_t now)
{
	struct oc_pathslot	*s;

	if (num == OC_PATH_ANY)
		return 0;
	s = &ps->s[num % OC_PATHS];
	if (s->num != num)
		return 0;
	s->last_success = now;
	s->used_times = 0;
	return num;
}
