/*
 * Onion client engine: creation, the API, the announce requests and their
 * answers.  See onion_client.h; the timers are in onion_timer.c, paths in
 * onion_paths.c, the lists in onion_lists.c.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/rd.h"
#include "netd/onion_client_int.h"
#include "netd/onion_data_outer.h"

static const uint8_t zeros[ONION_PK_LEN];

struct onion_client *
onion_client_new(const struct oc_ops *ops, void *arg,
    const uint8_t self_pk[ONION_PK_LEN], const uint8_t dht_pk[ONION_PK_LEN],
    uint64_t now)
{
	struct onion_client	*oc;

	if ((oc = calloc(1, sizeof(*oc))) == NULL)
		return NULL;
	oc->ops = ops;
	oc->arg = arg;
	memcpy(oc->self_pk, self_pk, ONION_PK_LEN);
	memcpy(oc->dht_pk, dht_pk, ONION_PK_LEN);
	crypto_box_keypair(oc->data_pk, oc->data_sk);
	oc->self.cap = OC_SELF_NODES;
	oc->now = now;
	return oc;
}

void
onion_client_free(struct onion_client *oc)
{
	if (oc == NULL)
		return;
	sodium_memzero(oc, sizeof(*oc));
	free(oc);
}

const uint8_t *
onion_client_data_pk(const struct onion_client *oc)
{
	return oc->data_pk;
}

int
onion_client_add_node(struct onion_client *oc, const uint8_t pk[ONION_PK_LEN],
    const struct ip_port *ipp, int bootstrap, uint64_t now)
{
	if (memcmp(pk, oc->dht_pk, ONION_PK_LEN) == 0 ||
	    memcmp(pk, oc->self_pk, ONION_PK_LEN) == 0)
		return -1;
	return oc_pool_add(bootstrap ? &oc->pool_bs : &oc->pool, pk, ipp,
	    now);
}

void
onion_client_node_alive(struct onion_client *oc,
    const uint8_t pk[ONION_PK_LEN], uint64_t now)
{
	unsigned	i;

	for (i = 0; i < oc->pool.count; i++)
		if (memcmp(oc->pool.n[i].pk, pk, ONION_PK_LEN) == 0)
			oc->pool.n[i].seen = now;
}

/* Index of the friend with real key pk, or -1. */
static int
friend_index(const struct onion_client *oc, const uint8_t pk[ONION_PK_LEN])
{
	unsigned	i;

	for (i = 0; i < OC_FRIENDS_MAX; i++)
		if (oc->friends[i].used &&
		    memcmp(oc->friends[i].real_pk, pk, ONION_PK_LEN) == 0)
			return (int)i;
	return -1;
}

static struct oc_friend *
friend_find(struct onion_client *oc, const uint8_t pk[ONION_PK_LEN])
{
	int	i = friend_index(oc, pk);

	return i == -1 ? NULL : &oc->friends[i];
}

int
onion_client_friend_add(struct onion_client *oc,
    const uint8_t pk[ONION_PK_LEN])
{
	struct oc_friend	*f;
	unsigned		 i;

	if (friend_find(oc, pk) != NULL)
		return 0;
	for (i = 0; i < OC_FRIENDS_MAX; i++)
		if (!oc->friends[i].used)
			break;
	if (i == OC_FRIENDS_MAX)
		return -1;
	f = &oc->friends[i];
	memset(f, 0, sizeof(*f));
	f->used = 1;
	f->gen = ++oc->fgen;
	memcpy(f->real_pk, pk, ONION_PK_LEN);
	/* Searches go under a key of their own: nobody links them to us. */
	crypto_box_keypair(f->search_pk, f->search_sk);
	f->list.cap = OC_FRIEND_NODES;
	return 0;
}

int
onion_client_friend_del(struct onion_client *oc,
    const uint8_t pk[ONION_PK_LEN])
{
	struct oc_friend	*f;

	if ((f = friend_find(oc, pk)) == NULL)
		return -1;
	sodium_memzero(f, sizeof(*f));
	return 0;
}

int
onion_client_friend_set_online(struct onion_client *oc,
    const uint8_t pk[ONION_PK_LEN], int online)
{
	struct oc_friend	*f;

	if ((f = friend_find(oc, pk)) == NULL)
		return -1;
	f->online = online != 0;
	/* Gone again: search eagerly, as at the start (c-toxcore). */
	if (!online)
		f->run_count = 0;
	return 0;
}

int
onion_client_friend_data_pk(const struct onion_client *oc,
    const uint8_t pk[ONION_PK_LEN], uint8_t out[ONION_PK_LEN])
{
	const struct oc_friend	*f;
	const struct oc_node	*n;
	unsigned		 i;
	int			 k;

	if ((k = friend_index(oc, pk)) == -1)
		return 0;
	f = &oc->friends[k];
	for (i = 0; i < f->list.cap; i++) {
		n = &f->list.n[i];
		if (!oc_node_timed_out(n, oc->now) && n->stored) {
			memcpy(out, n->data_pk, ONION_PK_LEN);
			return 1;
		}
	}
	return 0;
}

/* Pending announce requests: the sendback names one of these. */

static uint32_t
pend_ctx(const struct onion_client *oc, const struct oc_pend *p)
{
	return p->serial << 8 | (uint32_t)(p - oc->pend);
}

static struct oc_pend *
pend_by_ctx(struct onion_client *oc, uint32_t ctx, uint8_t state)
{
	struct oc_pend	*p;

	if ((ctx & 0xff) >= OC_PENDING)
		return NULL;
	p = &oc->pend[ctx & 0xff];
	if (p->state != state || p->serial != ctx >> 8)
		return NULL;
	return p;
}

/* A free entry, else an expired one, else the oldest: never grows. */
static struct oc_pend *
pend_new(struct onion_client *oc, uint64_t now)
{
	struct oc_pend	*p, *old = NULL;
	unsigned	 i;

	for (i = 0; i < OC_PENDING; i++) {
		p = &oc->pend[i];
		if (p->state == OCP_FREE || now >= p->at + OC_SENDBACK_LIFE_MS)
			break;
		if (old == NULL || p->at < old->at)
			old = p;
	}
	if (i == OC_PENDING)
		p = old;
	memset(p, 0, sizeof(*p));
	p->serial = ++oc->serial & 0xffffff;
	randombytes_buf(p->sendback, sizeof(p->sendback));
	p->at = now;
	return p;
}

static void
pend_free(struct oc_pend *p)
{
	sodium_memzero(p, sizeof(*p));
}

static struct oc_pend *
pend_by_sendback(struct onion_client *oc, const uint8_t *sb)
{
	struct oc_pend	*p;
	unsigned	 i;

	for (i = 0; i < OC_PENDING; i++) {
		p = &oc->pend[i];
		if (p->state == OCP_SENT &&
		    sodium_memcmp(p->sendback, sb, ONION_SENDBACK_LEN) == 0)
			return p;
	}
	return NULL;
}

/* Wraps payload for dest in the onion of path and sends it to node A. */
static int
send_onion(struct onion_client *oc, const struct oc_path *path,
    const struct ip_port *dest, const uint8_t *payload, size_t len)
{
	uint8_t	pkt[ONION_MAX_PACKET];
	int	n;

	n = oc->ops->onion_pack(oc->arg, path, dest, payload, len, pkt,
	    sizeof(pkt));
	if (n <= 0 || (size_t)n > sizeof(pkt) ||
	    oc->ops->send(oc->arg, &path->ipp[0], pkt, (size_t)n) == -1) {
		oc->stats.tx_fail++;
		return -1;
	}
	oc->stats.tx++;
	return 0;
}

/*
 * Asks node pk at ipp to store us (ping_id: the last one it gave, zeros
 * at first) over path num, or any path.  keyd seals; the packet leaves in
 * onion_client_self_sealed().
 */
int
oc_announce_self(struct onion_client *oc, const uint8_t pk[ONION_PK_LEN],
    const struct ip_port *ipp, const uint8_t *ping_id, uint32_t num,
    uint64_t now)
{
	struct oc_pend	*p;

	p = pend_new(oc, now);
	if ((p->path_num = oc_path_get(oc, &oc->self_paths, num, now,
	    &p->path)) == 0) {
		pend_free(p);
		return -1;
	}
	p->who = OC_SELF;
	memcpy(p->node_pk, pk, ONION_PK_LEN);
	p->node_ipp = *ipp;
	p->state = OCP_SEALING;
	oc->ops->self_seal(oc->arg, pend_ctx(oc, p), pk,
	    ping_id != NULL ? ping_id : zeros, oc->data_pk, p->sendback);
	return 0;
}

void
onion_client_self_sealed(struct onion_client *oc, uint32_t ctx,
    const uint8_t *req, size_t len, uint64_t now)
{
	struct oc_pend	*p;

	oc->now = now;
	if ((p = pend_by_ctx(oc, ctx, OCP_SEALING)) == NULL)
		return;
	if (req == NULL || len != ANNOUNCE_REQ_LEN ||
	    req[0] != ONION_ANNOUNCE_REQ ||
	    send_onion(oc, &p->path, &p->node_ipp, req, len) == -1) {
		pend_free(p);
		return;
	}
	p->state = OCP_SENT;
	p->at = now;
}

/* A search for friend f at node pk: search key, ping id and data pk zero. */
int
oc_announce_friend(struct onion_client *oc, struct oc_friend *f,
    const uint8_t pk[ONION_PK_LEN], const struct ip_port *ipp, uint64_t now)
{
	struct oc_pend	*p;
	uint8_t		 req[ANNOUNCE_REQ_LEN];
	int		 rv = -1;

	p = pend_new(oc, now);
	if ((p->path_num = oc_path_get(oc, &oc->friend_paths, OC_PATH_ANY, now,
	    &p->path)) == 0)
		goto out;
	p->who = (int)(f - oc->friends);
	p->fgen = f->gen;
	memcpy(p->node_pk, pk, ONION_PK_LEN);
	p->node_ipp = *ipp;
	if (oc->ops->announce_pack(oc->arg, f->search_pk, f->search_sk, pk,
	    zeros, f->real_pk, zeros, p->sendback, req) == -1 ||
	    req[0] != ONION_ANNOUNCE_REQ ||
	    send_onion(oc, &p->path, ipp, req, sizeof(req)) == -1)
		goto out;
	p->state = OCP_SENT;
	rv = 0;
 out:
	if (rv == -1)
		pend_free(p);
	sodium_memzero(req, sizeof(req));
	return rv;
}

/* Nodes an answer named: asked if they would enter the list. */
static void
ask_nodes(struct onion_client *oc, struct oc_list *l, struct oc_friend *f,
    const struct oc_announce_result *res, const struct ip_port *from,
    uint64_t now)
{
	const uint8_t		*ref = f != NULL ? f->real_pk : oc->self_pk;
	struct ip_port		 ipp;
	unsigned		 i;
	int			 lan_ok = ipp_is_lan(from);

	for (i = 0; i < res->n_nodes; i++) {
		const struct packed_node *n = &res->nodes[i];

		if (ipp_from_node(n, &ipp) == -1)
			continue;
		/* No LAN address from a node outside the LAN (c-toxcore). */
		if (!lan_ok && ipp_is_lan(&ipp))
			continue;
		if (memcmp(n->pk, oc->self_pk, ONION_PK_LEN) == 0 ||
		    memcmp(n->pk, oc->dht_pk, ONION_PK_LEN) == 0)
			continue;
		if (oc_list_find(l, n->pk) != -1 ||
		    oc_list_slot(l, ref, n->pk, now) == -1 ||
		    !oc_list_good_to_ping(l, n->pk, now))
			continue;
		if (f != NULL)
			(void)oc_announce_friend(oc, f, n->pk, &ipp, now);
		else
			(void)oc_announce_self(oc, n->pk, &ipp, NULL,
			    OC_PATH_ANY, now);
	}
}

/* An opened answer to p: the node enters or refreshes the list. */
static int
apply(struct onion_client *oc, struct oc_pend *p,
    const struct oc_announce_result *res, const struct ip_port *from,
    uint64_t now)
{
	struct oc_friend	*f = NULL;
	struct oc_list		*l;
	struct oc_node		*n;
	const uint8_t		*ref;
	uint32_t		 num;
	uint8_t			 st;
	int			 i, fresh;

	if (res->is_stored > ANNOUNCE_STORED ||
	    res->n_nodes > ANNOUNCE_RESP_NODES_MAX)
		return -1;
	st = res->is_stored;
	if (p->who == OC_SELF) {
		l = &oc->self;
		ref = oc->self_pk;
		/* "found" with another data pk is somebody else's: not us. */
		if (st == ANNOUNCE_FOUND &&
		    sodium_memcmp(res->field, oc->data_pk, ONION_PK_LEN) != 0)
			st = ANNOUNCE_NOT_STORED;
		num = oc_path_success(&oc->self_paths, p->path_num, now);
	} else {
		f = &oc->friends[p->who];
		if (!f->used || f->gen != p->fgen || st == ANNOUNCE_STORED)
			return -1;
		l = &f->list;
		ref = f->real_pk;
		num = oc_path_success(&oc->friend_paths, p->path_num, now);
	}
	oc->last_recv = now;
	oc->recv_once = 1;

	fresh = 0;
	if ((i = oc_list_find(l, p->node_pk)) == -1) {
		if ((i = oc_list_slot(l, ref, p->node_pk, now)) == -1)
			goto nodes;
		fresh = 1;
	}
	n = &l->n[i];
	if (fresh) {
		memset(n, 0, sizeof(*n));
		n->used = 1;
		n->skip = 1;
		n->added = now;
		memcpy(n->pk, p->node_pk, ONION_PK_LEN);
	}
	n->ipp = p->node_ipp;
	if (st == ANNOUNCE_FOUND)
		memcpy(n->data_pk, res->field, ONION_PK_LEN);
	else
		memcpy(n->ping_id, res->field, ONION_PING_ID_LEN);
	n->stored = p->who == OC_SELF ? st != ANNOUNCE_NOT_STORED :
	    st == ANNOUNCE_FOUND;
	n->seen = now;
	n->unanswered = 0;
	n->path_num = num;
	/* It answered through the onion: a good path node too (c-toxcore). */
	(void)oc_pool_add(&oc->pool, p->node_pk, &p->node_ipp, now);
 nodes:
	ask_nodes(oc, l, f, res, from, now);
	return 0;
}

static int
handle_announce(struct onion_client *oc, const struct ip_port *from,
    const uint8_t *pkt, size_t len, uint64_t now)
{
	struct oc_announce_result	 res;
	struct oc_pend			*p;
	struct oc_friend		*f;
	struct rd			 r;
	const uint8_t			*sb;
	uint8_t				 kind;
	int				 rv;

	if (len < ANNOUNCE_RESP_MIN || len > ANNOUNCE_RESP_MAX)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	sb = rd_take(&r, ONION_SENDBACK_LEN);
	if (!rd_ok(&r) || kind != ONION_ANNOUNCE_RESP)
		return -1;
	if ((p = pend_by_sendback(oc, sb)) == NULL)
		return -1;
	if (now >= p->at + OC_SENDBACK_LIFE_MS) {
		oc->stats.stale++;
		pend_free(p);
		return -1;
	}
	/* Answers come back the way the request went: from node A. */
	if (!ipp_equal(from, &p->path.ipp[0]))
		return -1;
	if (p->who == OC_SELF) {
		p->state = OCP_OPENING;
		oc->ops->self_open(oc->arg, pend_ctx(oc, p), p->node_pk, pkt,
		    len);
		return 0;
	}
	f = &oc->friends[p->who];
	if (!f->used || f->gen != p->fgen) {
		pend_free(p);
		return -1;
	}
	/* A bad MAC leaves the entry: a forger must not cancel the answer. */
	memset(&res, 0, sizeof(res));
	if (oc->ops->announce_open(oc->arg, f->search_sk, p->node_pk, pkt, len,
	    &res) == -1)
		return -1;
	rv = apply(oc, p, &res, from, now);
	pend_free(p);
	return rv;
}

void
onion_client_self_opened(struct onion_client *oc, uint32_t ctx,
    const struct oc_announce_result *res, uint64_t now)
{
	struct oc_pend	*p;
	struct ip_port	 from;

	oc->now = now;
	if ((p = pend_by_ctx(oc, ctx, OCP_OPENING)) == NULL)
		return;
	if (res == NULL) {
		/* Did not open: a forgery; the real answer may still come. */
		p->state = OCP_SENT;
		return;
	}
	from = p->path.ipp[0];
	(void)apply(oc, p, res, &from, now);
	pend_free(p);
}

static int
handle_data(struct onion_client *oc, const uint8_t *pkt, size_t len)
{
	uint8_t	sender[ONION_PK_LEN], nonce[ONION_NONCE_LEN];
	uint8_t	inner[ODO_INNER_MAX];
	size_t	ilen;

	if (odo_open(oc->data_sk, pkt, len, sender, nonce, inner,
	    sizeof(inner), &ilen) == -1)
		return -1;
	oc->ops->data_in(oc->arg, sender, nonce, inner, ilen);
	return 0;
}

int
onion_client_handle(struct onion_client *oc, const struct ip_port *from,
    const uint8_t *pkt, size_t len, uint64_t now)
{
	int	rv;

	if (len == 0 || (pkt[0] != ONION_ANNOUNCE_RESP &&
	    pkt[0] != ONION_DATA_RESP))
		return 1;
	oc->now = now;
	oc->stats.rx++;
	if (pkt[0] == ONION_ANNOUNCE_RESP)
		rv = handle_announce(oc, from, pkt, len, now);
	else
		rv = handle_data(oc, pkt, len);
	if (rv == 0)
		oc->stats.handled++;
	else
		oc->stats.dropped++;
	return rv;
}

int
onion_client_send_data(struct onion_client *oc,
    const uint8_t friend_pk[ONION_PK_LEN], const uint8_t nonce[ONION_NONCE_LEN],
    const uint8_t *inner, size_t len, uint64_t now)
{
	struct oc_friend	*f;
	struct oc_node		*n;
	struct oc_path		 path;
	uint8_t			 payload[ODO_REQ_MAX];
	unsigned		 i, live = 0, good = 0;
	int			 sent = 0, plen;

	oc->now = now;
	if ((f = friend_find(oc, friend_pk)) == NULL ||
	    len < ODO_INNER_MIN || len > ODO_INNER_SEND_MAX)
		return -1;
	for (i = 0; i < f->list.cap; i++) {
		n = &f->list.n[i];
		if (oc_node_timed_out(n, now))
			continue;
		live++;
		if (n->stored)
			good++;
	}
	/* c-toxcore's rule: enough holders among the live nodes. */
	if (good == 0 || good < (live - 1) / 4 + 1)
		return -1;
	for (i = 0; i < f->list.cap; i++) {
		n = &f->list.n[i];
		if (oc_node_timed_out(n, now) || !n->stored)
			continue;
		if (oc_path_get(oc, &oc->friend_paths, OC_PATH_ANY, now,
		    &path) == 0)
			continue;
		plen = odo_pack(f->real_pk, n->data_pk, nonce, oc->self_pk,
		    inner, len, payload, sizeof(payload));
		if (plen > 0 && send_onion(oc, &path, &n->ipp, payload,
		    (size_t)plen) == 0)
			sent++;
	}
	return sent > 0 ? sent : -1;
}

int
oc_connected(const struct onion_client *oc, uint64_t now)
{
	struct oc_status	st;

	onion_client_status(oc, now, &st);
	return st.announced;
}

void
onion_client_status(const struct onion_client *oc, uint64_t now,
    struct oc_status *st)
{
	const struct oc_node	*n;
	unsigned		 i, pnodes;

	memset(st, 0, sizeof(*st));
	st->paths = oc->pool.count;
	st->paths_live = oc_pool_live(&oc->pool, now);
	for (i = 0; i < oc->self.cap; i++) {
		n = &oc->self.n[i];
		if (oc_node_timed_out(n, now))
			continue;
		st->nodes++;
		if (n->stored)
			st->stored++;
	}
	/*
	 * c-toxcore's onion_isconnected: an answer within 75 s, and stored
	 * at half the live nodes, which are at least half of what the path
	 * pool could give.  Unlike c-toxcore's, the pool counts only nodes
	 * alive lately: a node that died stays in the ring, and in a small
	 * network a few of them held "announced" back for good.
	 */
	if (!oc->recv_once || now >= oc->last_recv + OC_OFFLINE_MS ||
	    oc->pool.count == 0)
		return;
	pnodes = st->paths_live < OC_SELF_NODES ? st->paths_live :
	    OC_SELF_NODES;
	st->announced = st->nodes > 0 && st->stored > 0 &&
	    st->nodes / 2 <= st->stored && pnodes / 2 <= st->nodes;
}
