/*
 * The outer layer of onion data: a 0x85 we build reaches D, which turns it
 * into the 0x86 the friend opens; exact layout, every size bound, and
 * tampering.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/onion_data_outer.h"

struct keys {
	uint8_t	dest_pk[32], data_pk[32], data_sk[32], me[32], nonce[24];
};

static void
keys(struct keys *k)
{
	uint8_t	sk[32];

	assert_true(sodium_init() >= 0);
	crypto_box_keypair(k->dest_pk, sk);
	crypto_box_keypair(k->data_pk, k->data_sk);
	crypto_box_keypair(k->me, sk);
	randombytes_buf(k->nonce, sizeof(k->nonce));
}

/* What D does: 0x86 || the request minus its kind and dest pk. */
static size_t
as_d(const uint8_t *req, size_t len, uint8_t *out)
{
	out[0] = ONION_DATA_RESP;
	memcpy(out + 1, req + 1 + 32, len - 1 - 32);
	return len - 32;
}

static void
odo_round_trip(void **state)
{
	struct keys	k;
	uint8_t		inner[ODO_INNER_SEND_MAX], req[2048], resp[2048];
	uint8_t		got[ODO_INNER_MAX], sender[32], nonce[24];
	size_t		len, glen, sizes[] = { ODO_INNER_MIN, 100,
			    ODO_INNER_SEND_MAX };
	unsigned	i;
	int		n;

	keys(&k);
	randombytes_buf(inner, sizeof(inner));
	for (i = 0; i < 3; i++) {
		n = odo_pack(k.dest_pk, k.data_pk, k.nonce, k.me, inner,
		    sizes[i], req, sizeof(req));
		assert_int_equal(n, ONION_DATA_REQ_HDR_LEN + ODO_OUTER_OVERHEAD +
		    sizes[i]);
		assert_int_equal(req[0], ONION_DATA_REQ);
		assert_memory_equal(req + 1, k.dest_pk, 32);
		assert_memory_equal(req + 33, k.nonce, 24);
		len = as_d(req, (size_t)n, resp);
		assert_true(len <= ONION_DATA_RESP_MAX);
		assert_int_equal(odo_open(k.data_sk, resp, len, sender, nonce,
		    got, sizeof(got), &glen), 0);
		assert_memory_equal(sender, k.me, 32);
		assert_memory_equal(nonce, k.nonce, 24);
		assert_int_equal(glen, sizes[i]);
		assert_memory_equal(got, inner, sizes[i]);
	}
	/* The largest we send makes exactly the largest 0x86 c-toxcore keeps. */
	assert_int_equal(as_d(req, (size_t)n, resp), ONION_DATA_RESP_MAX);
}

static void
odo_fresh_ephemeral_key(void **state)
{
	struct keys	k;
	uint8_t		inner[40] = { 1 }, a[512], b[512];
	int		na, nb;

	keys(&k);
	na = odo_pack(k.dest_pk, k.data_pk, k.nonce, k.me, inner, sizeof(inner),
	    a, sizeof(a));
	nb = odo_pack(k.dest_pk, k.data_pk, k.nonce, k.me, inner, sizeof(inner),
	    b, sizeof(b));
	assert_int_equal(na, nb);
	assert_memory_not_equal(a + 57, b + 57, 32);
}

static void
odo_pack_bounds(void **state)
{
	struct keys	k;
	uint8_t		inner[ODO_INNER_MAX] = { 0 }, out[2048];

	keys(&k);
	assert_int_equal(odo_pack(k.dest_pk, k.data_pk, k.nonce, k.me, inner,
	    ODO_INNER_MIN - 1, out, sizeof(out)), -1);
	assert_int_equal(odo_pack(k.dest_pk, k.data_pk, k.nonce, k.me, inner,
	    ODO_INNER_SEND_MAX + 1, out, sizeof(out)), -1);
	assert_int_equal(odo_pack(k.dest_pk, k.data_pk, k.nonce, k.me, inner,
	    100, out, ONION_DATA_REQ_HDR_LEN + ODO_OUTER_OVERHEAD + 99), -1);
	assert_int_equal(odo_pack(k.dest_pk, k.data_pk, k.nonce, k.me, inner,
	    100, out, ONION_DATA_REQ_HDR_LEN + ODO_OUTER_OVERHEAD + 100),
	    ONION_DATA_REQ_HDR_LEN + ODO_OUTER_OVERHEAD + 100);
}

/* A 0x86 sealed by hand with plain length plen (c-toxcore may send more
 * than we do). */
static size_t
hand_made(const struct keys *k, size_t plen, uint8_t *out)
{
	uint8_t	plain[2048], epk[32], esk[32];

	memset(plain, 7, plen);
	memcpy(plain, k->me, 32);
	crypto_box_keypair(epk, esk);
	out[0] = ONION_DATA_RESP;
	memcpy(out + 1, k->nonce, 24);
	memcpy(out + 25, epk, 32);
	assert_int_equal(crypto_box_easy(out + 57, plain, plen, k->nonce,
	    k->data_pk, esk), 0);
	return 57 + 16 + plen;
}

static void
odo_open_bounds(void **state)
{
	struct keys	k;
	uint8_t		pkt[2048], got[ODO_INNER_MAX], sender[32], nonce[24];
	size_t		len, glen;

	keys(&k);
	len = hand_made(&k, 32 + ODO_INNER_MAX, pkt);
	assert_int_equal(len, ODO_RESP_MAX);
	assert_int_equal(odo_open(k.data_sk, pkt, len, sender, nonce, got,
	    sizeof(got), &glen), 0);
	assert_int_equal(glen, ODO_INNER_MAX);
	/* Our buffer must hold what the header promises. */
	assert_int_equal(odo_open(k.data_sk, pkt, len, sender, nonce, got,
	    ODO_INNER_MAX - 1, &glen), -1);
	len = hand_made(&k, 32 + ODO_INNER_MAX + 1, pkt);
	assert_int_equal(odo_open(k.data_sk, pkt, len, sender, nonce, got,
	    sizeof(got), &glen), -1);
	len = hand_made(&k, 32 + ODO_INNER_MIN, pkt);
	assert_int_equal(odo_open(k.data_sk, pkt, len, sender, nonce, got,
	    sizeof(got), &glen), 0);
	len = hand_made(&k, 32 + ODO_INNER_MIN - 1, pkt);
	assert_int_equal(odo_open(k.data_sk, pkt, len, sender, nonce, got,
	    sizeof(got), &glen), -1);
	assert_int_equal(odo_open(k.data_sk, pkt, 0, sender, nonce, got,
	    sizeof(got), &glen), -1);
}

static void
odo_open_tampered(void **state)
{
	struct keys	k;
	uint8_t		pkt[2048], got[ODO_INNER_MAX], sender[32], nonce[24];
	uint8_t		other_pk[32], other_sk[32];
	size_t		len, glen, i;

	keys(&k);
	len = hand_made(&k, 200, pkt);
	for (i = 0; i < len; i++) {
		pkt[i] ^= 0x01;
		assert_int_equal(odo_open(k.data_sk, pkt, len, sender, nonce,
		    got, sizeof(got), &glen), -1);
		pkt[i] ^= 0x01;
	}
	crypto_box_keypair(other_pk, other_sk);
	assert_int_equal(odo_open(other_sk, pkt, len, sender, nonce, got,
	    sizeof(got), &glen), -1);
	assert_int_equal(odo_open(k.data_sk, pkt, len, sender, nonce, got,
	    sizeof(got), &glen), 0);
	/* Truncated or extended by a byte. */
	assert_int_equal(odo_open(k.data_sk, pkt, len - 1, sender, nonce, got,
	    sizeof(got), &glen), -1);
	pkt[len] = 0;
	assert_int_equal(odo_open(k.data_sk, pkt, len + 1, sender, nonce, got,
	    sizeof(got), &glen), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(odo_round_trip),
		cmocka_unit_test(odo_fresh_ephemeral_key),
		cmocka_unit_test(odo_pack_bounds),
		cmocka_unit_test(odo_open_bounds),
		cmocka_unit_test(odo_open_tampered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
