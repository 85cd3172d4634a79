/*
 * The onion client's closest-nodes lists (c-toxcore client_add_to_list,
 * good_to_ping): 12 nodes closest to our real key for announcing, 8
 * closest to a friend's for searching.  A node is live until it has missed
 * 3 requests and the last was 15 s ago.
 */
#include <string.h>

#include "netd/onion_client_int.h"

int
oc_closer(const uint8_t *ref, const uint8_t *a, const uint8_t *b)
{
	size_t	i;
	uint8_t	da, db;

	for (i = 0; i < ONION_PK_LEN; i++) {
		da = a[i] ^ ref[i];
		db = b[i] ^ ref[i];
		if (da != db)
			return da < db;
	}
	return 0;
}

int
oc_node_timed_out(const struct oc_node *n, uint64_t now)
{
	return !n->used || (n->unanswered >= OC_NODE_MAX_PINGS &&
	    now >= n->last_pinged + OC_NODE_TIMEOUT_MS);
}

unsigned
oc_list_live(const struct oc_list *l, uint64_t now)
{
	unsigned	i, n = 0;

	for (i = 0; i < l->cap; i++)
		if (!oc_node_timed_out(&l->n[i], now))
			n++;
	return n;
}

int
oc_list_find(const struct oc_list *l, const uint8_t pk[ONION_PK_LEN])
{
	unsigned	i;

	for (i = 0; i < l->cap; i++)
		if (l->n[i].used && memcmp(l->n[i].pk, pk, ONION_PK_LEN) == 0)
			return (int)i;
	return -1;
}

int
oc_list_slot(const struct oc_list *l, const uint8_t *ref,
    const uint8_t pk[ONION_PK_LEN], uint64_t now)
{
	unsigned	i;
	int		far = -1;

	for (i = 0; i < l->cap; i++) {
		if (oc_node_timed_out(&l->n[i], now))
			return (int)i;
		if (far == -1 || oc_closer(ref, l->n[far].pk, l->n[i].pk))
			far = (int)i;
	}
	return far != -1 && oc_closer(ref, pk, l->n[far].pk) ? far : -1;
}

int
oc_list_good_to_ping(struct oc_list *l, const uint8_t pk[ONION_PK_LEN],
    uint64_t now)
{
	struct oc_recent	*r;
	unsigned		 i;

	for (i = 0; i < OC_RECENT; i++) {
		r = &l->recent[i];
		if (r->used && now < r->at + OC_MIN_NODE_PING_MS &&
		    memcmp(r->pk, pk, ONION_PK_LEN) == 0)
			return 0;
	}
	r = &l->recent[l->recent_next];
	l->recent_next = (l->recent_next + 1) % OC_RECENT;
	memcpy(r->pk, pk, ONION_PK_LEN);
	r->at = now;
	r->used = 1;
	return 1;
}
