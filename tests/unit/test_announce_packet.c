/*
 * The announce store's codecs (node D): a 0x83 from a requester built by
 * hand with libsodium (tests/lib/onion_peer.c) opens to the fields it
 * sealed; every wrong size, kind, key and MAC is refused; the 0x84 opens
 * on the requester's side with the nodes packed as c-toxcore packs them;
 * 0x85 splits at c-toxcore's bounds and 0x86 carries its body unchanged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/announce_packet.h"
#include "tests/lib/onion_peer.h"

struct fx {
	struct dht_keys	d;		/* node D */
	uint8_t		pk[32], sk[32];	/* the requester */
	uint8_t		ping[32], search[32], data_pk[32], sendback[8];
	uint8_t		ret[OP_RET_LEN];
	uint8_t		pkt[OP_REQ_LEN];
};

static int
setup(void **state)
{
	struct fx	*f;

	if (sodium_init() < 0 || (f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	dht_keys_init(&f->d);
	crypto_box_keypair(f->pk, f->sk);
	randombytes_buf(f->ping, sizeof(f->ping));
	randombytes_buf(f->search, sizeof(f->search));
	randombytes_buf(f->data_pk, sizeof(f->data_pk));
	randombytes_buf(f->sendback, sizeof(f->sendback));
	randombytes_buf(f->ret, sizeof(f->ret));
	op_announce(f->pkt, f->d.pk, f->pk, f->sk, f->ping, f->search,
	    f->data_pk, f->sendback, f->ret);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

static void
annp_req_opens_what_the_requester_sealed(void **state)
{
	struct fx		*f = *state;
	struct announce_req	 q;

	assert_int_equal(ANNOUNCE_REQ_RECV_LEN, 354);
	assert_int_equal(annp_req_parse(&f->d, f->pkt, sizeof(f->pkt), &q), 0);
	assert_memory_equal(q.sender_pk, f->pk, 32);
	assert_memory_equal(q.ping_id, f->ping, 32);
	assert_memory_equal(q.search_pk, f->search, 32);
	assert_memory_equal(q.data_pk, f->data_pk, 32);
	assert_memory_equal(q.sendback, f->sendback, 8);
	assert_memory_equal(q.ret, f->ret, OP_RET_LEN);
}

static void
annp_req_refuses_every_other_size(void **state)
{
	struct fx		*f = *state;
	struct announce_req	 q;
	uint8_t			 big[OP_REQ_LEN + 200];
	size_t			 len;

	memcpy(big, f->pkt, sizeof(f->pkt));
	memset(big + sizeof(f->pkt), 0, sizeof(big) - sizeof(f->pkt));
	for (len = 0; len < sizeof(big); len++) {
		if (len == OP_REQ_LEN)
			continue;
		assert_int_equal(annp_req_parse(&f->d, big, len, &q), -1);
	}
	/* 177 is the request as built: R3 is not optional at D */
	assert_int_equal(annp_req_parse(&f->d, f->pkt, 177, &q), -1);
}

static void
annp_req_refuses_wrong_kind_key_and_mac(void **state)
{
	struct fx		*f = *state;
	struct announce_req	 q;
	struct dht_keys		*other;
	uint8_t			 p[OP_REQ_LEN];
	size_t			 i;

	/* the new format's kind at the old size */
	memcpy(p, f->pkt, sizeof(p));
	p[0] = 0x87;
	assert_int_equal(annp_req_parse(&f->d, p, sizeof(p), &q), -1);

	/* sealed for another node D */
	assert_non_null(other = calloc(1, sizeof(*other)));
	dht_keys_init(other);
	assert_int_equal(annp_req_parse(other, f->pkt, sizeof(f->pkt), &q), -1);
	free(other);

	/* any flipped bit of nonce, sender pk or box */
	for (i = 1; i < 177; i++) {
		memcpy(p, f->pkt, sizeof(p));
		p[i] ^= 0x01;
		assert_int_equal(annp_req_parse(&f->d, p, sizeof(p), &q), -1);
	}
	/* R3 is opaque to D: a changed one is echoed as it came */
	memcpy(p, f->pkt, sizeof(p));
	p[300] ^= 0xff;
	assert_int_equal(annp_req_parse(&f->d, p, sizeof(p), &q), 0);
	assert_int_equal(q.ret[300 - 177], f->ret[300 - 177] ^ 0xff);
}

static void
annp_req_refuses_our_own_key(void **state)
{
	struct fx		*f = *state;
	struct announce_req	 q;
	uint8_t			 p[OP_REQ_LEN];

	/* claims to come from D itself (sealed with D's key pair) */
	op_announce(p, f->d.pk, f->d.pk, f->d.sk, f->ping, f->search,
	    f->data_pk, f->sendback, f->ret);
	assert_int_equal(annp_req_parse(&f->d, p, sizeof(p), &q), -1);
}

static void
node4(struct packed_node *n, uint8_t seed)
{
	memset(n, 0, sizeof(*n));
	n->family = PN_UDP4;
	n->ip[0] = 192;
	n->ip[1] = 0;
	n->ip[2] = 2;
	n->ip[3] = seed;
	n->port = (uint16_t)(33445 + seed);
	memset(n->pk, seed, sizeof(n->pk));
}

static void
node6(struct packed_node *n, uint8_t seed)
{
	memset(n, 0, sizeof(*n));
	n->family = PN_UDP6;
	n->ip[0] = 0x20;
	n->ip[1] = 0x01;
	n->ip[15] = seed;
	n->port = (uint16_t)(40000 + seed);
	memset(n->pk, 0x80 | seed, sizeof(n->pk));
}

static void
annp_resp_opens_at_the_requester(void **state)
{
	struct fx		*f = *state;
	struct announce_resp	 r;
	struct op_resp		 got;
	uint8_t			 out[ANNOUNCE_RESP_OUT_MAX], *p;
	const char		*why;
	int			 n;

	memset(&r, 0, sizeof(r));
	memcpy(r.sendback, f->sendback, 8);
	r.is_stored = ANNOUNCE_FOUND;
	memcpy(r.field, f->data_pk, 32);
	/* no node: the smallest answer */
	n = annp_resp_pack(&f->d, f->pk, f->ret, &r, out, sizeof(out));
	assert_int_equal(n, 178 + 82);
	assert_int_equal(op_open_resp(out, (size_t)n, f->ret, f->d.pk, f->sk,
	    &got, &why), 0);
	assert_memory_equal(got.sendback, f->sendback, 8);
	assert_int_equal(got.is_stored, 1);
	assert_memory_equal(got.field, f->data_pk, 32);
	assert_int_equal(got.nodes_len, 0);

	/* two v4 and two v6 nodes, packed as c-toxcore, no count byte */
	r.is_stored = ANNOUNCE_STORED;
	r.n = 4;
	node4(&r.nodes[0], 1);
	node6(&r.nodes[1], 2);
	node4(&r.nodes[2], 3);
	node6(&r.nodes[3], 4);
	n = annp_resp_pack(&f->d, f->pk, f->ret, &r, out, sizeof(out));
	assert_int_equal(n, 178 + 82 + 2 * 39 + 2 * 51);
	assert_int_equal(op_open_resp(out, (size_t)n, f->ret, f->d.pk, f->sk,
	    &got, &why), 0);
	assert_int_equal(got.is_stored, 2);
	assert_int_equal(got.nodes_len, 2 * 39 + 2 * 51);
	p = got.nodes;
	assert_int_equal(p[0], 2);
	assert_int_equal(p[1], 192);
	assert_int_equal(p[4], 1);
	assert_int_equal(p[5] << 8 | p[6], 33446);
	assert_int_equal(p[7], 1);
	p += 39;
	assert_int_equal(p[0], 10);
	assert_int_equal(p[1], 0x20);
	assert_int_equal(p[16], 2);
	assert_int_equal(p[17] << 8 | p[18], 40002);
	assert_int_equal(p[19], 0x82);

	/* all four IPv6: the largest answer fits */
	node6(&r.nodes[0], 5);
	node6(&r.nodes[2], 6);
	n = annp_resp_pack(&f->d, f->pk, f->ret, &r, out, sizeof(out));
	assert_int_equal(n, 178 + ANNOUNCE_RESP_MAX);
	assert_int_equal(ANNOUNCE_RESP_MAX, 286);
	/* one byte short of room */
	assert_int_equal(annp_resp_pack(&f->d, f->pk, f->ret, &r, out,
	    (size_t)n - 1), -1);
}

static void
annp_resp_refuses_what_c_toxcore_would_drop(void **state)
{
	struct fx		*f = *state;
	struct announce_resp	 r;
	uint8_t			 out[ANNOUNCE_RESP_OUT_MAX + 64];

	memset(&r, 0, sizeof(r));
	r.n = 1;
	node4(&r.nodes[0], 1);
	r.nodes[0].family = PN_TCP4;	/* voids a whole announce list */
	assert_int_equal(annp_resp_pack(&f->d, f->pk, f->ret, &r, out,
	    sizeof(out)), -1);
	r.nodes[0].family = PN_UDP4;
	r.n = 5;
	assert_int_equal(annp_resp_pack(&f->d, f->pk, f->ret, &r, out,
	    sizeof(out)), -1);
	r.n = 1;
	r.is_stored = 3;
	assert_int_equal(annp_resp_pack(&f->d, f->pk, f->ret, &r, out,
	    sizeof(out)), -1);
}

static void
annp_data_splits_at_c_toxcore_bounds(void **state)
{
	struct fx		*f = *state;
	struct onion_data_req	*q;
	uint8_t			 dest[32], dpk[32], dsk[32], inner[1300];
	uint8_t			 pkt[1500];
	size_t			 len;

	assert_non_null(q = calloc(1, sizeof(*q)));
	randombytes_buf(dest, sizeof(dest));
	crypto_box_keypair(dpk, dsk);
	randombytes_buf(inner, sizeof(inner));

	/* one byte of inner data: 283, the smallest D takes */
	len = op_data(pkt, sizeof(pkt), dest, dpk, inner, 1, f->ret);
	assert_int_equal(len, 283);
	assert_int_equal(annp_data_parse(pkt, len, q), 0);
	assert_memory_equal(q->dest_pk, dest, 32);
	assert_int_equal(q->body_len, 24 + 32 + 1 + 16);
	assert_memory_equal(q->body, pkt + 33, q->body_len);
	assert_memory_equal(q->ret, f->ret, OP_RET_LEN);
	/* an empty box: 282, refused */
	assert_int_equal(annp_data_parse(pkt, 282, q), -1);
	len = op_data(pkt, sizeof(pkt), dest, dpk, inner, 0, f->ret);
	assert_int_equal(len, 282);
	assert_int_equal(annp_data_parse(pkt, len, q), -1);

	/* 1400 is taken, 1401 not */
	len = op_data(pkt, sizeof(pkt), dest, dpk, inner, 1400 - 282, f->ret);
	assert_int_equal(len, 1400);
	assert_int_equal(annp_data_parse(pkt, len, q), 0);
	assert_int_equal(q->body_len, ONION_DATA_BODY_MAX);
	len = op_data(pkt, sizeof(pkt), dest, dpk, inner, 1401 - 282, f->ret);
	assert_int_equal(annp_data_parse(pkt, len, q), -1);

	/* another kind at a good size */
	len = op_data(pkt, sizeof(pkt), dest, dpk, inner, 100, f->ret);
	pkt[0] = 0x86;
	assert_int_equal(annp_data_parse(pkt, len, q), -1);
	free(q);
}

static void
annp_data_pack_frames_the_body_unchanged(void **state)
{
	struct fx	*f = *state;
	uint8_t		 body[ONION_DATA_BODY_MAX + 1], out[ONION_DATA_OUT_MAX];
	int		 n;

	randombytes_buf(body, sizeof(body));
	n = annp_data_pack(f->ret, body, 500, out, sizeof(out));
	assert_int_equal(n, 1 + 177 + 1 + 500);
	assert_int_equal(out[0], 0x8c);
	assert_memory_equal(out + 1, f->ret, 177);
	assert_int_equal(out[178], 0x86);
	assert_memory_equal(out + 179, body, 500);
	/* the bounds the parser has */
	assert_int_equal(annp_data_pack(f->ret, body, 72, out, sizeof(out)), -1);
	assert_int_equal(annp_data_pack(f->ret, body, 73, out, sizeof(out)),
	    1 + 177 + 1 + 73);
	assert_int_equal(annp_data_pack(f->ret, body, ONION_DATA_BODY_MAX, out,
	    sizeof(out)), ONION_DATA_OUT_MAX);
	assert_int_equal(annp_data_pack(f->ret, body, ONION_DATA_BODY_MAX + 1,
	    out, sizeof(out)), -1);
	assert_int_equal(annp_data_pack(f->ret, body, 500, out, 500), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    annp_req_opens_what_the_requester_sealed, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    annp_req_refuses_every_other_size, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    annp_req_refuses_wrong_kind_key_and_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    annp_req_refuses_our_own_key, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    annp_resp_opens_at_the_requester, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    annp_resp_refuses_what_c_toxcore_would_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    annp_data_splits_at_c_toxcore_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    annp_data_pack_frames_the_body_unchanged, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
