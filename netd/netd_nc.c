/* net_crypto in netd: see netd_nc.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "ipc/msg_nc.h"
#include "netd/dht.h"
#include "netd/net.h"
#include "netd/netd_dht.h"
#include "netd/netd_nc.h"
#include "netd/netd_tcp.h"

static const uint8_t	nc_kinds[] = {
	NC_COOKIE_REQ_KIND, NC_COOKIE_RESP_KIND, NC_HS_KIND, NC_DATA_KIND,
};

/* Friends named before ONION_SELF started the engine. */
struct early {
	uint8_t	used, has_dht;
	uint8_t	pk[NC_PK_LEN];
	uint8_t	dht_pk[NC_PK_LEN];
};

static void	nc_rx(void *, const struct ip_port *, const uint8_t *, size_t);
static void	nc_burst_end(void *);

static struct {
	struct ncc		*e;		/* after ONION_SELF */
	struct chan		*keyd;
	struct net_proto	 proto;
	struct timer		 timer;
	struct early		 early[NCC_MAX];
} g = { .proto = { "net_crypto", nc_rx, nc_burst_end, NULL, 0 } };

static void
rearm(void)
{
	uint64_t	next = g.e != NULL ? ncc_next(g.e) : 0;

	if (next == 0)
		timer_cancel(&g.timer);
	else
		timer_at(&g.timer, next);
}

static void
to_keyd(uint16_t type, const struct wr *w)
{
	if (g.keyd != NULL && g.keyd->open)
		(void)chan_send_wr(g.keyd, type, 0, w);
}

/* The engine's calls out. */

static void
cb_send(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	(void)net_send(to, pkt, len);
}

/* The friend's UDP address from the DHT, else its relays (IPP_TCP). */
static int
cb_addr(void *arg, const uint8_t dht_pk[NC_PK_LEN], struct ip_port *out)
{
	struct dht	*d = netd_dht_engine();

	if (net_udp_up() && d != NULL && dht_search_addr(d, dht_pk, out) == 1)
		return 1;
	return netd_tcp_addr(dht_pk, out);
}

static void
cb_hs_make(void *arg, const uint8_t pk[NC_PK_LEN],
    const uint8_t peer_cookie[NC_COOKIE_LEN],
    const uint8_t other_cookie[NC_COOKIE_LEN])
{
	struct ipc_nc_hs_make	m;
	uint8_t			buf[IPC_NC_HS_MAKE_LEN];
	struct wr		w;

	memcpy(m.pk, pk, sizeof(m.pk));
	memcpy(m.peer_cookie, peer_cookie, sizeof(m.peer_cookie));
	memcpy(m.other_cookie, other_cookie, sizeof(m.other_cookie));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_hs_make(&w, &m);
	to_keyd(IPC_NC_HS_MAKE, &w);
}

static void
cb_hs_in(void *arg, const uint8_t pk[NC_PK_LEN],
    const uint8_t dht_pk[NC_PK_LEN], int want_reply,
    const uint8_t other_cookie[NC_COOKIE_LEN], const uint8_t *pkt)
{
	static struct ipc_nc_hs_in	m;
	static uint8_t			buf[IPC_NC_HS_IN_LEN];
	struct wr			w;

	memcpy(m.pk, pk, sizeof(m.pk));
	memcpy(m.dht_pk, dht_pk, sizeof(m.dht_pk));
	m.want_reply = want_reply ? 1 : 0;
	memcpy(m.other_cookie, other_cookie, sizeof(m.other_cookie));
	memcpy(m.hs, pkt, sizeof(m.hs));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_hs_in(&w, &m);
	to_keyd(IPC_NC_HS_IN, &w);
}

static void
cb_data_in(void *arg, const uint8_t pk[NC_PK_LEN], const uint8_t *pkt,
    size_t len)
{
	static struct ipc_nc_data	m;
	static uint8_t			buf[IPC_NC_DATA_MAX];
	struct wr			w;

	if (len <= NC_DATA_PACKET_MIN || len > NC_PACKET_MAX)
		return;		/* the codec would refuse it: keyd need not */
	memcpy(m.pk, pk, sizeof(m.pk));
	m.len = (uint16_t)len;
	memcpy(m.pkt, pkt, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_data(&w, &m);
	to_keyd(IPC_NC_DATA_IN, &w);
}

static void
cb_abort(void *arg, const uint8_t pk[NC_PK_LEN])
{
	uint8_t		buf[IPC_NC_PK_MSG_LEN];
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_pk(&w, pk);
	to_keyd(IPC_NC_ABORT, &w);
}

/* A handshake named a new DHT key for a friend: the DHT looks for it. */
static void
cb_dht_changed(void *arg, const uint8_t pk[NC_PK_LEN],
    const uint8_t dht_pk[NC_PK_LEN])
{
	struct dht	*d = netd_dht_engine();
	char		 hex[2 * NC_PK_LEN + 1];

	if (d != NULL && dht_search_add(d, dht_pk) == 0)
		netd_dht_changed();
	netd_tcp_peer_want(dht_pk, 1);
	hex_encode(dht_pk, NC_PK_LEN, hex);
	log_info("net_crypto: friend's DHT key from its handshake: %s", hex);
}

/* Where an established session is: keyd keeps it for our successor. */
static void
cb_where(void *arg, const uint8_t pk[NC_PK_LEN],
    const uint8_t dht_pk[NC_PK_LEN], const struct ip_port *ipp)
{
	struct ipc_nc_addr	a;
	struct ipc_nc_path	p;
	uint8_t			buf[IPC_NC_ADDR_MAX];
	struct wr		w;

	/* the user sees "udp" or "tcp" */
	memcpy(p.pk, pk, sizeof(p.pk));
	p.path = ipp->family == IPP_TCP ? NC_PATH_TCP : NC_PATH_UDP;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_path(&w, &p);
	to_keyd(IPC_NC_PATH, &w);
	/* a relay link dies with this netd: only UDP is kept for the next */
	memset(&a, 0, sizeof(a));
	memcpy(a.pk, pk, sizeof(a.pk));
	if (ipp_to_node(ipp, dht_pk, &a.node) == -1)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_addr(&w, &a);
	to_keyd(IPC_NC_ADDR, &w);
}

static const struct ncc_cb	cbs = {
	cb_send, cb_addr, cb_hs_make, cb_hs_in, cb_data_in, cb_abort,
	cb_dht_changed, cb_where,
};

static void
timer_fn(struct timer *t)
{
	if (g.e != NULL)
		(void)ncc_tick(g.e, mono_ms());
	rearm();
}

static void
nc_rx(void *arg, const struct ip_port *from, const uint8_t *pkt, size_t len)
{
	if (g.e != NULL)
		ncc_udp_in(g.e, from, pkt, len, mono_ms());
}

static void
nc_burst_end(void *arg)
{
	rearm();
}

void
netd_nc_self(const uint8_t pk[NC_PK_LEN])
{
	struct dht_keys	*dk = netd_dht_keys();
	uint64_t	 now = mono_ms();
	size_t		 i;

	if (dk == NULL)
		return;
	if (g.e != NULL) {
		if (memcmp(g.e->self_pk, pk, NC_PK_LEN) == 0)
			return;		/* the same user */
		ncc_wipe(g.e);
		free(g.e);
		g.e = NULL;
	}
	if ((g.e = calloc(1, sizeof(*g.e))) == NULL)
		fatal("%s: calloc", __func__);
	ncc_init(g.e, dk, pk, &cbs, NULL);
	for (i = 0; i < NCC_MAX; i++) {
		if (!g.early[i].used)
			continue;
		(void)ncc_friend_set(g.e, g.early[i].pk, 1, now);
		if (g.early[i].has_dht)
			(void)ncc_friend_dht(g.e, g.early[i].pk,
			    g.early[i].dht_pk, now);
	}
	(void)ncc_tick(g.e, now);
	rearm();
}

static struct early *
early_slot(const uint8_t pk[NC_PK_LEN], int take)
{
	size_t	i;

	for (i = 0; i < NCC_MAX; i++)
		if (g.early[i].used &&
		    memcmp(g.early[i].pk, pk, NC_PK_LEN) == 0)
			return &g.early[i];
	for (i = 0; take && i < NCC_MAX; i++)
		if (!g.early[i].used) {
			memset(&g.early[i], 0, sizeof(g.early[i]));
			g.early[i].used = 1;
			memcpy(g.early[i].pk, pk, NC_PK_LEN);
			return &g.early[i];
		}
	return NULL;
}

void
netd_nc_friend(const uint8_t pk[NC_PK_LEN], int gone)
{
	struct early	*e = early_slot(pk, !gone);

	/* kept across a change of user too: keyd names them again anyway */
	if (gone && e != NULL) {
		if (e->has_dht)
			netd_tcp_peer_want(e->dht_pk, 0);
		e->used = 0;
	}
	if (g.e != NULL) {
		(void)ncc_friend_set(g.e, pk, !gone, mono_ms());
		(void)ncc_tick(g.e, mono_ms());
		rearm();
	}
}

void
netd_nc_friend_dht(const uint8_t pk[NC_PK_LEN],
    const uint8_t dht_pk[NC_PK_LEN])
{
	struct early	*e = early_slot(pk, 0);

	if (e != NULL) {
		/* the relays reach the friend's current DHT key only */
		if (e->has_dht && memcmp(e->dht_pk, dht_pk, NC_PK_LEN) != 0)
			netd_tcp_peer_want(e->dht_pk, 0);
		e->has_dht = 1;
		memcpy(e->dht_pk, dht_pk, NC_PK_LEN);
		netd_tcp_peer_want(dht_pk, 1);
	}
	if (g.e != NULL) {
		(void)ncc_friend_dht(g.e, pk, dht_pk, mono_ms());
		(void)ncc_tick(g.e, mono_ms());
		rearm();
	}
}

const struct ncc_stats *
netd_nc_stats(void)
{
	return g.e != NULL ? &g.e->stats : NULL;
}

/* keyd's rows. */

static int
on_hs_made(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_nc_hs_made	hm;

	if (ipc_unpack_nc_hs_made(r, &hm) == -1)
		return -1;
	if (g.e != NULL)
		(void)ncc_hs_made(g.e, hm.pk, hm.hs, sizeof(hm.hs), mono_ms());
	rearm();
	return 0;
}

static int
on_state(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_state	st;
	static const int	to_ncc[] = {
		[NC_STATE_NONE] = NCC_NONE,
		[NC_STATE_NOT_CONFIRMED] = NCC_NOT_CONFIRMED,
		[NC_STATE_ESTABLISHED] = NCC_ESTABLISHED,
	};

	char			hex[2 * NC_PK_LEN + 1];

	if (ipc_unpack_nc_state(r, &st) == -1)
		return -1;
	hex_encode(st.pk, 4, hex);
	log_debug("net_crypto: friend %s...: keyd says %s", hex,
	    ncc_st_name(to_ncc[st.state]));
	if (g.e != NULL &&
	    ncc_state(g.e, st.pk, to_ncc[st.state], mono_ms()) == -1)
		log_debug("net_crypto: friend %s...: state refused", hex);
	rearm();
	return 0;
}

static int
on_data_out(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_data_ref	d;	/* in the frame: no copy */

	if (ipc_view_nc_data(r, &d) == -1)
		return -1;
	if (g.e != NULL)
		(void)ncc_data_out(g.e, d.pk, d.pkt, d.len);
	return 0;
}

/* A session keyd kept while netd restarted: on with it, where it was. */
static int
on_resume(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_addr	a;
	struct ip_port		ipp;

	if (ipc_unpack_nc_addr(r, &a) == -1)
		return -1;
	if (g.e == NULL || ipp_from_node(&a.node, &ipp) == -1 ||
	    ncc_resume(g.e, a.pk, a.node.pk, &ipp, mono_ms()) == -1)
		log_debug("net_crypto: a session to resume refused");
	rearm();
	return 0;
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_NC_RESUME,	0,	on_resume },
	{ IPC_NC_HS_MADE,	0,	on_hs_made },
	{ IPC_NC_STATE,		0,	on_state },
	{ IPC_NC_DATA_OUT,	0,	on_data_out },
};
const struct chan_table netd_nc_from_keyd = {
	CHAN_ROWS(from_keyd_rows), NULL
};

void
netd_nc_serve(struct chan *keyd)
{
	size_t	i;

	g.keyd = keyd;
	timer_init(&g.timer, timer_fn, NULL);
	for (i = 0; i < sizeof(nc_kinds); i++)
		net_register(nc_kinds[i], &g.proto);
}
