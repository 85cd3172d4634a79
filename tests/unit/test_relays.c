/*
 * netd/relays.c: which links open, routing asked when a link comes up,
 * registered and online connections, where a packet goes (online data
 * first, else OOB on registered relays, else OOB back the way a stranger
 * came), backoff, strangers evicted before friends, limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netd/relays.h"

/* What the engine asked for, in order. */
struct call {
	char		what;		/* o)pen c)lose r)oute d)ata b)oob */
	unsigned	r;
	uint8_t		conn_id;
	uint8_t		pk[PN_PK_LEN];
};

static struct call	calls[256];
static size_t		ncalls;
static int		refuse_data;	/* ops.data answers -1 */

static void
note(char what, unsigned r, uint8_t conn_id, const uint8_t *pk)
{
	assert_true(ncalls < 256);
	calls[ncalls].what = what;
	calls[ncalls].r = r;
	calls[ncalls].conn_id = conn_id;
	memset(calls[ncalls].pk, 0, PN_PK_LEN);
	if (pk != NULL)
		memcpy(calls[ncalls].pk, pk, PN_PK_LEN);
	ncalls++;
}

static void
op_open(void *arg, unsigned r)
{
	(void)arg;
	note('o', r, 0, NULL);
}

static void
op_close(void *arg, unsigned r)
{
	(void)arg;
	note('c', r, 0, NULL);
}

static int
op_route(void *arg, unsigned r, const uint8_t pk[PN_PK_LEN])
{
	(void)arg;
	note('r', r, 0, pk);
	return 0;
}

static int
op_data(void *arg, unsigned r, uint8_t conn_id, const uint8_t *pkt,
    size_t len)
{
	(void)arg;
	(void)pkt;
	(void)len;
	if (refuse_data)
		return -1;
	note('d', r, conn_id, NULL);
	return 0;
}

static int
op_oob(void *arg, unsigned r, const uint8_t pk[PN_PK_LEN],
    const uint8_t *pkt, size_t len)
{
	(void)arg;
	(void)pkt;
	(void)len;
	note('b', r, 0, pk);
	return 0;
}

static const struct relays_ops	ops = {
	op_open, op_close, op_route, op_data, op_oob,
};

static struct relays	rs;

static size_t
count(char what)
{
	size_t	i, n = 0;

	for (i = 0; i < ncalls; i++)
		if (calls[i].what == what)
			n++;
	return n;
}

static void
key(uint8_t pk[PN_PK_LEN], uint8_t b)
{
	memset(pk, b, PN_PK_LEN);
}

static struct ip_port
addr(uint8_t last)
{
	struct ip_port	ipp;
	uint8_t		ip[4] = { 203, 0, 113, last };

	assert_int_equal(ipp_set(&ipp, ip, 4, 33445), 0);
	return ipp;
}

static int
setup(void **state)
{
	(void)state;
	ncalls = 0;
	refuse_data = 0;
	relays_init(&rs, &ops, NULL);
	return 0;
}

static int
add(uint8_t b, unsigned src)
{
	uint8_t		pk[PN_PK_LEN];
	struct ip_port	ipp = addr(b);

	key(pk, b);
	return relays_add(&rs, pk, &ipp, src);
}

/* Three links for ourselves, configured relays before listed ones. */
static void
opens_ours_configured_first(void **state)
{
	unsigned	i;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_int_equal(add((uint8_t)(0x10 + i), RELAY_SRC_NODES),
		    (int)i);
	assert_int_equal(add(0x20, RELAY_SRC_CONF), 5);
	relays_tick(&rs, 1000);
	assert_int_equal(count('o'), RELAYS_OURS);
	assert_int_equal(calls[0].r, 5);
	assert_int_equal(relays_count(&rs, RELAY_CONNECTING), RELAYS_OURS);
	/* nothing more while they connect */
	relays_tick(&rs, 2000);
	assert_int_equal(count('o'), RELAYS_OURS);
}

/* A bad address or port is refused; a known key keeps one slot. */
static void
add_refuses_and_merges(void **state)
{
	uint8_t		pk[PN_PK_LEN];
	struct ip_port	ipp = addr(1);

	(void)state;
	key(pk, 1);
	ipp.port = 0;
	assert_int_equal(relays_add(&rs, pk, &ipp, RELAY_SRC_NODES), -1);
	memset(&ipp, 0, sizeof(ipp));
	assert_int_equal(relays_add(&rs, pk, &ipp, RELAY_SRC_NODES), -1);
	assert_int_equal(add(1, RELAY_SRC_NODES), 0);
	assert_int_equal(add(1, RELAY_SRC_PEER), 0);
	assert_int_equal(rs.r[0].src, RELAY_SRC_NODES | RELAY_SRC_PEER);
	assert_int_equal(add(2, RELAY_SRC_NODES), 1);
}

/* A full table of configured relays refuses more. */
static void
table_full(void **state)
{
	unsigned	i;

	(void)state;
	for (i = 0; i < RELAYS_MAX; i++)
		assert_int_equal(add((uint8_t)(i + 1), RELAY_SRC_CONF),
		    (int)i);
	assert_int_equal(add(0x99, RELAY_SRC_NODES), -1);
}

/*
 * A friend names relay R: it opens; when up, routing is asked; the relay
 * registers the friend (OOB possible), then says it is online (data on
 * the connection id).
 */
static void
friend_through_relay(void **state)
{
	uint8_t		fpk[PN_PK_LEN], rpk[PN_PK_LEN];
	struct ip_port	ipp = addr(7);
	uint8_t		pkt[20] = { 0x1b };
	int		i, r;

	(void)state;
	key(fpk, 0xf1);
	key(rpk, 0x77);
	i = relays_peer_want(&rs, fpk, 1, 0);
	assert_true(i >= 0);
	r = relays_peer_relay(&rs, fpk, rpk, &ipp, 0);
	assert_true(r >= 0);
	assert_int_equal(relays_send(&rs, (unsigned)i, pkt, sizeof(pkt), 0),
	    -1);
	assert_false(relays_peer_reachable(&rs, (unsigned)i));
	relays_tick(&rs, 0);
	assert_int_equal(count('o'), 1);
	assert_int_equal(count('r'), 0);
	relays_link_up(&rs, (unsigned)r, 10);
	assert_int_equal(count('r'), 1);
	assert_memory_equal(calls[ncalls - 1].pk, fpk, PN_PK_LEN);
	/* a refusal (id 0) leaves it unregistered */
	relays_routed(&rs, (unsigned)r, fpk, 0);
	assert_false(relays_peer_reachable(&rs, (unsigned)i));
	relays_routed(&rs, (unsigned)r, fpk, 16);
	assert_true(relays_peer_reachable(&rs, (unsigned)i));
	assert_false(relays_peer_online(&rs, (unsigned)i));
	/* data on an id not yet online is not the friend's */
	assert_int_equal(relays_data_in(&rs, (unsigned)r, 16, 20), -1);
	ncalls = 0;
	assert_int_equal(relays_send(&rs, (unsigned)i, pkt, sizeof(pkt), 20),
	    0);
	assert_int_equal(count('b'), 1);
	assert_memory_equal(calls[0].pk, fpk, PN_PK_LEN);
	relays_conn_status(&rs, (unsigned)r, 16, 1);
	assert_true(relays_peer_online(&rs, (unsigned)i));
	assert_int_equal(relays_data_in(&rs, (unsigned)r, 16, 30), i);
	assert_int_equal(relays_data_in(&rs, (unsigned)r, 17, 30), -1);
	ncalls = 0;
	assert_int_equal(relays_send(&rs, (unsigned)i, pkt, sizeof(pkt), 30),
	    0);
	assert_int_equal(count('d'), 1);
	assert_int_equal(calls[0].conn_id, 16);
	/* a full link falls back to OOB on the registered relays */
	relays_conn_status(&rs, (unsigned)r, 16, 0);
	assert_false(relays_peer_online(&rs, (unsigned)i));
	relays_conn_status(&rs, (unsigned)r, 16, 1);
	refuse_data = 1;
	ncalls = 0;
	assert_int_equal(relays_send(&rs, (unsigned)i, pkt, sizeof(pkt), 40),
	    -1);
	assert_int_equal(count('b'), 0);
	assert_int_equal(rs.stats.unsent, 2);
}

/* A link that goes down unregisters; routing is asked again at up. */
static void
down_and_back(void **state)
{
	uint8_t		fpk[PN_PK_LEN], rpk[PN_PK_LEN];
	struct ip_port	ipp = addr(8);
	int		i, r;

	(void)state;
	key(fpk, 0xf2);
	key(rpk, 0x78);
	i = relays_peer_want(&rs, fpk, 1, 0);
	r = relays_peer_relay(&rs, fpk, rpk, &ipp, 0);
	relays_tick(&rs, 0);
	relays_link_up(&rs, (unsigned)r, 0);
	relays_routed(&rs, (unsigned)r, fpk, 20);
	relays_conn_status(&rs, (unsigned)r, 20, 1);
	assert_true(relays_peer_online(&rs, (unsigned)i));
	relays_link_down(&rs, (unsigned)r, 1000);
	assert_false(relays_peer_reachable(&rs, (unsigned)i));
	assert_int_equal(rs.r[r].st, RELAY_WAIT);
	/* not before the backoff */
	ncalls = 0;
	assert_int_equal(relays_tick(&rs, 1000), 1000 + RELAY_BACKOFF_MIN_MS);
	assert_int_equal(count('o'), 0);
	relays_tick(&rs, 1000 + RELAY_BACKOFF_MIN_MS);
	assert_int_equal(count('o'), 1);
	/* a second failure without an up doubles the wait */
	relays_link_down(&rs, (unsigned)r, 5000);
	assert_int_equal(rs.r[r].due, 5000 + 2 * RELAY_BACKOFF_MIN_MS);
	relays_tick(&rs, 5000 + 2 * RELAY_BACKOFF_MIN_MS);
	ncalls = 0;
	relays_link_up(&rs, (unsigned)r, 9000);
	assert_int_equal(count('r'), 1);
}

/*
 * A stranger reaching us by OOB gets an index, answered back on the same
 * relay; it is evicted before any friend; a friend's OOB ties the relay.
 */
static void
strangers_and_oob(void **state)
{
	uint8_t		pk[PN_PK_LEN], fpk[PN_PK_LEN];
	uint8_t		pkt[10] = { 0x18 };
	unsigned	n;
	int		r, i, f;

	(void)state;
	r = add(0x30, RELAY_SRC_CONF);
	key(pk, 0x01);
	/* not before the link is up */
	assert_int_equal(relays_oob_in(&rs, (unsigned)r, pk, 0), -1);
	relays_tick(&rs, 0);
	relays_link_up(&rs, (unsigned)r, 0);
	i = relays_oob_in(&rs, (unsigned)r, pk, 5);
	assert_true(i >= 0);
	ncalls = 0;
	assert_int_equal(relays_send(&rs, (unsigned)i, pkt, sizeof(pkt), 6),
	    0);
	assert_int_equal(count('b'), 1);
	assert_int_equal(calls[0].r, (unsigned)r);
	/* a wanted friend's OOB ties the relay and asks routing */
	key(fpk, 0xee);
	f = relays_peer_want(&rs, fpk, 1, 0);
	ncalls = 0;
	assert_int_equal(relays_oob_in(&rs, (unsigned)r, fpk, 7), f);
	assert_int_equal(count('r'), 1);
	/* fill with strangers: the friend stays */
	for (n = 0; n < 2 * RELAY_PEERS_MAX; n++) {
		pk[0] = (uint8_t)n;
		pk[1] = (uint8_t)(n >> 8);
		pk[2] = 0x55;
		assert_true(relays_oob_in(&rs, (unsigned)r, pk, 100 + n) >= 0);
	}
	assert_true(rs.stats.evicted > 0);
	assert_int_equal(relays_peer_find(&rs, fpk), f);
}

/* An up link nobody needs beyond ours closes after RELAY_IDLE_MS. */
static void
idle_links_close(void **state)
{
	uint8_t		fpk[PN_PK_LEN], rpk[PN_PK_LEN];
	struct ip_port	ipp = addr(9);
	unsigned	i;
	int		r;

	(void)state;
	for (i = 0; i < RELAYS_OURS; i++)
		add((uint8_t)(0x40 + i), RELAY_SRC_NODES);
	relays_tick(&rs, 0);
	for (i = 0; i < RELAYS_OURS; i++)
		relays_link_up(&rs, i, 0);
	key(fpk, 0xf3);
	key(rpk, 0x79);
	relays_peer_want(&rs, fpk, 1, 0);
	r = relays_peer_relay(&rs, fpk, rpk, &ipp, 0);
	relays_tick(&rs, 0);
	relays_link_up(&rs, (unsigned)r, 0);
	/* the friend goes: its relay is a fourth link nobody needs */
	relays_peer_want(&rs, fpk, 0, 0);
	ncalls = 0;
	relays_tick(&rs, RELAY_IDLE_MS - 1);
	assert_int_equal(count('c'), 0);
	relays_tick(&rs, RELAY_IDLE_MS);
	assert_int_equal(count('c'), 1);
	assert_int_equal(relays_count(&rs, RELAY_UP), RELAYS_OURS);
}

/* Up relays as TCP packed nodes, and the onion entry among them. */
static void
up_nodes_and_entry(void **state)
{
	struct packed_node	n[4];

	(void)state;
	assert_int_equal(relays_onion_entry(&rs, 0), -1);
	add(0x50, RELAY_SRC_CONF);
	add(0x51, RELAY_SRC_CONF);
	relays_tick(&rs, 0);
	relays_link_up(&rs, 1, 0);
	assert_int_equal(relays_up_nodes(&rs, n, 4), 1);
	assert_int_equal(n[0].family, PN_TCP4);
	assert_int_equal(n[0].pk[0], 0x51);
	assert_int_equal(relays_onion_entry(&rs, 12345), 1);
}

/* The virtual address of a relay peer: set, distinct, back to its index. */
static void
virtual_addresses(void **state)
{
	struct ip_port	a, b, v4 = addr(1);

	(void)state;
	ipp_tcp(&a, 0);
	ipp_tcp(&b, 300);
	assert_true(ipp_isset(&a));
	assert_false(ipp_equal(&a, &b));
	assert_int_equal(ipp_tcp_index(&a), 0);
	assert_int_equal(ipp_tcp_index(&b), 300);
	assert_int_equal(ipp_tcp_index(&v4), -1);
	ipp_tcp(&a, 300);
	assert_true(ipp_equal(&a, &b));
	assert_false(ipp_is_lan(&a));
	assert_false(ipp_equal(&a, &v4));
	assert_true(ipp_is_virtual(&a));
	assert_false(ipp_is_virtual(&v4));
	/* a relay number is not the peer of the same number */
	ipp_relay(&b, 300);
	assert_false(ipp_equal(&a, &b));
	assert_int_equal(ipp_relay_index(&b), 300);
	assert_int_equal(ipp_tcp_index(&b), -1);
	assert_true(ipp_isset(&b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(opens_ours_configured_first, setup),
		cmocka_unit_test_setup(add_refuses_and_merges, setup),
		cmocka_unit_test_setup(table_full, setup),
		cmocka_unit_test_setup(friend_through_relay, setup),
		cmocka_unit_test_setup(down_and_back, setup),
		cmocka_unit_test_setup(strangers_and_oob, setup),
		cmocka_unit_test_setup(idle_links_close, setup),
		cmocka_unit_test_setup(up_nodes_and_entry, setup),
		cmocka_unit_test(virtual_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
