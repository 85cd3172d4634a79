/*
 * The onion client on the event loop, its codecs and keyd: see
 * netd_onion_client.h.
 */
#include <string.h>

#include <sodium.h>

#include "common/announce_client.h"
#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "common/onion_data.h"
#include "ipc/msg_dhtpk.h"
#include "ipc/msg_onion.h"
#include "netd/dht.h"
#include "netd/net.h"
#include "netd/netd_dht.h"
#include "netd/netd_nc.h"
#include "netd/netd_onion_client.h"
#include "netd/netd_tcp.h"
#include "netd/netd_onion_out.h"
#include "netd/netd_status.h"
#include "netd/onion_packet.h"

/* How long keyd may take to seal or open: an announce answer older than
 * the engine's sendback life is useless anyway. */
#define KEYD_CALL_MS	OC_SENDBACK_LIFE_MS
/* A DHT node heard from within a ping round and its timeout is alive. */
#define NETD_OC_ALIVE_MS	(DHT_PING_INTERVAL_MS + DHT_PING_TIMEOUT_MS)

static void	oc_rx(void *, const struct ip_port *, const uint8_t *, size_t);
static void	oc_burst_end(void *);

/*
 * A key being searched for: a friend (keyd's ONION_FRIEND, searched until
 * removed) or a friend-request destination (searched while requests are
 * queued for it), or both: one search either way.
 */
struct dest {
	uint8_t		pk[ONION_PK_LEN];
	uint64_t	last;		/* last queued for it; 0: free */
	uint8_t		friend;		/* keyd says it is a friend */
};

static struct {
	struct chan		*keyd;
	struct onion_client	*oc;
	uint32_t		 gen;	/* engine generation, for keyd's answers */
	struct oc_ops		 ops;
	struct net_proto	 proto;
	struct timer		 tick, feed;
	struct dest		 dest[NETD_OC_DESTS];
} g = { .proto = { "onion client", oc_rx, oc_burst_end, NULL, 0 } };

/* keyd's answer belongs to this engine and this request. */
struct keyd_ctx {
	uint32_t	gen, ctx;
};

/* Codecs under netd's own keys. */

static int
onion_pack(void *arg, const struct oc_path *p, const struct ip_port *dest,
    const uint8_t *payload, size_t len, uint8_t *out, size_t cap)
{
	struct dht_keys		*dk = netd_dht_keys();
	struct onion_path	 path;
	int			 i, n = -1;

	if (dk == NULL)
		return -1;
	memset(&path, 0, sizeof(path));
	for (i = 0; i < 3; i++) {
		path.addr[i] = p->ipp[i];
		memcpy(path.node_pk[i], p->node_pk[i], ONION_PK_LEN);
	}
	/* A is addressed with our DHT key, B and C with the path's own */
	memcpy(path.sender_pk[0], dk->pk, ONION_PK_LEN);
	memcpy(path.sender_pk[1], p->pk[0], ONION_PK_LEN);
	memcpy(path.sender_pk[2], p->pk[1], ONION_PK_LEN);
	/* through a TCP relay as A: no layer A (the link is ours) */
	if (p->ipp[0].family == IPP_RELAY) {
		if (crypto_box_beforenm(path.key[1], p->node_pk[1],
		    p->sk[0]) == 0 && crypto_box_beforenm(path.key[2],
		    p->node_pk[2], p->sk[1]) == 0)
			n = onionp_client_pack_tcp(&path, dest, payload, len,
			    out, cap);
	} else if (dht_keys_shared(dk, p->node_pk[0], path.key[0]) == 0 &&
	    crypto_box_beforenm(path.key[1], p->node_pk[1], p->sk[0]) == 0 &&
	    crypto_box_beforenm(path.key[2], p->node_pk[2], p->sk[1]) == 0)
		n = onionp_client_pack(&path, dest, payload, len, out, cap);
	onionp_path_wipe(&path);
	return n;
}

static int
announce_pack(void *arg, const uint8_t *sender_pk, const uint8_t *sender_sk,
    const uint8_t *node_pk, const uint8_t *ping_id, const uint8_t *search_pk,
    const uint8_t *data_pk, const uint8_t *sendback, uint8_t *out)
{
	struct announce_req	req;
	uint8_t			key[ANNOUNCE_KEY_LEN];
	uint8_t			nonce[ONION_NONCE_LEN];

	if (crypto_box_beforenm(key, node_pk, sender_sk) != 0)
		return -1;
	memcpy(req.ping_id, ping_id, sizeof(req.ping_id));
	memcpy(req.search_pk, search_pk, sizeof(req.search_pk));
	memcpy(req.data_pk, data_pk, sizeof(req.data_pk));
	memcpy(req.sendback, sendback, sizeof(req.sendback));
	randombytes_buf(nonce, sizeof(nonce));
	announce_req_build(key, sender_pk, nonce, &req, out);
	sodium_memzero(key, sizeof(key));
	return 0;
}

static void
result_from(struct oc_announce_result *res, uint8_t is_stored,
    const uint8_t field[ONION_PK_LEN], uint8_t n,
    const struct packed_node *nodes)
{
	memset(res, 0, sizeof(*res));
	res->is_stored = is_stored;
	memcpy(res->field, field, sizeof(res->field));
	res->n_nodes = n;
	memcpy(res->nodes, nodes, n * sizeof(*nodes));
}

static int
announce_open(void *arg, const uint8_t *sk, const uint8_t *node_pk,
    const uint8_t *resp, size_t len, struct oc_announce_result *res)
{
	struct announce_resp	ar;
	uint8_t			key[ANNOUNCE_KEY_LEN];
	int			rv;

	if (crypto_box_beforenm(key, node_pk, sk) != 0)
		return -1;
	rv = announce_resp_open(key, resp, len, &ar);
	sodium_memzero(key, sizeof(key));
	if (rv == -1)
		return -1;
	result_from(res, ar.is_stored, ar.field, ar.n, ar.nodes);
	return 0;
}

/* keyd's side: the long-term key. */

static struct keyd_ctx *
ctx_new(uint32_t ctx)
{
	static struct keyd_ctx	slots[OC_PENDING];
	static unsigned		next;
	struct keyd_ctx		*k = &slots[next++ % OC_PENDING];

	/* a ring as deep as the engine's pending table: a slot comes back
	 * only after that many newer requests, long past its answer */
	k->gen = g.gen;
	k->ctx = ctx;
	return k;
}

static void
sealed(void *arg, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_onion_announce_sealed	s;
	const struct keyd_ctx			*k = arg;

	if (g.oc == NULL || k->gen != g.gen)
		return;
	if (m->hdr.type == IPC_ONION_ANNOUNCE_SEALED &&
	    ipc_unpack_onion_announce_sealed(r, &s) == 0)
		onion_client_self_sealed(g.oc, k->ctx, s.pkt, sizeof(s.pkt),
		    mono_ms());
	else
		onion_client_self_sealed(g.oc, k->ctx, NULL, 0, mono_ms());
}

static void
self_seal(void *arg, uint32_t ctx, const uint8_t *node_pk,
    const uint8_t *ping_id, const uint8_t *data_pk, const uint8_t *sendback)
{
	struct ipc_onion_announce_seal	s;
	uint8_t				buf[IPC_ONION_ANNOUNCE_SEAL_LEN];
	struct wr			w;

	memcpy(s.node_pk, node_pk, sizeof(s.node_pk));
	memcpy(s.ping_id, ping_id, sizeof(s.ping_id));
	memcpy(s.data_pk, data_pk, sizeof(s.data_pk));
	memcpy(s.sendback, sendback, sizeof(s.sendback));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_seal(&w, &s);
	/* if keyd is not there the call is refused: the request expires in
	 * the engine like an unanswered one */
	(void)chan_call_wr(g.keyd, IPC_ONION_ANNOUNCE_SEAL, &w, KEYD_CALL_MS,
	    sealed, ctx_new(ctx));
}

static void
opened(void *arg, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_onion_announce_opened	o;
	const struct keyd_ctx			*k = arg;
	struct oc_announce_result		 res;

	if (g.oc == NULL || k->gen != g.gen)
		return;
	if (m->hdr.type == IPC_ONION_ANNOUNCE_OPENED &&
	    ipc_unpack_onion_announce_opened(r, &o) == 0) {
		result_from(&res, o.is_stored, o.field, o.n, o.nodes);
		onion_client_self_opened(g.oc, k->ctx, &res, mono_ms());
	} else
		onion_client_self_opened(g.oc, k->ctx, NULL, mono_ms());
}

static void
self_open(void *arg, uint32_t ctx, const uint8_t *node_pk,
    const uint8_t *resp, size_t len)
{
	static struct ipc_onion_announce_open	o;
	static uint8_t				buf[IPC_ONION_ANNOUNCE_OPEN_MAX];
	struct wr				w;

	if (len > sizeof(o.pkt))
		return;
	memcpy(o.node_pk, node_pk, sizeof(o.node_pk));
	o.len = (uint16_t)len;
	memcpy(o.pkt, resp, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_open(&w, &o);
	(void)chan_call_wr(g.keyd, IPC_ONION_ANNOUNCE_OPEN, &w, KEYD_CALL_MS,
	    opened, ctx_new(ctx));
}

static void
data_in(void *arg, const uint8_t *sender_pk, const uint8_t *nonce,
    const uint8_t *inner, size_t len)
{
	static struct ipc_onion_data_in	d;
	static uint8_t			buf[IPC_ONION_DATA_IN_MAX];
	struct wr			w;

	if (g.keyd == NULL || len > sizeof(d.box))
		return;
	memcpy(d.sender_pk, sender_pk, sizeof(d.sender_pk));
	memcpy(d.nonce, nonce, sizeof(d.nonce));
	d.boxlen = (uint16_t)len;
	memcpy(d.box, inner, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_data_in(&w, &d);
	(void)chan_send_wr(g.keyd, IPC_ONION_DATA_IN, 0, &w);
}

static int
send_cb(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	return net_send(to, pkt, len) == -1 ? -1 : 0;
}

static int
tcp_entry(void *arg, struct ip_port *a, uint8_t pk[ONION_PK_LEN])
{
	return netd_tcp_onion_entry(a, pk);
}

/* Friend requests keyd sealed: search, then deliver. */

static struct dest *dest_find(const uint8_t *);

/* A free slot, or the destination idle longest (not a friend), whose
 * search ends; NULL when every slot holds a friend. */
static struct dest *
dest_new(const uint8_t *pk)
{
	struct dest	*d = NULL, *old = NULL;
	int		 i;

	for (i = 0; i < NETD_OC_DESTS && d == NULL; i++)
		if (g.dest[i].last == 0)
			d = &g.dest[i];
		else if (!g.dest[i].friend &&
		    (old == NULL || g.dest[i].last < old->last))
			old = &g.dest[i];
	if (d == NULL && (d = old) != NULL && g.oc != NULL)
		(void)onion_client_friend_del(g.oc, d->pk);
	if (d != NULL) {
		memset(d, 0, sizeof(*d));
		memcpy(d->pk, pk, sizeof(d->pk));
	}
	return d;
}

static struct dest *
dest_find(const uint8_t *pk)
{
	int	i;

	for (i = 0; i < NETD_OC_DESTS; i++)
		if (g.dest[i].last != 0 &&
		    sodium_memcmp(g.dest[i].pk, pk, ONION_PK_LEN) == 0)
			return &g.dest[i];
	return NULL;
}

/* Hands the engine what waits for d, once it knows where d is. */
static void
deliver(struct dest *d, uint64_t now)
{
	static struct ipc_onion_data_out	out;
	uint8_t					sender[ONION_PK_LEN];
	const uint8_t				*box;
	size_t					boxlen;
	uint8_t					data_pk[ONION_PK_LEN];

	if (!onion_client_friend_data_pk(g.oc, d->pk, data_pk))
		return;
	while (netd_onion_out_take(d->pk, &out)) {
		/* chatd asks again on its schedule if this one is lost */
		if (onion_data_split(out.sealed, out.len, sender, &box,
		    &boxlen) == -1 ||
		    onion_client_send_data(g.oc, d->pk, out.nonce, box, boxlen,
		    now) <= 0)
			log_debug("onion: data for a friend not sent yet");
		else
			log_debug("onion: friend request handed to its "
			    "announce nodes");
	}
}

static void
dest_search(struct dest *d)
{
	if (onion_client_friend_add(g.oc, d->pk) == -1)
		log_warnx("onion: no room to search for one more friend");
}

static void
queued(const uint8_t *pk)
{
	struct dest	*d;
	uint64_t	 now = mono_ms();

	if ((d = dest_find(pk)) == NULL) {
		if ((d = dest_new(pk)) == NULL) {
			log_warnx("onion: no room to search for one more key");
			return;
		}
		if (g.oc != NULL)
			dest_search(d);
	}
	d->last = now != 0 ? now : 1;
	if (g.oc != NULL) {
		deliver(d, now);
		netd_status_report();
		timer_at(&g.tick, now);
	}
}

int
netd_oc_friend(const uint8_t pk[ONION_PK_LEN], uint8_t state)
{
	struct dest	*d = dest_find(pk);
	uint64_t	 now = mono_ms();

	if (state == FRIEND_NET_GONE) {
		if (d == NULL)
			return -1;
		/* a request still queued keeps the search, as a destination */
		d->friend = 0;
		if (netd_onion_out_pending(pk) == 0) {
			if (g.oc != NULL)
				(void)onion_client_friend_del(g.oc, pk);
			d->last = 0;
		}
		return 0;
	}
	if (d == NULL) {
		if ((d = dest_new(pk)) == NULL) {
			log_warnx("onion: no room to search for one more friend");
			return -1;
		}
		d->last = now != 0 ? now : 1;
		if (g.oc != NULL)
			dest_search(d);
	}
	d->friend = 1;
	if (g.oc != NULL) {
		(void)onion_client_friend_set_online(g.oc, pk,
		    state == FRIEND_NET_ONLINE);
		timer_at(&g.tick, now);
	}
	return 0;
}

/* The engine on the loop. */

static void
rearm(void)
{
	uint64_t	next;

	if (g.oc == NULL)
		return;
	next = onion_client_next_deadline(g.oc);
	if (next == UINT64_MAX)
		timer_cancel(&g.tick);
	else
		timer_at(&g.tick, next);
	netd_status_report();
}

static void
tick_fn(struct timer *t)
{
	uint64_t	now = mono_ms();
	int		i;

	if (g.oc == NULL)
		return;
	(void)onion_client_tick(g.oc, now);
	for (i = 0; i < NETD_OC_DESTS; i++) {
		if (g.dest[i].last == 0)
			continue;
		if (netd_onion_out_pending(g.dest[i].pk) > 0)
			deliver(&g.dest[i], now);
		else if (!g.dest[i].friend &&
		    now - g.dest[i].last > NETD_OC_DEST_IDLE_MS) {
			(void)onion_client_friend_del(g.oc, g.dest[i].pk);
			g.dest[i].last = 0;
		}
	}
	rearm();
}

/*
 * Path nodes: c-toxcore builds paths from nodes its DHT knows and from
 * its bootstrap nodes; so do we, a few at a time.
 */
static void
feed_fn(struct timer *t)
{
	struct dht		*d = netd_dht_engine();
	struct packed_node	 pn[4 * NETD_OC_FEED_NODES];
	struct ip_port		 a;
	struct oc_status	 st;
	uint64_t		 now = mono_ms();
	size_t			 n, i, k;
	unsigned		 b;

	if (g.oc == NULL || d == NULL)
		return;
	n = dht_export_recent(d, pn, sizeof(pn) / sizeof(pn[0]),
	    NETD_OC_ALIVE_MS);
	/* Every node heard from lately is live; a few new ones join. */
	for (i = 0; i < n; i++)
		onion_client_node_alive(g.oc, pn[i].pk, now);
	for (k = 0; k < NETD_OC_FEED_NODES && n > 0; k++) {
		i = randombytes_uniform((uint32_t)n);
		if (ipp_from_node(&pn[i], &a) == 0)
			(void)onion_client_add_node(g.oc, pn[i].pk, &a, 0,
			    now);
		pn[i] = pn[--n];
	}
	for (b = 0; b < d->n_boot; b++)
		(void)onion_client_add_node(g.oc, d->boot[b].pk,
		    &d->boot[b].ipp, 1, now);
	onion_client_status(g.oc, now, &st);
	timer_after(&g.feed, st.paths < NETD_OC_FEED_NODES ?
	    NETD_OC_FEED_SHORT_MS : NETD_OC_FEED_MS);
	rearm();
}

static void
oc_rx(void *arg, const struct ip_port *from, const uint8_t *pkt, size_t len)
{
	if (g.oc != NULL)
		(void)onion_client_handle(g.oc, from, pkt, len, mono_ms());
}

static void
oc_burst_end(void *arg)
{
	uint64_t	now = mono_ms();
	int		i;

	if (g.oc == NULL)
		return;
	/* an answer may have found a friend's data key */
	for (i = 0; i < NETD_OC_DESTS; i++)
		if (g.dest[i].last != 0 &&
		    netd_onion_out_pending(g.dest[i].pk) > 0)
			deliver(&g.dest[i], now);
	rearm();
}

/* keyd says whose key to announce: (re)start the engine. */
static int
on_self(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint8_t		 pk[ONION_PK_LEN];
	const uint8_t	*dht_pk = netd_dht_self_pk();
	int		 i;

	if (ipc_unpack_onion_self(r, pk) == -1)
		return -1;
	if (dht_pk == NULL)
		return 0;
	netd_nc_self(pk);	/* net_crypto's cookie requests carry it */
	if (g.oc != NULL) {
		if (memcmp(g.oc->self_pk, pk, sizeof(pk)) == 0)
			return 0;	/* the same user: keep going */
		onion_client_free(g.oc);
		g.oc = NULL;
	}
	g.gen++;
	if ((g.oc = onion_client_new(&g.ops, NULL, pk, dht_pk,
	    mono_ms())) == NULL)
		fatal("%s: onion_client_new", __func__);
	for (i = 0; i < NETD_OC_DESTS; i++)
		if (g.dest[i].last != 0)
			dest_search(&g.dest[i]);
	log_info("onion: announcing ourselves");
	timer_after(&g.feed, 0);
	rearm();
	return 0;
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_ONION_SELF,	0,	on_self },
};
const struct chan_table netd_oc_from_keyd = { CHAN_ROWS(from_keyd_rows), NULL };

void
netd_oc_serve(struct chan *keyd)
{
	g.keyd = keyd;
	g.ops = (struct oc_ops){
		.onion_pack = onion_pack,
		.announce_pack = announce_pack,
		.announce_open = announce_open,
		.self_seal = self_seal,
		.self_open = self_open,
		.data_in = data_in,
		.send = send_cb,
		.tcp_entry = tcp_entry,
	};
	timer_init(&g.tick, tick_fn, NULL);
	timer_init(&g.feed, feed_fn, NULL);
	net_register(ONION_ANNOUNCE_RESP, &g.proto);
	net_register(ONION_DATA_RESP, &g.proto);
	netd_onion_out_notify(queued);
}

void
netd_oc_status(struct ipc_net_status *s)
{
	struct oc_status	st;

	if (g.oc == NULL) {
		s->onion = NET_ONION_OFF;
		s->onion_nodes = 0;
		return;
	}
	onion_client_status(g.oc, mono_ms(), &st);
	s->onion = st.announced ? NET_ONION_ANNOUNCED : NET_ONION_SEARCHING;
	s->onion_nodes = st.nodes > UINT16_MAX ? UINT16_MAX :
	    (uint16_t)st.nodes;
}

struct onion_client *
netd_oc(void)
{
	return g.oc;
}
