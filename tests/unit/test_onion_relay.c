/*
 * The onion relay engine: what it sends and where, its counters, and the
 * sendback secret's rotation (an answer sealed before a rotation still
 * goes back, one sealed two rotations ago does not; a long silence drops
 * the old secret at once).  Time is the now_ms argument: no clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/onion_relay.h"

#define T0	1000000ULL
#define ROT	ONION_SECRET_ROTATE_MS

struct sent {
	int		n;
	int		refuse;
	struct ip_port	to;
	size_t		len;
	uint8_t		pkt[ONION_MAX_PACKET];
};

struct fix {
	struct dht_keys		a, client, b, c;
	struct onion_relay	r;
	struct sent		s;
	struct ip_port		client_addr, b_addr, c_addr, dest;
	struct onion_path	path;
};

static int
send_cb(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	struct sent	*s = arg;

	if (s->refuse)
		return -1;
	s->n++;
	s->to = *to;
	s->len = len;
	memcpy(s->pkt, pkt, len);
	return (int)len;
}

static void
addr4(struct ip_port *a, uint8_t last, uint16_t port)
{
	uint8_t	ip[4] = { 198, 51, 100, last };

	assert_int_equal(ipp_set(a, ip, 4, port), 0);
}

static int
setup(void **state)
{
	struct fix		*f;
	struct onion_node	 nodes[3];

	if (sodium_init() < 0 || (f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	dht_keys_init(&f->a);
	dht_keys_init(&f->client);
	dht_keys_init(&f->b);
	dht_keys_init(&f->c);
	addr4(&f->client_addr, 1, 1001);
	addr4(&f->b_addr, 2, 1002);
	addr4(&f->c_addr, 3, 1003);
	addr4(&f->dest, 4, 1004);
	addr4(&nodes[0].addr, 9, 1009);
	memcpy(nodes[0].pk, f->a.pk, DHT_PK_LEN);
	nodes[1].addr = f->b_addr;
	memcpy(nodes[1].pk, f->b.pk, DHT_PK_LEN);
	nodes[2].addr = f->c_addr;
	memcpy(nodes[2].pk, f->c.pk, DHT_PK_LEN);
	if (onionp_path_make(&f->client, nodes, &f->path) == -1)
		return -1;
	onion_relay_init(&f->r, &f->a, send_cb, &f->s, T0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	onion_relay_wipe(&f->r);
	free(f);
	return 0;
}

/* The client's 0x80 into pkt; its length. */
static size_t
make_80(struct fix *f, uint8_t *pkt)
{
	uint8_t	payload[ANNOUNCE_REQ_LEN];
	int	n;

	memset(payload, 0x5a, sizeof(payload));
	payload[0] = ONION_ANNOUNCE_REQ;
	n = onionp_client_pack(&f->path, &f->dest, payload, sizeof(payload),
	    pkt, ONION_MAX_PACKET);
	assert_true(n > 0);
	return (size_t)n;
}

/* The 0x8e that B would send back to us (A) for the 0x81 we sent. */
static size_t
make_8e(const struct sent *s, uint8_t *pkt, uint8_t kind)
{
	pkt[0] = ONION_RESP_1;
	memcpy(pkt + 1, s->pkt + s->len - ONION_RET_1_LEN, ONION_RET_1_LEN);
	memset(pkt + 1 + ONION_RET_1_LEN, 0x33, 20);
	pkt[1 + ONION_RET_1_LEN] = kind;
	return 1 + ONION_RET_1_LEN + 20;
}

static void
relay_sends_and_counts(void **state)
{
	struct fix			*f = *state;
	const struct onion_relay_stats	*st = onion_relay_stats(&f->r);
	uint8_t				 p[ONION_MAX_PACKET], q[ONION_MAX_PACKET];
	size_t				 len, qlen;

	len = make_80(f, p);
	assert_int_equal(onion_relay_handle(&f->r, &f->client_addr, p, len,
	    T0 + 1), 0);
	assert_int_equal(f->s.n, 1);
	assert_true(ipp_equal(&f->s.to, &f->b_addr));
	assert_int_equal(f->s.pkt[0], ONION_REQ_1);
	assert_int_equal(st->relayed[ONION_SLOT_REQ_0], 1);

	/* the answer comes back to the client's address, raw */
	qlen = make_8e(&f->s, q, ONION_ANNOUNCE_RESP);
	assert_int_equal(onion_relay_handle(&f->r, &f->b_addr, q, qlen,
	    T0 + 2), 0);
	assert_int_equal(f->s.n, 2);
	assert_true(ipp_equal(&f->s.to, &f->client_addr));
	assert_int_equal(f->s.len, qlen - 1 - ONION_RET_1_LEN);
	assert_memory_equal(f->s.pkt, q + 1 + ONION_RET_1_LEN, f->s.len);
	assert_int_equal(st->relayed[ONION_SLOT_RESP_1], 1);

	/* malformed: counted per kind, nothing sent */
	p[len - 1] ^= 1;
	assert_int_equal(onion_relay_handle(&f->r, &f->client_addr, p, len,
	    T0 + 3), -1);
	q[0] = ONION_RESP_2;
	assert_int_equal(onion_relay_handle(&f->r, &f->b_addr, q, qlen,
	    T0 + 3), -1);
	assert_int_equal(onion_relay_handle(&f->r, &f->b_addr, q, 1, T0 + 3),
	    -1);
	assert_int_equal(f->s.n, 2);
	assert_int_equal(st->dropped[ONION_SLOT_REQ_0], 1);
	assert_int_equal(st->dropped[ONION_SLOT_RESP_2], 2);
	/* a kind that is not the relay's: neither relayed nor counted */
	q[0] = ONION_ANNOUNCE_REQ;
	assert_int_equal(onion_relay_handle(&f->r, &f->b_addr, q, qlen,
	    T0 + 3), -1);
	assert_int_equal(onion_relay_slot(ONION_ANNOUNCE_REQ), -1);
	assert_int_equal(onion_relay_slot(ONION_RESP_1), ONION_SLOT_RESP_1);

	/* the network refusing is not a relayed packet */
	p[len - 1] ^= 1;
	f->s.refuse = 1;
	assert_int_equal(onion_relay_handle(&f->r, &f->client_addr, p, len,
	    T0 + 4), -1);
	assert_int_equal(st->send_failed, 1);
	assert_int_equal(st->relayed[ONION_SLOT_REQ_0], 1);
}

static void
relay_rotates_its_secret(void **state)
{
	struct fix			*f = *state;
	const struct onion_relay_stats	*st = onion_relay_stats(&f->r);
	uint8_t				 p[ONION_MAX_PACKET], q[ONION_MAX_PACKET];
	uint8_t				 old[ONION_MAX_PACKET], first[ONION_SECRET_LEN];
	size_t				 len, qlen, oldlen;

	assert_int_equal(onion_relay_deadline(&f->r), T0 + ROT);
	memcpy(first, f->r.sec.cur, sizeof(first));
	len = make_80(f, p);
	assert_int_equal(onion_relay_handle(&f->r, &f->client_addr, p, len,
	    T0), 0);
	oldlen = make_8e(&f->s, old, ONION_DATA_RESP);

	/* not yet due: nothing changes */
	onion_relay_tick(&f->r, T0 + ROT - 1);
	assert_int_equal(st->rotations, 0);
	assert_memory_equal(f->r.sec.cur, first, sizeof(first));

	/* due: a new secret, the old one kept; the old answer goes back */
	onion_relay_tick(&f->r, T0 + ROT);
	assert_int_equal(st->rotations, 1);
	assert_memory_not_equal(f->r.sec.cur, first, sizeof(first));
	assert_int_equal(onion_relay_deadline(&f->r), T0 + 2 * ROT);
	assert_int_equal(onion_relay_handle(&f->r, &f->b_addr, old, oldlen,
	    T0 + ROT + 5), 0);
	assert_true(ipp_equal(&f->s.to, &f->client_addr));
	/* and a request now gets a block under the new secret */
	assert_int_equal(onion_relay_handle(&f->r, &f->client_addr, p, len,
	    T0 + ROT + 6), 0);
	qlen = make_8e(&f->s, q, ONION_ANNOUNCE_RESP);

	/* a packet arriving after the deadline rotates by itself (the
	 * timer may be late): the first answer is then two secrets old */
	assert_int_equal(onion_relay_handle(&f->r, &f->b_addr, old, oldlen,
	    T0 + 2 * ROT), -1);
	assert_int_equal(st->rotations, 2);
	assert_int_equal(onion_relay_handle(&f->r, &f->b_addr, q, qlen,
	    T0 + 2 * ROT + 1), 0);

	/* a silence longer than a period: the old secret goes too */
	onion_relay_tick(&f->r, T0 + 5 * ROT);
	assert_int_equal(st->rotations, 3);
	assert_int_equal(f->r.sec.has_prev, 0);
	assert_int_equal(onion_relay_handle(&f->r, &f->b_addr, q, qlen,
	    T0 + 5 * ROT + 1), -1);
	assert_int_equal(onion_relay_deadline(&f->r), T0 + 6 * ROT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(relay_sends_and_counts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(relay_rotates_its_secret, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
