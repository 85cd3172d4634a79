/*
 * netd's DHT-PK pieces that are pure: the schedule (netd/dhtpk_sched.c:
 * c-toxcore's 30 s by onion, 20 s by the DHT, a second after a try that
 * could not go, nothing while online) and the DHT engine's part (a 0x20
 * with id 0x9c for us reaches the hook with the outer sender's key, a
 * nodes request for our key is noticed, route_to_friend's rule).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "netd/dht_int.h"
#include "netd/dhtpk_sched.h"

#define T0	1000000

static void
sched_cadence(void **state)
{
	struct dhtpk_sched	*s = calloc(1, sizeof(*s));
	struct dhtpk_friend	*f, gone;
	uint8_t			 pk[32], dht[32], old[32];
	uint64_t		 t = T0;
	int			 route, had_old;

	assert_non_null(s);
	dhtpk_sched_init(s);
	randombytes_buf(pk, 32);
	assert_int_equal(dhtpk_sched_next(s), UINT64_MAX);
	/* new, offline: the onion route at once; no DHT key, no DHT route */
	assert_int_equal(dhtpk_sched_set(s, pk, FRIEND_NET_OFFLINE, t, NULL),
	    0);
	assert_int_equal(dhtpk_sched_next(s), t);
	assert_non_null(f = dhtpk_sched_take(s, t, &route));
	assert_int_equal(route, DHTPK_ROUTE_ONION);
	assert_null(dhtpk_sched_take(s, t, &route));
	/* not sent (no data key yet): a second later */
	assert_int_equal(dhtpk_sched_next(s), t + DHTPK_RETRY_MS);
	t += DHTPK_RETRY_MS;
	assert_non_null(f = dhtpk_sched_take(s, t, &route));
	dhtpk_sched_sent(f, route, t);
	assert_int_equal(dhtpk_sched_next(s), t + DHTPK_ONION_MS);

	/* its DHT key: the DHT route at once, then every 20 s */
	randombytes_buf(dht, 32);
	assert_int_equal(dhtpk_sched_set_dht(s, pk, dht, t, old, &had_old),
	    1);
	assert_int_equal(had_old, 0);
	assert_int_equal(dhtpk_sched_set_dht(s, pk, dht, t, old, &had_old),
	    0);
	assert_non_null(f = dhtpk_sched_take(s, t, &route));
	assert_int_equal(route, DHTPK_ROUTE_DHT);
	dhtpk_sched_sent(f, route, t);
	assert_int_equal(dhtpk_sched_next(s), t + DHTPK_DHT_MS);
	assert_null(dhtpk_sched_take(s, t + DHTPK_DHT_MS - 1, &route));
	assert_non_null(dhtpk_sched_take(s, t + DHTPK_DHT_MS, &route));
	assert_int_equal(route, DHTPK_ROUTE_DHT);
	/* a newer key replaces it */
	dht[0] ^= 1;
	assert_int_equal(dhtpk_sched_set_dht(s, pk, dht, t, old, &had_old),
	    1);
	assert_int_equal(had_old, 1);
	dht[0] ^= 1;
	assert_memory_equal(old, dht, 32);

	/* online: nothing due; offline again: both at once */
	assert_int_equal(dhtpk_sched_set(s, pk, FRIEND_NET_ONLINE, t, NULL),
	    0);
	assert_int_equal(dhtpk_sched_next(s), UINT64_MAX);
	t += 5000;
	assert_int_equal(dhtpk_sched_set(s, pk, FRIEND_NET_OFFLINE, t, NULL),
	    0);
	assert_int_equal(dhtpk_sched_next(s), t);
	assert_non_null(dhtpk_sched_take(s, t, &route));
	assert_non_null(dhtpk_sched_take(s, t, &route));
	assert_null(dhtpk_sched_take(s, t, &route));

	/* gone: forgotten, its DHT key handed back; strangers refused */
	assert_int_equal(dhtpk_sched_set(s, pk, FRIEND_NET_GONE, t, &gone),
	    0);
	assert_true(gone.has_dht);
	assert_int_equal(dhtpk_sched_next(s), UINT64_MAX);
	assert_int_equal(dhtpk_sched_set(s, pk, FRIEND_NET_GONE, t, &gone),
	    -1);
	assert_int_equal(dhtpk_sched_set_dht(s, pk, dht, t, old, &had_old),
	    -1);
	free(s);
}

static void
sched_is_bounded(void **state)
{
	struct dhtpk_sched	*s = calloc(1, sizeof(*s));
	uint8_t			 pk[32];
	int			 i;

	assert_non_null(s);
	dhtpk_sched_init(s);
	memset(pk, 0, sizeof(pk));
	for (i = 0; i < DHTPK_SCHED_MAX; i++) {
		pk[0] = (uint8_t)i;
		pk[1] = (uint8_t)(i >> 8);
		assert_int_equal(dhtpk_sched_set(s, pk, FRIEND_NET_OFFLINE,
		    T0, NULL), 0);
	}
	pk[2] = 1;
	assert_int_equal(dhtpk_sched_set(s, pk, FRIEND_NET_OFFLINE, T0, NULL),
	    -1);
	free(s);
}

/* The DHT engine's side. */

struct cap {
	unsigned	n;
	struct ip_port	to[16];
};

static int
cap_send(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	struct cap	*c = arg;

	if (c->n < 16)
		c->to[c->n] = *to;
	c->n++;
	return (int)len;
}

static struct {
	unsigned	dhtpk, searched;
	uint8_t		sender[32];
	uint8_t		data[DHT_REQ_DATA_MAX];
	size_t		len;
} hook;

static void
on_dhtpk(void *arg, const uint8_t *sender, const uint8_t *data, size_t len)
{
	hook.dhtpk++;
	memcpy(hook.sender, sender, 32);
	memcpy(hook.data, data, len);
	hook.len = len;
}

static void
on_searched(void *arg, const uint8_t *sender)
{
	hook.searched++;
	memcpy(hook.sender, sender, 32);
}

static void
ip_n(struct ip_port *a, unsigned n)
{
	memset(a, 0, sizeof(*a));
	a->family = IPP_V4;
	a->ip[0] = 8;
	a->ip[2] = (uint8_t)n;
	a->ip[3] = 1;
	a->port = 33445;
}

static void
dht_hands_dhtpk_requests_to_the_hook(void **state)
{
	struct cap		 cap;
	struct dht		*d;
	struct dht_keys		*peer = calloc(1, sizeof(*peer));
	struct dht_nodes_req	 q;
	struct ip_port		 pa;
	uint8_t			 pkt[DHT_REQ_MAX], data[100];
	int			 n;

	memset(&cap, 0, sizeof(cap));
	memset(&hook, 0, sizeof(hook));
	assert_non_null(peer);
	assert_non_null(d = dht_new(cap_send, &cap, T0));
	dht_keys_init(peer);
	ip_n(&pa, 7);
	randombytes_buf(data, sizeof(data));
	n = dhtp_request_pack(peer, dht_self_pk(d), DHT_REQ_DHTPK, data,
	    sizeof(data), pkt, sizeof(pkt));
	assert_true(n > 0);
	/* no hook: counted as unexpected and dropped */
	assert_int_equal(dht_handle_packet(d, &pa, pkt, (size_t)n, T0), -1);
	assert_int_equal(hook.dhtpk, 0);
	dht_set_hooks(d, on_dhtpk, on_searched, NULL);
	assert_int_equal(dht_handle_packet(d, &pa, pkt, (size_t)n, T0), 0);
	assert_int_equal(hook.dhtpk, 1);
	assert_memory_equal(hook.sender, peer->pk, 32);
	assert_int_equal(hook.len, sizeof(data));
	assert_memory_equal(hook.data, data, sizeof(data));
	assert_int_equal(d->stats.dhtpk_in, 1);

	/* a nodes request for some key: nothing; for ours: noticed */
	randombytes_buf(q.search_pk, 32);
	randombytes_buf(q.ping_id, 8);
	n = dhtp_nodes_req_pack(peer, dht_self_pk(d), &q, pkt, sizeof(pkt));
	assert_int_equal(dht_handle_packet(d, &pa, pkt, (size_t)n, T0), 0);
	assert_int_equal(hook.searched, 0);
	memcpy(q.search_pk, dht_self_pk(d), 32);
	n = dhtp_nodes_req_pack(peer, dht_self_pk(d), &q, pkt, sizeof(pkt));
	assert_int_equal(dht_handle_packet(d, &pa, pkt, (size_t)n, T0), 0);
	assert_int_equal(hook.searched, 1);
	assert_int_equal(d->stats.self_searched, 1);

	/* asking a node for a friend's key sends a nodes request for it */
	cap.n = 0;
	assert_int_equal(dht_ask_nodes_for(d, &pa, peer->pk, data, T0), 0);
	assert_int_equal(cap.n, 1);
	dht_free(d);
	free(peer);
}

static void
dht_routes_through_two_nodes_that_know(void **state)
{
	struct cap		 cap;
	struct dht		*d;
	struct dht_search	*s;
	uint8_t			 fpk[32], pkt[200];
	unsigned		 i;

	memset(&cap, 0, sizeof(cap));
	memset(pkt, 0x20, sizeof(pkt));
	assert_non_null(d = dht_new(cap_send, &cap, T0));
	randombytes_buf(fpk, 32);
	/* not searched: nothing */
	assert_int_equal(dht_route_to_friend(d, fpk, pkt, sizeof(pkt), T0),
	    0);
	assert_int_equal(dht_search_add(d, fpk), 0);
	assert_non_null(s = dht_search_find(d, fpk));
	for (i = 0; i < 3; i++) {
		randombytes_buf(s->c[i].pk, 32);
		ip_n(&s->c[i].a4.ipp, 10 + i);
		s->c[i].a4.seen = T0;
	}
	/* one node says where the friend is: too few */
	ip_n(&s->c[0].a4.ret, 99);
	s->c[0].a4.ret_seen = T0;
	assert_int_equal(dht_route_to_friend(d, fpk, pkt, sizeof(pkt), T0),
	    0);
	/* two: each gets it */
	ip_n(&s->c[1].a4.ret, 99);
	s->c[1].a4.ret_seen = T0;
	cap.n = 0;
	assert_int_equal(dht_route_to_friend(d, fpk, pkt, sizeof(pkt), T0),
	    2);
	assert_int_equal(cap.n, 2);
	assert_true(ipp_equal(&cap.to[0], &s->c[0].a4.ipp));
	assert_true(ipp_equal(&cap.to[1], &s->c[1].a4.ipp));
	/* their word grows old: nothing */
	cap.n = 0;
	assert_int_equal(dht_route_to_friend(d, fpk, pkt, sizeof(pkt),
	    T0 + DHT_BAD_NODE_MS), 0);
	assert_int_equal(cap.n, 0);
	/* the friend itself good in its list: c-toxcore sends nothing */
	s->c[0].a4.ret_seen = s->c[1].a4.ret_seen = T0 + DHT_BAD_NODE_MS;
	memcpy(s->c[2].pk, fpk, 32);
	s->c[2].a4.seen = T0 + DHT_BAD_NODE_MS;
	assert_int_equal(dht_route_to_friend(d, fpk, pkt, sizeof(pkt),
	    T0 + DHT_BAD_NODE_MS), 0);
	dht_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sched_cadence),
		cmocka_unit_test(sched_is_bounded),
		cmocka_unit_test(dht_hands_dhtpk_requests_to_the_hook),
		cmocka_unit_test(dht_routes_through_two_nodes_that_know),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
