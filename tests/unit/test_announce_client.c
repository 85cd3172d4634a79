/*
 * The client's announce codec (common/announce_client.c) against the
 * other side built by hand from libsodium's crypto_box_easy and
 * crypto_box_open_easy: what the node would open and what it would send.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/announce_client.h"
#include "common/rd.h"

static uint8_t	node_pk[32], node_sk[32], me_pk[32], me_sk[32];
static uint8_t	key[ANNOUNCE_KEY_LEN];	/* ours with the node */

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	crypto_box_keypair(node_pk, node_sk);
	crypto_box_keypair(me_pk, me_sk);
	return crypto_box_beforenm(key, node_pk, me_sk);
}

/* The node's side: 0x84 || sendback || nonce || box(plain), sealed by
 * hand.  Returns the packet's length. */
static size_t
node_resp(uint8_t *out, const uint8_t *plain, size_t plen)
{
	uint8_t		nonce[ONION_NONCE_LEN];
	struct wr	w;
	uint8_t		*box;

	randombytes_buf(nonce, sizeof(nonce));
	wr_init(&w, out, 1024);
	wr_u8(&w, ONION_ANNOUNCE_RESP);
	wr_bytes(&w, "SENDBACK", ONION_SENDBACK_LEN);
	wr_bytes(&w, nonce, sizeof(nonce));
	box = wr_reserve(&w, plen + ONION_MAC_LEN);
	assert_true(wr_ok(&w));
	assert_int_equal(crypto_box_easy(box, plain, plen, nonce, me_pk,
	    node_sk), 0);
	return wr_len(&w);
}

/* is_stored || field || n nodes of the given families (39 or 51). */
static size_t
plain_with(uint8_t *plain, uint8_t is_stored, const uint8_t *families,
    size_t n)
{
	struct wr		w;
	struct packed_node	pn;
	size_t			i;

	wr_init(&w, plain, 1024);
	wr_u8(&w, is_stored);
	memset(wr_reserve(&w, ONION_PING_ID_LEN), 0xab, ONION_PING_ID_LEN);
	for (i = 0; i < n; i++) {
		memset(&pn, 0, sizeof(pn));
		pn.family = families[i];
		pn.ip[0] = 10;
		pn.ip[3] = (uint8_t)i;
		pn.port = (uint16_t)(33445 + i);
		memset(pn.pk, (int)i + 1, sizeof(pn.pk));
		/* packed by hand so a TCP family can be written too */
		wr_u8(&w, pn.family);
		wr_bytes(&w, pn.ip, packed_node_ip_len(pn.family));
		wr_u16(&w, pn.port);
		wr_bytes(&w, pn.pk, sizeof(pn.pk));
	}
	assert_true(wr_ok(&w));
	return wr_len(&w);
}

static void
announce_req_opens_by_hand(void **state)
{
	struct announce_req	q;
	uint8_t			pkt[ANNOUNCE_REQ_LEN], nonce[ONION_NONCE_LEN];
	uint8_t			plain[ANNOUNCE_PLAIN_LEN];

	randombytes_buf(&q, sizeof(q));
	randombytes_buf(nonce, sizeof(nonce));
	announce_req_build(key, me_pk, nonce, &q, pkt);
	assert_int_equal(pkt[0], ONION_ANNOUNCE_REQ);
	assert_memory_equal(pkt + 1, nonce, ONION_NONCE_LEN);
	assert_memory_equal(pkt + 1 + ONION_NONCE_LEN, me_pk, 32);
	/* the node opens it with its DHT sk and the sender pk */
	assert_int_equal(crypto_box_open_easy(plain, pkt + 57,
	    ANNOUNCE_REQ_LEN - 57, nonce, me_pk, node_sk), 0);
	assert_memory_equal(plain, q.ping_id, 32);
	assert_memory_equal(plain + 32, q.search_pk, 32);
	assert_memory_equal(plain + 64, q.data_pk, 32);
	assert_memory_equal(plain + 96, q.sendback, 8);
	/* and nobody else does */
	pkt[100] ^= 1;
	assert_int_not_equal(crypto_box_open_easy(plain, pkt + 57,
	    ANNOUNCE_REQ_LEN - 57, nonce, me_pk, node_sk), 0);
}

static void
announce_resp_smallest_opens(void **state)
{
	uint8_t			plain[64], pkt[1024], sb[8];
	struct announce_resp	ar;
	size_t			len;

	len = node_resp(pkt, plain, plain_with(plain, ANNOUNCE_NOT_STORED,
	    NULL, 0));
	assert_int_equal(len, ANNOUNCE_RESP_MIN);
	assert_int_equal(announce_resp_sendback(pkt, len, sb), 0);
	assert_memory_equal(sb, "SENDBACK", 8);
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), 0);
	assert_int_equal(ar.is_stored, ANNOUNCE_NOT_STORED);
	assert_int_equal(ar.n, 0);
	assert_int_equal(ar.field[0], 0xab);
	assert_int_equal(ar.field[31], 0xab);
	assert_memory_equal(ar.sendback, "SENDBACK", 8);
	/* one byte less is not a response */
	assert_int_equal(announce_resp_open(key, pkt, len - 1, &ar), -1);
	assert_int_equal(announce_resp_sendback(pkt, len - 1, sb), -1);
}

static void
announce_resp_largest_opens(void **state)
{
	static const uint8_t	fam[4] = { PN_UDP6, PN_UDP6, PN_UDP6, PN_UDP6 };
	uint8_t			plain[512], pkt[1024];
	struct announce_resp	ar;
	size_t			len, i;

	len = node_resp(pkt, plain, plain_with(plain, ANNOUNCE_STORED, fam,
	    4));
	assert_int_equal(len, ANNOUNCE_RESP_MAX);
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), 0);
	assert_int_equal(ar.is_stored, ANNOUNCE_STORED);
	assert_int_equal(ar.n, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(ar.nodes[i].family, PN_UDP6);
		assert_int_equal(ar.nodes[i].port, 33445 + i);
		assert_int_equal(ar.nodes[i].pk[0], i + 1);
	}
}

static void
announce_resp_mixed_families(void **state)
{
	static const uint8_t	fam[3] = { PN_UDP4, PN_UDP6, PN_UDP4 };
	uint8_t			plain[512], pkt[1024];
	struct announce_resp	ar;
	size_t			len;

	len = node_resp(pkt, plain, plain_with(plain, ANNOUNCE_FOUND, fam, 3));
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), 0);
	assert_int_equal(ar.is_stored, ANNOUNCE_FOUND);
	assert_int_equal(ar.n, 3);
	assert_int_equal(ar.nodes[0].family, PN_UDP4);
	assert_int_equal(ar.nodes[0].ip[0], 10);
	assert_int_equal(ar.nodes[1].family, PN_UDP6);
	assert_int_equal(ar.nodes[2].ip[3], 2);
}

static void
announce_resp_refuses_too_long(void **state)
{
	static const uint8_t	fam[5] = { PN_UDP4, PN_UDP4, PN_UDP4,
	    PN_UDP4, PN_UDP4 };
	uint8_t			plain[512], pkt[1024];
	struct announce_resp	ar;
	size_t			plen, len;

	/* four IPv6 nodes and one byte more */
	plen = plain_with(plain, 0, (const uint8_t[]){ PN_UDP6, PN_UDP6,
	    PN_UDP6, PN_UDP6 }, 4);
	plain[plen++] = 0;
	len = node_resp(pkt, plain, plen);
	assert_int_equal(len, ANNOUNCE_RESP_MAX + 1);
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), -1);
	/* five IPv4 nodes fit the size but not the protocol */
	len = node_resp(pkt, plain, plain_with(plain, 0, fam, 5));
	assert_true(len <= ANNOUNCE_RESP_MAX);
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), -1);
	assert_int_equal(ar.n, 0);
}

static void
announce_resp_refuses_tampered_mac(void **state)
{
	uint8_t			plain[64], pkt[1024];
	struct announce_resp	ar;
	size_t			len;

	len = node_resp(pkt, plain, plain_with(plain, 0, NULL, 0));
	pkt[ANNOUNCE_RESP_HDR_LEN] ^= 0x80;	/* first MAC byte */
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), -1);
	pkt[ANNOUNCE_RESP_HDR_LEN] ^= 0x80;
	pkt[len - 1] ^= 1;			/* last ciphertext byte */
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), -1);
	pkt[len - 1] ^= 1;
	pkt[1] ^= 1;		/* the sendback is outside the box */
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), 0);
	pkt[10] ^= 1;		/* the nonce is not */
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), -1);
}

static void
announce_resp_refuses_bad_contents(void **state)
{
	uint8_t			plain[512], pkt[1024];
	struct announce_resp	ar;
	size_t			plen, len;

	/* a TCP family voids the whole response, even after a good node */
	len = node_resp(pkt, plain, plain_with(plain, 0,
	    (const uint8_t[]){ PN_UDP4, PN_TCP4 }, 2));
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), -1);
	len = node_resp(pkt, plain, plain_with(plain, 0,
	    (const uint8_t[]){ PN_TCP6 }, 1));
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), -1);
	/* an unknown family */
	plen = plain_with(plain, 0, (const uint8_t[]){ PN_UDP4 }, 1);
	plain[1 + 32] = 7;
	assert_int_equal(announce_resp_open(key, pkt, node_resp(pkt, plain,
	    plen), &ar), -1);
	/* a partial node */
	plen = plain_with(plain, 0, (const uint8_t[]){ PN_UDP6 }, 1);
	assert_int_equal(announce_resp_open(key, pkt, node_resp(pkt, plain,
	    plen - 1), &ar), -1);
	/* is_stored above 2 */
	plen = plain_with(plain, 3, NULL, 0);
	assert_int_equal(announce_resp_open(key, pkt, node_resp(pkt, plain,
	    plen), &ar), -1);
	/* not a 0x84 */
	len = node_resp(pkt, plain, plain_with(plain, 0, NULL, 0));
	pkt[0] = ONION_DATA_RESP;
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), -1);
}

static void
announce_resp_needs_the_right_key(void **state)
{
	uint8_t			plain[64], pkt[1024], other[32], osk[32];
	uint8_t			okey[ANNOUNCE_KEY_LEN];
	struct announce_resp	ar;
	size_t			len;

	len = node_resp(pkt, plain, plain_with(plain, 0, NULL, 0));
	crypto_box_keypair(other, osk);
	assert_int_equal(crypto_box_beforenm(okey, node_pk, osk), 0);
	assert_int_equal(announce_resp_open(okey, pkt, len, &ar), -1);
	assert_int_equal(announce_resp_open(key, pkt, len, &ar), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(announce_req_opens_by_hand),
		cmocka_unit_test(announce_resp_smallest_opens),
		cmocka_unit_test(announce_resp_largest_opens),
		cmocka_unit_test(announce_resp_mixed_families),
		cmocka_unit_test(announce_resp_refuses_too_long),
		cmocka_unit_test(announce_resp_refuses_tampered_mac),
		cmocka_unit_test(announce_resp_refuses_bad_contents),
		cmocka_unit_test(announce_resp_needs_the_right_key),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
