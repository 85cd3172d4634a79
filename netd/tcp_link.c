/* A client link to a TCP relay: see tcp_link.h. */
#include <string.h>

#include <sodium.h>

#include "netd/tcp_link.h"

static void	down(struct tcp_link *, enum tcpl_down);

int
tcp_link_start(struct tcp_link *l, struct dht_keys *keys,
    const uint8_t relay_pk[TCPW_PK_LEN], const struct tcpl_cbs *cb,
    void *arg, uint64_t now_ms)
{
	memset(l, 0, sizeof(*l));
	l->keys = keys;
	if (cb != NULL)
		l->cb = *cb;
	l->arg = arg;
	memcpy(l->relay_pk, relay_pk, TCPW_PK_LEN);
	tcpw_rx_init(&l->rx);
	if (tcpw_client_hello(keys, relay_pk, &l->hs, l->out) == -1) {
		l->state = TCPL_DOWN;
		l->why = TCPL_DOWN_HS_BAD;
		return -1;
	}
	l->out_len = TCPW_HS_REQ_LEN;
	l->state = TCPL_HANDSHAKE;
	l->hs_deadline = now_ms + TCPL_HS_TIMEOUT_MS;
	return 0;
}

void
tcp_link_wipe(struct tcp_link *l)
{
	sodium_memzero(&l->hs, sizeof(l->hs));
	sodium_memzero(&l->s, sizeof(l->s));
	sodium_memzero(l->plain, sizeof(l->plain));
	sodium_memzero(&l->rx, sizeof(l->rx));
}

/* Final: secrets gone, queue dropped, the state callback once. */
static void
down(struct tcp_link *l, enum tcpl_down why)
{
	if (l->state == TCPL_DOWN)
		return;
	l->state = TCPL_DOWN;
	l->why = why;
	l->out_off = l->out_len = 0;
	memset(l->conns, 0, sizeof(l->conns));
	/* Not the plain text: a callback may still be reading it. */
	sodium_memzero(&l->hs, sizeof(l->hs));
	sodium_memzero(&l->s, sizeof(l->s));
	if (l->cb.state != NULL)
		l->cb.state(l->arg, 0, why);
}

void
tcp_link_close(struct tcp_link *l, enum tcpl_down why)
{
	down(l, why == TCPL_DOWN_NONE ? TCPL_DOWN_CLOSED : why);
}

enum tcpl_state
tcp_link_state(const struct tcp_link *l)
{
	return l->state;
}

enum tcpl_down
tcp_link_why(const struct tcp_link *l)
{
	return l->why;
}

const struct tcpl_stats *
tcp_link_stats(const struct tcp_link *l)
{
	return &l->st;
}

size_t
tcp_link_out(const struct tcp_link *l, const uint8_t **p)
{
	*p = l->out + l->out_off;
	return l->out_len;
}

void
tcp_link_out_done(struct tcp_link *l, size_t n)
{
	if (n > l->out_len)
		n = l->out_len;
	l->out_off += n;
	l->out_len -= n;
	if (l->out_len == 0)
		l->out_off = 0;
}

/*
 * Packs p, seals it as the next frame at the queue's end.  Ordinary
 * sends leave TCPL_RESERVE bytes free; control frames may use them.
 */
static int
enqueue(struct tcp_link *l, const struct tcpw_pkt *p, int control)
{
	uint8_t	plain[TCPW_PLAIN_MAX];
	size_t	limit = control ? TCPL_OUTQ : TCPL_OUTQ - TCPL_RESERVE;
	int	plen, n;

	if (l->state != TCPL_UP)
		return -1;
	if ((plen = tcpw_pkt_pack(p, plain, sizeof(plain))) < 0)
		return -1;
	if (l->out_len + 2 + TCPW_MAC_LEN + (size_t)plen > limit) {
		l->st.full++;
		return TCPL_FULL;
	}
	if (l->out_off + l->out_len + 2 + TCPW_MAC_LEN + (size_t)plen >
	    TCPL_OUTQ) {
		memmove(l->out, l->out + l->out_off, l->out_len);
		l->out_off = 0;
	}
	n = tcpw_frame_seal(&l->s, plain, (size_t)plen,
	    l->out + l->out_off + l->out_len,
	    TCPL_OUTQ - l->out_off - l->out_len);
	sodium_memzero(plain, (size_t)plen);
	if (n < 0)
		return -1;
	l->out_len += (size_t)n;
	l->st.frames_out++;
	return 0;
}

/* A control frame that must go: if it cannot, the relay is not reading. */
static int
enqueue_control(struct tcp_link *l, const struct tcpw_pkt *p)
{
	int	rv;

	if ((rv = enqueue(l, p, 1)) == TCPL_FULL)
		down(l, TCPL_DOWN_STALLED);
	return rv;
}

static void
send_ping(struct tcp_link *l, uint64_t now_ms)
{
	static const uint8_t	zero[TCPW_PING_ID_LEN];
	struct tcpw_pkt		p;

	do
		randombytes_buf(l->ping_id, sizeof(l->ping_id));
	while (memcmp(l->ping_id, zero, sizeof(zero)) == 0);
	memset(&p, 0, sizeof(p));
	p.kind = TCPW_PING;
	memcpy(p.ping_id, l->ping_id, TCPW_PING_ID_LEN);
	if (enqueue_control(l, &p) != 0)
		return;
	l->st.pings_sent++;
	l->pong_due = now_ms + TCPL_PONG_TIMEOUT_MS;
	l->ping_at = now_ms + TCPL_PING_INTERVAL_MS;
}

uint64_t
tcp_link_next_ms(const struct tcp_link *l)
{
	switch (l->state) {
	case TCPL_HANDSHAKE:
		return l->hs_deadline;
	case TCPL_UP:
		if (l->pong_due != 0 && l->pong_due < l->ping_at)
			return l->pong_due;
		return l->ping_at;
	default:
		return TCPL_NEVER;
	}
}

void
tcp_link_tick(struct tcp_link *l, uint64_t now_ms)
{
	if (l->state == TCPL_HANDSHAKE && now_ms >= l->hs_deadline) {
		down(l, TCPL_DOWN_HS_TIMEOUT);
		return;
	}
	if (l->state != TCPL_UP)
		return;
	if (l->pong_due != 0 && now_ms >= l->pong_due) {
		down(l, TCPL_DOWN_PING_TIMEOUT);
		return;
	}
	if (now_ms >= l->ping_at)
		send_ping(l, now_ms);
}

static struct tcpl_conn *
conn_of(struct tcp_link *l, uint8_t conn_id)
{
	if (conn_id < TCPW_FIRST_CONN)
		return NULL;
	return &l->conns[conn_id - TCPW_FIRST_CONN];
}

int
tcp_link_conn(const struct tcp_link *l, uint8_t conn_id,
    uint8_t pk[TCPW_PK_LEN])
{
	const struct tcpl_conn	*c;

	if (conn_id < TCPW_FIRST_CONN)
		return 0;
	c = &l->conns[conn_id - TCPW_FIRST_CONN];
	if (pk != NULL)
		memcpy(pk, c->pk, TCPW_PK_LEN);
	return c->status;
}

static void
on_route(struct tcp_link *l, const struct tcpw_pkt *p)
{
	struct tcpl_conn	*c;

	if ((c = conn_of(l, p->conn_id)) == NULL) {
		l->st.refused++;
		if (l->cb.routed != NULL)
			l->cb.routed(l->arg, p->pk, 0);
		return;
	}
	if (c->status == 0) {
		c->status = 1;
		memcpy(c->pk, p->pk, TCPW_PK_LEN);
	} else if (memcmp(c->pk, p->pk, TCPW_PK_LEN) != 0)
		return;		/* the slot is taken: c-toxcore ignores it too */
	if (l->cb.routed != NULL)
		l->cb.routed(l->arg, c->pk, p->conn_id);
}

static void
on_notify(struct tcp_link *l, const struct tcpw_pkt *p)
{
	struct tcpl_conn	*c = conn_of(l, p->conn_id);
	int			 online = p->kind == TCPW_CONNECTED;

	/* Only routed -> online and back; anything else is stale. */
	if (c == NULL || c->status != (online ? 1 : 2))
		return;
	c->status = online ? 2 : 1;
	if (l->cb.conn != NULL)
		l->cb.conn(l->arg, p->conn_id, c->pk, online);
}

static void
on_pong(struct tcp_link *l, const struct tcpw_pkt *p)
{
	static const uint8_t	zero[TCPW_PING_ID_LEN];

	if (memcmp(p->ping_id, zero, sizeof(zero)) == 0 || l->pong_due == 0 ||
	    sodium_memcmp(p->ping_id, l->ping_id, TCPW_PING_ID_LEN) != 0) {
		down(l, TCPL_DOWN_PONG);
		return;
	}
	l->pong_due = 0;
	l->st.pongs_ok++;
}

static void
handle(struct tcp_link *l, const uint8_t *pkt, size_t len)
{
	struct tcpw_pkt		 p;
	struct tcpl_conn	*c;

	if (tcpw_parse_from_server(pkt, len, &p) == -1) {
		down(l, TCPL_DOWN_PACKET);
		return;
	}
	switch (p.kind) {
	case TCPW_ROUTE_RESP:
		on_route(l, &p);
		break;
	case TCPW_CONNECTED:
	case TCPW_DISCONNECTED:
		on_notify(l, &p);
		break;
	case TCPW_PING:
		p.kind = TCPW_PONG;
		if (enqueue_control(l, &p) == 0)
			l->st.pings_answered++;
		break;
	case TCPW_PONG:
		on_pong(l, &p);
		break;
	case TCPW_OOB_RECV:
		if (l->cb.oob != NULL)
			l->cb.oob(l->arg, p.pk, p.data, p.len);
		break;
	case TCPW_ONION_RESP:
		if (l->cb.onion != NULL)
			l->cb.onion(l->arg, p.data, p.len);
		break;
	case TCPW_DATA:
		/* Data in flight when we freed the id, or a relay's slip. */
		c = conn_of(l, p.conn_id);
		if (c->status != 2) {
			l->st.dropped++;
			break;
		}
		if (l->cb.data != NULL)
			l->cb.data(l->arg, p.conn_id, c->pk, p.data, p.len);
		break;
	default:			/* forwardings: NGC, not ours */
		l->st.dropped++;
		break;
	}
}

/* The relay's answer is complete: the session, the first ping, up. */
static void
finish_handshake(struct tcp_link *l, uint64_t now_ms)
{
	if (tcpw_client_finish(l->keys, &l->hs, l->ans, sizeof(l->ans),
	    &l->s) == -1) {
		down(l, TCPL_DOWN_HS_BAD);
		return;
	}
	l->state = TCPL_UP;
	send_ping(l, now_ms);
	if (l->state == TCPL_UP && l->cb.state != NULL)
		l->cb.state(l->arg, 1, TCPL_DOWN_NONE);
}

int
tcp_link_input(struct tcp_link *l, const uint8_t *in, size_t n,
    uint64_t now_ms)
{
	size_t	take, plen;
	int	rv;

	tcp_link_tick(l, now_ms);
	if (l->state == TCPL_HANDSHAKE && n > 0) {
		take = sizeof(l->ans) - l->ans_have;
		if (take > n)
			take = n;
		memcpy(l->ans + l->ans_have, in, take);
		l->ans_have += take;
		in += take;
		n -= take;
		if (l->ans_have == sizeof(l->ans))
			finish_handshake(l, now_ms);
	}
	while (l->state == TCPL_UP && n > 0) {
		rv = tcpw_rx_next(&l->rx, &l->s, &in, &n, l->plain, &plen);
		if (rv == 0)
			break;
		if (rv == -1) {
			down(l, TCPL_DOWN_FRAME);
			break;
		}
		l->st.frames_in++;
		handle(l, l->plain, plen);
	}
	return l->state == TCPL_DOWN ? -1 : 0;
}

int
tcp_link_route(struct tcp_link *l, const uint8_t pk[TCPW_PK_LEN])
{
	struct tcpw_pkt	p;

	memset(&p, 0, sizeof(p));
	p.kind = TCPW_ROUTE_REQ;
	memcpy(p.pk, pk, TCPW_PK_LEN);
	return enqueue(l, &p, 0);
}

int
tcp_link_disconnect(struct tcp_link *l, uint8_t conn_id)
{
	struct tcpl_conn	*c;
	struct tcpw_pkt		 p;

	if (l->state != TCPL_UP || (c = conn_of(l, conn_id)) == NULL ||
	    c->status == 0)
		return -1;
	memset(c, 0, sizeof(*c));
	memset(&p, 0, sizeof(p));
	p.kind = TCPW_DISCONNECTED;
	p.conn_id = conn_id;
	return enqueue_control(l, &p);
}

int
tcp_link_send(struct tcp_link *l, uint8_t conn_id, const uint8_t *data,
    size_t len)
{
	struct tcpl_conn	*c;
	struct tcpw_pkt		 p;

	if ((c = conn_of(l, conn_id)) == NULL || c->status != 2)
		return -1;
	memset(&p, 0, sizeof(p));
	p.kind = TCPW_DATA;
	p.conn_id = conn_id;
	p.data = data;
	p.len = len;
	return enqueue(l, &p, 0);
}

int
tcp_link_oob(struct tcp_link *l, const uint8_t pk[TCPW_PK_LEN],
    const uint8_t *data, size_t len)
{
	struct tcpw_pkt	p;

	memset(&p, 0, sizeof(p));
	p.kind = TCPW_OOB_SEND;
	memcpy(p.pk, pk, TCPW_PK_LEN);
	p.data = data;
	p.len = len;
	return enqueue(l, &p, 0);
}

int
tcp_link_onion(struct tcp_link *l, const uint8_t *data, size_t len)
{
	struct tcpw_pkt	p;

	memset(&p, 0, sizeof(p));
	p.kind = TCPW_ONION_REQ;
	p.data = data;
	p.len = len;
	return enqueue(l, &p, 0);
}
