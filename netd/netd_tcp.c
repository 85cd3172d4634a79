/* TCP relays in netd: see netd_tcp.h. */
#include <sys/epoll.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "netd/dht_keys.h"
#include "netd/net.h"
#include "netd/netd_dht.h"
#include "netd/netd_sock.h"
#include "netd/netd_status.h"
#include "netd/netd_tcp.h"
#include "netd/netd_tcp_server.h"
#include "netd/proxy_wire.h"
#include "netd/tcp_conf.h"
#include "netd/tcp_link.h"

/* Bytes read from one link per wakeup: the other sources get their turn. */
#define READ_BURST	(256 * 1024)
/* Relays taken from the nodes list, at most (the table holds others). */
#define NODES_RELAYS	8

/* Where a link is: the socket, the proxy's handshake, the relay's. */
enum link_phase {
	PH_NONE = 0,		/* no link */
	PH_ASKED,		/* socket asked of the supervisor */
	PH_PROXY_GREET,		/* SOCKS5 greeting sent */
	PH_PROXY_CONNECT,	/* SOCKS5 or HTTP CONNECT sent */
	PH_RELAY		/* the tcp_link engine runs */
};

struct link {
	unsigned	 r;		/* relay index */
	uint8_t		 phase;
	uint8_t		 dead;		/* down: closed from the timer */
	uint32_t	 gen;		/* a socket answer for an older ask */
	struct ev_src	 src;
	struct timer	 timer;
	struct tcp_link	 l;
	uint8_t		 px[PROXY_HTTP_MAX];	/* the proxy's answer */
	size_t		 pxlen;
	char		 name[RELAY_HOST_MAX + 1];	/* "" unless named */
};

static void	link_close(struct link *, int tell);

static struct {
	int			 serving;
	struct relays		 rs;
	struct link		 link[RELAYS_MAX];
	struct timer		 tick;
	unsigned		 from_nodes;
	struct proxy_spec	 proxy;
} g;

static const uint8_t	nc_kinds[] = { 0x18, 0x19, 0x1a, 0x1b };

static int
nc_kind(uint8_t k)
{
	return memchr(nc_kinds, k, sizeof(nc_kinds)) != NULL;
}

static void
short_key(const uint8_t *pk, char out[9])
{
	hex_encode(pk, 4, out);
}

static void
tick_rearm(void)
{
	uint64_t	next;

	/* no link before keyd's DHT key: a relay would know us wrongly */
	if (!g.serving || !netd_dht_key_final())
		return;
	next = relays_tick(&g.rs, mono_ms());

	if (next == 0)
		timer_cancel(&g.tick);
	else
		timer_at(&g.tick, next);
	netd_status_relays();	/* sent only if something changed */
}

static void
tick_fn(struct timer *t)
{
	(void)t;
	tick_rearm();
}

/* --- one link's socket --- */

/* Writes what the engine queued; EPOLLOUT while some remains. */
static void
link_flush(struct link *k)
{
	const uint8_t	*p;
	size_t		 n;
	ssize_t		 w;
	uint32_t	 want = EPOLLIN;

	if (k->phase != PH_RELAY || k->dead)
		return;
	while ((n = tcp_link_out(&k->l, &p)) > 0) {
		w = write(k->src.fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN) {
			want |= EPOLLOUT;
			break;
		}
		if (w <= 0) {
			log_debug("tcp relay %u: write: %s", k->r,
			    w == 0 ? "nothing written" : strerror(errno));
			tcp_link_close(&k->l, TCPL_DOWN_CLOSED);
			return;
		}
		tcp_link_out_done(&k->l, (size_t)w);
	}
	if (k->src.events != want)
		loop_mod(&k->src, want);
}

static void
link_rearm(struct link *k)
{
	uint64_t	next;

	if (k->phase != PH_RELAY || k->dead)
		return;
	next = tcp_link_next_ms(&k->l);
	if (next == TCPL_NEVER)
		timer_cancel(&k->timer);
	else
		timer_at(&k->timer, next);
}

static void
link_timer(struct timer *t)
{
	struct link	*k = t->arg;

	if (k->dead) {
		link_close(k, 1);
		tick_rearm();
	} else if (k->phase == PH_RELAY) {
		tcp_link_tick(&k->l, mono_ms());
		link_flush(k);
		link_rearm(k);
	} else if (k->phase == PH_PROXY_GREET ||
	    k->phase == PH_PROXY_CONNECT) {
		log_info("tcp relay %u: the proxy did not answer", k->r);
		link_close(k, 1);
	}
}

/* --- what a relay says, into netd's switch --- */

static void
cb_state(void *arg, int up, enum tcpl_down why)
{
	struct link	*k = arg;
	char		 hex[9];

	short_key(g.rs.r[k->r].pk, hex);
	if (up) {
		log_info("tcp relay %s... up", hex);
		relays_link_up(&g.rs, k->r, mono_ms());
	} else {
		/*
		 * Closed from the timer, outside the engine's call and any
		 * relays.c call that led here (ops must not call back).
		 */
		log_info("tcp relay %s... down (%d)", hex, (int)why);
		k->dead = 1;
		timer_after(&k->timer, 0);
	}
}

static void
cb_routed(void *arg, const uint8_t pk[TCPW_PK_LEN], uint8_t conn_id)
{
	struct link	*k = arg;

	relays_routed(&g.rs, k->r, pk, conn_id);
}

static void
cb_conn(void *arg, uint8_t conn_id, const uint8_t pk[TCPW_PK_LEN],
    int online)
{
	struct link	*k = arg;
	char		 hex[9];

	short_key(pk, hex);
	log_debug("tcp relay %u: peer %s... %s", k->r, hex,
	    online ? "online" : "offline");
	relays_conn_status(&g.rs, k->r, conn_id, online);
	netd_status_relays();
}

static void
to_switch(const struct ip_port *from, const uint8_t *p, size_t n)
{
	net_input(from, p, n);
	net_input_end();
}

static void
cb_data(void *arg, uint8_t conn_id, const uint8_t pk[TCPW_PK_LEN],
    const uint8_t *p, size_t n)
{
	struct link	*k = arg;
	struct ip_port	 from;
	int		 i;

	(void)pk;
	if (n == 0 || !nc_kind(p[0]) ||
	    (i = relays_data_in(&g.rs, k->r, conn_id, mono_ms())) < 0)
		return;
	ipp_tcp(&from, (unsigned)i);
	to_switch(&from, p, n);
}

static void
cb_oob(void *arg, const uint8_t pk[TCPW_PK_LEN], const uint8_t *p, size_t n)
{
	struct link	*k = arg;
	struct ip_port	 from;
	int		 i;

	if (n == 0 || !nc_kind(p[0]) ||
	    (i = relays_oob_in(&g.rs, k->r, pk, mono_ms())) < 0)
		return;
	ipp_tcp(&from, (unsigned)i);
	to_switch(&from, p, n);
	tick_rearm();		/* a friend's OOB may tie a relay */
}

static void
cb_onion(void *arg, const uint8_t *p, size_t n)
{
	struct link	*k = arg;
	struct ip_port	 from;

	if (n == 0 || (p[0] != 0x84 && p[0] != 0x86))
		return;
	ipp_relay(&from, k->r);
	to_switch(&from, p, n);
}

static const struct tcpl_cbs	link_cbs = {
	.state = cb_state,
	.routed = cb_routed,
	.conn = cb_conn,
	.data = cb_data,
	.oob = cb_oob,
	.onion = cb_onion,
};

/* --- the proxy's handshake --- */

static void
proxy_target(const struct link *k, struct proxy_target *t)
{
	const struct relay	*rl = &g.rs.r[k->r];

	memset(t, 0, sizeof(*t));
	t->port = rl->ipp.port;
	if (k->name[0] != '\0') {
		(void)snprintf(t->name, sizeof(t->name), "%s", k->name);
		return;
	}
	t->family = rl->ipp.family == IPP_V6 ? 6 : 4;
	memcpy(t->ip, rl->ipp.ip, sizeof(t->ip));
}

/* Writes a small handshake message whole, or fails the link. */
static int
proxy_write(struct link *k, const struct wr *w)
{
	ssize_t	n;

	if (!wr_ok(w))
		return -1;
	do
		n = write(k->src.fd, w->p, wr_len(w));
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)wr_len(w)) {
		log_info("tcp relay %u: writing to the proxy: %s", k->r,
		    n == -1 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

static int
proxy_connect(struct link *k)
{
	struct proxy_target	t;
	uint8_t			buf[SOCKS5_MSG_MAX + PROXY_NAME_MAX + 64];
	struct wr		w;

	proxy_target(k, &t);
	wr_init(&w, buf, sizeof(buf));
	if (g.proxy.kind == PROXY_SOCKS5)
		socks5_connect(&w, &t);
	else
		http_connect(&w, &t);
	k->phase = PH_PROXY_CONNECT;
	k->pxlen = 0;
	return proxy_write(k, &w);
}

static void	relay_start(struct link *);

/* Bytes from the proxy; the tunnel's first bytes go to the relay. */
static void
proxy_input(struct link *k, const uint8_t *p, size_t n)
{
	struct socks5_reply	rep;
	long			used;
	int			status;

	if (n > sizeof(k->px) - k->pxlen) {
		log_info("tcp relay %u: the proxy's answer is too long", k->r);
		link_close(k, 1);
		return;
	}
	memcpy(k->px + k->pxlen, p, n);
	k->pxlen += n;
	if (k->phase == PH_PROXY_GREET) {
		if ((used = socks5_method_read(k->px, k->pxlen)) == 0)
			return;
		if (used < 0 || (size_t)used != k->pxlen) {
			log_info("tcp relay %u: the proxy refused the "
			    "greeting", k->r);
			link_close(k, 1);
			return;
		}
		if (proxy_connect(k) == -1)
			link_close(k, 1);
		return;
	}
	if (g.proxy.kind == PROXY_SOCKS5) {
		if ((used = socks5_reply_read(k->px, k->pxlen, &rep)) == 0)
			return;
		if (used > 0 && rep.rep != SOCKS5_REP_OK) {
			log_info("tcp relay %u: the proxy could not connect: "
			    "%s", k->r, socks5_rep_str(rep.rep));
			used = -1;
		}
	} else {
		if ((used = http_reply_read(k->px, k->pxlen, &status)) == 0)
			return;
		if (used > 0 && (status < 200 || status > 299)) {
			log_info("tcp relay %u: the proxy answered %d", k->r,
			    status);
			used = -1;
		}
	}
	if (used < 0) {
		link_close(k, 1);
		return;
	}
	relay_start(k);
	/* a relay answers only after our hello: nothing should follow */
	if (k->phase == PH_RELAY && (size_t)used < k->pxlen)
		(void)tcp_link_input(&k->l, k->px + used, k->pxlen - (size_t)used,
		    mono_ms());
}

/* --- socket events --- */

static void
link_io(struct ev_src *src, uint32_t events)
{
	static uint8_t	 buf[65536];
	struct link	*k = src->arg;
	size_t		 total = 0;
	ssize_t		 n;

	if (events & EPOLLOUT)
		link_flush(k);
	while (k->phase >= PH_PROXY_GREET && !k->dead && total < READ_BURST) {
		n = read(src->fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			log_debug("tcp relay %u: %s", k->r, n == 0 ?
			    "closed by the peer" : strerror(errno));
			if (k->phase == PH_RELAY)
				tcp_link_close(&k->l, TCPL_DOWN_CLOSED);
			else
				link_close(k, 1);
			return;
		}
		total += (size_t)n;
		if (k->phase == PH_RELAY)
			(void)tcp_link_input(&k->l, buf, (size_t)n,
			    mono_ms());
		else
			proxy_input(k, buf, (size_t)n);
	}
	if (k->phase == PH_RELAY) {
		link_flush(k);
		link_rearm(k);
	}
	tick_rearm();
}

static void
relay_start(struct link *k)
{
	struct dht_keys	*dk = netd_dht_keys();

	if (dk == NULL || tcp_link_start(&k->l, dk, g.rs.r[k->r].pk,
	    &link_cbs, k, mono_ms()) == -1) {
		link_close(k, 1);
		return;
	}
	k->phase = PH_RELAY;
	link_flush(k);
	link_rearm(k);
}

static void
sock_answer(void *arg, int fd)
{
	uintptr_t	 v = (uintptr_t)arg;
	struct link	*k = &g.link[v % RELAYS_MAX];
	uint8_t		 buf[SOCKS5_GREETING_LEN];
	struct wr	 w;

	if (k->phase != PH_ASKED || k->gen != (uint32_t)(v / RELAYS_MAX)) {
		if (fd >= 0)
			close(fd);	/* an ask the relay no longer wants */
		return;
	}
	if (fd < 0) {
		log_info("tcp relay %u: no connection: %s", k->r,
		    strerror(-fd));
		link_close(k, 1);
		tick_rearm();
		return;
	}
	k->src.fd = fd;
	k->src.cb = link_io;
	k->src.arg = k;
	k->src.events = 0;
	loop_add(&k->src, EPOLLIN);
	k->pxlen = 0;
	if (g.proxy.kind == PROXY_SOCKS5) {
		wr_init(&w, buf, sizeof(buf));
		socks5_greeting(&w);
		k->phase = PH_PROXY_GREET;
		if (proxy_write(k, &w) == -1)
			link_close(k, 1);
		else
			timer_after(&k->timer, TCPL_HS_TIMEOUT_MS);
	} else if (g.proxy.kind == PROXY_HTTP) {
		if (proxy_connect(k) == -1)
			link_close(k, 1);
		else
			timer_after(&k->timer, TCPL_HS_TIMEOUT_MS);
	} else
		relay_start(k);
	tick_rearm();
}

/*
 * Ends a link.  tell: the relays engine hears it went down (a failure);
 * not when the engine itself closed it.
 */
static void
link_close(struct link *k, int tell)
{
	int	was = k->phase;

	k->dead = 0;
	if (was == PH_NONE)
		return;
	k->phase = PH_NONE;
	k->gen++;
	timer_cancel(&k->timer);
	if (was >= PH_PROXY_GREET) {
		if (k->src.events != 0)
			loop_del(&k->src);
		close(k->src.fd);
		k->src.fd = -1;
	}
	if (was == PH_RELAY) {
		if (tcp_link_state(&k->l) != TCPL_DOWN)
			tcp_link_close(&k->l, TCPL_DOWN_CLOSED);
		tcp_link_wipe(&k->l);
	}
	if (tell)
		relays_link_down(&g.rs, k->r, mono_ms());
}

/* --- the relays engine's calls out --- */

static void
op_open(void *arg, unsigned r)
{
	struct link		*k = &g.link[r];
	const struct relay	*rl = &g.rs.r[r];
	uint8_t			 family = rl->ipp.family == IPP_V6 ? 6 : 4;

	(void)arg;
	link_close(k, 0);
	/* a named relay: any address, the proxy connects by the name */
	if (netd_sock_open(family, rl->ipp.ip, rl->ipp.port, sock_answer,
	    (void *)(uintptr_t)(k->gen * RELAYS_MAX + r)) == -1) {
		log_debug("tcp relay %u: no socket asked: %s", r,
		    strerror(errno));
		/* down from the timer: not inside the engine's call */
		k->phase = PH_ASKED;
		k->dead = 1;
		timer_after(&k->timer, 0);
		return;
	}
	k->phase = PH_ASKED;
}

static void
op_close(void *arg, unsigned r)
{
	(void)arg;
	link_close(&g.link[r], 0);
}

static int
op_route(void *arg, unsigned r, const uint8_t pk[PN_PK_LEN])
{
	struct link	*k = &g.link[r];
	int		 rc;

	(void)arg;
	if (k->phase != PH_RELAY)
		return -1;
	rc = tcp_link_route(&k->l, pk);
	link_flush(k);
	return rc == 0 ? 0 : -1;
}

static int
op_data(void *arg, unsigned r, uint8_t conn_id, const uint8_t *p, size_t n)
{
	struct link	*k = &g.link[r];
	int		 rc;

	(void)arg;
	if (k->phase != PH_RELAY)
		return -1;
	rc = tcp_link_send(&k->l, conn_id, p, n);
	link_flush(k);
	return rc == 0 ? 0 : -1;
}

static int
op_oob(void *arg, unsigned r, const uint8_t pk[PN_PK_LEN], const uint8_t *p,
    size_t n)
{
	struct link	*k = &g.link[r];
	int		 rc;

	(void)arg;
	if (k->phase != PH_RELAY)
		return -1;
	rc = tcp_link_oob(&k->l, pk, p, n);
	link_flush(k);
	return rc == 0 ? 0 : -1;
}

static const struct relays_ops	relay_ops = {
	op_open, op_close, op_route, op_data, op_oob,
};

/* --- net_send to a virtual address --- */

static int
virtual_send(const struct ip_port *to, const uint8_t *p, size_t n)
{
	struct link	*k;
	long		 i;
	int		 rc;

	if ((i = ipp_tcp_index(to)) >= 0)
		return relays_send(&g.rs, (unsigned)i, p, n, mono_ms()) == 0 ?
		    (int)n : -1;
	/* an onion answer for a client of our relay server */
	if ((i = ipp_srv_index(to)) >= 0)
		return netd_tcp_server_onion((unsigned)i, p, n);
	if ((i = ipp_relay_index(to)) < 0 || i >= RELAYS_MAX)
		return -1;
	k = &g.link[i];
	if (k->phase != PH_RELAY)
		return -1;
	rc = tcp_link_onion(&k->l, p, n);
	link_flush(k);
	return rc == 0 ? (int)n : -1;
}

/* --- the rest of netd --- */

void
netd_tcp_serve(void)
{
	const struct tcp_conf	*c = tcp_conf_get();
	struct ip_port		 ipp;
	size_t			 i;
	int			 r;

	relays_init(&g.rs, &relay_ops, NULL);
	timer_init(&g.tick, tick_fn, NULL);
	for (i = 0; i < RELAYS_MAX; i++) {
		g.link[i].r = (unsigned)i;
		g.link[i].src.fd = -1;
		timer_init(&g.link[i].timer, link_timer, &g.link[i]);
	}
	g.proxy = c->proxy;
	for (i = 0; i < c->nrelays; i++) {
		if (c->relays[i].family == 0)
			r = relays_add_named(&g.rs, c->relays[i].pk,
			    c->relays[i].port, RELAY_SRC_CONF);
		else if (ipp_set(&ipp, c->relays[i].ip,
		    c->relays[i].family == 6 ? 16 : 4,
		    c->relays[i].port) == 0) {
			ipp_normalize(&ipp);
			r = relays_add(&g.rs, c->relays[i].pk, &ipp,
			    RELAY_SRC_CONF);
		} else
			r = -1;
		if (r < 0) {
			log_warnx("tcp relay %s: no room", c->relays[i].host);
			continue;
		}
		if (c->relays[i].family == 0)
			(void)snprintf(g.link[r].name, sizeof(g.link[r].name),
			    "%s", c->relays[i].host);
	}
	net_set_virtual(virtual_send);
	g.serving = 1;
	tick_rearm();
}

void
netd_tcp_keys(void)
{
	size_t	i;

	if (!g.serving)
		return;
	/* a link made under another DHT key would name us wrongly */
	for (i = 0; i < RELAYS_MAX; i++)
		link_close(&g.link[i], 0);
	relays_links_reset(&g.rs);
	tick_rearm();
}

void
netd_tcp_node(const struct nodes_entry *e)
{
	struct ip_port	ipp;
	int		r;

	if (!g.serving || e->ntcp == 0 || g.from_nodes >= NODES_RELAYS)
		return;
	if (e->has_v4)
		(void)ipp_set(&ipp, e->v4, 4, e->tcp_ports[0]);
	else if (e->has_v6)
		(void)ipp_set(&ipp, e->v6, 16, e->tcp_ports[0]);
	else
		return;
	if ((r = relays_add(&g.rs, e->pk, &ipp, RELAY_SRC_NODES)) >= 0) {
		g.from_nodes++;
		tick_rearm();
	}
}

void
netd_tcp_peer_want(const uint8_t dht_pk[PN_PK_LEN], int want)
{
	if (!g.serving)
		return;
	(void)relays_peer_want(&g.rs, dht_pk, want, mono_ms());
	tick_rearm();
}

void
netd_tcp_peer_relay(const uint8_t dht_pk[PN_PK_LEN],
    const struct packed_node *n)
{
	struct ip_port	ipp;
	uint8_t		fam;

	if (!g.serving || (n->family != PN_TCP4 && n->family != PN_TCP6))
		return;
	fam = n->family == PN_TCP4 ? 4 : 16;
	if (ipp_set(&ipp, n->ip, fam, n->port) == -1)
		return;
	ipp_normalize(&ipp);
	if (relays_peer_relay(&g.rs, dht_pk, n->pk, &ipp, mono_ms()) >= 0)
		tick_rearm();
}

int
netd_tcp_addr(const uint8_t dht_pk[PN_PK_LEN], struct ip_port *out)
{
	int	i;

	if (!g.serving || (i = relays_peer_find(&g.rs, dht_pk)) < 0 ||
	    !relays_peer_reachable(&g.rs, (unsigned)i))
		return 0;
	ipp_tcp(out, (unsigned)i);
	return 1;
}

int
netd_tcp_peer_online(const uint8_t dht_pk[PN_PK_LEN])
{
	int	i;

	return g.serving && (i = relays_peer_find(&g.rs, dht_pk)) >= 0 &&
	    relays_peer_online(&g.rs, (unsigned)i);
}

int
netd_tcp_onion_entry(struct ip_port *a, uint8_t pk[PN_PK_LEN])
{
	int	r;

	if (!g.serving || net_udp_up() ||
	    (r = relays_onion_entry(&g.rs, randombytes_random())) < 0)
		return 0;
	ipp_relay(a, (unsigned)r);
	memcpy(pk, g.rs.r[r].pk, PN_PK_LEN);
	return 1;
}

size_t
netd_tcp_up_nodes(struct packed_node *out, size_t max)
{
	return g.serving ? relays_up_nodes(&g.rs, out, max) : 0;
}

size_t
netd_tcp_relays(struct netd_tcp_relay_info *out, size_t max)
{
	const struct relay	*rl;
	char			 ip[IPP_STRLEN];
	size_t			 n = 0;
	unsigned		 i, p, c;

	for (i = 0; g.serving && i < RELAYS_MAX && n < max; i++) {
		rl = &g.rs.r[i];
		if (!rl->used)
			continue;
		memcpy(out[n].pk, rl->pk, PN_PK_LEN);
		if (g.link[i].name[0] != '\0')
			(void)snprintf(out[n].where, sizeof(out[n].where),
			    "%s:%u", g.link[i].name, rl->ipp.port);
		else
			(void)snprintf(out[n].where, sizeof(out[n].where),
			    "%s", ipp_fmt(&rl->ipp, ip));
		out[n].st = rl->st;
		out[n].src = rl->src;
		out[n].ipp = rl->ipp;
		out[n].peers_online = 0;
		for (p = 0; p < RELAY_PEERS_MAX; p++)
			for (c = 0; c < RELAY_PEER_LINKS; c++)
				if (g.rs.p[p].used &&
				    g.rs.p[p].c[c].relay == i &&
				    g.rs.p[p].c[c].st == RCONN_ONLINE &&
				    out[n].peers_online < 255)
					out[n].peers_online++;
		n++;
	}
	return n;
}

const struct relays_stats *
netd_tcp_stats(void)
{
	return &g.rs.stats;
}
