/* DHT packet codecs: round trips, exact layouts, every length and family error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/dht_packet.h"

struct pair {
	struct dht_keys	a, b;
};

static int
setup(void **state)
{
	struct pair	*p;

	if (sodium_init() < 0 || (p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	dht_keys_init(&p->a);
	dht_keys_init(&p->b);
	*state = p;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

static void
node_v4(struct packed_node *n, uint8_t seed)
{
	memset(n, 0, sizeof(*n));
	n->family = PN_UDP4;
	n->ip[0] = 10;
	n->ip[3] = seed;
	n->port = (uint16_t)(33445 + seed);
	memset(n->pk, seed, sizeof(n->pk));
}

static void
node_v6(struct packed_node *n, uint8_t seed)
{
	memset(n, 0, sizeof(*n));
	n->family = PN_UDP6;
	n->ip[0] = 0x20;
	n->ip[1] = 0x01;
	n->ip[15] = seed;
	n->port = (uint16_t)(40000 + seed);
	memset(n->pk, 0x80 | seed, sizeof(n->pk));
}

/* The layout is kind || pk || nonce || crypto_box(plain), as c-toxcore. */
static void
check_layout(struct pair *p, const uint8_t *pkt, size_t len, uint8_t kind,
    const uint8_t *plain, size_t plen)
{
	uint8_t	out[1024];

	assert_int_equal(pkt[0], kind);
	assert_memory_equal(pkt + 1, p->a.pk, DHT_PK_LEN);
	assert_int_equal(len, DHT_HDR_LEN + DHT_MAC_LEN + plen);
	assert_int_equal(crypto_box_open_easy(out, pkt + DHT_HDR_LEN,
	    len - DHT_HDR_LEN, pkt + 1 + DHT_PK_LEN, p->a.pk, p->b.sk), 0);
	assert_memory_equal(out, plain, plen);
}

static void
dhtp_ping_round_trip(void **state)
{
	struct pair	*p = *state;
	struct dht_ping	 in, out;
	uint8_t		 pkt[DHT_PING_LEN + 10], from[DHT_PK_LEN], plain[9];
	int		 n, resp;

	for (resp = 0; resp <= 1; resp++) {
		in.response = (uint8_t)resp;
		memcpy(in.ping_id, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
		n = dhtp_ping_pack(&p->a, p->b.pk, &in, pkt, sizeof(pkt));
		assert_int_equal(n, 82);
		plain[0] = resp ? 0x01 : 0x00;
		memcpy(plain + 1, in.ping_id, 8);
		check_layout(p, pkt, (size_t)n, plain[0], plain, 9);
		assert_int_equal(dhtp_ping_parse(&p->b, pkt, (size_t)n, from,
		    &out), 0);
		assert_int_equal(out.response, resp);
		assert_memory_equal(out.ping_id, in.ping_id, 8);
		assert_memory_equal(from, p->a.pk, DHT_PK_LEN);
		/* Every other length is refused. */
		assert_int_equal(dhtp_ping_parse(&p->b, pkt, 81, from, &out), -1);
		assert_int_equal(dhtp_ping_parse(&p->b, pkt, 83, from, &out), -1);
		assert_int_equal(dhtp_ping_parse(&p->b, pkt, 0, from, &out), -1);
	}
	/* The buffer must hold it. */
	assert_int_equal(dhtp_ping_pack(&p->a, p->b.pk, &in, pkt, 81), -1);
}

static void
dhtp_ping_rejects_tampering(void **state)
{
	struct pair	*p = *state;
	struct dht_ping	 in, out;
	uint8_t		 pkt[DHT_PING_LEN], from[DHT_PK_LEN];
	size_t		 i;

	memset(&in, 0, sizeof(in));
	assert_int_equal(dhtp_ping_pack(&p->a, p->b.pk, &in, pkt,
	    sizeof(pkt)), 82);
	for (i = 1; i < sizeof(pkt); i++) {
		pkt[i] ^= 0x40;
		assert_int_equal(dhtp_ping_parse(&p->b, pkt, sizeof(pkt), from,
		    &out), -1);
		pkt[i] ^= 0x40;
	}
	/* Outer kind changed to a response: the inner byte says request. */
	pkt[0] = DHT_PING_RESP;
	assert_int_equal(dhtp_ping_parse(&p->b, pkt, sizeof(pkt), from, &out),
	    -1);
	pkt[0] = 0x02;
	assert_int_equal(dhtp_ping_parse(&p->b, pkt, sizeof(pkt), from, &out),
	    -1);
	pkt[0] = DHT_PING_REQ;
	/* The wrong receiver cannot open it. */
	assert_int_equal(dhtp_ping_parse(&p->a, pkt, sizeof(pkt), from, &out),
	    -1);
	assert_int_equal(dhtp_ping_parse(&p->b, pkt, sizeof(pkt), from, &out),
	    0);
}

static void
dhtp_refuses_own_key(void **state)
{
	struct pair	*p = *state;
	struct dht_ping	 in, out;
	uint8_t		 pkt[DHT_PING_LEN], from[DHT_PK_LEN];
	struct dht_keys	*twin;

	memset(&in, 0, sizeof(in));
	assert_int_equal(dhtp_ping_pack(&p->a, p->a.pk, &in, pkt,
	    sizeof(pkt)), -1);
	/* A packet claiming to come from our own key is dropped. */
	twin = calloc(1, sizeof(*twin));
	assert_non_null(twin);
	dht_keys_init_with(twin, p->b.pk, p->b.sk);
	assert_int_equal(dhtp_ping_pack(&p->a, p->b.pk, &in, pkt,
	    sizeof(pkt)), 82);
	memcpy(pkt + 1, p->b.pk, DHT_PK_LEN);
	assert_int_equal(dhtp_ping_parse(twin, pkt, sizeof(pkt), from, &out),
	    -1);
	free(twin);
}

static void
dhtp_nodes_req_round_trip(void **state)
{
	struct pair		*p = *state;
	struct dht_nodes_req	 in, out;
	uint8_t			 pkt[200], from[DHT_PK_LEN], plain[40];
	int			 n;

	memset(in.search_pk, 0x5a, DHT_PK_LEN);
	memcpy(in.ping_id, "ABCDEFGH", 8);
	n = dhtp_nodes_req_pack(&p->a, p->b.pk, &in, pkt, sizeof(pkt));
	assert_int_equal(n, 113);
	memcpy(plain, in.search_pk, 32);
	memcpy(plain + 32, in.ping_id, 8);
	check_layout(p, pkt, (size_t)n, 0x02, plain, 40);
	assert_int_equal(dhtp_nodes_req_parse(&p->b, pkt, 113, from, &out), 0);
	assert_memory_equal(&out, &in, sizeof(in));
	assert_int_equal(dhtp_nodes_req_parse(&p->b, pkt, 112, from, &out), -1);
	assert_int_equal(dhtp_nodes_req_parse(&p->b, pkt, 114, from, &out), -1);
	pkt[0] = 0x00;
	assert_int_equal(dhtp_nodes_req_parse(&p->b, pkt, 113, from, &out), -1);
	assert_int_equal(dhtp_nodes_req_pack(&p->a, p->b.pk, &in, pkt, 112),
	    -1);
}

static void
dhtp_nodes_resp_round_trip(void **state)
{
	struct pair		*p = *state;
	struct dht_nodes_resp	 in, out;
	uint8_t			 pkt[400], from[DHT_PK_LEN];
	int			 n, k;

	memcpy(in.ping_id, "\xff\x00\xee\x11\xdd\x22\xcc\x33", 8);
	for (k = 1; k <= 4; k++) {
		in.n = (uint8_t)k;
		node_v4(&in.nodes[0], 1);
		node_v6(&in.nodes[1], 2);
		node_v4(&in.nodes[2], 3);
		node_v6(&in.nodes[3], 4);
		n = dhtp_nodes_resp_pack(&p->a, p->b.pk, &in, pkt, sizeof(pkt));
		assert_true(n >= DHT_NODES_RESP_MIN && n <= DHT_NODES_RESP_MAX);
		assert_int_equal(pkt[0], 0x04);
		memset(&out, 0, sizeof(out));
		assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt, (size_t)n,
		    from, &out), 0);
		assert_int_equal(out.n, k);
		assert_memory_equal(out.nodes, in.nodes,
		    (size_t)k * sizeof(in.nodes[0]));
		assert_memory_equal(out.ping_id, in.ping_id, 8);
		assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt,
		    (size_t)n - 1, from, &out), -1);
	}
	/* Exact sizes: one IPv4 node 121, four IPv6 nodes 286. */
	in.n = 1;
	node_v4(&in.nodes[0], 9);
	assert_int_equal(dhtp_nodes_resp_pack(&p->a, p->b.pk, &in, pkt,
	    sizeof(pkt)), 121);
	in.n = 4;
	node_v6(&in.nodes[0], 1);
	node_v6(&in.nodes[1], 2);
	node_v6(&in.nodes[2], 3);
	node_v6(&in.nodes[3], 4);
	assert_int_equal(dhtp_nodes_resp_pack(&p->a, p->b.pk, &in, pkt,
	    sizeof(pkt)), 286);
	/* We never send 0 or 5 nodes or a TCP family. */
	in.n = 0;
	assert_int_equal(dhtp_nodes_resp_pack(&p->a, p->b.pk, &in, pkt,
	    sizeof(pkt)), -1);
	in.n = 5;
	assert_int_equal(dhtp_nodes_resp_pack(&p->a, p->b.pk, &in, pkt,
	    sizeof(pkt)), -1);
	in.n = 1;
	in.nodes[0].family = PN_TCP6;
	assert_int_equal(dhtp_nodes_resp_pack(&p->a, p->b.pk, &in, pkt,
	    sizeof(pkt)), -1);
}

/* Seals a hand-made nodes-response plain text, as a hostile peer would. */
static int
raw_resp(struct pair *p, const uint8_t *plain, size_t plen, uint8_t *pkt)
{
	uint8_t	nonce[DHT_NONCE_LEN];

	randombytes_buf(nonce, sizeof(nonce));
	pkt[0] = DHT_NODES_RESP;
	memcpy(pkt + 1, p->a.pk, DHT_PK_LEN);
	memcpy(pkt + 1 + DHT_PK_LEN, nonce, sizeof(nonce));
	assert_int_equal(crypto_box_easy(pkt + DHT_HDR_LEN, plain, plen, nonce,
	    p->b.pk, p->a.sk), 0);
	return (int)(DHT_HDR_LEN + DHT_MAC_LEN + plen);
}

static void
dhtp_nodes_resp_rejects_bad_plain(void **state)
{
	struct pair		*p = *state;
	struct dht_nodes_resp	 out;
	struct packed_node	 nd;
	struct wr		 w;
	uint8_t			 plain[300], pkt[400], from[DHT_PK_LEN];
	int			 n;

	/* Zero nodes: c-toxcore sends it, c-toxcore (and we) drop it. */
	memset(plain, 0, sizeof(plain));
	n = raw_resp(p, plain, 1 + 8, pkt);
	assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt, (size_t)n, from,
	    &out), -1);

	/* Count says 2, one node packed. */
	node_v4(&nd, 1);
	wr_init(&w, plain, sizeof(plain));
	wr_u8(&w, 2);
	packed_node_pack(&w, &nd);
	wr_zero(&w, 8);
	n = raw_resp(p, plain, wr_len(&w), pkt);
	assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt, (size_t)n, from,
	    &out), -1);

	/* Count says 1, two nodes packed: trailing node bytes. */
	wr_init(&w, plain, sizeof(plain));
	wr_u8(&w, 1);
	packed_node_pack(&w, &nd);
	packed_node_pack(&w, &nd);
	wr_zero(&w, 8);
	n = raw_resp(p, plain, wr_len(&w), pkt);
	assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt, (size_t)n, from,
	    &out), -1);

	/* One TCP node voids the whole response. */
	nd.family = PN_TCP4;
	wr_init(&w, plain, sizeof(plain));
	wr_u8(&w, 1);
	packed_node_pack(&w, &nd);
	wr_zero(&w, 8);
	n = raw_resp(p, plain, wr_len(&w), pkt);
	assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt, (size_t)n, from,
	    &out), -1);

	/* Unknown family. */
	nd.family = 7;
	plain[1] = 7;
	n = raw_resp(p, plain, wr_len(&w), pkt);
	assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt, (size_t)n, from,
	    &out), -1);

	/* A node cut short before the ping id. */
	nd.family = PN_UDP6;
	wr_init(&w, plain, sizeof(plain));
	wr_u8(&w, 1);
	packed_node_pack(&w, &nd);
	n = raw_resp(p, plain, wr_len(&w) - 3 + 8, pkt);
	assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt, (size_t)n, from,
	    &out), -1);

	/* Sanity: the same builder makes a valid one. */
	nd.family = PN_UDP4;
	wr_init(&w, plain, sizeof(plain));
	wr_u8(&w, 1);
	packed_node_pack(&w, &nd);
	wr_zero(&w, 8);
	n = raw_resp(p, plain, wr_len(&w), pkt);
	assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt, (size_t)n, from,
	    &out), 0);
	assert_int_equal(out.n, 1);

	/* Over the maximum size. */
	assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt, 287, from, &out),
	    -1);
	assert_int_equal(dhtp_nodes_resp_parse(&p->b, pkt, 120, from, &out),
	    -1);
}

static void
dhtp_request_round_trip(void **state)
{
	struct pair		*p = *state;
	struct dht_request	*q;
	uint8_t			 pkt[DHT_REQ_ROUTE_MAX + 8], rcv[DHT_PK_LEN];
	uint8_t			 data[DHT_REQ_DATA_MAX + 1];
	int			 n;

	q = calloc(1, sizeof(*q));
	assert_non_null(q);
	memset(data, 0x33, sizeof(data));
	n = dhtp_request_pack(&p->a, p->b.pk, 0x9c, data, 100, pkt, sizeof(pkt));
	assert_int_equal(n, 89 + 16 + 1 + 100);
	assert_memory_equal(pkt + 1, p->b.pk, 32);
	assert_memory_equal(pkt + 33, p->a.pk, 32);
	assert_int_equal(dhtp_request_peek(pkt, (size_t)n, rcv), 0);
	assert_memory_equal(rcv, p->b.pk, 32);
	assert_int_equal(dhtp_request_parse(&p->b, pkt, (size_t)n, q), 0);
	assert_int_equal(q->id, 0x9c);
	assert_int_equal(q->len, 100);
	assert_memory_equal(q->data, data, 100);
	assert_memory_equal(q->sender_pk, p->a.pk, 32);
	/* Not ours: a wrong receiver cannot parse it. */
	assert_int_equal(dhtp_request_parse(&p->a, pkt, (size_t)n, q), -1);
	/* Largest: 1024 bytes in all. */
	n = dhtp_request_pack(&p->a, p->b.pk, 1, data, DHT_REQ_DATA_MAX, pkt,
	    sizeof(pkt));
	assert_int_equal(n, 1024);
	assert_int_equal(dhtp_request_parse(&p->b, pkt, 1024, q), 0);
	assert_int_equal(dhtp_request_pack(&p->a, p->b.pk, 1, data,
	    DHT_REQ_DATA_MAX + 1, pkt, sizeof(pkt)), -1);
	/* Empty data: the plain text is the id alone. */
	n = dhtp_request_pack(&p->a, p->b.pk, 7, NULL, 0, pkt, sizeof(pkt));
	assert_int_equal(n, 106);
	assert_int_equal(dhtp_request_parse(&p->b, pkt, 106, q), 0);
	assert_int_equal(q->len, 0);
	/* Bounds of peek and parse. */
	assert_int_equal(dhtp_request_peek(pkt, 105, rcv), -1);
	assert_int_equal(dhtp_request_peek(pkt, 1040, rcv), 0);
	assert_int_equal(dhtp_request_peek(pkt, 1041, rcv), -1);
	assert_int_equal(dhtp_request_parse(&p->b, pkt, 1025, q), -1);
	assert_int_equal(dhtp_request_parse(&p->b, pkt, 105, q), -1);
	pkt[0] = 0x21;
	assert_int_equal(dhtp_request_peek(pkt, 106, rcv), -1);
	free(q);
}

static void
dhtp_nat_ping_codec(void **state)
{
	struct dht_nat_ping	in, out;
	uint8_t			buf[16];

	in.type = DHT_NAT_PING_RESP;
	memcpy(in.ping_id, "12345678", 8);
	assert_int_equal(dhtp_nat_ping_encode(&in, buf, sizeof(buf)), 9);
	assert_int_equal(buf[0], 1);
	assert_int_equal(dhtp_nat_ping_decode(buf, 9, &out), 0);
	assert_memory_equal(&out, &in, sizeof(in));
	assert_int_equal(dhtp_nat_ping_decode(buf, 8, &out), -1);
	assert_int_equal(dhtp_nat_ping_decode(buf, 10, &out), -1);
	buf[0] = 2;
	assert_int_equal(dhtp_nat_ping_decode(buf, 9, &out), -1);
	in.type = 2;
	assert_int_equal(dhtp_nat_ping_encode(&in, buf, sizeof(buf)), -1);
	in.type = 0;
	assert_int_equal(dhtp_nat_ping_encode(&in, buf, 8), -1);
}

static void
dhtp_lan_codec(void **state)
{
	struct pair	*p = *state;
	uint8_t		 buf[40], pk[DHT_PK_LEN];

	assert_int_equal(dhtp_lan_pack(p->a.pk, buf, sizeof(buf)), 33);
	assert_int_equal(buf[0], 0x21);
	assert_int_equal(dhtp_lan_parse(buf, 33, pk), 0);
	assert_memory_equal(pk, p->a.pk, 32);
	assert_int_equal(dhtp_lan_parse(buf, 32, pk), -1);
	assert_int_equal(dhtp_lan_parse(buf, 34, pk), -1);
	buf[0] = 0x20;
	assert_int_equal(dhtp_lan_parse(buf, 33, pk), -1);
	assert_int_equal(dhtp_lan_pack(p->a.pk, buf, 32), -1);
}

static void
dht_keys_cache_reuses(void **state)
{
	struct pair	*p = *state;
	uint8_t		 k1[32], k2[32], k3[32];
	uint64_t	 before = p->a.computed;

	assert_int_equal(dht_keys_shared(&p->a, p->b.pk, k1), 0);
	assert_int_equal(dht_keys_shared(&p->a, p->b.pk, k2), 0);
	assert_memory_equal(k1, k2, 32);
	assert_true(p->a.computed - before <= 1);
	/* Both sides derive the same key. */
	assert_int_equal(dht_keys_shared(&p->b, p->a.pk, k3), 0);
	assert_memory_equal(k1, k3, 32);
}

static void
dht_keys_cache_bounded(void **state)
{
	struct dht_keys	*k;
	uint8_t		 pk[32], sk[32], key[32], first[32], fk[32];
	int		 i;

	k = calloc(1, sizeof(*k));
	assert_non_null(k);
	dht_keys_init(k);
	crypto_box_keypair(first, sk);
	first[30] = 7;
	assert_int_equal(dht_keys_shared(k, first, fk), 0);
	/* Five more keys in the same set push the first one out. */
	for (i = 0; i < DHT_KEYS_WAYS + 1; i++) {
		crypto_box_keypair(pk, sk);
		pk[30] = 7;
		assert_int_equal(dht_keys_shared(k, pk, key), 0);
	}
	i = (int)k->computed;
	assert_int_equal(dht_keys_shared(k, first, key), 0);
	assert_int_equal((int)k->computed, i + 1);
	assert_memory_equal(key, fk, 32);
	/* A low-order point is refused. */
	memset(pk, 0, sizeof(pk));
	assert_int_equal(dht_keys_shared(k, pk, key), -1);
	dht_keys_wipe(k);
	free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dhtp_ping_round_trip),
		cmocka_unit_test(dhtp_ping_rejects_tampering),
		cmocka_unit_test(dhtp_refuses_own_key),
		cmocka_unit_test(dhtp_nodes_req_round_trip),
		cmocka_unit_test(dhtp_nodes_resp_round_trip),
		cmocka_unit_test(dhtp_nodes_resp_rejects_bad_plain),
		cmocka_unit_test(dhtp_request_round_trip),
		cmocka_unit_test(dhtp_nat_ping_codec),
		cmocka_unit_test(dhtp_lan_codec),
		cmocka_unit_test(dht_keys_cache_reuses),
		cmocka_unit_test(dht_keys_cache_bounded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
