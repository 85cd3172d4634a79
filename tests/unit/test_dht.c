/*
 * The DHT engine in a simulated network with injected time: k-bucket
 * rules, search lists, request/response checks, timers, routing, NAT ping,
 * bootstrap, convergence of many nodes, and a flood of garbage.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/dht.h"
#include "netd/dht_int.h"
#include "netd/dht_packet.h"

#define T0		1000000ull
#define SIM_MAX		24
#define QMAX		8192

struct simmsg {
	struct ip_port	from, to;
	size_t		len;
	uint8_t		data[1100];
};

struct sim;
struct simnode {
	struct sim	*sim;
	struct dht	*d;
	struct ip_port	 addr;
	unsigned	 sent;
	int		 dead;		/* neither receives nor runs */
};

struct sim {
	struct simnode	 n[SIM_MAX];
	unsigned	 count;
	uint64_t	 now;
	struct simmsg	*q;
	unsigned	 head, tail;
	unsigned	 dropped;
	/* Capture instead of delivering (for single-engine tests). */
	int		 capture;
};

static int
sim_send(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	struct simnode	*sn = arg;
	struct sim	*s = sn->sim;
	struct simmsg	*m;

	sn->sent++;
	if (len > sizeof(m->data))
		return -1;
	if (s->tail - s->head == QMAX) {
		s->dropped++;
		return (int)len;	/* UDP: lost */
	}
	m = &s->q[s->tail++ % QMAX];
	m->from = sn->addr;
	m->to = *to;
	m->len = len;
	memcpy(m->data, pkt, len);
	return (int)len;
}

static struct sim *
sim_new(unsigned count)
{
	struct sim	*s;
	unsigned	 i;

	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->q = calloc(QMAX, sizeof(*s->q));
	assert_non_null(s->q);
	s->now = T0;
	s->count = count;
	for (i = 0; i < count; i++) {
		s->n[i].sim = s;
		s->n[i].d = dht_new(sim_send, &s->n[i], s->now);
		assert_non_null(s->n[i].d);
		s->n[i].addr.family = IPP_V4;
		s->n[i].addr.ip[0] = 127;
		s->n[i].addr.ip[3] = (uint8_t)(i + 1);
		s->n[i].addr.port = (uint16_t)(33445 + i);
	}
	return s;
}

static void
sim_free(struct sim *s)
{
	unsigned	i;

	for (i = 0; i < s->count; i++)
		dht_free(s->n[i].d);
	free(s->q);
	free(s);
}

static int
sim_find(struct sim *s, const struct ip_port *a)
{
	unsigned	i;

	for (i = 0; i < s->count; i++)
		if (ipp_equal(&s->n[i].addr, a))
			return (int)i;
	return -1;
}

static unsigned
sim_deliver(struct sim *s)
{
	struct simmsg	*m;
	unsigned	 n = 0;
	int		 i;

	while (s->head != s->tail && n < 100000) {
		m = &s->q[s->head++ % QMAX];
		n++;
		if ((i = sim_find(s, &m->to)) < 0 || s->n[i].dead)
			continue;
		(void)dht_handle_packet(s->n[i].d, &m->from, m->data, m->len,
		    s->now);
	}
	return n;
}

/* Runs every engine's timers and the network until time `until`. */
static void
sim_run(struct sim *s, uint64_t until)
{
	uint64_t	next, t;
	unsigned	i;

	for (;;) {
		sim_deliver(s);
		next = UINT64_MAX;
		for (i = 0; i < s->count; i++) {
			if (s->n[i].dead)
				continue;
			t = dht_next_deadline(s->n[i].d);
			if (t < next)
				next = t;
		}
		if (next > until)
			break;
		if (next > s->now)
			s->now = next;
		for (i = 0; i < s->count; i++)
			if (!s->n[i].dead &&
			    dht_next_deadline(s->n[i].d) <= s->now)
				(void)dht_tick(s->n[i].d, s->now);
	}
	s->now = until;
	for (i = 0; i < s->count; i++)
		if (!s->n[i].dead)
			(void)dht_tick(s->n[i].d, s->now);
	sim_deliver(s);
}

static void
boot_from(struct sim *s, unsigned who, unsigned from)
{
	struct packed_node	n;

	assert_int_equal(ipp_to_node(&s->n[from].addr, dht_self_pk(s->n[from].d),
	    &n), 0);
	assert_int_equal(dht_bootstrap_add(s->n[who].d, &n), 0);
}

static int
setup(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

/* A key that falls in bucket b of d: shares exactly b leading bits. */
static void
key_in_bucket(const struct dht *d, unsigned b, uint8_t pk[32])
{
	randombytes_buf(pk, 32);
	memcpy(pk, d->keys.pk, b / 8 + 1);
	pk[b / 8] ^= (uint8_t)(0x80 >> (b % 8));	/* differ at bit b */
	if (b % 8 != 7) {
		/* keep the lower bits of that byte random */
		pk[b / 8] = (uint8_t)((pk[b / 8] & ~(0xff >> (b % 8 + 1))) |
		    (randombytes_random() & (0xff >> (b % 8 + 1))));
	}
}

static void
ip_n(struct ip_port *a, unsigned n)
{
	memset(a, 0, sizeof(*a));
	a->family = IPP_V4;
	a->ip[0] = 8;
	a->ip[1] = (uint8_t)(n >> 8);
	a->ip[2] = (uint8_t)n;
	a->ip[3] = 1;
	a->port = 33445;
}

static void
dht_bucket_index(void **state)
{
	struct sim	*s = sim_new(1);
	struct dht	*d = s->n[0].d;
	uint8_t		 pk[32];
	unsigned	 b;

	memcpy(pk, d->keys.pk, 32);
	assert_int_equal(dht_bucket(d, pk), 127);	/* our own key */
	for (b = 0; b < 128; b += 9) {
		key_in_bucket(d, b, pk);
		assert_int_equal(dht_bucket(d, pk), b);
	}
	/* Sharing more than 128 bits is clamped into the last bucket. */
	memcpy(pk, d->keys.pk, 32);
	pk[25] ^= 1;
	assert_int_equal(dht_bucket(d, pk), 127);
	sim_free(s);
}

static int
in_close(struct dht *d, const uint8_t *pk)
{
	struct dht_client	*c = dht_close_find(d, pk);

	return c != NULL && dht_client_good(d, c);
}

static void
dht_close_never_evicts_good(void **state)
{
	struct sim	*s = sim_new(1);
	struct dht	*d = s->n[0].d;
	uint8_t		 pk[10][32];
	struct ip_port	 a;
	unsigned	 i;

	for (i = 0; i < 10; i++) {
		key_in_bucket(d, 3, pk[i]);
		ip_n(&a, i);
		dht_addto_lists(d, &a, pk[i]);
	}
	for (i = 0; i < 8; i++)
		assert_true(in_close(d, pk[i]));
	assert_false(in_close(d, pk[8]));
	assert_false(in_close(d, pk[9]));
	assert_int_equal(dht_good_nodes(d), 8);
	assert_false(dht_close_addable(d, pk[8], &a));

	/* 121 s later all are still good; a newcomer still gets nothing. */
	d->now = T0 + DHT_BAD_NODE_MS - 1;
	ip_n(&a, 8);
	dht_addto_lists(d, &a, pk[8]);
	assert_false(in_close(d, pk[8]));
	/* Keep pk[0] fresh, let the others go bad. */
	ip_n(&a, 0);
	dht_addto_lists(d, &a, pk[0]);
	d->now = T0 + DHT_BAD_NODE_MS;
	assert_int_equal(dht_good_nodes(d), 1);
	ip_n(&a, 8);
	dht_addto_lists(d, &a, pk[8]);
	assert_true(in_close(d, pk[8]));
	assert_true(in_close(d, pk[0]));
	assert_false(dht_connected(d) == 0);
	sim_free(s);
}

static void
dht_close_refresh_and_rekey(void **state)
{
	struct sim		*s = sim_new(1);
	struct dht		*d = s->n[0].d;
	struct dht_client	*c;
	uint8_t			 pk[32], pk2[32];
	struct ip_port		 a, b, lan;

	key_in_bucket(d, 1, pk);
	ip_n(&a, 1);
	ip_n(&b, 2);
	dht_addto_lists(d, &a, pk);
	/* Same key from a new address: the address moves. */
	d->now += 1000;
	dht_addto_lists(d, &b, pk);
	c = dht_close_find(d, pk);
	assert_non_null(c);
	assert_true(ipp_equal(&c->a4.ipp, &b));
	assert_int_equal(c->a4.seen, d->now);
	/* A LAN address does not replace a public one. */
	assert_int_equal(ipp_parse("192.168.1.5", 33445, &lan), 0);
	dht_addto_lists(d, &lan, pk);
	assert_true(ipp_equal(&c->a4.ipp, &b));
	/* IPv4-mapped IPv6 sources count as IPv4. */
	memset(&lan, 0, sizeof(lan));
	lan.family = IPP_V6;
	lan.ip[10] = lan.ip[11] = 0xff;
	memcpy(lan.ip + 12, a.ip, 4);
	lan.port = a.port;
	dht_addto_lists(d, &lan, pk);
	assert_true(ipp_equal(&c->a4.ipp, &a));
	assert_int_equal(c->a6.seen, 0);
	/* Same address, new key in the same bucket: the entry goes. */
	key_in_bucket(d, 1, pk2);
	dht_addto_lists(d, &a, pk2);
	assert_true(in_close(d, pk2));
	assert_false(in_close(d, pk));
	sim_free(s);
}

static void
dht_search_list_replacement(void **state)
{
	struct sim		*s = sim_new(1);
	struct dht		*d = s->n[0].d;
	struct dht_search	*sr;
	uint8_t			 key[32], pk[9][32], far[32], near[32];
	struct ip_port		 a, got;
	unsigned		 i, j;

	randombytes_buf(key, 32);
	assert_int_equal(dht_search_add(d, key), 0);
	assert_int_equal(dht_search_add(d, key), 0);	/* idempotent */
	sr = dht_search_find(d, key);
	assert_non_null(sr);
	/* Eight nodes sharing the first byte with key. */
	for (i = 0; i < 8; i++) {
		randombytes_buf(pk[i], 32);
		pk[i][0] = key[0];
		pk[i][1] = (uint8_t)(key[1] ^ (0x10 + i));
		ip_n(&a, 100 + i);
		dht_addto_lists(d, &a, pk[i]);
	}
	for (i = 0; i < 8; i++) {
		for (j = 0; j < 8; j++)
			if (memcmp(sr->c[j].pk, pk[i], 32) == 0)
				break;
		assert_true(j < 8);
	}
	/* Farther than all of them: refused. */
	memcpy(far, key, 32);
	far[0] ^= 0x80;
	ip_n(&a, 200);
	dht_addto_lists(d, &a, far);
	for (j = 0; j < 8; j++)
		assert_memory_not_equal(sr->c[j].pk, far, 32);
	/* Closer than the farthest (key[1] ^ 0x17): replaces it. */
	memcpy(near, key, 32);
	near[1] ^= 0x01;
	ip_n(&a, 201);
	dht_addto_lists(d, &a, near);
	for (j = 0; j < 8; j++)
		assert_memory_not_equal(sr->c[j].pk, pk[7], 32);
	for (j = 0; j < 8 && memcmp(sr->c[j].pk, near, 32) != 0; j++)
		;
	assert_true(j < 8);
	/* The searched key itself is found with its address. */
	assert_int_equal(dht_search_addr(d, key, &got), 0);
	ip_n(&a, 202);
	dht_addto_lists(d, &a, key);
	assert_int_equal(dht_search_addr(d, key, &got), 1);
	assert_true(ipp_equal(&got, &a));
	/* Bad entries go first even if farther ones are good. */
	d->now += DHT_BAD_NODE_MS;
	ip_n(&a, 203);
	dht_addto_lists(d, &a, far);
	for (j = 0; j < 8 && memcmp(sr->c[j].pk, far, 32) != 0; j++)
		;
	assert_true(j < 8);
	/* Deleting works; the fake keys cannot be deleted. */
	assert_int_equal(dht_search_del(d, key), 0);
	assert_int_equal(dht_search_del(d, key), -1);
	assert_int_equal(dht_search_del(d, d->search[0].pk), -1);
	sim_free(s);
}

static void
dht_close_nodes_selection(void **state)
{
	struct sim		*s = sim_new(1);
	struct dht		*d = s->n[0].d;
	struct dht_node		 out[4];
	uint8_t			 target[32], pk[32];
	struct ip_port		 a;
	unsigned		 i, n;

	/* Deep enough that its bucket is not full of the random ones. */
	key_in_bucket(d, 20, target);
	for (i = 0; i < 40; i++) {
		randombytes_buf(pk, 32);
		ip_n(&a, i);
		dht_addto_lists(d, &a, pk);
	}
	/* One LAN node exactly at the target. */
	assert_int_equal(ipp_parse("10.1.2.3", 5, &a), 0);
	dht_addto_lists(d, &a, target);
	n = dht_close_nodes(d, target, 0, out);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_memory_not_equal(out[i].pk, target, 32);
	n = dht_close_nodes(d, target, 1, out);
	assert_int_equal(n, 4);
	for (i = 0; i < n && memcmp(out[i].pk, target, 32) != 0; i++)
		;
	assert_true(i < n);
	/* Bad nodes are never handed out. */
	d->now += DHT_BAD_NODE_MS;
	assert_int_equal(dht_close_nodes(d, target, 1, out), 0);
	sim_free(s);
}

static void
dht_two_nodes_meet(void **state)
{
	struct sim	*s = sim_new(2);

	boot_from(s, 0, 1);
	assert_int_equal(dht_connected(s->n[0].d), 0);
	sim_run(s, T0 + 10000);
	assert_true(dht_connected(s->n[0].d));
	assert_true(dht_connected(s->n[1].d));
	assert_int_equal(dht_good_nodes(s->n[0].d), 1);
	/* They keep each other good for long: checks every 60 s. */
	sim_run(s, T0 + 600000);
	assert_true(dht_connected(s->n[0].d));
	assert_true(dht_connected(s->n[1].d));
	assert_int_equal(s->n[0].d->stats.malformed, 0);
	assert_int_equal(s->n[1].d->stats.malformed, 0);
	sim_free(s);
}

static void
dht_partner_gone_goes_bad(void **state)
{
	struct sim	*s = sim_new(2);
	uint64_t	 t;

	boot_from(s, 0, 1);
	sim_run(s, T0 + 10000);
	assert_true(dht_connected(s->n[0].d));
	/* Node 1 vanishes: node 0 must notice within the bad timeout. */
	s->n[1].dead = 1;
	t = s->now;
	sim_run(s, t + DHT_BAD_NODE_MS + 2000);
	assert_false(dht_connected(s->n[0].d));
	sim_free(s);
}

/* Captures one engine's output: a single-engine test bench. */
struct cap {
	struct ip_port	to;
	uint8_t		pkt[1100];
	size_t		len;
	unsigned	n;
};

static int
cap_send(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	struct cap	*c = arg;

	c->to = *to;
	if (len <= sizeof(c->pkt)) {
		memcpy(c->pkt, pkt, len);
		c->len = len;
	}
	c->n++;
	return (int)len;
}

static void
dht_response_checks(void **state)
{
	struct cap		 cap;
	struct dht		*d;
	struct dht_keys		*peer;
	struct dht_nodes_req	 q;
	struct dht_ping		 p;
	struct packed_node	 bn;
	struct ip_port		 pa, other;
	uint8_t			 from[32], pkt[200];
	int			 n;

	memset(&cap, 0, sizeof(cap));
	d = dht_new(cap_send, &cap, T0);
	peer = calloc(1, sizeof(*peer));
	assert_non_null(d);
	assert_non_null(peer);
	dht_keys_init(peer);
	ip_n(&pa, 7);
	ip_n(&other, 8);
	assert_int_equal(ipp_to_node(&pa, peer->pk, &bn), 0);
	assert_int_equal(dht_bootstrap_add(d, &bn), 0);
	assert_int_equal(cap.n, 1);
	assert_true(ipp_equal(&cap.to, &pa));
	assert_int_equal(cap.len, DHT_NODES_REQ_LEN);
	assert_int_equal(dhtp_nodes_req_parse(peer, cap.pkt, cap.len, from,
	    &q), 0);
	assert_memory_equal(q.search_pk, dht_self_pk(d), 32);

	/* A ping response that we never asked for is dropped. */
	memset(&p, 0, sizeof(p));
	p.response = 1;
	n = dhtp_ping_pack(peer, dht_self_pk(d), &p, pkt, sizeof(pkt));
	assert_int_equal(dht_handle_packet(d, &pa, pkt, (size_t)n, T0), -1);
	assert_int_equal(d->stats.unexpected, 1);

	/* Answer our ping from another address: dropped; from the right
	 * one after 5 s: dropped; in time and place: listed. */
	dht_send_ping(d, &pa, peer->pk);
	assert_int_equal(dhtp_ping_parse(peer, cap.pkt, cap.len, from, &p), 0);
	assert_int_equal(p.response, 0);
	p.response = 1;
	n = dhtp_ping_pack(peer, dht_self_pk(d), &p, pkt, sizeof(pkt));
	assert_int_equal(dht_handle_packet(d, &other, pkt, (size_t)n, T0), -1);
	assert_int_equal(dht_handle_packet(d, &pa, pkt, (size_t)n,
	    T0 + DHT_PING_TIMEOUT_MS), -1);
	assert_false(dht_connected(d));
	d->now = T0;		/* (time never goes back for the engine) */
	dht_send_ping(d, &pa, peer->pk);
	assert_int_equal(dhtp_ping_parse(peer, cap.pkt, cap.len, from, &p), 0);
	p.response = 1;
	n = dhtp_ping_pack(peer, dht_self_pk(d), &p, pkt, sizeof(pkt));
	assert_int_equal(dht_handle_packet(d, &pa, pkt, (size_t)n,
	    T0 + DHT_PING_TIMEOUT_MS - 1), 0);
	assert_true(dht_connected(d));
	/* The same answer again (replay): dropped. */
	assert_int_equal(dht_handle_packet(d, &pa, pkt, (size_t)n,
	    T0 + DHT_PING_TIMEOUT_MS - 1), -1);

	/* A ping request is answered with the id echoed byte for byte. */
	memcpy(p.ping_id, "\x00\x11\x22\x33\x44\x55\x66\x77", 8);
	p.response = 0;
	n = dhtp_ping_pack(peer, dht_self_pk(d), &p, pkt, sizeof(pkt));
	cap.n = 0;
	assert_int_equal(dht_handle_packet(d, &other, pkt, (size_t)n,
	    T0 + 5000), 0);
	assert_int_equal(cap.n, 1);
	assert_true(ipp_equal(&cap.to, &other));
	memset(&p, 0, sizeof(p));
	assert_int_equal(dhtp_ping_parse(peer, cap.pkt, cap.len, from, &p), 0);
	assert_int_equal(p.response, 1);
	assert_memory_equal(p.ping_id, "\x00\x11\x22\x33\x44\x55\x66\x77", 8);
	/* Not a DHT kind: left to others. */
	pkt[0] = 0x18;
	assert_int_equal(dht_handle_packet(d, &pa, pkt, 145, T0 + 5000), 1);
	dht_keys_wipe(peer);
	free(peer);
	dht_free(d);
}

static void
dht_timers_injected(void **state)
{
	struct cap		 cap;
	struct dht		*d;
	struct packed_node	 bn;
	struct ip_port		 pa;
	uint8_t			 pk[32];
	uint64_t		 t;

	memset(&cap, 0, sizeof(cap));
	d = dht_new(cap_send, &cap, T0);
	assert_non_null(d);
	/* Nothing known, nothing to do: no deadline at all. */
	assert_true(dht_tick(d, T0) == UINT64_MAX ||
	    dht_next_deadline(d) >= T0 + DHT_RUN_INTERVAL_MS);
	assert_int_equal(dht_next_deadline(d) == UINT64_MAX, 1);
	randombytes_buf(pk, 32);
	ip_n(&pa, 9);
	assert_int_equal(ipp_to_node(&pa, pk, &bn), 0);
	assert_int_equal(dht_bootstrap_add(d, &bn), 0);
	assert_int_equal(cap.n, 1);
	/* Not connected: asked again after the retry interval, not before. */
	t = dht_next_deadline(d);
	assert_int_equal(t, T0 + DHT_BOOTSTRAP_RETRY_MS);
	(void)dht_tick(d, t - 1);
	assert_int_equal(cap.n, 1);
	/* Runs are at most once a second: the deadline moved a little. */
	t = dht_next_deadline(d);
	assert_true(t >= T0 + DHT_BOOTSTRAP_RETRY_MS &&
	    t < T0 + DHT_BOOTSTRAP_RETRY_MS + DHT_RUN_INTERVAL_MS);
	(void)dht_tick(d, t);
	assert_int_equal(cap.n, 2);
	assert_int_equal(dht_next_deadline(d), t + DHT_BOOTSTRAP_RETRY_MS);
	/* A listed node is checked once per PING_INTERVAL. */
	dht_addto_lists(d, &pa, pk);
	cap.n = 0;
	t = d->now + DHT_RUN_INTERVAL_MS;
	(void)dht_tick(d, t);
	/* First run: the check of the newcomer, plus a random nodes request
	 * per list holding it (close list and both random searches). */
	assert_true(cap.n >= 2);
	cap.n = 0;
	(void)dht_tick(d, t + DHT_PING_INTERVAL_MS - 1);
	/* Only the bootstrap-rounds nodes requests, no recheck yet. */
	assert_true(cap.n <= 3);
	dht_free(d);
}

static void
dht_many_nodes_converge(void **state)
{
	struct sim	*s = sim_new(SIM_MAX);
	struct ip_port	 got;
	unsigned	 i, j, total = 0;

	for (i = 1; i < s->count; i++)
		boot_from(s, i, 0);
	/* Two of them look for each other's DHT keys. */
	assert_int_equal(dht_search_add(s->n[3].d, dht_self_pk(s->n[17].d)), 0);
	assert_int_equal(dht_search_add(s->n[17].d, dht_self_pk(s->n[3].d)), 0);
	sim_run(s, T0 + 60000);
	for (i = 0; i < s->count; i++) {
		j = dht_good_nodes(s->n[i].d);
		total += j;
		/* Everybody knows most of everybody: buckets are not full. */
		assert_true(j >= s->count / 2);
	}
	assert_int_equal(dht_search_addr(s->n[3].d, dht_self_pk(s->n[17].d),
	    &got), 1);
	assert_true(ipp_equal(&got, &s->n[17].addr));
	assert_int_equal(dht_search_addr(s->n[17].d, dht_self_pk(s->n[3].d),
	    &got), 1);
	assert_true(ipp_equal(&got, &s->n[3].addr));
	for (i = 0; i < s->count; i++)
		assert_int_equal(s->n[i].d->stats.malformed, 0);
	sim_free(s);
}

static void
dht_routes_requests_and_nat_ping(void **state)
{
	struct sim		*s = sim_new(3);
	struct dht_search	*sr;
	struct dht_nat_ping	 np;
	uint8_t			 data[9], pkt[DHT_REQ_MAX];
	int			 n;
	uint64_t		 routed;

	/* 0 and 2 know 1; 1 knows both. 2 searches for 0. */
	boot_from(s, 0, 1);
	boot_from(s, 2, 1);
	assert_int_equal(dht_search_add(s->n[2].d, dht_self_pk(s->n[0].d)), 0);
	sim_run(s, T0 + 8000);
	assert_non_null(dht_close_find(s->n[1].d, dht_self_pk(s->n[2].d)));
	/* 0 sends a NAT ping request for 2 to 1, which must forward it. */
	np.type = DHT_NAT_PING_REQ;
	memcpy(np.ping_id, "natping!", 8);
	assert_int_equal(dhtp_nat_ping_encode(&np, data, sizeof(data)), 9);
	n = dhtp_request_pack(&s->n[0].d->keys, dht_self_pk(s->n[2].d),
	    DHT_REQ_NAT_PING, data, 9, pkt, sizeof(pkt));
	assert_true(n > 0);
	routed = s->n[1].d->stats.routed;
	sr = dht_search_find(s->n[2].d, dht_self_pk(s->n[0].d));
	assert_non_null(sr);
	sr->nat.recv_ping = 0;
	assert_int_equal(dht_handle_packet(s->n[1].d, &s->n[0].addr, pkt,
	    (size_t)n, s->now), 0);
	assert_int_equal(s->n[1].d->stats.routed, routed + 1);
	sim_deliver(s);
	assert_int_equal(sr->nat.recv_ping, s->now);
	/* A response with our id turns punching on; a wrong id does not. */
	np.type = DHT_NAT_PING_RESP;
	memcpy(np.ping_id, sr->nat.ping_id, 8);
	np.ping_id[0] ^= 1;
	assert_int_equal(dhtp_nat_ping_encode(&np, data, sizeof(data)), 9);
	dht_nat_handle(s->n[2].d, dht_self_pk(s->n[0].d), data, 9);
	assert_int_equal(sr->nat.punching, 0);
	np.ping_id[0] ^= 1;
	assert_int_equal(dhtp_nat_ping_encode(&np, data, sizeof(data)), 9);
	dht_nat_handle(s->n[2].d, dht_self_pk(s->n[0].d), data, 9);
	assert_int_equal(sr->nat.punching, 1);
	/* From a key we do not search: ignored. */
	np.type = DHT_NAT_PING_REQ;
	assert_int_equal(dhtp_nat_ping_encode(&np, data, sizeof(data)), 9);
	routed = s->n[0].d->stats.unexpected;
	dht_nat_handle(s->n[0].d, dht_self_pk(s->n[2].d), data, 9);
	assert_int_equal(s->n[0].d->stats.unexpected, routed + 1);
	/* Addressed to a key not in 1's close list: not routed. */
	n = dhtp_request_pack(&s->n[0].d->keys, s->n[0].d->search[0].pk,
	    DHT_REQ_NAT_PING, data, 9, pkt, sizeof(pkt));
	assert_int_equal(dht_handle_packet(s->n[1].d, &s->n[0].addr, pkt,
	    (size_t)n, s->now), -1);
	sim_free(s);
}

/*
 * LAN discovery's packets are not the engine's (netd_lan.c owns kind 0x21
 * and its rules); the engine only asks the announced node for nodes.
 */
static void
dht_lan_ask_nodes(void **state)
{
	struct cap	 cap;
	struct dht	*d;
	struct ip_port	 lan, none;
	uint8_t		 pkt[40], pk[32];

	memset(&cap, 0, sizeof(cap));
	d = dht_new(cap_send, &cap, T0);
	assert_non_null(d);
	randombytes_buf(pk, 32);
	assert_int_equal(dhtp_lan_pack(pk, pkt, sizeof(pkt)), 33);
	assert_int_equal(ipp_parse("192.168.0.9", 33445, &lan), 0);
	assert_int_equal(dht_handle_packet(d, &lan, pkt, 33, T0), 1);
	assert_int_equal(cap.n, 0);
	assert_int_equal(dht_ask_nodes(d, &lan, pk, T0), 0);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.pkt[0], DHT_NODES_REQ);
	assert_true(ipp_equal(&cap.to, &lan));
	/* Not our own key (our announcement echoed back), not no address. */
	assert_int_equal(dht_ask_nodes(d, &lan, dht_self_pk(d), T0), -1);
	memset(&none, 0, sizeof(none));
	assert_int_equal(dht_ask_nodes(d, &none, pk, T0), -1);
	assert_int_equal(cap.n, 1);
	dht_free(d);
}

static void
dht_garbage_flood(void **state)
{
	static const uint8_t	 kinds[] = { 0x00, 0x01, 0x02, 0x04, 0x20,
	    0x21, 0x18, 0xff };
	struct sim		*s = sim_new(2);
	struct dht		*d = s->n[0].d;
	struct dht_keys		*k;
	struct dht_ping		 p;
	struct ip_port		 a;
	uint8_t			 pkt[1100];
	size_t			 len;
	unsigned		 i;

	k = calloc(1, sizeof(*k));
	assert_non_null(k);
	s->capture = 1;
	for (i = 0; i < 60000; i++) {
		len = randombytes_uniform(sizeof(pkt)) + 1;
		if (i % 3 == 0)
			len = (size_t[]){ 33, 82, 113, 121, 286, 1024 }
			    [randombytes_uniform(6)];
		randombytes_buf(pkt, len);
		pkt[0] = kinds[randombytes_uniform(sizeof(kinds))];
		if (i % 5 == 0 && len > 33)
			memcpy(pkt + 1, dht_self_pk(d), 32);	/* "for us" */
		ip_n(&a, i);
		if (i % 7 == 0)
			a.ip[0] = 192, a.ip[1] = 168;
		(void)dht_handle_packet(d, &a, pkt, len, T0 + i / 10);
		s->head = s->tail;	/* discard answers */
	}
	/* Well-formed pings from many strangers: the ping queue stays at 32. */
	for (i = 0; i < 500; i++) {
		dht_keys_init(k);
		memset(&p, 0, sizeof(p));
		(void)dhtp_ping_pack(k, dht_self_pk(d), &p, pkt, sizeof(pkt));
		ip_n(&a, 1000 + i);
		assert_int_equal(dht_handle_packet(d, &a, pkt, DHT_PING_LEN,
		    T0 + 6000), 0);
		assert_true(d->n_to_ping <= DHT_TO_PING_MAX);
	}
	s->head = s->tail;
	assert_true(d->stats.malformed > 30000);
	assert_int_equal(dht_good_nodes(d), 0);	/* nobody got listed */
	/* Still works: it meets node 1 normally. */
	s->now = T0 + 10000;
	d->n_to_ping = 0;
	boot_from(s, 0, 1);
	sim_run(s, s->now + 10000);
	assert_true(dht_connected(d));
	assert_true(dht_connected(s->n[1].d));
	dht_keys_wipe(k);
	free(k);
	sim_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dht_bucket_index),
		cmocka_unit_test(dht_close_never_evicts_good),
		cmocka_unit_test(dht_close_refresh_and_rekey),
		cmocka_unit_test(dht_search_list_replacement),
		cmocka_unit_test(dht_close_nodes_selection),
		cmocka_unit_test(dht_two_nodes_meet),
		cmocka_unit_test(dht_partner_gone_goes_bad),
		cmocka_unit_test(dht_response_checks),
		cmocka_unit_test(dht_timers_injected),
		cmocka_unit_test(dht_many_nodes_converge),
		cmocka_unit_test(dht_routes_requests_and_nat_ping),
		cmocka_unit_test(dht_lan_ask_nodes),
		cmocka_unit_test(dht_garbage_flood),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
