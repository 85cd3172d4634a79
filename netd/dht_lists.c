/*
 * The close list and the search lists: who gets a slot, who is handed out.
 * Rules of c-toxcore 0.2.18 (map §4): a close-list slot goes only to an
 * empty or bad entry (good nodes are never evicted); a search list takes a
 * bad entry first, else replaces its farthest node with a closer one.
 */
#include <string.h>

#include <sodium.h>

#include "netd/dht_int.h"

int
dht_assoc_good(const struct dht *d, const struct dht_assoc *a)
{
	return a->seen != 0 && d->now < a->seen + DHT_BAD_NODE_MS;
}

int
dht_assoc_alive(const struct dht *d, const struct dht_assoc *a)
{
	return a->seen != 0 && d->now < a->seen + DHT_KILL_NODE_MS;
}

int
dht_client_good(const struct dht *d, const struct dht_client *c)
{
	return dht_assoc_good(d, &c->a4) || dht_assoc_good(d, &c->a6);
}

int
dht_closer(const uint8_t *key, const uint8_t *a, const uint8_t *b)
{
	size_t	i;
	uint8_t	da, db;

	for (i = 0; i < DHT_PK_LEN; i++) {
		da = key[i] ^ a[i];
		db = key[i] ^ b[i];
		if (da != db)
			return da < db;
	}
	return 0;
}

/* Leading bits shared with our key, clamped to the last bucket. */
unsigned
dht_bucket(const struct dht *d, const uint8_t pk[DHT_PK_LEN])
{
	unsigned	i, bit;
	uint8_t		x;

	for (i = 0; i < DHT_PK_LEN; i++) {
		x = pk[i] ^ d->keys.pk[i];
		if (x == 0)
			continue;
		for (bit = 0; !(x & 0x80); bit++)
			x <<= 1;
		i = i * 8 + bit;
		return i < DHT_BUCKETS ? i : DHT_BUCKETS - 1;
	}
	return DHT_BUCKETS - 1;
}

struct dht_search *
dht_search_find(struct dht *d, const uint8_t *pk)
{
	size_t	i;

	for (i = 0; i < DHT_SEARCH_MAX; i++)
		if (d->search[i].used &&
		    memcmp(d->search[i].pk, pk, DHT_PK_LEN) == 0)
			return &d->search[i];
	return NULL;
}

static struct dht_assoc *
assoc_of(struct dht_client *c, const struct ip_port *ipp)
{
	return ipp->family == IPP_V4 ? &c->a4 : &c->a6;
}

static struct dht_client *
find_pk(struct dht_client *list, size_t n, const uint8_t *pk)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (memcmp(list[i].pk, pk, DHT_PK_LEN) == 0)
			return &list[i];
	return NULL;
}

struct dht_client *
dht_close_find(struct dht *d, const uint8_t *pk)
{
	/* Every close-list key sits in its own bucket. */
	return find_pk(&d->close[dht_bucket(d, pk) * DHT_BUCKET_NODES],
	    DHT_BUCKET_NODES, pk);
}

/* A fresh occupant of c: this address only, nothing inherited. */
static void
client_set(struct dht *d, struct dht_client *c, const uint8_t *pk,
    const struct ip_port *ipp)
{
	struct dht_assoc	*a;

	memset(c, 0, sizeof(*c));
	memcpy(c->pk, pk, DHT_PK_LEN);
	a = assoc_of(c, ipp);
	a->ipp = *ipp;
	a->seen = DHT_STAMP(d->now);
	/* last_check 0: ask the newcomer for nodes at the next run. */
}

/*
 * Known key: refresh its address (a LAN address does not replace a
 * non-LAN one, as in c-toxcore).  Known address under a new key: the node
 * restarted with a new DHT key; it takes the entry over.  Returns 1 if
 * the list holds the node now.
 */
static int
refresh(struct dht *d, struct dht_client *list, size_t n, const uint8_t *pk,
    const struct ip_port *ipp, int is_close)
{
	struct dht_client	*c;
	struct dht_assoc	*a;
	size_t			 i;

	if ((c = find_pk(list, n, pk)) != NULL) {
		a = assoc_of(c, ipp);
		if (ipp_isset(&a->ipp) && !ipp_is_lan(&a->ipp) &&
		    ipp_is_lan(ipp))
			return 1;
		if (!ipp_equal(&a->ipp, ipp)) {
			memset(a, 0, sizeof(*a));
			a->ipp = *ipp;
		}
		a->seen = DHT_STAMP(d->now);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (!ipp_equal(&assoc_of(&list[i], ipp)->ipp, ipp))
			continue;
		if (is_close) {
			/* The new key belongs in another bucket, maybe. */
			memset(&list[i], 0, sizeof(list[i]));
			return 0;
		}
		client_set(d, &list[i], pk, ipp);
		return 1;
	}
	return 0;
}

static int
add_to_close(struct dht *d, const uint8_t *pk, const struct ip_port *ipp,
    int simulate)
{
	struct dht_client	*b;
	size_t			 i;

	b = &d->close[dht_bucket(d, pk) * DHT_BUCKET_NODES];
	for (i = 0; i < DHT_BUCKET_NODES; i++) {
		if (dht_client_good(d, &b[i]))
			continue;	/* never evict a good node */
		if (!simulate)
			client_set(d, &b[i], pk, ipp);
		return 1;
	}
	return 0;
}

int
dht_close_addable(struct dht *d, const uint8_t *pk, const struct ip_port *ipp)
{
	return add_to_close(d, pk, ipp, 1);
}

/* The slot a search list would give pk: a bad one, else its farthest. */
static struct dht_client *
search_slot(struct dht *d, struct dht_search *s, const uint8_t *pk)
{
	struct dht_client	*far = NULL;
	size_t			 i;

	for (i = 0; i < DHT_SEARCH_NODES; i++) {
		if (!dht_client_good(d, &s->c[i]))
			return &s->c[i];
		if (far == NULL || dht_closer(s->pk, far->pk, s->c[i].pk))
			far = &s->c[i];
	}
	return dht_closer(s->pk, pk, far->pk) ? far : NULL;
}

void
dht_addto_lists(struct dht *d, const struct ip_port *from, const uint8_t *pk)
{
	struct ip_port		 ipp = *from;
	struct dht_search	*s;
	struct dht_client	*slot;
	size_t			 i;

	ipp_normalize(&ipp);
	if (!ipp_isset(&ipp) || memcmp(pk, d->keys.pk, DHT_PK_LEN) == 0)
		return;
	if (!refresh(d, &d->close[dht_bucket(d, pk) * DHT_BUCKET_NODES],
	    DHT_BUCKET_NODES, pk, &ipp, 1))
		(void)add_to_close(d, pk, &ipp, 0);
	for (i = 0; i < DHT_SEARCH_MAX; i++) {
		s = &d->search[i];
		if (!s->used ||
		    refresh(d, s->c, DHT_SEARCH_NODES, pk, &ipp, 0))
			continue;
		if ((slot = search_slot(d, s, pk)) != NULL)
			client_set(d, slot, pk, &ipp);
	}
}

int
dht_node_offer(struct dht_node *list, unsigned *n, unsigned max,
    const uint8_t *pk, const struct ip_port *ipp, const uint8_t *key)
{
	unsigned	i, far = 0;

	for (i = 0; i < *n; i++)
		if (memcmp(list[i].pk, pk, DHT_PK_LEN) == 0)
			return 0;
	if (*n < max) {
		i = (*n)++;
	} else {
		for (i = 1; i < max; i++)
			if (dht_closer(key, list[far].pk, list[i].pk))
				far = i;
		if (!dht_closer(key, pk, list[far].pk))
			return 0;
		i = far;
	}
	memcpy(list[i].pk, pk, DHT_PK_LEN);
	list[i].ipp = *ipp;
	return 1;
}

static int
good_in(struct dht *d, struct dht_client *list, size_t n, const uint8_t *pk,
    const struct ip_port *ipp)
{
	struct dht_client	*c;

	return (c = find_pk(list, n, pk)) != NULL &&
	    dht_assoc_good(d, assoc_of(c, ipp));
}

/*
 * A node named in a nodes response: queue a nodes request to it (at the
 * next run) for every list it could improve.  It is listed only once it
 * answers, never on a third party's word.
 */
void
dht_learned_node(struct dht *d, const struct ip_port *ipp, const uint8_t *pk)
{
	struct dht_search	*s;
	size_t			 i;

	if (memcmp(pk, d->keys.pk, DHT_PK_LEN) == 0)
		return;
	if (add_to_close(d, pk, ipp, 1) &&
	    !good_in(d, &d->close[dht_bucket(d, pk) * DHT_BUCKET_NODES],
	    DHT_BUCKET_NODES, pk, ipp))
		(void)dht_node_offer(d->close_to_bs, &d->n_close_to_bs,
		    DHT_TO_BOOTSTRAP_CLOSE, pk, ipp, d->keys.pk);
	for (i = 0; i < DHT_SEARCH_MAX; i++) {
		s = &d->search[i];
		if (!s->used || search_slot(d, s, pk) == NULL ||
		    good_in(d, s->c, DHT_SEARCH_NODES, pk, ipp))
			continue;
		(void)dht_node_offer(s->to_bs, &s->n_to_bs,
		    DHT_TO_BOOTSTRAP_SEARCH, pk, ipp, s->pk);
	}
}

/*
 * from_pk told us that pk is at ipp.  For our own key that is our address
 * as seen from outside; for a searched key it is what NAT punching uses.
 */
void
dht_returned_ip(struct dht *d, const struct ip_port *ipp_in, const uint8_t *pk,
    const uint8_t *from_pk)
{
	struct ip_port		 ipp = *ipp_in;
	struct dht_client	*c = NULL;
	struct dht_search	*s;
	struct dht_assoc	*a;
	int			 self;

	ipp_normalize(&ipp);
	self = memcmp(pk, d->keys.pk, DHT_PK_LEN) == 0;
	if (self)
		c = dht_close_find(d, from_pk);
	else if ((s = dht_search_find(d, pk)) != NULL)
		c = find_pk(s->c, DHT_SEARCH_NODES, from_pk);
	if (c == NULL)
		return;
	a = assoc_of(c, &ipp);
	a->ret = ipp;
	a->ret_seen = DHT_STAMP(d->now);
	a->ret_self = (uint8_t)self;
}

/* Adds c's best address to out if it is among the closest to target. */
static void
consider(const struct dht *d, const struct dht_client *c, const uint8_t *target,
    int requester_lan, struct dht_node *out, unsigned *n)
{
	const struct dht_assoc	*a;
	unsigned		 i;

	for (i = 0; i < *n; i++)
		if (memcmp(out[i].pk, c->pk, DHT_PK_LEN) == 0)
			return;
	a = c->a4.seen >= c->a6.seen ? &c->a4 : &c->a6;
	if (!dht_assoc_good(d, a))
		return;
	if (ipp_is_lan(&a->ipp) && !requester_lan)
		return;		/* no LAN addresses to strangers */
	(void)dht_node_offer(out, n, DHT_MAX_SENT_NODES, c->pk, &a->ipp,
	    target);
}

unsigned
dht_close_nodes(const struct dht *d, const uint8_t *target, int requester_lan,
    struct dht_node out[DHT_MAX_SENT_NODES])
{
	unsigned	n = 0;
	size_t		i, j;

	for (i = 0; i < DHT_CLOSE_LEN; i++)
		consider(d, &d->close[i], target, requester_lan, out, &n);
	for (i = 0; i < DHT_SEARCH_MAX; i++) {
		if (!d->search[i].used)
			continue;
		for (j = 0; j < DHT_SEARCH_NODES; j++)
			consider(d, &d->search[i].c[j], target, requester_lan,
			    out, &n);
	}
	return n;
}

_Static_assert(DHT_GET_CLOSE_MAX == DHT_MAX_SENT_NODES,
    "dht_get_close lists what a nodes response would");

unsigned
dht_get_close(const struct dht *d, const uint8_t *target, int requester_lan,
    struct dht_node out[DHT_GET_CLOSE_MAX])
{
	return dht_close_nodes(d, target, requester_lan, out);
}

/*
 * Someone asked us something: if it could take a close-list slot, ping it
 * (batched every TIME_TO_PING); a searched key without an address is
 * pinged at once.  It is listed when it answers.
 */
void
dht_ping_add(struct dht *d, const uint8_t *pk, const struct ip_port *ipp)
{
	struct dht_search	*s;
	struct ip_port		 dummy;

	if (!ipp_isset(ipp) || !dht_close_addable(d, pk, ipp))
		return;
	if (good_in(d, &d->close[dht_bucket(d, pk) * DHT_BUCKET_NODES],
	    DHT_BUCKET_NODES, pk, ipp) &&
	    ipp_equal(&assoc_of(dht_close_find(d, pk), ipp)->ipp, ipp))
		return;
	if ((s = dht_search_find(d, pk)) != NULL &&
	    !dht_search_addr(d, pk, &dummy)) {
		dht_send_ping(d, ipp, pk);
		return;
	}
	(void)dht_node_offer(d->to_ping, &d->n_to_ping, DHT_TO_PING_MAX, pk,
	    ipp, d->keys.pk);
}
