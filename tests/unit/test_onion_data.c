/*
 * The inner layer of onion data (common/onion_data.c) against the other
 * side built by hand from libsodium: what we seal the friend opens with
 * crypto_box_open_easy, and what a friend seals with crypto_box_easy we
 * open, at both size bounds and one past each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/onion_data.h"

static uint8_t	me_pk[32], me_sk[32], fr_pk[32], fr_sk[32];
static uint8_t	key[ONION_DATA_KEY_LEN];	/* ours with the friend */
static uint8_t	nonce[ONION_NONCE_LEN];

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	crypto_box_keypair(me_pk, me_sk);
	crypto_box_keypair(fr_pk, fr_sk);
	randombytes_buf(nonce, sizeof(nonce));
	return crypto_box_beforenm(key, fr_pk, me_sk);
}

/* The friend's side: box(friend sk, our pk)(plain), by hand. */
static size_t
friend_box(uint8_t *box, const uint8_t *plain, size_t plen)
{
	assert_int_equal(crypto_box_easy(box, plain, plen, nonce, me_pk,
	    fr_sk), 0);
	return plen + ONION_MAC_LEN;
}

static void
seal_opens_by_hand_at_both_bounds(void **state)
{
	static uint8_t	data[ONION_DATA_INNER_SEND_MAX], out[2048],
			plain[2048];
	static const size_t	lens[] = { 0, 4, ONION_DATA_INNER_SEND_MAX - 1 };
	size_t		i;
	int		n;

	randombytes_buf(data, sizeof(data));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		n = onion_data_seal(key, me_pk, nonce, ONION_DATA_ID_FRIEND_REQ,
		    data, lens[i], out, sizeof(out));
		assert_int_equal(n, ONION_DATA_SEALED_MIN + lens[i]);
		assert_memory_equal(out, me_pk, 32);
		assert_int_equal(crypto_box_open_easy(plain, out + 32,
		    (size_t)n - 32, nonce, me_pk, fr_sk), 0);
		assert_int_equal(plain[0], ONION_DATA_ID_FRIEND_REQ);
		if (lens[i] > 0)
			assert_memory_equal(plain + 1, data, lens[i]);
	}
	assert_int_equal(n, ONION_DATA_SEALED_SEND_MAX);
}

static void
seal_refuses_too_long_or_no_room(void **state)
{
	static uint8_t	data[ONION_DATA_INNER_SEND_MAX], out[2048];

	/* 948 bytes of id || data is the most c-toxcore takes in a 0x86 */
	assert_int_equal(onion_data_seal(key, me_pk, nonce, 0x20, data,
	    ONION_DATA_INNER_SEND_MAX, out, sizeof(out)), -1);
	assert_int_equal(onion_data_seal(key, me_pk, nonce, 0x20, data, 10,
	    out, ONION_DATA_SEALED_MIN + 9), -1);
	assert_int_equal(onion_data_seal(key, me_pk, nonce, 0x20, data, 10,
	    out, ONION_DATA_SEALED_MIN + 10), ONION_DATA_SEALED_MIN + 10);
}

static void
open_friends_box_at_both_bounds(void **state)
{
	static uint8_t		plain[ONION_DATA_INNER_MAX + 1],
				box[ONION_DATA_INNER_MAX + 64];
	static struct onion_data	d;
	size_t			blen;

	randombytes_buf(plain, sizeof(plain));
	plain[0] = ONION_DATA_ID_DHTPK;
	/* id only */
	blen = friend_box(box, plain, 1);
	assert_int_equal(onion_data_open(key, nonce, box, blen, &d), 0);
	assert_int_equal(d.id, ONION_DATA_ID_DHTPK);
	assert_int_equal(d.len, 0);
	/* the most we accept */
	blen = friend_box(box, plain, ONION_DATA_INNER_MAX);
	assert_int_equal(onion_data_open(key, nonce, box, blen, &d), 0);
	assert_int_equal(d.len, ONION_DATA_INNER_MAX - 1);
	assert_memory_equal(d.data, plain + 1, d.len);
	/* one more */
	blen = friend_box(box, plain, ONION_DATA_INNER_MAX + 1);
	assert_int_equal(onion_data_open(key, nonce, box, blen, &d), -1);
	assert_int_equal(d.len, 0);
	/* empty: c-toxcore never seals nothing */
	blen = friend_box(box, plain, 0);
	assert_int_equal(onion_data_open(key, nonce, box, blen, &d), -1);
	/* shorter than a MAC */
	assert_int_equal(onion_data_open(key, nonce, box, 5, &d), -1);
}

static void
open_refuses_tampering(void **state)
{
	uint8_t			plain[40], box[128];
	struct onion_data	d;
	uint8_t			other_nonce[ONION_NONCE_LEN];
	size_t			blen;

	memset(plain, 0x20, sizeof(plain));
	blen = friend_box(box, plain, sizeof(plain));
	box[0] ^= 1;			/* MAC */
	assert_int_equal(onion_data_open(key, nonce, box, blen, &d), -1);
	box[0] ^= 1;
	box[blen - 1] ^= 1;		/* ciphertext */
	assert_int_equal(onion_data_open(key, nonce, box, blen, &d), -1);
	box[blen - 1] ^= 1;
	memcpy(other_nonce, nonce, sizeof(nonce));
	other_nonce[23] ^= 1;
	assert_int_equal(onion_data_open(key, other_nonce, box, blen, &d), -1);
	assert_int_equal(onion_data_open(key, nonce, box, blen, &d), 0);
	assert_int_equal(d.id, 0x20);
	assert_int_equal(d.len, sizeof(plain) - 1);
}

static void
split_bounds(void **state)
{
	static uint8_t	in[ONION_PK_LEN + ONION_DATA_BOX_MAX + 1];
	uint8_t		pk[32];
	const uint8_t	*box;
	size_t		blen;

	memset(in, 7, sizeof(in));
	assert_int_equal(onion_data_split(in, ONION_DATA_SEALED_MIN, pk, &box,
	    &blen), 0);
	assert_ptr_equal(box, in + 32);
	assert_int_equal(blen, ONION_DATA_BOX_MIN);
	assert_int_equal(onion_data_split(in, ONION_DATA_SEALED_MIN - 1, pk,
	    &box, &blen), -1);
	assert_null(box);
	assert_int_equal(onion_data_split(in, ONION_PK_LEN +
	    ONION_DATA_BOX_MAX, pk, &box, &blen), 0);
	assert_int_equal(onion_data_split(in, sizeof(in), pk, &box, &blen),
	    -1);
	assert_int_equal(onion_data_split(in, 10, pk, &box, &blen), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seal_opens_by_hand_at_both_bounds),
		cmocka_unit_test(seal_refuses_too_long_or_no_room),
		cmocka_unit_test(open_friends_box_at_both_bounds),
		cmocka_unit_test(open_refuses_tampering),
		cmocka_unit_test(split_bounds),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
