/*
 * The announce store engine (node D), fed packets from a hand-built
 * requester (tests/lib/onion_peer.c) with the clock as now_ms: a first
 * announce gets a ping id, re-announcing with it stores (2), a search
 * under another key finds the data key (1), ping ids die after two
 * windows and only work from the address they were given to, entries
 * expire, a full store keeps the 160 keys closest to ours, onion data
 * goes down the stored path, and the close nodes are listed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/announce_store.h"
#include "tests/lib/onion_peer.h"

#define T0	1000000		/* any mono ms: not a window's start */

struct peer {
	uint8_t		pk[32], sk[32], data_pk[32], data_sk[32];
	uint8_t		ret[OP_RET_LEN];
};

struct fx {
	struct dht_keys		d;
	struct announce		a;
	/* what the engine sent last */
	int			nsent;
	struct ip_port		to;
	uint8_t			out[2048];
	size_t			out_len;
	/* what the close callback answers */
	unsigned		nclose;
	struct dht_node		close[DHT_GET_CLOSE_MAX];
	int			asked_lan;
	uint8_t			asked_target[32];
};

static int
send_cb(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	struct fx	*f = arg;

	assert_true(len <= sizeof(f->out));
	f->nsent++;
	f->to = *to;
	memcpy(f->out, pkt, len);
	f->out_len = len;
	return (int)len;
}

static unsigned
close_cb(void *arg, const uint8_t *target, int lan,
    struct dht_node out[DHT_GET_CLOSE_MAX])
{
	struct fx	*f = arg;

	f->asked_lan = lan;
	memcpy(f->asked_target, target, 32);
	memcpy(out, f->close, sizeof(f->close));
	return f->nclose;
}

static int
setup(void **state)
{
	struct fx	*f;

	if (sodium_init() < 0 || (f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	dht_keys_init(&f->d);
	announce_init(&f->a, &f->d, send_cb, f, close_cb, f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;

	announce_wipe(&f->a);
	free(f);
	return 0;
}

static void
peer_new(struct peer *p)
{
	crypto_box_keypair(p->pk, p->sk);
	crypto_box_keypair(p->data_pk, p->data_sk);
	randombytes_buf(p->ret, sizeof(p->ret));
}

static void
addr(struct ip_port *a, uint8_t last, uint16_t port)
{
	static const uint8_t	ip[4] = { 198, 51, 100, 0 };

	memset(a, 0, sizeof(*a));
	assert_int_equal(ipp_set(a, ip, 4, port), 0);
	a->ip[3] = last;
}

/*
 * p asks D from relay address c: search (NULL: itself), ping id (NULL:
 * zeros), data key (p's).  Returns the answer opened.
 */
static struct op_resp
ask(struct fx *f, const struct peer *p, const struct ip_port *c,
    const uint8_t *search, const uint8_t *ping_id, const uint8_t *data_pk,
    uint64_t now)
{
	static const uint8_t	zero[32];
	struct op_resp		r;
	uint8_t			pkt[OP_REQ_LEN], sendback[8];
	const char		*why;
	int			before = f->nsent;

	randombytes_buf(sendback, sizeof(sendback));
	op_announce(pkt, f->d.pk, p->pk, p->sk, ping_id ? ping_id : zero,
	    search ? search : p->pk, data_pk, sendback, p->ret);
	assert_int_equal(announce_handle_packet(&f->a, c, pkt, sizeof(pkt),
	    now), 0);
	assert_int_equal(f->nsent, before + 1);
	assert_true(ipp_equal(&f->to, c));	/* back to relay C */
	if (op_open_resp(f->out, f->out_len, p->ret, f->d.pk, p->sk, &r,
	    &why) == -1)
		fail_msg("answer does not open: %s", why);
	assert_memory_equal(r.sendback, sendback, 8);
	return r;
}

static void
announce_stores_with_the_ping_id_it_gave(void **state)
{
	struct fx	*f = *state;
	struct peer	 p;
	struct ip_port	 c;
	struct op_resp	 r, r2;
	uint8_t		 want[32];
	const struct announce_entry *e;

	peer_new(&p);
	addr(&c, 1, 33445);
	r = ask(f, &p, &c, NULL, NULL, p.data_pk, T0);
	assert_int_equal(r.is_stored, 0);
	announce_ping_id(&f->a, p.pk, &c, T0, want);
	assert_memory_equal(r.field, want, 32);
	assert_int_equal(announce_count(&f->a, T0), 0);

	r2 = ask(f, &p, &c, NULL, r.field, p.data_pk, T0 + 3000);
	assert_int_equal(r2.is_stored, 2);
	assert_non_null(e = announce_find(&f->a, p.pk, T0 + 3000));
	assert_memory_equal(e->data_pk, p.data_pk, 32);
	assert_memory_equal(e->ret, p.ret, OP_RET_LEN);
	assert_true(ipp_equal(&e->ret_ipp, &c));
	assert_int_equal(f->a.stats.stored, 1);
	assert_int_equal(f->a.stats.answered, 2);

	/* without a ping id, still stored with that data key: 2 */
	r = ask(f, &p, &c, NULL, NULL, p.data_pk, T0 + 4000);
	assert_int_equal(r.is_stored, 2);
	/* with another data key and no ping id: not what is stored, 0 */
	r = ask(f, &p, &c, NULL, NULL, p.sk, T0 + 4000);
	assert_int_equal(r.is_stored, 0);
	assert_int_equal(f->a.stats.stored, 1);
}

static void
announce_refresh_moves_the_return_path(void **state)
{
	struct fx	*f = *state;
	struct peer	 p;
	struct ip_port	 c;
	struct op_resp	 r;
	const struct announce_entry *e;

	peer_new(&p);
	addr(&c, 1, 33445);
	r = ask(f, &p, &c, NULL, NULL, p.data_pk, T0);
	r = ask(f, &p, &c, NULL, r.field, p.data_pk, T0);
	assert_int_equal(r.is_stored, 2);
	/* 200 s on, the same path with a new R3: refreshed, not added */
	randombytes_buf(p.ret, sizeof(p.ret));
	r = ask(f, &p, &c, NULL, r.field, p.data_pk, T0 + 200000);
	assert_int_equal(r.is_stored, 2);
	assert_int_equal(announce_count(&f->a, T0 + 200000), 1);
	assert_int_equal(f->a.stats.stored, 2);
	e = announce_find(&f->a, p.pk, T0 + 200000);
	assert_memory_equal(e->ret, p.ret, OP_RET_LEN);
	/* it lives 300 s from the refresh, not from the first store */
	assert_non_null(announce_find(&f->a, p.pk, T0 + 499999));
	assert_null(announce_find(&f->a, p.pk, T0 + 500000));
}

static void
announce_ping_id_lives_two_windows(void **state)
{
	struct fx	*f = *state;
	struct peer	 p;
	struct ip_port	 c;
	struct op_resp	 r, r2;
	uint64_t	 w0 = 10 * ANNOUNCE_PING_WINDOW_MS;

	peer_new(&p);
	addr(&c, 1, 33445);
	/* given at the very end of a window, good through the next */
	r = ask(f, &p, &c, NULL, NULL, p.data_pk, w0 - 1);
	r2 = ask(f, &p, &c, NULL, r.field, p.data_pk,
	    w0 + ANNOUNCE_PING_WINDOW_MS - 1);
	assert_int_equal(r2.is_stored, 2);

	/* another requester: its id is refused two windows on */
	peer_new(&p);
	r = ask(f, &p, &c, NULL, NULL, p.data_pk, w0);
	r2 = ask(f, &p, &c, NULL, r.field, p.data_pk,
	    w0 + 2 * ANNOUNCE_PING_WINDOW_MS);
	assert_int_equal(r2.is_stored, 0);
	assert_null(announce_find(&f->a, p.pk, w0 + 2 *
	    ANNOUNCE_PING_WINDOW_MS));
	/* and the fresh one it got instead works */
	r = ask(f, &p, &c, NULL, r2.field, p.data_pk,
	    w0 + 2 * ANNOUNCE_PING_WINDOW_MS);
	assert_int_equal(r.is_stored, 2);
}

static void
announce_entry_expires(void **state)
{
	struct fx	*f = *state;
	struct peer	 p, s;
	struct ip_port	 c;
	struct op_resp	 r;

	peer_new(&p);
	peer_new(&s);
	addr(&c, 1, 33445);
	r = ask(f, &p, &c, NULL, NULL, p.data_pk, T0);
	r = ask(f, &p, &c, NULL, r.field, p.data_pk, T0);
	assert_int_equal(r.is_stored, 2);
	r = ask(f, &s, &c, p.pk, NULL, s.data_pk, T0 + ANNOUNCE_TIMEOUT_MS - 1);
	assert_int_equal(r.is_stored, 1);
	r = ask(f, &s, &c, p.pk, NULL, s.data_pk, T0 + ANNOUNCE_TIMEOUT_MS);
	assert_int_equal(r.is_stored, 0);
	assert_int_equal(announce_count(&f->a, T0 + ANNOUNCE_TIMEOUT_MS), 0);
}

static void
announce_ping_id_bound_to_the_address(void **state)
{
	struct fx	*f = *state;
	struct peer	 p, q;
	struct ip_port	 c, c_port, c_ip;
	struct op_resp	 r, r2;

	peer_new(&p);
	peer_new(&q);
	addr(&c, 1, 33445);
	addr(&c_port, 1, 33446);
	addr(&c_ip, 2, 33445);
	r = ask(f, &p, &c, NULL, NULL, p.data_pk, T0);
	/* the same id over another path: another port, another host */
	r2 = ask(f, &p, &c_port, NULL, r.field, p.data_pk, T0);
	assert_int_equal(r2.is_stored, 0);
	r2 = ask(f, &p, &c_ip, NULL, r.field, p.data_pk, T0);
	assert_int_equal(r2.is_stored, 0);
	/* someone else's id, same path */
	r2 = ask(f, &q, &c, NULL, r.field, q.data_pk, T0);
	assert_int_equal(r2.is_stored, 0);
	assert_int_equal(announce_count(&f->a, T0), 0);
	assert_int_equal(f->a.stats.stored, 0);
	/* the right path still works */
	r2 = ask(f, &p, &c, NULL, r.field, p.data_pk, T0);
	assert_int_equal(r2.is_stored, 2);
}

static void
announce_search_finds_the_data_key(void **state)
{
	struct fx	*f = *state;
	struct peer	 p, s;
	struct ip_port	 c, c2;
	struct op_resp	 r;
	uint8_t		 zero[32] = { 0 }, want[32];

	peer_new(&p);
	peer_new(&s);
	addr(&c, 1, 33445);
	addr(&c2, 7, 40000);
	r = ask(f, &p, &c, NULL, NULL, p.data_pk, T0);
	r = ask(f, &p, &c, NULL, r.field, p.data_pk, T0);
	/* a friend's search: a temp key, data key and ping id zeros */
	r = ask(f, &s, &c2, p.pk, NULL, zero, T0 + 1000);
	assert_int_equal(r.is_stored, 1);
	assert_memory_equal(r.field, p.data_pk, 32);
	assert_int_equal(announce_count(&f->a, T0 + 1000), 1);
	/* a key nobody announced: 0 and a ping id for the searcher */
	r = ask(f, &s, &c2, s.data_pk, NULL, zero, T0 + 1000);
	assert_int_equal(r.is_stored, 0);
	announce_ping_id(&f->a, s.pk, &c2, T0 + 1000, want);
	assert_memory_equal(r.field, want, 32);
}

/* 1 if x is closer to key than y */
static int
closer(const uint8_t *key, const uint8_t *x, const uint8_t *y)
{
	int	i;

	for (i = 0; i < 32; i++)
		if ((key[i] ^ x[i]) != (key[i] ^ y[i]))
			return (key[i] ^ x[i]) < (key[i] ^ y[i]);
	return 0;
}

static void
announce_full_store_keeps_the_closest(void **state)
{
	enum { N = 400 };
	struct fx	*f = *state;
	struct peer	*p;
	struct ip_port	 c;
	struct op_resp	 r;
	uint8_t		 id[32];
	unsigned	 i, j, rank;

	assert_non_null(p = calloc(N, sizeof(*p)));
	addr(&c, 1, 33445);
	for (i = 0; i < N; i++) {
		peer_new(&p[i]);
		announce_ping_id(&f->a, p[i].pk, &c, T0, id);
		r = ask(f, &p[i], &c, NULL, id, p[i].data_pk, T0);
		(void)r;
	}
	assert_int_equal(announce_count(&f->a, T0), ANNOUNCE_ENTRIES);
	/* stored iff among the 160 closest of all 400 to D's key */
	for (i = 0; i < N; i++) {
		for (rank = 0, j = 0; j < N; j++)
			rank += (unsigned)closer(f->d.pk, p[j].pk, p[i].pk);
		if (rank < ANNOUNCE_ENTRIES)
			assert_non_null(announce_find(&f->a, p[i].pk, T0));
		else
			assert_null(announce_find(&f->a, p[i].pk, T0));
	}
	assert_true(f->a.stats.refused > 0);
	assert_int_equal(f->a.stats.stored + f->a.stats.refused, N);
	free(p);
}

static void
announce_routes_data_down_the_stored_path(void **state)
{
	struct fx	*f = *state;
	struct peer	 p, s;
	struct ip_port	 c, c2;
	struct op_resp	 r;
	uint8_t		 pkt[1500], inner[300], plain[300];
	size_t		 len;
	int		 before;

	peer_new(&p);
	peer_new(&s);
	addr(&c, 1, 33445);
	addr(&c2, 9, 50000);
	r = ask(f, &p, &c, NULL, NULL, p.data_pk, T0);
	r = ask(f, &p, &c, NULL, r.field, p.data_pk, T0);
	assert_int_equal(r.is_stored, 2);

	/* s sends data for p, through another relay with its own R3 */
	randombytes_buf(inner, sizeof(inner));
	len = op_data(pkt, sizeof(pkt), p.pk, p.data_pk, inner, sizeof(inner),
	    s.ret);
	before = f->nsent;
	assert_int_equal(announce_handle_packet(&f->a, &c2, pkt, len, T0 + 10),
	    0);
	assert_int_equal(f->nsent, before + 1);
	assert_true(ipp_equal(&f->to, &c));	/* p's relay, not s's */
	assert_int_equal(f->out_len, 1 + 177 + len - 32 - 177);
	assert_int_equal(f->out[0], 0x8c);
	assert_memory_equal(f->out + 1, p.ret, 177);
	assert_int_equal(f->out[178], 0x86);
	assert_memory_equal(f->out + 179, pkt + 33, len - 33 - 177);
	/* and p opens it with its data key: nonce || eph pk || box */
	assert_int_equal(crypto_box_open_easy(plain, f->out + 179 + 56,
	    sizeof(inner) + 16, f->out + 179, f->out + 179 + 24, p.data_sk), 0);
	assert_memory_equal(plain, inner, sizeof(inner));
	assert_int_equal(f->a.stats.routed, 1);

	/* for a key not stored: dropped, nothing sent */
	len = op_data(pkt, sizeof(pkt), s.pk, s.data_pk, inner, sizeof(inner),
	    s.ret);
	assert_int_equal(announce_handle_packet(&f->a, &c2, pkt, len, T0 + 10),
	    -1);
	assert_int_equal(f->nsent, before + 1);
	/* nor once p's entry expired */
	len = op_data(pkt, sizeof(pkt), p.pk, p.data_pk, inner, sizeof(inner),
	    s.ret);
	assert_int_equal(announce_handle_packet(&f->a, &c2, pkt, len,
	    T0 + ANNOUNCE_TIMEOUT_MS), -1);
	assert_int_equal(f->nsent, before + 1);
	assert_int_equal(f->a.stats.dropped, 2);
}

static void
announce_lists_the_close_nodes(void **state)
{
	struct fx	*f = *state;
	struct peer	 p;
	struct ip_port	 c, lan;
	struct op_resp	 r;
	uint8_t		 target[32];
	static const uint8_t	loop4[4] = { 127, 0, 0, 1 };
	uint8_t		 v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	unsigned	 i;

	peer_new(&p);
	randombytes_buf(target, sizeof(target));
	addr(&c, 1, 33445);
	for (i = 0; i < DHT_GET_CLOSE_MAX; i++) {
		if (i == 2)
			assert_int_equal(ipp_set(&f->close[i].ipp, v6, 16,
			    (uint16_t)(1000 + i)), 0);
		else
			addr(&f->close[i].ipp, (uint8_t)(20 + i),
			    (uint16_t)(1000 + i));
		memset(f->close[i].pk, (int)(0x40 + i), 32);
	}
	f->nclose = DHT_GET_CLOSE_MAX;
	r = ask(f, &p, &c, target, NULL, p.data_pk, T0);
	assert_memory_equal(f->asked_target, target, 32);
	assert_int_equal(f->asked_lan, 0);
	assert_int_equal(r.nodes_len, 3 * 39 + 51);
	assert_int_equal(r.nodes[0], 2);
	assert_int_equal(r.nodes[4], 20);
	assert_int_equal(r.nodes[5] << 8 | r.nodes[6], 1000);
	assert_int_equal(r.nodes[7], 0x40);
	assert_int_equal(r.nodes[2 * 39], 10);
	assert_int_equal(r.nodes[2 * 39 + 1], 0x20);
	assert_int_equal(r.nodes[2 * 39 + 19], 0x42);

	/* a requester on the LAN may hear of LAN nodes */
	f->nclose = 1;
	assert_int_equal(ipp_set(&lan, loop4, 4, 33445), 0);
	r = ask(f, &p, &lan, target, NULL, p.data_pk, T0);
	assert_int_equal(f->asked_lan, 1);
	assert_int_equal(r.nodes_len, 39);
}

static void
announce_drops_garbage_and_ignores_other_kinds(void **state)
{
	struct fx	*f = *state;
	struct peer	 p;
	struct ip_port	 c;
	uint8_t		 pkt[OP_REQ_LEN], zero[32] = { 0 }, sb[8] = { 0 };

	peer_new(&p);
	addr(&c, 1, 33445);
	op_announce(pkt, f->d.pk, p.pk, p.sk, zero, p.pk, p.data_pk, sb,
	    p.ret);
	pkt[100] ^= 1;
	assert_int_equal(announce_handle_packet(&f->a, &c, pkt, sizeof(pkt),
	    T0), -1);
	assert_int_equal(announce_handle_packet(&f->a, &c, pkt, 353, T0), -1);
	pkt[0] = 0x02;
	assert_int_equal(announce_handle_packet(&f->a, &c, pkt, sizeof(pkt),
	    T0), 1);
	assert_int_equal(announce_handle_packet(&f->a, &c, pkt, 0, T0), 1);
	assert_int_equal(f->nsent, 0);
	assert_int_equal(f->a.stats.dropped, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(announce_stores_with_the_ping_id_it_gave),
		T(announce_refresh_moves_the_return_path),
		T(announce_ping_id_lives_two_windows),
		T(announce_entry_expires),
		T(announce_ping_id_bound_to_the_address),
		T(announce_search_finds_the_data_key),
		T(announce_full_store_keeps_the_closest),
		T(announce_routes_data_down_the_stored_path),
		T(announce_lists_the_close_nodes),
		T(announce_drops_garbage_and_ignores_other_kinds),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
