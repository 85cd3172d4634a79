/* DHT-PK in netd: see netd_dhtpk.h. */
#include <string.h>

#include <sodium.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "common/onion_data.h"
#include "ipc/msg_dhtpk.h"
#include "netd/dht.h"
#include "netd/dht_packet.h"
#include "netd/netd_dht.h"
#include "netd/netd_dhtpk.h"
#include "netd/netd_nc.h"
#include "netd/netd_tcp.h"
#include "netd/netd_onion_client.h"

/* How long keyd may take to seal: a second late is a retry anyway. */
#define KEYD_CALL_MS	DHTPK_RETRY_MS

struct netd_dhtpk_stats	netd_dhtpk_stats;

/* A seal asked of keyd: for whom, by which route. */
struct seal_ctx {
	uint8_t		pk[ONION_PK_LEN];
	int		route;
};

static struct {
	struct chan		*keyd;
	struct dhtpk_sched	 sched;
	struct timer		 timer;
	uint8_t			 searcher[NETD_DHTPK_SEARCHERS][DHT_PK_LEN];
	unsigned		 nsearchers, next_searcher;
} g;

static void
rearm(void)
{
	uint64_t	next = dhtpk_sched_next(&g.sched);

	if (next == UINT64_MAX)
		timer_cancel(&g.timer);
	else
		timer_at(&g.timer, next);
}

static struct seal_ctx *
ctx_new(const uint8_t *pk, int route)
{
	static struct seal_ctx	slots[64];
	static unsigned		next;
	struct seal_ctx		*k = &slots[next++ % 64];

	/* a ring: a slot comes back only 64 seals later, long after its
	 * answer (KEYD_CALL_MS) */
	memcpy(k->pk, pk, sizeof(k->pk));
	k->route = route;
	return k;
}

/* keyd sealed it: off it goes, by the route asked. */
static void
sealed(void *arg, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_dhtpk_sealed	s;
	static uint8_t			pkt[DHT_REQ_MAX];
	const struct seal_ctx		*k = arg;
	struct dhtpk_friend		*f;
	struct dht			*d = netd_dht_engine();
	struct onion_client		*oc = netd_oc();
	uint8_t				sender[ONION_PK_LEN];
	const uint8_t			*box;
	size_t				boxlen;
	uint64_t			now = mono_ms();
	int				n, ok = 0;

	if ((f = dhtpk_sched_find(&g.sched, k->pk)) == NULL)
		return;		/* no longer a friend */
	if (m->hdr.type != IPC_ONION_DHTPK_SEALED ||
	    ipc_unpack_dhtpk_sealed(r, &s) == -1 || s.route != k->route) {
		log_debug("DHT-PK: keyd did not seal");
		return;		/* retried on the schedule */
	}
	if (k->route == DHTPK_ROUTE_ONION) {
		if (oc != NULL && onion_data_split(s.sealed, s.len, sender,
		    &box, &boxlen) == 0 && onion_client_send_data(oc, f->pk,
		    s.nonce, box, boxlen, now) > 0) {
			netd_dhtpk_stats.sent_onion++;
			ok = 1;
		}
	} else if (d != NULL && f->has_dht) {
		n = dhtp_request_pack(&d->keys, f->dht_pk, DHT_REQ_DHTPK,
		    s.sealed, s.len, pkt, sizeof(pkt));
		if (n > 0 && dht_route_to_friend(d, f->dht_pk, pkt, (size_t)n,
		    now) > 0) {
			netd_dhtpk_stats.sent_dht++;
			ok = 1;
		}
	}
	if (ok) {
		dhtpk_sched_sent(f, k->route, now);
		log_debug("DHT-PK sent to a friend by %s",
		    k->route == DHTPK_ROUTE_ONION ? "onion" : "DHT");
	} else
		netd_dhtpk_stats.unsent++;
	rearm();
}

/*
 * As c-toxcore's DHT-PK: up to two of our relays whose link is up (where
 * a friend without UDP can reach us), then our closest good DHT nodes,
 * four nodes in all.
 */
static uint8_t
our_nodes(struct dht *d, struct packed_node *out)
{
	struct dht_node	near[DHT_GET_CLOSE_MAX];
	unsigned	i, n;
	uint8_t		k;

	k = (uint8_t)netd_tcp_up_nodes(out, 2);
	n = dht_get_close(d, dht_self_pk(d), 0, near);
	for (i = 0; i < n && k < DHTPK_NODES_MAX; i++)
		if (ipp_to_node(&near[i].ipp, near[i].pk, &out[k]) == 0)
			k++;
	return k;
}

/* Can the route carry a DHT-PK to f now? */
static int
ready(const struct dhtpk_friend *f, int route)
{
	uint8_t	data_pk[ONION_PK_LEN];

	if (route == DHTPK_ROUTE_DHT)
		return f->has_dht;
	return netd_oc() != NULL &&
	    onion_client_friend_data_pk(netd_oc(), f->pk, data_pk);
}

static void
due_fn(struct timer *t)
{
	struct ipc_dhtpk_seal	 s;
	struct dhtpk_friend	*f;
	struct dht		*d = netd_dht_engine();
	uint8_t			 buf[IPC_DHTPK_SEAL_MAX];
	uint64_t		 now = mono_ms();
	struct wr		 w;
	int			 route;

	while ((f = dhtpk_sched_take(&g.sched, now, &route)) != NULL) {
		if (d == NULL || g.keyd == NULL || !ready(f, route))
			continue;	/* again in a second */
		memset(&s, 0, sizeof(s));
		s.route = (uint8_t)route;
		memcpy(s.f.pk, f->pk, sizeof(s.f.pk));
		memcpy(s.f.dht_pk, dht_self_pk(d), sizeof(s.f.dht_pk));
		s.f.n = our_nodes(d, s.f.nodes);
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_dhtpk_seal(&w, &s);
		if (chan_call_wr(g.keyd, IPC_ONION_DHTPK_SEAL, &w,
		    KEYD_CALL_MS, sealed, ctx_new(f->pk, route)) == 0)
			netd_dhtpk_stats.seals_asked++;
	}
	rearm();
}

/* A 0x20 with id 0x9c for us: keyd opens it. */
static void
dht_in(void *arg, const uint8_t *outer, const uint8_t *data, size_t len)
{
	static struct ipc_dhtpk_in	in;
	static uint8_t			buf[IPC_DHTPK_IN_MAX];
	struct rd			r;
	struct wr			w;

	if (g.keyd == NULL)
		return;
	memset(&in, 0, sizeof(in));
	memcpy(in.outer_pk, outer, sizeof(in.outer_pk));
	rd_init(&r, data, len);
	rd_bytes(&r, in.sender_pk, sizeof(in.sender_pk));
	rd_bytes(&r, in.nonce, sizeof(in.nonce));
	/* c-toxcore's bounds: what a DHT-PK can be, no more, no less */
	if (!rd_ok(&r) || rd_left(&r) < DHTPK_BOX_MIN ||
	    rd_left(&r) > DHTPK_BOX_MAX)
		return;
	in.boxlen = (uint16_t)rd_left(&r);
	rd_bytes(&r, in.box, in.boxlen);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_in(&w, &in);
	if (chan_send_wr(g.keyd, IPC_ONION_DHTPK_IN, 0, &w) == 0)
		netd_dhtpk_stats.in_dht++;
}

/* A peer asks for the nodes closest to our DHT key: it searches for us. */
static void
searched(void *arg, const uint8_t *pk)
{
	char		hex[2 * DHT_PK_LEN + 1];
	unsigned	i;

	for (i = 0; i < g.nsearchers; i++)
		if (memcmp(g.searcher[i], pk, DHT_PK_LEN) == 0)
			return;
	memcpy(g.searcher[g.next_searcher], pk, DHT_PK_LEN);
	g.next_searcher = (g.next_searcher + 1) % NETD_DHTPK_SEARCHERS;
	if (g.nsearchers < NETD_DHTPK_SEARCHERS)
		g.nsearchers++;
	hex_encode(pk, DHT_PK_LEN, hex);
	log_info("DHT: %s searches for our DHT key", hex);
}

/* keyd's rows. */

static int
on_friend(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_friend_net	f;
	struct dhtpk_friend	gone;
	struct dht		*d = netd_dht_engine();

	if (ipc_unpack_friend_net(r, &f) == -1)
		return -1;
	if (dhtpk_sched_set(&g.sched, f.pk, f.state, mono_ms(), &gone) ==
	    -1)
		log_debug("DHT-PK: friend %s refused",
		    f.state == FRIEND_NET_GONE ? "removal" : "add");
	else if (f.state == FRIEND_NET_GONE && gone.has_dht && d != NULL)
		(void)dht_search_del(d, gone.dht_pk);
	(void)netd_oc_friend(f.pk, f.state);
	netd_nc_friend(f.pk, f.state == FRIEND_NET_GONE);
	rearm();
	return 0;
}

static int
on_friend_dht(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_friend_dht	f;
	struct dht		*d = netd_dht_engine();
	struct ip_port		ipp;
	uint8_t			old[DHT_PK_LEN];
	char			hex[2 * DHT_PK_LEN + 1];
	uint64_t		now = mono_ms();
	int			rv, had_old, i;

	if (ipc_unpack_friend_dht(r, &f) == -1)
		return -1;
	if (d == NULL ||
	    (rv = dhtpk_sched_set_dht(&g.sched, f.pk, f.dht_pk, now, old,
	    &had_old)) == -1)
		return 0;
	if (rv == 1) {
		if (had_old)
			(void)dht_search_del(d, old);
		if (dht_search_add(d, f.dht_pk) == -1)
			log_warnx("DHT-PK: no room to search for a friend");
		netd_dhtpk_stats.keys_learned++;
		hex_encode(f.dht_pk, DHT_PK_LEN, hex);
		log_info("DHT-PK: friend's DHT key learned: %s", hex);
	}
	netd_nc_friend_dht(f.pk, f.dht_pk);
	/* c-toxcore asks each node named for the nodes close to the key,
	 * and links to the relays named (friend_add_tcp_relay) */
	for (i = 0; i < f.n; i++)
		if (f.nodes[i].family == PN_TCP4 ||
		    f.nodes[i].family == PN_TCP6)
			netd_tcp_peer_relay(f.dht_pk, &f.nodes[i]);
		else if (ipp_from_node(&f.nodes[i], &ipp) == 0)
			(void)dht_ask_nodes_for(d, &ipp, f.nodes[i].pk,
			    f.dht_pk, now);
	netd_dht_changed();
	rearm();
	return 0;
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_ONION_FRIEND,	0,	on_friend },
	{ IPC_ONION_FRIEND_DHT,	0,	on_friend_dht },
};
const struct chan_table netd_dhtpk_from_keyd = {
	CHAN_ROWS(from_keyd_rows), NULL
};

void
netd_dhtpk_serve(struct chan *keyd)
{
	g.keyd = keyd;
	dhtpk_sched_init(&g.sched);
	timer_init(&g.timer, due_fn, NULL);
	if (netd_dht_engine() != NULL)
		dht_set_hooks(netd_dht_engine(), dht_in, searched, NULL);
}

struct dhtpk_sched *
netd_dhtpk_sched(void)
{
	return &g.sched;
}
