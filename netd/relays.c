/*
 * The relays and the peers reached through them (relays.h says what and
 * why).  Pure: no I/O, no clock, fixed memory.
 */
#include <string.h>

#include "netd/relays.h"

static const char *const st_names[RELAY_ST_COUNT] = {
	"idle", "connecting", "up", "waiting",
};

const char *
relays_st_name(unsigned st)
{
	return st < RELAY_ST_COUNT ? st_names[st] : "?";
}

void
relays_init(struct relays *rs, const struct relays_ops *ops, void *arg)
{
	unsigned	i, k;

	memset(rs, 0, sizeof(*rs));
	rs->ops = *ops;
	rs->arg = arg;
	for (i = 0; i < RELAY_PEERS_MAX; i++) {
		rs->p[i].oob_relay = RELAY_NONE;
		for (k = 0; k < RELAY_PEER_LINKS; k++)
			rs->p[i].c[k].relay = RELAY_NONE;
	}
}

int
relays_find(const struct relays *rs, const uint8_t pk[PN_PK_LEN])
{
	unsigned	i;

	for (i = 0; i < RELAYS_MAX; i++)
		if (rs->r[i].used && memcmp(rs->r[i].pk, pk, PN_PK_LEN) == 0)
			return (int)i;
	return -1;
}

/* 1 if some wanted peer has relay r tied. */
static int
relay_needed(const struct relays *rs, unsigned r)
{
	unsigned	i, k;

	for (i = 0; i < RELAY_PEERS_MAX; i++) {
		if (!rs->p[i].used || !rs->p[i].want)
			continue;
		for (k = 0; k < RELAY_PEER_LINKS; k++)
			if (rs->p[i].c[k].relay == r)
				return 1;
	}
	return 0;
}

/* Unties relay r from every peer. */
static void
untie_all(struct relays *rs, unsigned r)
{
	unsigned	i, k;

	for (i = 0; i < RELAY_PEERS_MAX; i++) {
		if (rs->p[i].oob_relay == r)
			rs->p[i].oob_relay = RELAY_NONE;
		for (k = 0; k < RELAY_PEER_LINKS; k++)
			if (rs->p[i].c[k].relay == r) {
				rs->p[i].c[k].relay = RELAY_NONE;
				rs->p[i].c[k].st = RCONN_NONE;
				rs->p[i].c[k].conn_id = 0;
			}
	}
}

static int
add(struct relays *rs, const uint8_t pk[PN_PK_LEN], const struct ip_port *ipp,
    unsigned src)
{
	struct relay	*r;
	int		 i, spare = -1;

	if ((i = relays_find(rs, pk)) >= 0) {
		r = &rs->r[i];
		r->src |= src;
		/* a link in use keeps the address it was opened to */
		if (r->st == RELAY_IDLE || r->st == RELAY_WAIT)
			r->ipp = *ipp;
		return i;
	}
	for (i = 0; i < RELAYS_MAX; i++) {
		if (!rs->r[i].used)
			break;
		/* the spare: a relay nobody needs, not configured, no link */
		if (spare < 0 && !(rs->r[i].src & RELAY_SRC_CONF) &&
		    (rs->r[i].st == RELAY_IDLE || rs->r[i].st == RELAY_WAIT) &&
		    !relay_needed(rs, (unsigned)i))
			spare = i;
	}
	if (i == RELAYS_MAX) {
		if (spare < 0)
			return -1;
		i = spare;
		untie_all(rs, (unsigned)i);
	}
	r = &rs->r[i];
	memset(r, 0, sizeof(*r));
	r->used = 1;
	r->src = (uint8_t)src;
	memcpy(r->pk, pk, PN_PK_LEN);
	r->ipp = *ipp;
	return i;
}

int
relays_add(struct relays *rs, const uint8_t pk[PN_PK_LEN],
    const struct ip_port *ipp, unsigned src)
{
	if (!ipp_isset(ipp) || ipp->port == 0 ||
	    (ipp->family != IPP_V4 && ipp->family != IPP_V6))
		return -1;
	return add(rs, pk, ipp, src);
}

int
relays_add_named(struct relays *rs, const uint8_t pk[PN_PK_LEN],
    uint16_t port, unsigned src)
{
	struct ip_port	ipp;

	if (port == 0)
		return -1;
	memset(&ipp, 0, sizeof(ipp));
	ipp.port = port;
	return add(rs, pk, &ipp, src);
}

static void
route(struct relays *rs, unsigned r, struct relay_peer *p,
    struct relay_conn *c)
{
	if (rs->ops.route(rs->arg, r, p->pk) == 0)
		c->st = RCONN_ASKED;
}

void
relays_links_reset(struct relays *rs)
{
	unsigned	i, k;

	for (i = 0; i < RELAYS_MAX; i++) {
		rs->r[i].st = RELAY_IDLE;
		rs->r[i].fails = 0;
	}
	for (i = 0; i < RELAY_PEERS_MAX; i++) {
		rs->p[i].oob_relay = RELAY_NONE;
		for (k = 0; k < RELAY_PEER_LINKS; k++) {
			rs->p[i].c[k].st = RCONN_NONE;
			rs->p[i].c[k].conn_id = 0;
		}
	}
}

void
relays_link_up(struct relays *rs, unsigned r, uint64_t now)
{
	unsigned	i, k;

	if (r >= RELAYS_MAX || !rs->r[r].used)
		return;
	rs->r[r].st = RELAY_UP;
	rs->r[r].fails = 0;
	rs->r[r].last_use = now;
	rs->stats.ups++;
	for (i = 0; i < RELAY_PEERS_MAX; i++) {
		if (!rs->p[i].used)
			continue;
		for (k = 0; k < RELAY_PEER_LINKS; k++)
			if (rs->p[i].c[k].relay == r &&
			    rs->p[i].c[k].st == RCONN_NONE)
				route(rs, r, &rs->p[i], &rs->p[i].c[k]);
	}
}

void
relays_link_down(struct relays *rs, unsigned r, uint64_t now)
{
	struct relay	*rl;
	uint64_t	 wait = RELAY_BACKOFF_MIN_MS;
	unsigned	 i, k;

	if (r >= RELAYS_MAX || !rs->r[r].used)
		return;
	rl = &rs->r[r];
	/* a link that was up starts the backoff again */
	if (rl->st == RELAY_UP)
		rl->fails = 0;
	for (i = 0; i < rl->fails && wait < RELAY_BACKOFF_MAX_MS; i++)
		wait *= 2;
	if (wait > RELAY_BACKOFF_MAX_MS)
		wait = RELAY_BACKOFF_MAX_MS;
	if (rl->fails < 255)
		rl->fails++;
	rl->st = RELAY_WAIT;
	rl->due = now + wait;
	rs->stats.downs++;
	/* the peers stay tied: routing is asked again when it comes back */
	for (i = 0; i < RELAY_PEERS_MAX; i++) {
		if (rs->p[i].oob_relay == r)
			rs->p[i].oob_relay = RELAY_NONE;
		for (k = 0; k < RELAY_PEER_LINKS; k++)
			if (rs->p[i].c[k].relay == r) {
				rs->p[i].c[k].st = RCONN_NONE;
				rs->p[i].c[k].conn_id = 0;
			}
	}
}

int
relays_peer_find(const struct relays *rs, const uint8_t pk[PN_PK_LEN])
{
	unsigned	i;

	for (i = 0; i < RELAY_PEERS_MAX; i++)
		if (rs->p[i].used && memcmp(rs->p[i].pk, pk, PN_PK_LEN) == 0)
			return (int)i;
	return -1;
}

/* A free peer slot, or the stalest stranger's; -1 if all are wanted. */
static int
peer_slot(struct relays *rs)
{
	unsigned	i;
	int		old = -1;

	for (i = 0; i < RELAY_PEERS_MAX; i++) {
		if (!rs->p[i].used)
			return (int)i;
		if (!rs->p[i].want && (old < 0 ||
		    rs->p[i].last_seen < rs->p[old].last_seen))
			old = (int)i;
	}
	if (old >= 0)
		rs->stats.evicted++;
	return old;
}

static int
peer_new(struct relays *rs, const uint8_t pk[PN_PK_LEN], int want,
    uint64_t now)
{
	struct relay_peer	*p;
	unsigned		 k;
	int			 i;

	if ((i = peer_slot(rs)) < 0)
		return -1;
	p = &rs->p[i];
	memset(p, 0, sizeof(*p));
	p->used = 1;
	p->want = (uint8_t)(want != 0);
	memcpy(p->pk, pk, PN_PK_LEN);
	p->oob_relay = RELAY_NONE;
	p->last_seen = now;
	for (k = 0; k < RELAY_PEER_LINKS; k++)
		p->c[k].relay = RELAY_NONE;
	return i;
}

int
relays_peer_want(struct relays *rs, const uint8_t pk[PN_PK_LEN], int want,
    uint64_t now)
{
	int	i = relays_peer_find(rs, pk);

	if (i < 0)
		return want ? peer_new(rs, pk, 1, now) : -1;
	rs->p[i].want = (uint8_t)(want != 0);
	rs->p[i].last_seen = now;
	return i;
}

static unsigned
peer_tied(const struct relay_peer *p)
{
	unsigned	k, n = 0;

	for (k = 0; k < RELAY_PEER_LINKS; k++)
		if (p->c[k].relay != RELAY_NONE)
			n++;
	return n;
}

static struct relay_conn *
conn_on(struct relay_peer *p, unsigned r)
{
	unsigned	k;

	for (k = 0; k < RELAY_PEER_LINKS; k++)
		if (p->c[k].relay == r)
			return &p->c[k];
	return NULL;
}

/* Ties relay r to peer p if not yet and there is room. */
static struct relay_conn *
tie(struct relays *rs, struct relay_peer *p, unsigned r)
{
	struct relay_conn	*c;
	unsigned		 k;

	if ((c = conn_on(p, r)) != NULL)
		return c;
	for (k = 0; k < RELAY_PEER_LINKS; k++)
		if (p->c[k].relay == RELAY_NONE)
			break;
	if (k == RELAY_PEER_LINKS)
		return NULL;
	c = &p->c[k];
	c->relay = (uint8_t)r;
	c->st = RCONN_NONE;
	c->conn_id = 0;
	if (rs->r[r].st == RELAY_UP)
		route(rs, r, p, c);
	return c;
}

int
relays_peer_relay(struct relays *rs, const uint8_t pk[PN_PK_LEN],
    const uint8_t relay_pk[PN_PK_LEN], const struct ip_port *ipp,
    uint64_t now)
{
	struct relay_peer	*p;
	int			 i, r;

	if ((i = relays_peer_find(rs, pk)) < 0 || !rs->p[i].want)
		return -1;
	p = &rs->p[i];
	if ((r = relays_find(rs, relay_pk)) >= 0 &&
	    conn_on(p, (unsigned)r) != NULL)
		return r;
	/* c-toxcore: a relay not yet linked only while the peer has few */
	if (peer_tied(p) >= RELAY_PEER_WANT &&
	    (r < 0 || rs->r[r].st != RELAY_UP))
		return -1;
	if ((r = relays_add(rs, relay_pk, ipp, RELAY_SRC_PEER)) < 0)
		return -1;
	(void)now;
	return tie(rs, p, (unsigned)r) != NULL ? r : -1;
}

void
relays_routed(struct relays *rs, unsigned r, const uint8_t pk[PN_PK_LEN],
    uint8_t conn_id)
{
	struct relay_conn	*c;
	int			 i;

	if (r >= RELAYS_MAX || (i = relays_peer_find(rs, pk)) < 0 ||
	    (c = conn_on(&rs->p[i], r)) == NULL)
		return;
	if (conn_id < 16) {
		/* refused: the relay is full; asked again at the next up */
		c->st = RCONN_NONE;
		c->conn_id = 0;
		return;
	}
	c->st = RCONN_REGISTERED;
	c->conn_id = conn_id;
}

static struct relay_conn *
conn_by_id(struct relays *rs, unsigned r, uint8_t conn_id, int *peer)
{
	unsigned	i, k;

	for (i = 0; i < RELAY_PEERS_MAX; i++) {
		if (!rs->p[i].used)
			continue;
		for (k = 0; k < RELAY_PEER_LINKS; k++)
			if (rs->p[i].c[k].relay == r &&
			    rs->p[i].c[k].st >= RCONN_REGISTERED &&
			    rs->p[i].c[k].conn_id == conn_id) {
				*peer = (int)i;
				return &rs->p[i].c[k];
			}
	}
	return NULL;
}

void
relays_conn_status(struct relays *rs, unsigned r, uint8_t conn_id,
    int online)
{
	struct relay_conn	*c;
	int			 i;

	if (r >= RELAYS_MAX || (c = conn_by_id(rs, r, conn_id, &i)) == NULL)
		return;
	c->st = online ? RCONN_ONLINE : RCONN_REGISTERED;
}

int
relays_data_in(struct relays *rs, unsigned r, uint8_t conn_id, uint64_t now)
{
	struct relay_conn	*c;
	int			 i;

	if (r >= RELAYS_MAX ||
	    (c = conn_by_id(rs, r, conn_id, &i)) == NULL ||
	    c->st != RCONN_ONLINE)
		return -1;
	rs->p[i].last_seen = now;
	rs->r[r].last_use = now;
	rs->stats.data_in++;
	return i;
}

int
relays_oob_in(struct relays *rs, unsigned r, const uint8_t pk[PN_PK_LEN],
    uint64_t now)
{
	int	i;

	if (r >= RELAYS_MAX || !rs->r[r].used || rs->r[r].st != RELAY_UP)
		return -1;
	if ((i = relays_peer_find(rs, pk)) < 0) {
		if ((i = peer_new(rs, pk, 0, now)) < 0)
			return -1;
		rs->stats.strangers++;
	}
	rs->p[i].oob_relay = (uint8_t)r;
	rs->p[i].last_seen = now;
	rs->r[r].last_use = now;
	if (rs->p[i].want)
		(void)tie(rs, &rs->p[i], r);
	rs->stats.oob_in++;
	return i;
}

int
relays_send(struct relays *rs, unsigned i, const uint8_t *pkt, size_t len,
    uint64_t now)
{
	struct relay_peer	*p;
	struct relay_conn	*c;
	unsigned		 k;
	int			 sent = 0;

	if (i >= RELAY_PEERS_MAX || !rs->p[i].used)
		return -1;
	p = &rs->p[i];
	for (k = 0; k < RELAY_PEER_LINKS; k++) {
		c = &p->c[k];
		if (c->relay != RELAY_NONE && c->st == RCONN_ONLINE &&
		    rs->ops.data(rs->arg, c->relay, c->conn_id, pkt,
		    len) == 0) {
			rs->r[c->relay].last_use = now;
			rs->stats.data_out++;
			return 0;
		}
	}
	for (k = 0; k < RELAY_PEER_LINKS; k++) {
		c = &p->c[k];
		if (c->relay != RELAY_NONE && c->st == RCONN_REGISTERED &&
		    rs->ops.oob(rs->arg, c->relay, p->pk, pkt, len) == 0) {
			rs->r[c->relay].last_use = now;
			rs->stats.oob_out++;
			sent = 1;
		}
	}
	if (!sent && p->oob_relay != RELAY_NONE &&
	    rs->r[p->oob_relay].st == RELAY_UP &&
	    rs->ops.oob(rs->arg, p->oob_relay, p->pk, pkt, len) == 0) {
		rs->stats.oob_out++;
		sent = 1;
	}
	if (!sent)
		rs->stats.unsent++;
	return sent ? 0 : -1;
}

int
relays_peer_online(const struct relays *rs, unsigned i)
{
	unsigned	k;

	if (i >= RELAY_PEERS_MAX || !rs->p[i].used)
		return 0;
	for (k = 0; k < RELAY_PEER_LINKS; k++)
		if (rs->p[i].c[k].relay != RELAY_NONE &&
		    rs->p[i].c[k].st == RCONN_ONLINE)
			return 1;
	return 0;
}

int
relays_peer_reachable(const struct relays *rs, unsigned i)
{
	unsigned	k;

	if (i >= RELAY_PEERS_MAX || !rs->p[i].used)
		return 0;
	for (k = 0; k < RELAY_PEER_LINKS; k++)
		if (rs->p[i].c[k].relay != RELAY_NONE &&
		    rs->p[i].c[k].st >= RCONN_REGISTERED)
			return 1;
	return rs->p[i].oob_relay != RELAY_NONE &&
	    rs->r[rs->p[i].oob_relay].st == RELAY_UP;
}

const uint8_t *
relays_peer_pk(const struct relays *rs, unsigned i)
{
	return i < RELAY_PEERS_MAX && rs->p[i].used ? rs->p[i].pk : NULL;
}

unsigned
relays_count(const struct relays *rs, unsigned st)
{
	unsigned	i, n = 0;

	for (i = 0; i < RELAYS_MAX; i++)
		if (rs->r[i].used && rs->r[i].st == st)
			n++;
	return n;
}

static void
open_link(struct relays *rs, unsigned r, uint64_t now)
{
	rs->r[r].st = RELAY_CONNECTING;
	rs->r[r].last_use = now;
	rs->stats.opens++;
	rs->ops.open(rs->arg, r);
}

/* 1 if relay r may be opened now. */
static int
ready(const struct relay *rl, uint64_t now)
{
	return rl->used && (rl->st == RELAY_IDLE ||
	    (rl->st == RELAY_WAIT && now >= rl->due));
}

uint64_t
relays_tick(struct relays *rs, uint64_t now)
{
	static const uint8_t	 order[] = { RELAY_SRC_CONF, RELAY_SRC_NODES,
	    RELAY_SRC_PEER };
	struct relay		*rl;
	uint64_t		 next = 0;
	unsigned		 i, k, ours;

	/* the links wanted peers need */
	for (i = 0; i < RELAYS_MAX; i++)
		if (ready(&rs->r[i], now) && relay_needed(rs, i))
			open_link(rs, i, now);
	/* ours: RELAYS_OURS links, configured relays first */
	ours = relays_count(rs, RELAY_UP) + relays_count(rs, RELAY_CONNECTING);
	for (k = 0; k < sizeof(order) && ours < RELAYS_OURS; k++)
		for (i = 0; i < RELAYS_MAX && ours < RELAYS_OURS; i++)
			if ((rs->r[i].src & order[k]) &&
			    ready(&rs->r[i], now)) {
				open_link(rs, i, now);
				ours++;
			}
	/* links beyond ours that nobody used for a while */
	for (i = 0; i < RELAYS_MAX; i++) {
		rl = &rs->r[i];
		if (!rl->used)
			continue;
		if (rl->st == RELAY_UP && ours > RELAYS_OURS &&
		    !(rl->src & RELAY_SRC_CONF) && !relay_needed(rs, i) &&
		    now >= rl->last_use + RELAY_IDLE_MS) {
			rs->ops.close(rs->arg, i);
			rl->st = RELAY_IDLE;
			untie_all(rs, i);
			ours--;
			continue;
		}
		if (rl->st == RELAY_WAIT && (next == 0 || rl->due < next))
			next = rl->due;
		if (rl->st == RELAY_UP && ours > RELAYS_OURS &&
		    !(rl->src & RELAY_SRC_CONF) &&
		    (next == 0 || rl->last_use + RELAY_IDLE_MS < next))
			next = rl->last_use + RELAY_IDLE_MS;
	}
	return next;
}

size_t
relays_up_nodes(const struct relays *rs, struct packed_node *out, size_t max)
{
	unsigned	i;
	size_t		n = 0;

	for (i = 0; i < RELAYS_MAX && n < max; i++) {
		if (!rs->r[i].used || rs->r[i].st != RELAY_UP)
			continue;
		if (ipp_to_node(&rs->r[i].ipp, rs->r[i].pk, &out[n]) != 0)
			continue;
		out[n].family = out[n].family == PN_UDP4 ? PN_TCP4 : PN_TCP6;
		n++;
	}
	return n;
}

int
relays_onion_entry(const struct relays *rs, uint32_t rnd)
{
	unsigned	i, n = relays_count(rs, RELAY_UP), pick;

	if (n == 0)
		return -1;
	pick = rnd % n;
	for (i = 0; i < RELAYS_MAX; i++)
		if (rs->r[i].used && rs->r[i].st == RELAY_UP && pick-- == 0)
			return (int)i;
	return -1;
}
