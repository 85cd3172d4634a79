/* The TCP relay server engine: see tcp_server.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "netd/tcp_server.h"

static void	end(struct tcp_server *, unsigned, int);

int
tcps_init(struct tcp_server *s, struct dht_keys *keys, unsigned max,
    const struct tcps_cb *cb, void *arg)
{
	memset(s, 0, sizeof(*s));
	if (max == 0 || max > 65535 ||
	    (s->c = calloc(max, sizeof(*s->c))) == NULL)
		return -1;
	s->keys = keys;
	s->cb = *cb;
	s->arg = arg;
	s->max = max;
	return 0;
}

void
tcps_free(struct tcp_server *s)
{
	unsigned	i;

	for (i = 0; s->c != NULL && i < s->max; i++)
		sodium_memzero(&s->c[i].s, sizeof(s->c[i].s));
	free(s->c);
	s->c = NULL;
}

unsigned
tcps_count(const struct tcp_server *s, unsigned st)
{
	unsigned	i, n = 0;

	for (i = 0; i < s->max; i++)
		if (s->c[i].st == st)
			n++;
	return n;
}

/* --- the out-queue --- */

static size_t
room(const struct tcps_client *c)
{
	return TCPS_OUTQ - c->out_off - c->out_len;
}

/* Raw bytes (the handshake answer). */
static int
queue_raw(struct tcp_server *s, unsigned i, const uint8_t *p, size_t n)
{
	struct tcps_client	*c = &s->c[i];

	if (room(c) < n)
		return -1;
	memcpy(c->out + c->out_off + c->out_len, p, n);
	c->out_len += n;
	if (s->cb.out != NULL)
		s->cb.out(s->arg, i);
	return 0;
}

/*
 * A packet sealed as one frame.  control: may use the reserve, and a
 * client that cannot take it is ended (it has not read for too long).
 * Returns 0, or -1 (dropped; or the client ended, if control).
 */
static int
queue_pkt(struct tcp_server *s, unsigned i, const struct tcpw_pkt *pkt,
    int control)
{
	struct tcps_client	*c = &s->c[i];
	uint8_t			 plain[TCPW_PLAIN_MAX];
	size_t			 have;
	int			 n, f;

	if (c->st != TCPS_CONFIRMED && c->st != TCPS_UNCONFIRMED)
		return -1;
	if ((n = tcpw_pkt_pack(pkt, plain, sizeof(plain))) < 0)
		return -1;
	/* compact: what is written is gone */
	if (c->out_off > 0 && room(c) < (size_t)n + 18 + TCPS_RESERVE) {
		memmove(c->out, c->out + c->out_off, c->out_len);
		c->out_off = 0;
	}
	have = room(c);
	if (have < (size_t)n + 18 ||
	    (!control && have < (size_t)n + 18 + TCPS_RESERVE)) {
		s->st.dropped++;
		if (control) {
			s->st.stalled++;
			end(s, i, 1);
		}
		return -1;
	}
	f = tcpw_frame_seal(&c->s, plain, (size_t)n,
	    c->out + c->out_off + c->out_len, have);
	sodium_memzero(plain, (size_t)n);
	if (f < 0)
		return -1;
	c->out_len += (size_t)f;
	if (s->cb.out != NULL)
		s->cb.out(s->arg, i);
	return 0;
}

size_t
tcps_out(const struct tcp_server *s, unsigned i, const uint8_t **p)
{
	if (i >= s->max || s->c[i].st == TCPS_FREE) {
		*p = NULL;
		return 0;
	}
	*p = s->c[i].out + s->c[i].out_off;
	return s->c[i].out_len;
}

void
tcps_out_done(struct tcp_server *s, unsigned i, size_t n)
{
	struct tcps_client	*c;

	if (i >= s->max)
		return;
	c = &s->c[i];
	if (n > c->out_len)
		n = c->out_len;
	c->out_off += n;
	c->out_len -= n;
	if (c->out_len == 0)
		c->out_off = 0;
}

/* --- clients --- */

int
tcps_accept(struct tcp_server *s, uint64_t now)
{
	struct tcps_client	*c;
	uint32_t		 gen;
	unsigned		 i;
	int			 free_i = -1, old = -1;

	for (i = 0; i < s->max; i++) {
		if (s->c[i].st == TCPS_FREE) {
			free_i = (int)i;
			break;
		}
		if (s->c[i].st != TCPS_CONFIRMED && (old < 0 ||
		    s->c[i].since < s->c[old].since))
			old = (int)i;
	}
	if (free_i < 0) {
		if (old < 0) {
			s->st.refused++;
			return -1;
		}
		/* a flood of half-open connections evicts its own kind */
		s->st.evicted++;
		end(s, (unsigned)old, 1);
		free_i = old;
	}
	c = &s->c[free_i];
	i = (unsigned)free_i;
	gen = c->gen;
	memset(c, 0, sizeof(*c));
	c->gen = gen + 1;
	c->st = TCPS_HANDSHAKE;
	c->since = now;
	tcpw_rx_init(&c->rx);
	s->st.accepted++;
	return (int)i;
}

/* The confirmed client with key pk, other than except; -1 if none. */
static int
by_pk(const struct tcp_server *s, const uint8_t pk[TCPW_PK_LEN],
    unsigned except)
{
	unsigned	i;

	for (i = 0; i < s->max; i++)
		if (i != except && s->c[i].st == TCPS_CONFIRMED &&
		    memcmp(s->c[i].pk, pk, TCPW_PK_LEN) == 0)
			return (int)i;
	return -1;
}

/* Tells the other end of client i's slot k that i is gone from it. */
static void
unlink_slot(struct tcp_server *s, unsigned i, unsigned k)
{
	struct tcps_slot	*sl = &s->c[i].slot[k];
	struct tcps_slot	*os;
	struct tcpw_pkt		 pkt;
	unsigned		 o;

	if (sl->st != 2)
		return;
	o = sl->other;
	sl->st = 1;
	if (o >= s->max || s->c[o].st != TCPS_CONFIRMED)
		return;
	os = &s->c[o].slot[sl->other_id - TCPW_FIRST_CONN];
	if (os->st != 2 || os->other != i)
		return;
	os->st = 1;
	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = TCPW_DISCONNECTED;
	pkt.conn_id = sl->other_id;
	(void)queue_pkt(s, o, &pkt, 1);
}

/* Ends client i; why != 0: the engine's doing, the glue is told. */
static void
end(struct tcp_server *s, unsigned i, int tell)
{
	struct tcps_client	*c = &s->c[i];
	unsigned		 k;

	if (c->st == TCPS_FREE)
		return;
	for (k = 0; k < TCPS_SLOTS; k++)
		unlink_slot(s, i, k);
	c->st = TCPS_FREE;
	sodium_memzero(&c->s, sizeof(c->s));
	c->out_len = c->out_off = 0;
	if (tell && s->cb.closed != NULL)
		s->cb.closed(s->arg, i);
}

void
tcps_close(struct tcp_server *s, unsigned i)
{
	if (i < s->max)
		end(s, i, 0);
}

/* --- what a client says --- */

static void
route(struct tcp_server *s, unsigned i, const uint8_t pk[TCPW_PK_LEN])
{
	struct tcps_client	*c = &s->c[i];
	struct tcps_slot	*os;
	struct tcpw_pkt		 pkt;
	unsigned		 k, free_k = TCPS_SLOTS, ok;
	int			 o;

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = TCPW_ROUTE_RESP;
	memcpy(pkt.pk, pk, TCPW_PK_LEN);
	for (k = 0; k < TCPS_SLOTS; k++) {
		if (c->slot[k].st != 0 &&
		    memcmp(c->slot[k].pk, pk, TCPW_PK_LEN) == 0)
			break;
		if (c->slot[k].st == 0 && free_k == TCPS_SLOTS)
			free_k = k;
	}
	/* our own key, or no room: refused (id 0), as c-toxcore */
	if (k == TCPS_SLOTS && (free_k == TCPS_SLOTS ||
	    memcmp(pk, c->pk, TCPW_PK_LEN) == 0)) {
		pkt.conn_id = 0;
		(void)queue_pkt(s, i, &pkt, 1);
		return;
	}
	if (k == TCPS_SLOTS) {
		k = free_k;
		c->slot[k].st = 1;
		memcpy(c->slot[k].pk, pk, TCPW_PK_LEN);
		s->st.routed++;
	}
	pkt.conn_id = (uint8_t)(k + TCPW_FIRST_CONN);
	if (queue_pkt(s, i, &pkt, 1) == -1 || c->slot[k].st == 2)
		return;
	/* the other end asked for us too: both online */
	if ((o = by_pk(s, pk, i)) < 0)
		return;
	for (ok = 0; ok < TCPS_SLOTS; ok++)
		if (s->c[o].slot[ok].st == 1 && memcmp(s->c[o].slot[ok].pk,
		    c->pk, TCPW_PK_LEN) == 0)
			break;
	if (ok == TCPS_SLOTS)
		return;
	os = &s->c[o].slot[ok];
	c->slot[k].st = 2;
	c->slot[k].other = (uint16_t)o;
	c->slot[k].other_id = (uint8_t)(ok + TCPW_FIRST_CONN);
	os->st = 2;
	os->other = (uint16_t)i;
	os->other_id = (uint8_t)(k + TCPW_FIRST_CONN);
	s->st.linked++;
	pkt.kind = TCPW_CONNECTED;
	pkt.conn_id = (uint8_t)(k + TCPW_FIRST_CONN);
	if (queue_pkt(s, i, &pkt, 1) == -1)
		return;
	pkt.conn_id = (uint8_t)(ok + TCPW_FIRST_CONN);
	(void)queue_pkt(s, (unsigned)o, &pkt, 1);
}

static void
disconnect(struct tcp_server *s, unsigned i, uint8_t id)
{
	struct tcps_slot	*sl;

	if (id < TCPW_FIRST_CONN)
		return;
	sl = &s->c[i].slot[id - TCPW_FIRST_CONN];
	if (sl->st == 0)
		return;
	unlink_slot(s, i, id - TCPW_FIRST_CONN);
	memset(sl, 0, sizeof(*sl));
}

static void
data(struct tcp_server *s, unsigned i, uint8_t id, const uint8_t *p,
    size_t n)
{
	struct tcps_slot	*sl = &s->c[i].slot[id - TCPW_FIRST_CONN];
	struct tcpw_pkt		 pkt;

	if (sl->st != 2) {
		s->st.dropped++;
		return;
	}
	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = TCPW_DATA;
	pkt.conn_id = sl->other_id;
	pkt.data = p;
	pkt.len = n;
	if (queue_pkt(s, sl->other, &pkt, 0) == 0)
		s->st.data++;
}

static void
oob(struct tcp_server *s, unsigned i, const uint8_t dest[TCPW_PK_LEN],
    const uint8_t *p, size_t n)
{
	struct tcpw_pkt	pkt;
	int		o;

	if ((o = by_pk(s, dest, i)) < 0) {
		s->st.dropped++;
		return;
	}
	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = TCPW_OOB_RECV;
	memcpy(pkt.pk, s->c[i].pk, TCPW_PK_LEN);
	pkt.data = p;
	pkt.len = n;
	if (queue_pkt(s, (unsigned)o, &pkt, 0) == 0)
		s->st.oob++;
}

/* One packet from a client; -1 if it ended the client. */
static int
packet(struct tcp_server *s, unsigned i, const uint8_t *p, size_t n,
    uint64_t now)
{
	struct tcps_client	*c = &s->c[i];
	struct tcpw_pkt		 pkt, out;
	int			 old;

	if (tcpw_parse_from_client(p, n, &pkt) == -1) {
		s->st.bad_packet++;
		end(s, i, 1);
		return -1;
	}
	if (c->st == TCPS_UNCONFIRMED) {
		/* a key connected again replaces its old connection */
		if ((old = by_pk(s, c->pk, i)) >= 0) {
			s->st.replaced++;
			end(s, (unsigned)old, 1);
		}
		c->st = TCPS_CONFIRMED;
		c->ping_at = now + TCPS_PING_MS;
		s->st.confirmed++;
	}
	switch (pkt.kind) {
	case TCPW_ROUTE_REQ:
		route(s, i, pkt.pk);
		break;
	case TCPW_CONNECTED:
	case TCPW_FORWARD_REQ:
		break;		/* c-toxcore accepts and ignores them */
	case TCPW_DISCONNECTED:
		disconnect(s, i, pkt.conn_id);
		break;
	case TCPW_PING:
		memset(&out, 0, sizeof(out));
		out.kind = TCPW_PONG;
		memcpy(out.ping_id, pkt.ping_id, sizeof(out.ping_id));
		(void)queue_pkt(s, i, &out, 1);
		break;
	case TCPW_PONG:
		/* id 0 answers nothing we send: c-toxcore drops the client */
		if (sodium_is_zero(pkt.ping_id, sizeof(pkt.ping_id))) {
			s->st.bad_packet++;
			end(s, i, 1);
			return -1;
		}
		if (c->pong_due != 0 && memcmp(pkt.ping_id, c->ping_id,
		    sizeof(c->ping_id)) == 0)
			c->pong_due = 0;
		break;
	case TCPW_OOB_SEND:
		oob(s, i, pkt.pk, pkt.data, pkt.len);
		break;
	case TCPW_ONION_REQ:
		s->st.onion++;
		if (s->cb.onion != NULL)
			s->cb.onion(s->arg, i, pkt.data, pkt.len);
		break;
	case TCPW_DATA:
		data(s, i, pkt.conn_id, pkt.data, pkt.len);
		break;
	default:
		break;
	}
	return c->st == TCPS_FREE ? -1 : 0;
}

int
tcps_input(struct tcp_server *s, unsigned i, const uint8_t *p, size_t n,
    uint64_t now)
{
	struct tcps_client	*c;
	uint8_t			 ans[TCPW_HS_ANSWER_LEN];
	size_t			 take, plen;
	uint32_t		 gen;
	int			 r;

	if (i >= s->max || (c = &s->c[i])->st == TCPS_FREE)
		return -1;
	gen = c->gen;
	if (c->st == TCPS_HANDSHAKE) {
		take = TCPW_HS_REQ_LEN - c->req_have;
		if (take > n)
			take = n;
		memcpy(c->req + c->req_have, p, take);
		c->req_have += take;
		p += take;
		n -= take;
		if (c->req_have < TCPW_HS_REQ_LEN)
			return 0;
		if (tcpw_server_accept(s->keys, c->req, sizeof(c->req),
		    c->pk, ans, &c->s) == -1) {
			s->st.bad_hs++;
			end(s, i, 1);
			return -1;
		}
		c->st = TCPS_UNCONFIRMED;
		(void)queue_raw(s, i, ans, sizeof(ans));
	}
	while (n > 0) {
		r = tcpw_rx_next(&c->rx, &c->s, &p, &n, s->plain, &plen);
		if (r == 0)
			break;
		if (r == -1) {
			s->st.bad_frame++;
			end(s, i, 1);
			return -1;
		}
		if (packet(s, i, s->plain, plen, now) == -1)
			return -1;
		/* the slot may have gone and come back as another client */
		if (c->st == TCPS_FREE || c->gen != gen)
			return -1;
	}
	return 0;
}

uint64_t
tcps_tick(struct tcp_server *s, uint64_t now)
{
	struct tcps_client	*c;
	struct tcpw_pkt		 pkt;
	uint64_t		 next = TCPS_NEVER, due;
	unsigned		 i;

	for (i = 0; i < s->max; i++) {
		c = &s->c[i];
		if (c->st == TCPS_FREE)
			continue;
		if (c->st != TCPS_CONFIRMED) {
			due = c->since + TCPS_HS_TIMEOUT_MS;
			if (now >= due) {
				s->st.timeouts++;
				end(s, i, 1);
				continue;
			}
		} else if (c->pong_due != 0) {
			due = c->pong_due;
			if (now >= due) {
				s->st.timeouts++;
				end(s, i, 1);
				continue;
			}
		} else if (now >= c->ping_at) {
			memset(&pkt, 0, sizeof(pkt));
			pkt.kind = TCPW_PING;
			do
				randombytes_buf(c->ping_id,
				    sizeof(c->ping_id));
			while (sodium_is_zero(c->ping_id, sizeof(c->ping_id)));
			memcpy(pkt.ping_id, c->ping_id, sizeof(pkt.ping_id));
			if (queue_pkt(s, i, &pkt, 1) == -1)
				continue;
			c->ping_at = now + TCPS_PING_MS;
			c->pong_due = now + TCPS_PONG_TIMEOUT_MS;
			due = c->pong_due;
		} else
			due = c->ping_at;
		if (due < next)
			next = due;
	}
	return next;
}

int
tcps_onion_resp(struct tcp_server *s, unsigned i, const uint8_t *p, size_t n)
{
	struct tcpw_pkt	pkt;

	if (i >= s->max || s->c[i].st != TCPS_CONFIRMED)
		return -1;
	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = TCPW_ONION_RESP;
	pkt.data = p;
	pkt.len = n;
	return queue_pkt(s, i, &pkt, 0);
}
