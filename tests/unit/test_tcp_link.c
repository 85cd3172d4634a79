/*
 * The TCP client link against a relay made of tcp_wire's server half,
 * in memory, with fake time: handshake and its timeout, the first ping,
 * ping/pong and every pong that kills, routing, notifications, data, OOB
 * and onion both ways, the out-queue's limits and its reserve.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/tcp_link.h"

#define T0	1000000ULL

/* What the callbacks saw. */
struct seen {
	int		ups, downs;
	enum tcpl_down	why;
	int		routed;
	uint8_t		routed_id, routed_pk[32];
	int		conn_events, online;
	uint8_t		conn_id;
	int		data;
	uint8_t		data_id, buf[TCPW_PLAIN_MAX];
	size_t		len;
	int		oob;
	uint8_t		oob_pk[32];
	int		onion;
	int		close_in_cb;
};

struct fx {
	struct dht_keys		client, relay;
	struct tcpw_session	rs;		/* the relay's */
	struct tcpw_rx		rrx;
	struct tcp_link		l;
	struct seen		seen;
	struct tcpw_pkt		got[64];	/* what the relay read */
	uint8_t			gotbuf[64][TCPW_PLAIN_MAX];
	int			ngot;
};

static void
cb_state(void *arg, int up, enum tcpl_down why)
{
	struct seen	*s = arg;

	if (up)
		s->ups++;
	else {
		s->downs++;
		s->why = why;
	}
}

static void
cb_routed(void *arg, const uint8_t pk[32], uint8_t conn_id)
{
	struct seen	*s = arg;

	s->routed++;
	s->routed_id = conn_id;
	memcpy(s->routed_pk, pk, 32);
}

static void
cb_conn(void *arg, uint8_t conn_id, const uint8_t pk[32], int online)
{
	struct seen	*s = arg;

	(void)pk;
	s->conn_events++;
	s->conn_id = conn_id;
	s->online = online;
}

/* Fills the link's caller data; closes the link when asked to. */
static struct tcp_link	*cur_link;

static void
cb_data(void *arg, uint8_t conn_id, const uint8_t pk[32], const uint8_t *p,
    size_t len)
{
	struct seen	*s = arg;

	(void)pk;
	s->data++;
	s->data_id = conn_id;
	memcpy(s->buf, p, len);
	s->len = len;
	if (s->close_in_cb)
		tcp_link_close(cur_link, TCPL_DOWN_CLOSED);
}

static void
cb_oob(void *arg, const uint8_t pk[32], const uint8_t *p, size_t len)
{
	struct seen	*s = arg;

	s->oob++;
	memcpy(s->oob_pk, pk, 32);
	memcpy(s->buf, p, len);
	s->len = len;
}

static void
cb_onion(void *arg, const uint8_t *p, size_t len)
{
	struct seen	*s = arg;

	s->onion++;
	memcpy(s->buf, p, len);
	s->len = len;
}

static const struct tcpl_cbs	cbs = {
	cb_state, cb_routed, cb_conn, cb_data, cb_oob, cb_onion
};

static int
setup(void **state)
{
	struct fx	*f;

	if (sodium_init() < 0 || (f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	dht_keys_init(&f->client);
	dht_keys_init(&f->relay);
	cur_link = &f->l;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

/* The relay reads every byte the link queued, frame by frame. */
static void
relay_read(struct fx *f)
{
	const uint8_t	*p;
	uint8_t		 plain[TCPW_PLAIN_MAX];
	size_t		 n, plen;
	int		 rv;

	n = tcp_link_out(&f->l, &p);
	while ((rv = tcpw_rx_next(&f->rrx, &f->rs, &p, &n, plain,
	    &plen)) == 1) {
		assert_true(f->ngot < 64);
		memcpy(f->gotbuf[f->ngot], plain, plen);
		assert_int_equal(tcpw_parse_from_client(f->gotbuf[f->ngot],
		    plen, &f->got[f->ngot]), 0);
		f->ngot++;
	}
	assert_int_equal(rv, 0);
	tcp_link_out_done(&f->l, tcp_link_out(&f->l, &p));
}

/* The relay sends p to the link at now. */
static int
relay_send(struct fx *f, const struct tcpw_pkt *p, uint64_t now)
{
	uint8_t	plain[TCPW_PLAIN_MAX], frame[TCPW_FRAME_MAX];
	int	n;

	n = tcpw_pkt_pack(p, plain, sizeof(plain));
	assert_true(n > 0);
	n = tcpw_frame_seal(&f->rs, plain, (size_t)n, frame, sizeof(frame));
	assert_true(n > 0);
	return tcp_link_input(&f->l, frame, (size_t)n, now);
}

/* Start, relay accepts, link up at T0; the relay has read the first ping. */
static void
up(struct fx *f)
{
	const uint8_t	*p;
	uint8_t		 ans[TCPW_HS_ANSWER_LEN], pk[32];

	assert_int_equal(tcp_link_start(&f->l, &f->client, f->relay.pk, &cbs,
	    &f->seen, T0), 0);
	assert_int_equal(tcp_link_state(&f->l), TCPL_HANDSHAKE);
	assert_int_equal(tcp_link_out(&f->l, &p), TCPW_HS_REQ_LEN);
	assert_int_equal(tcpw_server_accept(&f->relay, p, TCPW_HS_REQ_LEN, pk,
	    ans, &f->rs), 0);
	tcp_link_out_done(&f->l, TCPW_HS_REQ_LEN);
	tcpw_rx_init(&f->rrx);
	assert_int_equal(tcp_link_input(&f->l, ans, sizeof(ans), T0), 0);
	assert_int_equal(tcp_link_state(&f->l), TCPL_UP);
	assert_int_equal(f->seen.ups, 1);
	relay_read(f);
	assert_int_equal(f->ngot, 1);
	assert_int_equal(f->got[0].kind, TCPW_PING);
}

static void
tcpl_handshake_then_first_frame_is_ping(void **state)
{
	struct fx	*f = *state;
	uint8_t		 zero[8] = { 0 };

	up(f);
	assert_memory_not_equal(f->got[0].ping_id, zero, 8);
	/* Pong due in 10 s, before the next ping at 30 s. */
	assert_int_equal(tcp_link_next_ms(&f->l), T0 + TCPL_PONG_TIMEOUT_MS);
	assert_int_equal(tcp_link_stats(&f->l)->pings_sent, 1);
}

static void
tcpl_handshake_answer_in_pieces_with_a_frame_behind(void **state)
{
	struct fx	*f = *state;
	const uint8_t	*p;
	uint8_t		 buf[TCPW_HS_ANSWER_LEN + 64], pk[32], plain[40];
	size_t		 len, i;
	int		 n;

	assert_int_equal(tcp_link_start(&f->l, &f->client, f->relay.pk, &cbs,
	    &f->seen, T0), 0);
	(void)tcp_link_out(&f->l, &p);
	assert_int_equal(tcpw_server_accept(&f->relay, p, TCPW_HS_REQ_LEN, pk,
	    buf, &f->rs), 0);
	tcp_link_out_done(&f->l, TCPW_HS_REQ_LEN);
	/* A ping from the relay right behind the answer, one byte a call. */
	plain[0] = TCPW_PING;
	memset(plain + 1, 0x42, 8);
	n = tcpw_frame_seal(&f->rs, plain, 9, buf + TCPW_HS_ANSWER_LEN, 64);
	len = TCPW_HS_ANSWER_LEN + (size_t)n;
	for (i = 0; i < len; i++)
		assert_int_equal(tcp_link_input(&f->l, buf + i, 1, T0 + i), 0);
	assert_int_equal(tcp_link_state(&f->l), TCPL_UP);
	tcpw_rx_init(&f->rrx);
	relay_read(f);
	/* Our ping first, then the pong with the relay's id. */
	assert_int_equal(f->ngot, 2);
	assert_int_equal(f->got[0].kind, TCPW_PING);
	assert_int_equal(f->got[1].kind, TCPW_PONG);
	assert_memory_equal(f->got[1].ping_id, plain + 1, 8);
	assert_int_equal(tcp_link_stats(&f->l)->pings_answered, 1);
}

static void
tcpl_handshake_timeout(void **state)
{
	struct fx	*f = *state;

	assert_int_equal(tcp_link_start(&f->l, &f->client, f->relay.pk, &cbs,
	    &f->seen, T0), 0);
	assert_int_equal(tcp_link_next_ms(&f->l), T0 + TCPL_HS_TIMEOUT_MS);
	tcp_link_tick(&f->l, T0 + TCPL_HS_TIMEOUT_MS - 1);
	assert_int_equal(tcp_link_state(&f->l), TCPL_HANDSHAKE);
	tcp_link_tick(&f->l, T0 + TCPL_HS_TIMEOUT_MS);
	assert_int_equal(tcp_link_state(&f->l), TCPL_DOWN);
	assert_int_equal(f->seen.downs, 1);
	assert_int_equal(f->seen.why, TCPL_DOWN_HS_TIMEOUT);
	assert_int_equal(tcp_link_next_ms(&f->l), TCPL_NEVER);
	/* Down is final and reported once. */
	tcp_link_tick(&f->l, T0 + 2 * TCPL_HS_TIMEOUT_MS);
	assert_int_equal(tcp_link_input(&f->l, (const uint8_t *)"x", 1,
	    T0 + 2 * TCPL_HS_TIMEOUT_MS), -1);
	assert_int_equal(f->seen.downs, 1);
}

static void
tcpl_handshake_late_answer_is_refused(void **state)
{
	struct fx	*f = *state;
	uint8_t		 ans[TCPW_HS_ANSWER_LEN];

	assert_int_equal(tcp_link_start(&f->l, &f->client, f->relay.pk, &cbs,
	    &f->seen, T0), 0);
	memset(ans, 0, sizeof(ans));
	assert_int_equal(tcp_link_input(&f->l, ans, 10,
	    T0 + TCPL_HS_TIMEOUT_MS), -1);
	assert_int_equal(f->seen.why, TCPL_DOWN_HS_TIMEOUT);
}

static void
tcpl_handshake_garbage_answer(void **state)
{
	struct fx	*f = *state;
	uint8_t		 ans[TCPW_HS_ANSWER_LEN];

	assert_int_equal(tcp_link_start(&f->l, &f->client, f->relay.pk, &cbs,
	    &f->seen, T0), 0);
	randombytes_buf(ans, sizeof(ans));
	assert_int_equal(tcp_link_input(&f->l, ans, 95, T0), 0);
	assert_int_equal(tcp_link_input(&f->l, ans + 95, 1, T0), -1);
	assert_int_equal(f->seen.why, TCPL_DOWN_HS_BAD);
	assert_int_equal(f->seen.ups, 0);
	/* Nothing left to send, nothing more to do. */
	assert_int_equal(tcp_link_out(&f->l, &(const uint8_t *){ NULL }), 0);
}

static void
tcpl_ping_pong_cycle(void **state)
{
	struct fx	*f = *state;
	struct tcpw_pkt	 pong;
	uint8_t		 first[8];

	up(f);
	memcpy(first, f->got[0].ping_id, 8);
	memset(&pong, 0, sizeof(pong));
	pong.kind = TCPW_PONG;
	memcpy(pong.ping_id, first, 8);
	assert_int_equal(relay_send(f, &pong, T0 + 9999), 0);
	assert_int_equal(tcp_link_stats(&f->l)->pongs_ok, 1);
	/* Nothing due but the next ping. */
	assert_int_equal(tcp_link_next_ms(&f->l), T0 + TCPL_PING_INTERVAL_MS);
	tcp_link_tick(&f->l, T0 + 20000);	/* past the old pong deadline */
	assert_int_equal(tcp_link_state(&f->l), TCPL_UP);
	f->ngot = 0;
	relay_read(f);
	assert_int_equal(f->ngot, 0);
	tcp_link_tick(&f->l, T0 + TCPL_PING_INTERVAL_MS);
	relay_read(f);
	assert_int_equal(f->ngot, 1);
	assert_int_equal(f->got[0].kind, TCPW_PING);
	assert_memory_not_equal(f->got[0].ping_id, first, 8);
	assert_int_equal(tcp_link_next_ms(&f->l),
	    T0 + TCPL_PING_INTERVAL_MS + TCPL_PONG_TIMEOUT_MS);
	/* This one goes unanswered. */
	tcp_link_tick(&f->l, T0 + TCPL_PING_INTERVAL_MS +
	    TCPL_PONG_TIMEOUT_MS - 1);
	assert_int_equal(tcp_link_state(&f->l), TCPL_UP);
	tcp_link_tick(&f->l, T0 + TCPL_PING_INTERVAL_MS +
	    TCPL_PONG_TIMEOUT_MS);
	assert_int_equal(tcp_link_state(&f->l), TCPL_DOWN);
	assert_int_equal(f->seen.why, TCPL_DOWN_PING_TIMEOUT);
}

static void
tcpl_pong_zero_kills(void **state)
{
	struct fx	*f = *state;
	struct tcpw_pkt	 pong;

	up(f);
	memset(&pong, 0, sizeof(pong));
	pong.kind = TCPW_PONG;
	assert_int_equal(relay_send(f, &pong, T0 + 1), -1);
	assert_int_equal(f->seen.why, TCPL_DOWN_PONG);
}

static void
tcpl_pong_wrong_id_kills(void **state)
{
	struct fx	*f = *state;
	struct tcpw_pkt	 pong;

	up(f);
	memset(&pong, 0, sizeof(pong));
	pong.kind = TCPW_PONG;
	memcpy(pong.ping_id, f->got[0].ping_id, 8);
	pong.ping_id[7] ^= 1;
	assert_int_equal(relay_send(f, &pong, T0 + 1), -1);
	assert_int_equal(f->seen.why, TCPL_DOWN_PONG);
}

static void
tcpl_pong_twice_kills(void **state)
{
	struct fx	*f = *state;
	struct tcpw_pkt	 pong;

	up(f);
	memset(&pong, 0, sizeof(pong));
	pong.kind = TCPW_PONG;
	memcpy(pong.ping_id, f->got[0].ping_id, 8);
	assert_int_equal(relay_send(f, &pong, T0 + 1), 0);
	/* No ping is outstanding now: an echo answers nothing. */
	assert_int_equal(relay_send(f, &pong, T0 + 2), -1);
	assert_int_equal(f->seen.why, TCPL_DOWN_PONG);
}

static void
tcpl_bad_frame_and_bad_packet_kill(void **state)
{
	struct fx	*f = *state;
	uint8_t		 frame[2 + 17];
	struct tcpw_pkt	 p;

	up(f);
	memset(frame, 0, sizeof(frame));
	frame[1] = 17;
	assert_int_equal(tcp_link_input(&f->l, frame, sizeof(frame), T0), -1);
	assert_int_equal(f->seen.why, TCPL_DOWN_FRAME);

	memset(f, 0, sizeof(*f));
	dht_keys_init(&f->client);
	dht_keys_init(&f->relay);
	up(f);
	/* Kind 0 (a routing request) never comes from a relay. */
	memset(&p, 0, sizeof(p));
	p.kind = TCPW_ROUTE_REQ;
	assert_int_equal(relay_send(f, &p, T0), -1);
	assert_int_equal(f->seen.why, TCPL_DOWN_PACKET);
}

static void
tcpl_routing_and_data(void **state)
{
	struct fx	*f = *state;
	struct tcpw_pkt	 p;
	uint8_t		 peer[32], pk[32], onion[200];

	up(f);
	memset(peer, 0x77, sizeof(peer));
	/* Nothing may be sent on an id that is not online. */
	assert_int_equal(tcp_link_send(&f->l, 20, (const uint8_t *)"x", 1), -1);
	assert_int_equal(tcp_link_route(&f->l, peer), 0);
	relay_read(f);
	assert_int_equal(f->got[1].kind, TCPW_ROUTE_REQ);
	assert_memory_equal(f->got[1].pk, peer, 32);

	memset(&p, 0, sizeof(p));
	p.kind = TCPW_ROUTE_RESP;
	p.conn_id = 20;
	memcpy(p.pk, peer, 32);
	assert_int_equal(relay_send(f, &p, T0), 0);
	assert_int_equal(f->seen.routed, 1);
	assert_int_equal(f->seen.routed_id, 20);
	assert_int_equal(tcp_link_conn(&f->l, 20, pk), 1);
	assert_memory_equal(pk, peer, 32);
	/* Routed, not online: still no sending, and data is dropped. */
	assert_int_equal(tcp_link_send(&f->l, 20, (const uint8_t *)"x", 1), -1);
	p.kind = TCPW_DATA;
	p.data = (const uint8_t *)"early";
	p.len = 5;
	assert_int_equal(relay_send(f, &p, T0), 0);
	assert_int_equal(f->seen.data, 0);
	assert_int_equal(tcp_link_stats(&f->l)->dropped, 1);

	p.kind = TCPW_CONNECTED;
	assert_int_equal(relay_send(f, &p, T0), 0);
	assert_int_equal(f->seen.conn_events, 1);
	assert_int_equal(f->seen.online, 1);
	assert_int_equal(tcp_link_conn(&f->l, 20, NULL), 2);

	p.kind = TCPW_DATA;
	p.data = (const uint8_t *)"hello";
	assert_int_equal(relay_send(f, &p, T0), 0);
	assert_int_equal(f->seen.data, 1);
	assert_int_equal(f->seen.data_id, 20);
	assert_memory_equal(f->seen.buf, "hello", 5);

	assert_int_equal(tcp_link_send(&f->l, 20, (const uint8_t *)"back", 4),
	    0);
	assert_int_equal(tcp_link_send(&f->l, 20, (const uint8_t *)"", 0), -1);
	assert_int_equal(tcp_link_oob(&f->l, peer, (const uint8_t *)"oob", 3),
	    0);
	memset(onion, 0x33, sizeof(onion));
	assert_int_equal(tcp_link_onion(&f->l, onion, sizeof(onion)), 0);
	assert_int_equal(tcp_link_onion(&f->l, onion, TCPW_ONION_REQ_MIN - 1),
	    -1);
	f->ngot = 0;
	relay_read(f);
	assert_int_equal(f->ngot, 3);
	assert_int_equal(f->got[0].kind, TCPW_DATA);
	assert_int_equal(f->got[0].conn_id, 20);
	assert_memory_equal(f->got[0].data, "back", 4);
	assert_int_equal(f->got[1].kind, TCPW_OOB_SEND);
	assert_memory_equal(f->got[1].pk, peer, 32);
	assert_int_equal(f->got[2].kind, TCPW_ONION_REQ);
	assert_int_equal(f->got[2].len, sizeof(onion));

	/* The peer went away: back to routed; then we free the id. */
	p.kind = TCPW_DISCONNECTED;
	assert_int_equal(relay_send(f, &p, T0), 0);
	assert_int_equal(f->seen.conn_events, 2);
	assert_int_equal(f->seen.online, 0);
	assert_int_equal(tcp_link_conn(&f->l, 20, NULL), 1);
	assert_int_equal(tcp_link_disconnect(&f->l, 20), 0);
	assert_int_equal(tcp_link_conn(&f->l, 20, NULL), 0);
	assert_int_equal(tcp_link_disconnect(&f->l, 20), -1);
	f->ngot = 0;
	relay_read(f);
	assert_int_equal(f->got[0].kind, TCPW_DISCONNECTED);
	assert_int_equal(f->got[0].conn_id, 20);

	/* A refusal names the key; an OOB and an onion response arrive. */
	p.kind = TCPW_ROUTE_RESP;
	p.conn_id = 0;
	assert_int_equal(relay_send(f, &p, T0), 0);
	assert_int_equal(f->seen.routed, 2);
	assert_int_equal(f->seen.routed_id, 0);
	assert_memory_equal(f->seen.routed_pk, peer, 32);
	p.kind = TCPW_OOB_RECV;
	p.data = (const uint8_t *)"psst";
	p.len = 4;
	assert_int_equal(relay_send(f, &p, T0), 0);
	assert_int_equal(f->seen.oob, 1);
	assert_memory_equal(f->seen.oob_pk, peer, 32);
	assert_memory_equal(f->seen.buf, "psst", 4);
	p.kind = TCPW_ONION_RESP;
	p.data = onion;
	p.len = 100;
	assert_int_equal(relay_send(f, &p, T0), 0);
	assert_int_equal(f->seen.onion, 1);
	assert_int_equal(f->seen.len, 100);

	/* A taken slot is not given to another key. */
	p.kind = TCPW_ROUTE_RESP;
	p.conn_id = 30;
	assert_int_equal(relay_send(f, &p, T0), 0);
	p.pk[0] ^= 1;
	assert_int_equal(relay_send(f, &p, T0), 0);
	assert_int_equal(tcp_link_conn(&f->l, 30, pk), 1);
	assert_memory_equal(pk, peer, 32);
	assert_int_equal(tcp_link_state(&f->l), TCPL_UP);
}

static void
tcpl_close_inside_callback(void **state)
{
	struct fx	*f = *state;
	struct tcpw_pkt	 p;
	uint8_t		 plain[64], stream[200];
	size_t		 len = 0;
	int		 n;

	up(f);
	memset(&p, 0, sizeof(p));
	p.kind = TCPW_ROUTE_RESP;
	p.conn_id = 16;
	assert_int_equal(relay_send(f, &p, T0), 0);
	p.kind = TCPW_CONNECTED;
	assert_int_equal(relay_send(f, &p, T0), 0);
	/* Two data frames in one read; the first callback closes. */
	f->seen.close_in_cb = 1;
	plain[0] = 16;
	plain[1] = 'a';
	for (n = 0; n < 2; n++)
		len += (size_t)tcpw_frame_seal(&f->rs, plain, 2, stream + len,
		    sizeof(stream) - len);
	assert_int_equal(tcp_link_input(&f->l, stream, len, T0), -1);
	assert_int_equal(f->seen.data, 1);
	assert_int_equal(f->seen.downs, 1);
	assert_int_equal(f->seen.why, TCPL_DOWN_CLOSED);
}

static void
tcpl_queue_limits_and_reserve(void **state)
{
	struct fx		*f = *state;
	struct tcpw_pkt		 p;
	static uint8_t		 big[TCPW_OOB_MAX];
	const uint8_t		*out;
	uint8_t			 peer[32];
	int			 n, rv;

	up(f);
	memset(peer, 1, sizeof(peer));
	/* Fill with OOB until refused; nothing beyond the soft limit. */
	for (n = 0; (rv = tcp_link_oob(&f->l, peer, big, sizeof(big))) == 0;
	    n++)
		assert_true(tcp_link_out(&f->l, &out) <=
		    TCPL_OUTQ - TCPL_RESERVE);
	assert_int_equal(rv, TCPL_FULL);
	assert_true(n > 5);
	assert_int_equal(tcp_link_stats(&f->l)->full, 1);
	/* Small ones still fit until the soft limit, then refused too. */
	while ((rv = tcp_link_route(&f->l, peer)) == 0)
		;
	assert_int_equal(rv, TCPL_FULL);
	assert_true(tcp_link_out(&f->l, &out) <= TCPL_OUTQ - TCPL_RESERVE);
	assert_int_equal(tcp_link_state(&f->l), TCPL_UP);
	/* A relay ping is still answered from the reserve. */
	memset(&p, 0, sizeof(p));
	p.kind = TCPW_PING;
	memset(p.ping_id, 9, 8);
	assert_int_equal(relay_send(f, &p, T0), 0);
	assert_int_equal(tcp_link_stats(&f->l)->pings_answered, 1);
	assert_true(tcp_link_out(&f->l, &out) > TCPL_OUTQ - TCPL_RESERVE);
	/* The relay keeps pinging and never reads: stalled, down. */
	while ((rv = relay_send(f, &p, T0)) == 0)
		assert_true(tcp_link_out(&f->l, &out) <= TCPL_OUTQ);
	assert_int_equal(f->seen.why, TCPL_DOWN_STALLED);
	assert_int_equal(tcp_link_out(&f->l, &out), 0);
}

static void
tcpl_queue_drains_and_refills(void **state)
{
	struct fx	*f = *state;
	static uint8_t	 big[TCPW_OOB_MAX];
	const uint8_t	*out;
	uint8_t		 peer[32], plain[TCPW_PLAIN_MAX];
	size_t		 len, m, plen;
	int		 i, n = 0;

	up(f);
	f->ngot = 0;
	memset(peer, 2, sizeof(peer));
	while (tcp_link_oob(&f->l, peer, big, sizeof(big)) == 0)
		n++;
	/* The socket takes 1100 bytes: one frame and a piece of the next. */
	len = tcp_link_out(&f->l, &out);
	m = 1100;
	assert_int_equal(tcpw_rx_next(&f->rrx, &f->rs, &out, &m, plain, &plen),
	    1);
	assert_int_equal(plen, 33 + sizeof(big));
	assert_int_equal(tcpw_rx_next(&f->rrx, &f->rs, &out, &m, plain, &plen),
	    0);
	tcp_link_out_done(&f->l, 1100);
	assert_int_equal(tcp_link_out(&f->l, &out), len - 1100);
	/* That made room for one more, behind the rest. */
	assert_int_equal(tcp_link_oob(&f->l, peer, big, sizeof(big)), 0);
	assert_int_equal(tcp_link_oob(&f->l, peer, big, sizeof(big)),
	    TCPL_FULL);
	relay_read(f);
	assert_int_equal(f->ngot, n);
	for (i = 0; i < f->ngot; i++) {
		assert_int_equal(f->got[i].kind, TCPW_OOB_SEND);
		assert_int_equal(f->got[i].len, sizeof(big));
	}
	assert_int_equal(tcp_link_out(&f->l, &out), 0);
	/* Many small sends, read now and then: every one arrives whole. */
	for (i = 0; i < 10 * n; i++) {
		assert_int_equal(tcp_link_oob(&f->l, peer, big, 10 + i % 50),
		    0);
		if (i % 7 == 6) {
			f->ngot = 0;
			relay_read(f);
			assert_int_equal(f->ngot, 7);
			assert_int_equal(f->got[6].len, 10 + i % 50);
		}
	}
	assert_int_equal(tcp_link_state(&f->l), TCPL_UP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    tcpl_handshake_then_first_frame_is_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    tcpl_handshake_answer_in_pieces_with_a_frame_behind, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(tcpl_handshake_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    tcpl_handshake_late_answer_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(tcpl_handshake_garbage_answer,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(tcpl_ping_pong_cycle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(tcpl_pong_zero_kills, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(tcpl_pong_wrong_id_kills, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(tcpl_pong_twice_kills, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    tcpl_bad_frame_and_bad_packet_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(tcpl_routing_and_data, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(tcpl_close_inside_callback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(tcpl_queue_limits_and_reserve,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(tcpl_queue_drains_and_refills,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
