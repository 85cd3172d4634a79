/*
 * net_crypto cookies: the peer's side of every packet is built or opened
 * here by hand with libsodium (beforenm between the two DHT keys), so the
 * codec is checked against the layout, not against itself.  Every size one
 * off, wrong kinds, flipped bytes, wrong keys, and the cookie's 15 s.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/nc_cookie.h"

struct side {
	struct dht_keys	dk;		/* our netd */
	uint8_t		peer_pk[32], peer_sk[32];	/* the peer's DHT key */
	uint8_t		peer_real[32];
	uint8_t		secret[NC_SECRET_LEN];
	uint8_t		echo[NC_ECHO_LEN];
};

static struct side *
side_new(void)
{
	static struct side	s;
	uint8_t			sk[32];

	assert_true(sodium_init() >= 0);
	dht_keys_init(&s.dk);
	crypto_box_keypair(s.peer_pk, s.peer_sk);
	crypto_box_keypair(s.peer_real, sk);
	randombytes_buf(s.secret, sizeof(s.secret));
	randombytes_buf(s.echo, sizeof(s.echo));
	return &s;
}

/* The peer's 0x18 to us, by hand: box(peer sk, our DHT pk). */
static void
peer_request(const struct side *s, uint8_t pkt[NC_REQ_LEN])
{
	uint8_t	plain[NC_REQ_PLAIN_LEN];

	memcpy(plain, s->peer_real, 32);
	memset(plain + 32, 0, 32);
	memcpy(plain + 64, s->echo, 8);
	pkt[0] = 0x18;
	memcpy(pkt + 1, s->peer_pk, 32);
	randombytes_buf(pkt + 33, 24);
	assert_int_equal(crypto_box_easy(pkt + 57, plain, sizeof(plain),
	    pkt + 33, s->dk.pk, s->peer_sk), 0);
}

/* The peer's 0x19 to us, by hand. */
static void
peer_response(const struct side *s, const uint8_t cookie[NC_COOKIE_LEN],
    uint8_t pkt[NC_RESP_LEN])
{
	uint8_t	plain[NC_RESP_PLAIN_LEN];

	memcpy(plain, cookie, NC_COOKIE_LEN);
	memcpy(plain + NC_COOKIE_LEN, s->echo, 8);
	pkt[0] = 0x19;
	randombytes_buf(pkt + 1, 24);
	assert_int_equal(crypto_box_easy(pkt + 25, plain, sizeof(plain),
	    pkt + 1, s->dk.pk, s->peer_sk), 0);
}

static void
sizes_are_c_toxcores(void **state)
{
	assert_int_equal(NC_REQ_LEN, 145);
	assert_int_equal(NC_RESP_LEN, 161);
	assert_int_equal(NC_COOKIE_LEN, 112);
	assert_int_equal(NC_COOKIE_TIMEOUT_MS, 15 * 1000);
}

static void
req_pack_opens_by_hand(void **state)
{
	struct side	*s = side_new();
	uint8_t		 pkt[NC_REQ_LEN + 8], plain[NC_REQ_PLAIN_LEN];
	uint8_t		 me[32], first_nonce[24];
	int		 n;

	randombytes_buf(me, sizeof(me));
	n = nc_cookie_req_pack(&s->dk, s->peer_pk, me, s->echo, pkt,
	    sizeof(pkt));
	assert_int_equal(n, NC_REQ_LEN);
	assert_int_equal(pkt[0], 0x18);
	assert_memory_equal(pkt + 1, s->dk.pk, 32);
	assert_int_equal(crypto_box_open_easy(plain, pkt + 57,
	    NC_REQ_PLAIN_LEN + 16, pkt + 33, s->dk.pk, s->peer_sk), 0);
	assert_memory_equal(plain, me, 32);
	for (n = 32; n < 64; n++)
		assert_int_equal(plain[n], 0);
	assert_memory_equal(plain + 64, s->echo, 8);

	/* A fresh nonce every time. */
	memcpy(first_nonce, pkt + 33, 24);
	assert_int_equal(nc_cookie_req_pack(&s->dk, s->peer_pk, me, s->echo,
	    pkt, sizeof(pkt)), NC_REQ_LEN);
	assert_memory_not_equal(first_nonce, pkt + 33, 24);

	/* Exactly the room it needs. */
	assert_int_equal(nc_cookie_req_pack(&s->dk, s->peer_pk, me, s->echo,
	    pkt, NC_REQ_LEN), NC_REQ_LEN);
	assert_int_equal(nc_cookie_req_pack(&s->dk, s->peer_pk, me, s->echo,
	    pkt, NC_REQ_LEN - 1), -1);
}

static void
req_open_by_hand(void **state)
{
	struct side		*s = side_new();
	struct nc_cookie_ids	 ids;
	uint8_t			 pkt[NC_REQ_LEN + 1], echo[8];

	peer_request(s, pkt);
	assert_int_equal(nc_cookie_req_open(&s->dk, pkt, NC_REQ_LEN, &ids,
	    echo), 0);
	assert_memory_equal(ids.dht_pk, s->peer_pk, 32);
	assert_memory_equal(ids.real_pk, s->peer_real, 32);
	assert_memory_equal(echo, s->echo, 8);

	/* Padding is not checked (c-toxcore does not either). */
	{
		uint8_t	plain[NC_REQ_PLAIN_LEN];

		memcpy(plain, s->peer_real, 32);
		memset(plain + 32, 0xa5, 32);
		memcpy(plain + 64, s->echo, 8);
		assert_int_equal(crypto_box_easy(pkt + 57, plain,
		    sizeof(plain), pkt + 33, s->dk.pk, s->peer_sk), 0);
		assert_int_equal(nc_cookie_req_open(&s->dk, pkt, NC_REQ_LEN,
		    &ids, echo), 0);
		assert_memory_equal(ids.real_pk, s->peer_real, 32);
	}
}

static void
req_open_bounds(void **state)
{
	struct side		*s = side_new();
	struct nc_cookie_ids	 ids;
	uint8_t			 pkt[NC_REQ_LEN + 1], echo[8];
	size_t			 i;

	peer_request(s, pkt);
	pkt[NC_REQ_LEN] = 0;
	assert_int_equal(nc_cookie_req_open(&s->dk, pkt, NC_REQ_LEN - 1, &ids,
	    echo), -1);
	assert_int_equal(nc_cookie_req_open(&s->dk, pkt, NC_REQ_LEN + 1, &ids,
	    echo), -1);
	assert_int_equal(nc_cookie_req_open(&s->dk, pkt, 0, &ids, echo), -1);
	assert_int_equal(nc_cookie_req_open(&s->dk, pkt, NC_REQ_LEN, &ids,
	    echo), 0);

	/* Wrong kind: the same box under 0x19 is refused. */
	pkt[0] = 0x19;
	assert_int_equal(nc_cookie_req_open(&s->dk, pkt, NC_REQ_LEN, &ids,
	    echo), -1);
	pkt[0] = 0x18;

	/* Any flipped byte after the kind breaks the MAC (or the key). */
	for (i = 1; i < NC_REQ_LEN; i++) {
		pkt[i] ^= 0x01;
		assert_int_equal(nc_cookie_req_open(&s->dk, pkt, NC_REQ_LEN,
		    &ids, echo), -1);
		pkt[i] ^= 0x01;
	}
	assert_int_equal(nc_cookie_req_open(&s->dk, pkt, NC_REQ_LEN, &ids,
	    echo), 0);
}

static void
req_open_wrong_keys(void **state)
{
	struct side		*s = side_new();
	struct nc_cookie_ids	 ids;
	struct dht_keys		 other;
	uint8_t			 pkt[NC_REQ_LEN], echo[8];

	/* Sent to another node's DHT key. */
	peer_request(s, pkt);
	dht_keys_init(&other);
	assert_int_equal(nc_cookie_req_open(&other, pkt, NC_REQ_LEN, &ids,
	    echo), -1);

	/* A claimed sender key that is a low-order point: no shared key. */
	memset(pkt + 1, 0, 32);
	assert_int_equal(nc_cookie_req_open(&s->dk, pkt, NC_REQ_LEN, &ids,
	    echo), -1);
	dht_keys_wipe(&other);
}

static void
cookie_round_trip_and_age(void **state)
{
	struct side		*s = side_new();
	struct nc_cookie_ids	 ids, got;
	uint8_t			 c[NC_COOKIE_LEN], c2[NC_COOKIE_LEN];
	uint8_t			 other[NC_SECRET_LEN];
	const uint64_t		 t = 1000000;

	randombytes_buf(ids.real_pk, 32);
	randombytes_buf(ids.dht_pk, 32);
	assert_int_equal(nc_cookie_make(s->secret, t, &ids, c), 0);
	assert_int_equal(nc_cookie_open(s->secret, t, c, &got), 0);
	assert_memory_equal(got.real_pk, ids.real_pk, 32);
	assert_memory_equal(got.dht_pk, ids.dht_pk, 32);
	assert_int_equal(nc_cookie_open(s->secret, t + NC_COOKIE_TIMEOUT_MS,
	    c, &got), 0);
	assert_int_equal(nc_cookie_open(s->secret,
	    t + NC_COOKIE_TIMEOUT_MS + 1, c, &got), -1);
	/* From the future: made on another clock. */
	assert_int_equal(nc_cookie_open(s->secret, t - 1, c, &got), -1);
	assert_int_equal(nc_cookie_open(s->secret, UINT64_MAX, c, &got), -1);

	/* Another secret (another run of netd) cannot open it. */
	randombytes_buf(other, sizeof(other));
	assert_int_equal(nc_cookie_open(other, t, c, &got), -1);

	/* Two cookies for the same keys differ (fresh nonce). */
	assert_int_equal(nc_cookie_make(s->secret, t, &ids, c2), 0);
	assert_memory_not_equal(c, c2, NC_COOKIE_LEN);

	/* Made at time 0 and at the top of the clock: no wrap. */
	assert_int_equal(nc_cookie_make(s->secret, 0, &ids, c), 0);
	assert_int_equal(nc_cookie_open(s->secret, 0, c, &got), 0);
	assert_int_equal(nc_cookie_open(s->secret, UINT64_MAX, c, &got), -1);
	assert_int_equal(nc_cookie_make(s->secret, UINT64_MAX, &ids, c), 0);
	assert_int_equal(nc_cookie_open(s->secret, UINT64_MAX, c, &got), 0);
	assert_int_equal(nc_cookie_open(s->secret, 0, c, &got), -1);
}

/* The layout and time encoding of the header, checked by hand. */
static void
cookie_layout_by_hand(void **state)
{
	struct side		*s = side_new();
	struct nc_cookie_ids	 ids, got;
	uint8_t			 c[NC_COOKIE_LEN], plain[72];
	uint64_t		 t = 0x0102030405060708ULL;
	int			 i;

	randombytes_buf(ids.real_pk, 32);
	randombytes_buf(ids.dht_pk, 32);
	assert_int_equal(nc_cookie_make(s->secret, t, &ids, c), 0);
	assert_int_equal(crypto_secretbox_open_easy(plain, c + 24, 72 + 16, c,
	    s->secret), 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(plain[i], 8 - i);	/* little endian */
	assert_memory_equal(plain + 8, ids.real_pk, 32);
	assert_memory_equal(plain + 40, ids.dht_pk, 32);

	/* One sealed by hand opens, 15 s old at most. */
	t = 5000;
	for (i = 0; i < 8; i++)
		plain[i] = (uint8_t)(t >> (8 * i));
	randombytes_buf(c, 24);
	assert_int_equal(crypto_secretbox_easy(c + 24, plain, 72, c,
	    s->secret), 0);
	assert_int_equal(nc_cookie_open(s->secret, 20000, c, &got), 0);
	assert_memory_equal(got.real_pk, ids.real_pk, 32);
	assert_int_equal(nc_cookie_open(s->secret, 20001, c, &got), -1);

	/* Any flipped byte: refused. */
	for (i = 0; i < NC_COOKIE_LEN; i++) {
		c[i] ^= 0x80;
		assert_int_equal(nc_cookie_open(s->secret, 20000, c, &got), -1);
		c[i] ^= 0x80;
	}
	assert_int_equal(nc_cookie_open(s->secret, 20000, c, &got), 0);
}

static void
resp_pack_opens_by_hand(void **state)
{
	struct side	*s = side_new();
	uint8_t		 cookie[NC_COOKIE_LEN], pkt[NC_RESP_LEN];
	uint8_t		 plain[NC_RESP_PLAIN_LEN];

	randombytes_buf(cookie, sizeof(cookie));
	assert_int_equal(nc_cookie_resp_pack(&s->dk, s->peer_pk, cookie,
	    s->echo, pkt, sizeof(pkt)), NC_RESP_LEN);
	assert_int_equal(pkt[0], 0x19);
	assert_int_equal(crypto_box_open_easy(plain, pkt + 25,
	    NC_RESP_PLAIN_LEN + 16, pkt + 1, s->dk.pk, s->peer_sk), 0);
	assert_memory_equal(plain, cookie, NC_COOKIE_LEN);
	assert_memory_equal(plain + NC_COOKIE_LEN, s->echo, 8);
	assert_int_equal(nc_cookie_resp_pack(&s->dk, s->peer_pk, cookie,
	    s->echo, pkt, NC_RESP_LEN - 1), -1);
}

static void
resp_open_by_hand_and_bounds(void **state)
{
	struct side	*s = side_new();
	struct dht_keys	 other;
	uint8_t		 cookie[NC_COOKIE_LEN], got[NC_COOKIE_LEN];
	uint8_t		 pkt[NC_RESP_LEN + 1], echo[8], stranger[32];
	size_t		 i;

	randombytes_buf(cookie, sizeof(cookie));
	peer_response(s, cookie, pkt);
	pkt[NC_RESP_LEN] = 0;
	assert_int_equal(nc_cookie_resp_open(&s->dk, s->peer_pk, pkt,
	    NC_RESP_LEN, got, echo), 0);
	assert_memory_equal(got, cookie, NC_COOKIE_LEN);
	assert_memory_equal(echo, s->echo, 8);

	assert_int_equal(nc_cookie_resp_open(&s->dk, s->peer_pk, pkt,
	    NC_RESP_LEN - 1, got, echo), -1);
	assert_int_equal(nc_cookie_resp_open(&s->dk, s->peer_pk, pkt,
	    NC_RESP_LEN + 1, got, echo), -1);
	pkt[0] = 0x18;
	assert_int_equal(nc_cookie_resp_open(&s->dk, s->peer_pk, pkt,
	    NC_RESP_LEN, got, echo), -1);
	pkt[0] = 0x19;
	for (i = 1; i < NC_RESP_LEN; i++) {
		pkt[i] ^= 0x40;
		assert_int_equal(nc_cookie_resp_open(&s->dk, s->peer_pk, pkt,
		    NC_RESP_LEN, got, echo), -1);
		pkt[i] ^= 0x40;
	}

	/* From someone other than the peer we asked. */
	crypto_box_keypair(stranger, got);
	assert_int_equal(nc_cookie_resp_open(&s->dk, stranger, pkt,
	    NC_RESP_LEN, got, echo), -1);
	/* Or opened with another DHT key of ours. */
	dht_keys_init(&other);
	assert_int_equal(nc_cookie_resp_open(&other, s->peer_pk, pkt,
	    NC_RESP_LEN, got, echo), -1);
	dht_keys_wipe(&other);
	assert_int_equal(nc_cookie_resp_open(&s->dk, s->peer_pk, pkt,
	    NC_RESP_LEN, got, echo), 0);
}

/*
 * Both ends through the codec: A asks B, B answers, A gets a cookie that
 * only B can open, naming A's real and DHT keys.
 */
static void
answer_end_to_end(void **state)
{
	struct side		*s = side_new();
	struct dht_keys		 a;
	struct nc_cookie_ids	 ids;
	uint8_t			 a_real[32], req[NC_REQ_LEN];
	uint8_t			 resp[NC_RESP_LEN], cookie[NC_COOKIE_LEN];
	uint8_t			 echo[8];

	dht_keys_init(&a);
	randombytes_buf(a_real, sizeof(a_real));
	assert_int_equal(nc_cookie_req_pack(&a, s->dk.pk, a_real, s->echo,
	    req, sizeof(req)), NC_REQ_LEN);
	assert_int_equal(nc_cookie_answer(&s->dk, s->secret, 777, req,
	    sizeof(req), resp, sizeof(resp)), NC_RESP_LEN);
	assert_int_equal(nc_cookie_resp_open(&a, s->dk.pk, resp, sizeof(resp),
	    cookie, echo), 0);
	assert_memory_equal(echo, s->echo, 8);
	assert_int_equal(nc_cookie_open(s->secret, 777 + 15000, cookie, &ids),
	    0);
	assert_memory_equal(ids.real_pk, a_real, 32);
	assert_memory_equal(ids.dht_pk, a.pk, 32);
	assert_int_equal(nc_cookie_open(s->secret, 777 + 15001, cookie, &ids),
	    -1);

	/* A request B cannot open gets no answer. */
	req[NC_REQ_LEN - 1] ^= 1;
	assert_int_equal(nc_cookie_answer(&s->dk, s->secret, 777, req,
	    sizeof(req), resp, sizeof(resp)), -1);
	req[NC_REQ_LEN - 1] ^= 1;
	assert_int_equal(nc_cookie_answer(&s->dk, s->secret, 777, req,
	    sizeof(req) - 1, resp, sizeof(resp)), -1);
	assert_int_equal(nc_cookie_answer(&s->dk, s->secret, 777, req,
	    sizeof(req), resp, sizeof(resp) - 1), -1);
	dht_keys_wipe(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_are_c_toxcores),
		cmocka_unit_test(req_pack_opens_by_hand),
		cmocka_unit_test(req_open_by_hand),
		cmocka_unit_test(req_open_bounds),
		cmocka_unit_test(req_open_wrong_keys),
		cmocka_unit_test(cookie_round_trip_and_age),
		cmocka_unit_test(cookie_layout_by_hand),
		cmocka_unit_test(resp_pack_opens_by_hand),
		cmocka_unit_test(resp_open_by_hand_and_bounds),
		cmocka_unit_test(answer_end_to_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
