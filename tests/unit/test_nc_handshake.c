/*
 * The net_crypto handshake (common/nc_handshake.c) against the other side
 * built by hand from libsodium, in c-toxcore's layout: what we build the
 * peer opens with crypto_box_open_easy and its own secret key, and what the
 * peer seals with crypto_box_easy we open; lengths one off either way, the
 * wrong kind, flipped MAC, nonce and cookie bytes, the wrong key and a hash
 * of another cookie are all refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/nc_handshake.h"

static uint8_t	me_pk[32], me_sk[32], fr_pk[32], fr_sk[32], ev_pk[32],
		ev_sk[32];
static uint8_t	key[NC_HS_KEY_LEN];	/* ours with the friend */
static uint8_t	ev_key[NC_HS_KEY_LEN];	/* a stranger's with us */

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	crypto_box_keypair(me_pk, me_sk);
	crypto_box_keypair(fr_pk, fr_sk);
	crypto_box_keypair(ev_pk, ev_sk);
	if (crypto_box_beforenm(ev_key, ev_pk, me_sk) != 0)
		return -1;
	return crypto_box_beforenm(key, fr_pk, me_sk);
}

static void
random_fields(struct nc_hs *hs)
{
	randombytes_buf(hs->base_nonce, sizeof(hs->base_nonce));
	randombytes_buf(hs->session_pk, sizeof(hs->session_pk));
	randombytes_buf(hs->other_cookie, sizeof(hs->other_cookie));
}

/*
 * The friend's handshake, by hand, with offsets counted here rather than
 * taken from the header: kind, the cookie we gave it, nonce, then
 * box(friend sk, our pk)(base nonce || session pk || hash || other cookie)
 * where the hash is of hashed (normally the same cookie).
 */
static void
friend_hs(uint8_t pkt[385], const uint8_t cookie[112],
    const uint8_t hashed[112], const struct nc_hs *hs)
{
	uint8_t	plain[232], nonce[24];

	randombytes_buf(nonce, sizeof(nonce));
	memcpy(plain, hs->base_nonce, 24);
	memcpy(plain + 24, hs->session_pk, 32);
	crypto_hash_sha512(plain + 56, hashed, 112);
	memcpy(plain + 120, hs->other_cookie, 112);
	pkt[0] = 0x1a;
	memcpy(pkt + 1, cookie, 112);
	memcpy(pkt + 113, nonce, 24);
	assert_int_equal(crypto_box_easy(pkt + 137, plain, sizeof(plain),
	    nonce, me_pk, fr_sk), 0);
}

static void
sizes_are_c_toxcores(void **state)
{
	assert_int_equal(NC_HS_COOKIE_LEN, 112);
	assert_int_equal(NC_HS_PLAIN_LEN, 232);
	assert_int_equal(NC_HS_BOX_LEN, 248);
	assert_int_equal(NC_HS_LEN, 385);
	assert_int_equal(NC_HS_KEY_LEN, crypto_box_BEFORENMBYTES);
	assert_int_equal(NC_HS_MAC_LEN, crypto_box_MACBYTES);
	assert_int_equal(NC_HS_NONCE_LEN, crypto_box_NONCEBYTES);
}

static void
build_opens_by_hand(void **state)
{
	uint8_t		pkt[512], plain[232], cookie[112], nonce[24];
	uint8_t		hash[64];
	struct nc_hs	hs;

	random_fields(&hs);
	randombytes_buf(cookie, sizeof(cookie));
	randombytes_buf(nonce, sizeof(nonce));
	memset(pkt, 0xee, sizeof(pkt));
	assert_int_equal(nc_hs_build(key, cookie, nonce, &hs, pkt,
	    sizeof(pkt)), 385);
	assert_int_equal(pkt[0], 0x1a);
	assert_memory_equal(pkt + 1, cookie, 112);
	assert_memory_equal(pkt + 113, nonce, 24);
	assert_int_equal(pkt[385], 0xee);	/* nothing past the end */
	assert_int_equal(crypto_box_open_easy(plain, pkt + 137, 248, nonce,
	    me_pk, fr_sk), 0);
	assert_memory_equal(plain, hs.base_nonce, 24);
	assert_memory_equal(plain + 24, hs.session_pk, 32);
	crypto_hash_sha512(hash, cookie, sizeof(cookie));
	assert_memory_equal(plain + 56, hash, 64);
	assert_memory_equal(plain + 120, hs.other_cookie, 112);
	/* only the friend can open it */
	assert_int_not_equal(crypto_box_open_easy(plain, pkt + 137, 248,
	    nonce, me_pk, ev_sk), 0);
}

static void
build_refuses_no_room(void **state)
{
	uint8_t		pkt[385], cookie[112] = { 0 }, nonce[24] = { 0 };
	struct nc_hs	hs;

	random_fields(&hs);
	assert_int_equal(nc_hs_build(key, cookie, nonce, &hs, pkt, 384), -1);
	assert_int_equal(nc_hs_build(key, cookie, nonce, &hs, pkt, 0), -1);
	assert_int_equal(nc_hs_build(key, cookie, nonce, &hs, pkt, 385), 385);
}

static void
open_friends_handshake(void **state)
{
	uint8_t		pkt[385], cookie[112], got[112];
	struct nc_hs	hs, out;

	random_fields(&hs);
	randombytes_buf(cookie, sizeof(cookie));
	friend_hs(pkt, cookie, cookie, &hs);
	assert_int_equal(nc_hs_split(pkt, sizeof(pkt), got), 0);
	assert_memory_equal(got, cookie, 112);
	assert_int_equal(nc_hs_open(key, pkt, sizeof(pkt), &out), 0);
	assert_memory_equal(out.base_nonce, hs.base_nonce, 24);
	assert_memory_equal(out.session_pk, hs.session_pk, 32);
	assert_memory_equal(out.other_cookie, hs.other_cookie, 112);
}

static void
round_trip_between_two_of_ours(void **state)
{
	uint8_t		pkt[385], cookie[112], nonce[24], fkey[32];
	struct nc_hs	hs, out;

	random_fields(&hs);
	randombytes_buf(cookie, sizeof(cookie));
	randombytes_buf(nonce, sizeof(nonce));
	assert_int_equal(crypto_box_beforenm(fkey, me_pk, fr_sk), 0);
	assert_int_equal(nc_hs_build(key, cookie, nonce, &hs, pkt,
	    sizeof(pkt)), 385);
	assert_int_equal(nc_hs_open(fkey, pkt, sizeof(pkt), &out), 0);
	assert_memory_equal(&out, &hs, sizeof(hs));
}

static int
all_zero(const void *p, size_t n)
{
	const uint8_t	*b = p;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/* Refused, and *out holds nothing of the attempt. */
static void
refused(const uint8_t *key_, const uint8_t *pkt, size_t len)
{
	struct nc_hs	out;

	memset(&out, 0x77, sizeof(out));
	assert_int_equal(nc_hs_open(key_, pkt, len, &out), -1);
	assert_true(all_zero(&out, sizeof(out)));
}

static void
lengths_one_off_and_kind(void **state)
{
	uint8_t		pkt[386], cookie[112], got[112];
	struct nc_hs	hs;

	random_fields(&hs);
	randombytes_buf(cookie, sizeof(cookie));
	friend_hs(pkt, cookie, cookie, &hs);
	pkt[385] = 0;
	refused(key, pkt, 384);
	refused(key, pkt, 386);
	refused(key, pkt, 1);
	refused(key, pkt, 0);
	memset(got, 0x55, sizeof(got));
	assert_int_equal(nc_hs_split(pkt, 384, got), -1);
	assert_true(all_zero(got, sizeof(got)));
	assert_int_equal(nc_hs_split(pkt, 386, got), -1);
	assert_int_equal(nc_hs_split(pkt, 0, got), -1);
	assert_int_equal(nc_hs_split(pkt, 385, got), 0);
	pkt[0] = 0x19;
	refused(key, pkt, 385);
	assert_int_equal(nc_hs_split(pkt, 385, got), -1);
	pkt[0] = 0x1b;
	refused(key, pkt, 385);
	pkt[0] = 0x1a;
	assert_int_equal(nc_hs_split(pkt, 385, got), 0);
}

static void
open_refuses_tampering(void **state)
{
	uint8_t		pkt[385], bad[385], cookie[112];
	struct nc_hs	hs, out;
	static const size_t	at[] = {
		113, 136,	/* nonce */
		137, 152,	/* MAC */
		153, 384,	/* cipher text */
	};
	size_t		i;

	random_fields(&hs);
	randombytes_buf(cookie, sizeof(cookie));
	friend_hs(pkt, cookie, cookie, &hs);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		memcpy(bad, pkt, sizeof(pkt));
		bad[at[i]] ^= 0x01;
		refused(key, bad, sizeof(bad));
	}
	/* the outer cookie: its hash is inside, so one bit moves it away */
	for (i = 1; i < 113; i += 37) {
		memcpy(bad, pkt, sizeof(pkt));
		bad[i] ^= 0x80;
		refused(key, bad, sizeof(bad));
	}
	/* the wrong key: a stranger's, or none at all */
	refused(ev_key, pkt, sizeof(pkt));
	memset(bad, 0, NC_HS_KEY_LEN);
	refused(bad, pkt, sizeof(pkt));
	/* the untouched packet still opens */
	assert_int_equal(nc_hs_open(key, pkt, sizeof(pkt), &out), 0);
}

static void
open_refuses_hash_of_another_cookie(void **state)
{
	uint8_t		pkt[385], cookie[112], other[112];
	struct nc_hs	hs;

	random_fields(&hs);
	randombytes_buf(cookie, sizeof(cookie));
	memcpy(other, cookie, sizeof(other));
	other[111] ^= 1;
	/* a well-sealed box that answers another cookie than the outer one */
	friend_hs(pkt, cookie, other, &hs);
	refused(key, pkt, sizeof(pkt));
	/* and the same box moved under that other cookie opens */
	friend_hs(pkt, other, other, &hs);
	assert_int_equal(nc_hs_split(pkt, sizeof(pkt), cookie), 0);
	assert_memory_equal(cookie, other, 112);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(sizes_are_c_toxcores),
		cmocka_unit_test(build_opens_by_hand),
		cmocka_unit_test(build_refuses_no_room),
		cmocka_unit_test(open_friends_handshake),
		cmocka_unit_test(round_trip_between_two_of_ours),
		cmocka_unit_test(lengths_one_off_and_kind),
		cmocka_unit_test(open_refuses_tampering),
		cmocka_unit_test(open_refuses_hash_of_another_cookie),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
