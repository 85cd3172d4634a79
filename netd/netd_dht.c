/*
 * netd's DHT on the event loop: see netd_dht.h.  One engine fed by the
 * packet-kind switch (net.c), one loop timer armed to the engine's next
 * deadline (no polling tick) and one for saving nodes.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/node_spec.h"
#include "common/loop.h"
#include "common/mono.h"
#include "netd/dht.h"
#include "netd/dht_packet.h"
#include "netd/net.h"
#include "netd/netd_dht.h"
#include "netd/netd_tcp.h"
#include "netd/netd_status.h"

#define BOOT_MAX	DHT_BOOTSTRAP_MAX

/* The kinds the engine reads (dht_packet.h); LAN discovery is netd_lan.c's. */
static const uint8_t	dht_kinds[] = {
	DHT_PING_REQ, DHT_PING_RESP, DHT_NODES_REQ, DHT_NODES_RESP, DHT_CRYPTO
};

static void	dht_rx(void *, const struct ip_port *, const uint8_t *, size_t);
static void	dht_burst_end(void *);

static struct {
	/* options */
	struct packed_node	 boot[BOOT_MAX];
	int			 nboot;
	/* state */
	struct dht		*d;
	struct net_proto	 proto;
	struct timer		 tick, save_t;
	struct chan		*keyd;
	int			 was_connected;
	int			 key_final;	/* keyd's key taken */
} g = { .proto = { "dht", dht_rx, dht_burst_end, NULL, 0 } };

int
netd_dht_parse_node(const char *s, struct packed_node *n)
{
	struct packed_node	 pn;
	struct ip_port		 a;
	const char		*why;

	/* the grammar is common/node_spec.c's; an IPv4-mapped IPv6
	 * address is the IPv4 node it names, as on the wire */
	if (node_spec_parse(s, &pn, &why) == -1 ||
	    ipp_from_node(&pn, &a) == -1)
		return -1;
	ipp_normalize(&a);
	return ipp_to_node(&a, pn.pk, n);
}

int
netd_dht_option(int opt, const char *arg)
{
	switch (opt) {
	case NETD_DHT_OPT_BOOTSTRAP:
		if (g.nboot == BOOT_MAX)
			fatalx("--bootstrap: at most %d nodes", BOOT_MAX);
		if (netd_dht_parse_node(arg, &g.boot[g.nboot]) == -1)
			fatalx("--bootstrap: want IP:PORT:64-HEX-KEY (an IP "
			    "literal, no DNS)");
		g.nboot++;
		return 1;
	default:
		return 0;
	}
}

static int
send_cb(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	return net_send(to, pkt, len);
}

void
netd_dht_start(void)
{
	if ((g.d = dht_new(send_cb, NULL, mono_ms())) == NULL)
		fatal("dht_new");
}

void
netd_dht_status(struct ipc_net_status *s)
{
	memset(s, 0, sizeof(*s));
	if (g.d == NULL)
		return;
	s->state = dht_connected(g.d) ? NET_DHT_UDP : NET_DHT_NONE;
	memcpy(s->dht_pk, dht_self_pk(g.d), sizeof(s->dht_pk));
	s->udp_port = net_udp_port();
	s->good_nodes = dht_good_nodes(g.d);
}

/*
 * Newly connected: hand keyd the nodes soon, not in five minutes, so even
 * a short session leaves the next one somewhere to start.  Then the
 * status, which netd_status.c sends if it changed.
 */
static void
report(void)
{
	int		connected = dht_connected(g.d);
	uint64_t	now = mono_ms();

	if (connected && !g.was_connected &&
	    (!timer_armed(&g.save_t) ||
	    g.save_t.due > now + NETD_NODES_FIRST_SAVE_MS))
		timer_after(&g.save_t, NETD_NODES_FIRST_SAVE_MS);
	g.was_connected = connected;
	netd_status_report();
}

static void
rearm(void)
{
	uint64_t	next = dht_next_deadline(g.d);

	if (next == UINT64_MAX)
		timer_cancel(&g.tick);
	else
		timer_at(&g.tick, next);
	report();
}

static void
tick_fn(struct timer *t)
{
	(void)dht_tick(g.d, mono_ms());
	rearm();
}

/* A datagram of one of dht_kinds[], from the switch. */
static void
dht_rx(void *arg, const struct ip_port *from, const uint8_t *pkt, size_t len)
{
	(void)dht_handle_packet(g.d, from, pkt, len, mono_ms());
}

/* After a wakeup's packets: the deadline and the status once, not per
 * packet. */
static void
dht_burst_end(void *arg)
{
	rearm();
}

static void
save_fn(struct timer *t)
{
	static struct ipc_net_nodes	m;
	static uint8_t			buf[IPC_NET_NODES_MAX_LEN];
	struct wr			w;

	m.n = (uint8_t)dht_export_nodes(g.d, m.nodes, IPC_NET_NODES_MAX);
	if (m.n > 0 && g.keyd != NULL) {
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_net_nodes(&w, &m);
		(void)chan_send_wr(g.keyd, IPC_NET_NODES_SAVE, 0, &w);
	}
	timer_after(&g.save_t, NETD_NODES_SAVE_MS);
}

void
netd_dht_serve(struct chan *ch)
{
	size_t	k;
	int	i;

	g.keyd = ch;
	netd_status_init(ch);
	timer_init(&g.tick, tick_fn, NULL);
	timer_init(&g.save_t, save_fn, NULL);
	for (k = 0; k < sizeof(dht_kinds); k++)
		net_register(dht_kinds[k], &g.proto);
	for (i = 0; i < g.nboot; i++)
		if (dht_bootstrap_add(g.d, &g.boot[i]) == -1)
			log_warnx("bootstrap node %d refused", i + 1);
	timer_after(&g.save_t, NETD_NODES_SAVE_MS);
	rearm();
}

/* keyd is trusted to be well formed; if not, it is not keyd: a malformed
 * payload closes the channel (the handlers return -1). */
static int
on_nodes_load(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_net_nodes	nodes;
	int				i;

	if (ipc_unpack_net_nodes(r, &nodes) == -1)
		return -1;
	for (i = 0; i < nodes.n; i++)
		(void)dht_bootstrap_add(g.d, &nodes.nodes[i]);
	rearm();
	return 0;
}

static int
on_bootstrap(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct packed_node	n;

	if (ipc_unpack_net_bootstrap(r, &n) == -1)
		return -1;
	if (dht_bootstrap_add(g.d, &n) == -1)
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_INVALID,
		    "node refused (own key or table full)");
	else
		(void)chan_reply_ok(c, m->hdr.id);
	rearm();
	return 0;
}

static int
on_search(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint8_t	pk[PN_PK_LEN];
	int	add = m->hdr.type == IPC_NET_DHT_SEARCH_ADD;

	if (ipc_unpack_net_dht_key(r, pk) == -1)
		return -1;
	if ((add ? dht_search_add(g.d, pk) : dht_search_del(g.d, pk)) == -1)
		log_debug("DHT search %s refused", add ? "add" : "del");
	rearm();
	return 0;
}

/* keyd's DHT key for this session: the same for every netd it starts. */
static int
on_dht_key(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint8_t	sk[DHT_SK_LEN], pk[DHT_PK_LEN];
	char	hex[2 * DHT_PK_LEN + 1];

	if (ipc_unpack_net_dht_key(r, sk) == -1)
		return -1;
	g.key_final = 1;	/* keyd's, or (refused) our own for good */
	if (crypto_scalarmult_base(pk, sk) != 0 ||
	    dht_set_keys(g.d, pk, sk, mono_ms()) == -1)
		log_warnx("DHT: keyd's key refused; keeping our own");
	else {
		hex_encode(pk, DHT_PK_LEN, hex);
		log_info("DHT key %s (kept by keyd across restarts)", hex);
		netd_status_report();
	}
	netd_tcp_keys();	/* relay links wait for the final key */
	sodium_memzero(sk, sizeof(sk));
	rearm();
	return 0;
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_NET_DHT_KEY,		CH_ONCE,	on_dht_key },
	{ IPC_NET_NODES_LOAD,		0,	on_nodes_load },
	{ IPC_NET_BOOTSTRAP,		0,	on_bootstrap },
	{ IPC_NET_DHT_SEARCH_ADD,	0,	on_search },
	{ IPC_NET_DHT_SEARCH_DEL,	0,	on_search },
};
const struct chan_table netd_dht_from_keyd = { CHAN_ROWS(from_keyd_rows), NULL };

int
netd_dht_bootstrap(const struct packed_node *pn)
{
	if (g.d == NULL)
		return -1;
	return dht_bootstrap_add(g.d, pn);
}

int
netd_dht_lan_peer(const struct ip_port *from, const uint8_t pk[DHT_PK_LEN])
{
	if (g.d == NULL)
		return -1;
	return dht_ask_nodes(g.d, from, pk, mono_ms());
}

void
netd_dht_changed(void)
{
	if (g.d != NULL)
		rearm();
}

int
netd_dht_key_final(void)
{
	return g.keyd == NULL || g.key_final;
}

struct dht *
netd_dht_engine(void)
{
	return g.d;
}

const uint8_t *
netd_dht_self_pk(void)
{
	return g.d != NULL ? dht_self_pk(g.d) : NULL;
}

struct dht_keys *
netd_dht_keys(void)
{
	return g.d != NULL ? &g.d->keys : NULL;
}
