/*
 * netd/tcp_server.c against our client engine (tcp_link) in memory, and
 * against raw bytes: handshakes, routing both ways and the connect
 * notifications, data and OOB, disconnects and a client gone, a key
 * connected twice, onion requests and answers, the limits (clients,
 * half-open eviction, a queue that is not read), timeouts, and garbage.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/tcp_link.h"
#include "netd/tcp_server.h"

#define MAXC	4

struct cl {
	struct dht_keys	k;
	struct tcp_link	l;
	int		idx;		/* at the server; -1: none */
	int		up, down;
	int		routed_id, conn_id, online;
	size_t		ndata, noob, nonion;
	uint8_t		last[2048];
	size_t		last_len;
	uint8_t		oob_from[32];
	int		no_read;	/* the test stops reading for it */
};

static struct dht_keys		relay_keys;
static struct tcp_server	srv;
static struct cl		ca, cb_, cc;
static unsigned			closed_n, onion_n;
static int			closed_last = -1, onion_from = -1;
static uint64_t			now;

static void
s_out(void *arg, unsigned i)
{
	(void)arg;
	(void)i;
}

static void
s_closed(void *arg, unsigned i)
{
	(void)arg;
	closed_n++;
	closed_last = (int)i;
}

static void
s_onion(void *arg, unsigned i, const uint8_t *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
	onion_n++;
	onion_from = (int)i;
}

static const struct tcps_cb	scb = { s_out, s_closed, s_onion };

static void
l_state(void *arg, int up, enum tcpl_down why)
{
	struct cl	*c = arg;

	(void)why;
	if (up)
		c->up = 1;
	else
		c->down = 1;
}

static void
l_routed(void *arg, const uint8_t pk[32], uint8_t id)
{
	struct cl	*c = arg;

	(void)pk;
	c->routed_id = id;
}

static void
l_conn(void *arg, uint8_t id, const uint8_t pk[32], int online)
{
	struct cl	*c = arg;

	(void)pk;
	c->conn_id = id;
	c->online = online;
}

static void
l_data(void *arg, uint8_t id, const uint8_t pk[32], const uint8_t *p,
    size_t n)
{
	struct cl	*c = arg;

	(void)id;
	(void)pk;
	c->ndata++;
	memcpy(c->last, p, n);
	c->last_len = n;
}

static void
l_oob(void *arg, const uint8_t pk[32], const uint8_t *p, size_t n)
{
	struct cl	*c = arg;

	c->noob++;
	memcpy(c->oob_from, pk, 32);
	memcpy(c->last, p, n);
	c->last_len = n;
}

static void
l_onion(void *arg, const uint8_t *p, size_t n)
{
	struct cl	*c = arg;

	c->nonion++;
	memcpy(c->last, p, n);
	c->last_len = n;
}

static const struct tcpl_cbs	lcb = {
	l_state, l_routed, l_conn, l_data, l_oob, l_onion,
};

/* Moves bytes both ways until nothing moves. */
static void
pump(void)
{
	struct cl	*all[] = { &ca, &cb_, &cc };
	const uint8_t	*p;
	size_t		 n, i;
	int		 moved;

	do {
		moved = 0;
		for (i = 0; i < 3; i++) {
			struct cl *c = all[i];

			if (c->idx < 0)
				continue;
			if ((n = tcp_link_out(&c->l, &p)) > 0) {
				if (tcps_input(&srv, (unsigned)c->idx, p, n,
				    now) == -1)
					c->idx = -1;
				tcp_link_out_done(&c->l, n);
				moved = 1;
			}
			if (c->idx >= 0 && !c->no_read &&
			    (n = tcps_out(&srv, (unsigned)c->idx, &p)) > 0) {
				(void)tcp_link_input(&c->l, p, n, now);
				tcps_out_done(&srv, (unsigned)c->idx, n);
				moved = 1;
			}
		}
	} while (moved);
}

static void
client_up(struct cl *c)
{
	memset(c, 0, sizeof(*c));
	dht_keys_init(&c->k);
	c->idx = tcps_accept(&srv, now);
	assert_true(c->idx >= 0);
	assert_int_equal(tcp_link_start(&c->l, &c->k, relay_keys.pk, &lcb, c,
	    now), 0);
	pump();
	assert_true(c->up);
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	dht_keys_init(&relay_keys);
	now = 1000000;
	/* none of the three is connected until client_up */
	ca.idx = cb_.idx = cc.idx = -1;
	closed_n = onion_n = 0;
	closed_last = onion_from = -1;
	return tcps_init(&srv, &relay_keys, MAXC, &scb, NULL);
}

static int
teardown(void **state)
{
	(void)state;
	tcps_free(&srv);
	return 0;
}

/* Both route each other: ids, connect notifications, data, OOB. */
static void
route_link_data_oob(void **state)
{
	uint8_t	msg[] = { 0x1b, 1, 2, 3 }, big[TCPW_DATA_MAX];

	(void)state;
	client_up(&ca);
	client_up(&cb_);
	assert_int_equal(tcps_count(&srv, TCPS_CONFIRMED), 2);
	assert_int_equal(tcp_link_route(&ca.l, cb_.k.pk), 0);
	pump();
	assert_true(ca.routed_id >= 16);
	assert_int_equal(ca.online, 0);		/* B has not asked */
	/* OOB works without routing: B gets it with A's key */
	assert_int_equal(tcp_link_oob(&ca.l, cb_.k.pk, msg, sizeof(msg)), 0);
	pump();
	assert_int_equal(cb_.noob, 1);
	assert_memory_equal(cb_.oob_from, ca.k.pk, 32);
	assert_memory_equal(cb_.last, msg, sizeof(msg));
	assert_int_equal(tcp_link_route(&cb_.l, ca.k.pk), 0);
	pump();
	assert_int_equal(srv.st.linked, 1);
	assert_int_equal(cb_.routed_id, 16);
	assert_true(ca.online && cb_.online);
	assert_int_equal(ca.conn_id, ca.routed_id);
	assert_int_equal(cb_.conn_id, cb_.routed_id);
	assert_int_equal(tcp_link_send(&ca.l, (uint8_t)ca.conn_id, msg,
	    sizeof(msg)), 0);
	pump();
	assert_int_equal(cb_.ndata, 1);
	assert_memory_equal(cb_.last, msg, sizeof(msg));
	memset(big, 0x5a, sizeof(big));
	assert_int_equal(tcp_link_send(&cb_.l, (uint8_t)cb_.conn_id, big,
	    sizeof(big)), 0);
	pump();
	assert_int_equal(ca.ndata, 1);
	assert_int_equal(ca.last_len, sizeof(big));
	/* routing the same key again gives the same id */
	ca.routed_id = 0;
	assert_int_equal(tcp_link_route(&ca.l, cb_.k.pk), 0);
	pump();
	assert_int_equal(ca.routed_id, ca.conn_id);
	/* A disconnects: B is told; data on the old id goes nowhere */
	assert_int_equal(tcp_link_disconnect(&ca.l, (uint8_t)ca.conn_id), 0);
	pump();
	assert_int_equal(cb_.online, 0);
	/* B's routing stays: when A asks again, both are online again */
	assert_int_equal(tcp_link_route(&ca.l, cb_.k.pk), 0);
	pump();
	assert_true(ca.online && cb_.online);
	/* A's socket closes: B is told */
	tcps_close(&srv, (unsigned)ca.idx);
	ca.idx = -1;
	pump();
	assert_int_equal(cb_.online, 0);
	assert_int_equal(closed_n, 0);	/* the glue closed it: no callback */
}

/* Our own key is refused (id 0); so is a routing past the table. */
static void
route_refusals(void **state)
{
	uint8_t	pk[32];
	int	i;

	(void)state;
	client_up(&ca);
	assert_int_equal(tcp_link_route(&ca.l, ca.k.pk), 0);
	pump();
	assert_int_equal(ca.routed_id, 0);
	for (i = 0; i < TCPS_SLOTS; i++) {
		memset(pk, 0, sizeof(pk));
		pk[0] = (uint8_t)i;
		pk[1] = 1;
		assert_int_equal(tcp_link_route(&ca.l, pk), 0);
		pump();
		assert_int_equal(ca.routed_id, 16 + i);
	}
	pk[1] = 2;
	assert_int_equal(tcp_link_route(&ca.l, pk), 0);
	pump();
	assert_int_equal(ca.routed_id, 0);
	assert_false(ca.down);
}

/* A key that connects again replaces its old connection. */
static void
same_key_replaces(void **state)
{
	struct cl	again;

	(void)state;
	client_up(&ca);
	memset(&again, 0, sizeof(again));
	again.k = ca.k;
	again.idx = tcps_accept(&srv, now);
	assert_int_equal(tcp_link_start(&again.l, &again.k, relay_keys.pk,
	    &lcb, &again, now), 0);
	/* by hand: pump() knows only its three clients */
	{
		const uint8_t	*p;
		size_t		 n;
		int		 k;

		for (k = 0; k < 8; k++) {
			if ((n = tcp_link_out(&again.l, &p)) > 0) {
				(void)tcps_input(&srv, (unsigned)again.idx, p,
				    n, now);
				tcp_link_out_done(&again.l, n);
			}
			if ((n = tcps_out(&srv, (unsigned)again.idx,
			    &p)) > 0) {
				(void)tcp_link_input(&again.l, p, n, now);
				tcps_out_done(&srv, (unsigned)again.idx, n);
			}
		}
	}
	assert_true(again.up);
	assert_int_equal(srv.st.replaced, 1);
	assert_int_equal(closed_last, ca.idx);
	assert_int_equal(tcps_count(&srv, TCPS_CONFIRMED), 1);
}

/* Onion requests go to the glue; answers reach the client. */
static void
onion_both_ways(void **state)
{
	uint8_t	req[TCPW_ONION_REQ_MIN + 10], resp[100];

	(void)state;
	client_up(&ca);
	memset(req, 7, sizeof(req));
	assert_int_equal(tcp_link_onion(&ca.l, req, sizeof(req)), 0);
	pump();
	assert_int_equal(onion_n, 1);
	assert_int_equal(onion_from, ca.idx);
	memset(resp, 0x84, sizeof(resp));
	assert_int_equal(tcps_onion_resp(&srv, (unsigned)ca.idx, resp,
	    sizeof(resp)), 0);
	pump();
	assert_int_equal(ca.nonion, 1);
	assert_memory_equal(ca.last, resp, sizeof(resp));
	/* not to a client that is not there */
	assert_int_equal(tcps_onion_resp(&srv, MAXC - 1, resp, sizeof(resp)),
	    -1);
}

/*
 * MAXC clients: a new connection evicts the oldest half-open one; when
 * all are confirmed, it is refused.
 */
static void
client_limit(void **state)
{
	int	i, a, b;

	(void)state;
	a = tcps_accept(&srv, now);
	b = tcps_accept(&srv, now + 1);
	client_up(&ca);
	client_up(&cb_);
	assert_true(a >= 0 && b >= 0);
	/* full: the oldest half-open (a) goes */
	i = tcps_accept(&srv, now + 2);
	assert_int_equal(i, a);
	assert_int_equal(srv.st.evicted, 1);
	assert_int_equal(closed_last, a);
	tcps_close(&srv, (unsigned)b);
	tcps_close(&srv, (unsigned)i);
	client_up(&cc);
	i = tcps_accept(&srv, now);
	assert_true(i >= 0);
	/* finish it: four confirmed, the next refused */
	{
		struct cl	d;
		const uint8_t	*p;
		size_t		 n;
		int		 k;

		memset(&d, 0, sizeof(d));
		dht_keys_init(&d.k);
		assert_int_equal(tcp_link_start(&d.l, &d.k, relay_keys.pk,
		    &lcb, &d, now), 0);
		for (k = 0; k < 8; k++) {
			if ((n = tcp_link_out(&d.l, &p)) > 0) {
				(void)tcps_input(&srv, (unsigned)i, p, n, now);
				tcp_link_out_done(&d.l, n);
			}
			if ((n = tcps_out(&srv, (unsigned)i, &p)) > 0) {
				(void)tcp_link_input(&d.l, p, n, now);
				tcps_out_done(&srv, (unsigned)i, n);
			}
		}
		assert_true(d.up);
	}
	assert_int_equal(tcps_count(&srv, TCPS_CONFIRMED), MAXC);
	assert_int_equal(tcps_accept(&srv, now), -1);
	assert_int_equal(srv.st.refused, 1);
}

/* Half-open for 10 s, or a ping unanswered 10 s: closed. */
static void
timeouts(void **state)
{
	int		 h;
	uint64_t	 next;

	(void)state;
	h = tcps_accept(&srv, now);
	client_up(&ca);
	next = tcps_tick(&srv, now);
	assert_int_equal(next, now + TCPS_HS_TIMEOUT_MS);
	tcps_tick(&srv, now + TCPS_HS_TIMEOUT_MS);
	assert_int_equal(closed_last, h);
	assert_int_equal(tcps_count(&srv, TCPS_CONFIRMED), 1);
	/* the server pings A at 30 s; A does not read: closed at 40 s */
	ca.no_read = 1;
	now += TCPS_PING_MS;
	tcps_tick(&srv, now);
	pump();
	now += TCPS_PONG_TIMEOUT_MS;
	tcps_tick(&srv, now);
	assert_int_equal(closed_last, ca.idx);
	assert_int_equal(srv.st.timeouts, 2);
}

/* A client that answers its pings stays. */
static void
pings_answered(void **state)
{
	int	k;

	(void)state;
	client_up(&ca);
	for (k = 0; k < 5; k++) {
		now += TCPS_PING_MS;
		tcps_tick(&srv, now);
		pump();
		now += TCPS_PONG_TIMEOUT_MS - 1;
		tcps_tick(&srv, now);
		tcp_link_tick(&ca.l, now);
		pump();
	}
	assert_int_equal(closed_n, 0);
	assert_int_equal(tcps_count(&srv, TCPS_CONFIRMED), 1);
}

/* Data for a client that does not read is dropped, never queued on. */
static void
unread_queue_bounded(void **state)
{
	uint8_t	big[TCPW_DATA_MAX];
	int	k;

	(void)state;
	client_up(&ca);
	client_up(&cb_);
	tcp_link_route(&ca.l, cb_.k.pk);
	tcp_link_route(&cb_.l, ca.k.pk);
	pump();
	assert_true(ca.online && cb_.online);
	cb_.no_read = 1;
	memset(big, 1, sizeof(big));
	for (k = 0; k < 100; k++) {
		(void)tcp_link_send(&ca.l, (uint8_t)ca.conn_id, big,
		    sizeof(big));
		pump();
	}
	assert_true(srv.st.dropped > 0);
	assert_true(srv.st.data < 100);
	assert_false(ca.down);
	assert_int_equal(tcps_count(&srv, TCPS_CONFIRMED), 2);
}

/* Garbage: a bad handshake, then a good one with a bad frame. */
static void
garbage(void **state)
{
	uint8_t		junk[200];
	const uint8_t	*p;
	size_t		 n;
	int		 i;

	(void)state;
	memset(junk, 0xee, sizeof(junk));
	i = tcps_accept(&srv, now);
	assert_int_equal(tcps_input(&srv, (unsigned)i, junk, 127, now), 0);
	assert_int_equal(tcps_input(&srv, (unsigned)i, junk, 1, now), -1);
	assert_int_equal(srv.st.bad_hs, 1);
	client_up(&ca);
	assert_int_equal(tcps_input(&srv, (unsigned)ca.idx, junk, 40, now),
	    -1);
	assert_int_equal(srv.st.bad_frame, 1);
	assert_int_equal(closed_last, ca.idx);
	/* a pong with id 0, sealed properly: the client goes */
	client_up(&cb_);
	{
		uint8_t		plain[1 + TCPW_PING_ID_LEN] = { TCPW_PONG };
		uint8_t		frame[64];
		int		f;

		f = tcpw_frame_seal(&cb_.l.s, plain, sizeof(plain), frame,
		    sizeof(frame));
		assert_true(f > 0);
		assert_int_equal(tcps_input(&srv, (unsigned)cb_.idx, frame,
		    (size_t)f, now), -1);
		assert_int_equal(closed_last, cb_.idx);
	}
	/* nothing is owed to a client that is gone */
	assert_int_equal(tcps_out(&srv, (unsigned)ca.idx, &p), 0);
	n = 0;
	(void)n;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(route_link_data_oob, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(route_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(same_key_replaces, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(onion_both_ways, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(client_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(timeouts, setup, teardown),
		cmocka_unit_test_setup_teardown(pings_answered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(unread_queue_bounded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(garbage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
