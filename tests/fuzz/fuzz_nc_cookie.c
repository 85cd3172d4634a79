/*
 * net_crypto cookies: every opener on the raw input, then the input sealed
 * by hand as the plain text of a 0x18, a 0x19 or a cookie under fixed keys
 * (so the fuzzer reaches the code behind the MAC), where what was sealed
 * must open to the same fields, and a request must be answered with a
 * response whose cookie names the sender.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "netd/nc_cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct dht_keys	us, peer;
static uint8_t		secret[NC_SECRET_LEN];
static int		ready;

static void
init(void)
{
	uint8_t	pk[32], sk[32];

	if (ready)
		return;
	if (sodium_init() < 0)
		abort();
	memset(sk, 1, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	dht_keys_init_with(&us, pk, sk);
	memset(sk, 2, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	dht_keys_init_with(&peer, pk, sk);
	memset(secret, 3, sizeof(secret));
	ready = 1;
}

static uint64_t
le64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* peer -> us, sealed with the peer's DHT key to ours. */
static void
seal(uint8_t *box, const uint8_t *plain, size_t len, const uint8_t *nonce)
{
	uint8_t	key[DHT_KEY_LEN];

	if (dht_keys_shared(&peer, us.pk, key) != 0 ||
	    crypto_box_easy_afternm(box, plain, len, nonce, key) != 0)
		abort();
}

static void
as_request(const uint8_t *plain)
{
	struct nc_cookie_ids	ids, cids;
	uint8_t			pkt[NC_REQ_LEN], resp[NC_RESP_LEN];
	uint8_t			echo[8], echo2[8], cookie[NC_COOKIE_LEN];
	uint64_t		now = le64(plain + 32);

	pkt[0] = NC_COOKIE_REQ_KIND;
	memcpy(pkt + 1, peer.pk, 32);
	memset(pkt + 33, 0, 24);
	seal(pkt + 57, plain, NC_REQ_PLAIN_LEN, pkt + 33);
	if (nc_cookie_req_open(&us, pkt, sizeof(pkt), &ids, echo) != 0 ||
	    memcmp(ids.dht_pk, peer.pk, 32) != 0 ||
	    memcmp(ids.real_pk, plain, 32) != 0 ||
	    memcmp(echo, plain + 64, 8) != 0)
		abort();
	if (nc_cookie_answer(&us, secret, now, pkt, sizeof(pkt), resp,
	    sizeof(resp)) != NC_RESP_LEN ||
	    nc_cookie_resp_open(&peer, us.pk, resp, sizeof(resp), cookie,
	    echo2) != 0 || memcmp(echo, echo2, 8) != 0 ||
	    nc_cookie_open(secret, now, cookie, &cids) != 0 ||
	    memcmp(&ids, &cids, sizeof(ids)) != 0)
		abort();
}

static void
as_response(const uint8_t *plain)
{
	uint8_t	pkt[NC_RESP_LEN], cookie[NC_COOKIE_LEN], echo[8];

	pkt[0] = NC_COOKIE_RESP_KIND;
	memset(pkt + 1, 0, 24);
	seal(pkt + 25, plain, NC_RESP_PLAIN_LEN, pkt + 1);
	if (nc_cookie_resp_open(&us, peer.pk, pkt, sizeof(pkt), cookie,
	    echo) != 0 || memcmp(cookie, plain, NC_COOKIE_LEN) != 0 ||
	    memcmp(echo, plain + NC_COOKIE_LEN, 8) != 0)
		abort();
}

static void
as_cookie(const uint8_t *plain)
{
	struct nc_cookie_ids	ids;
	uint8_t			c[NC_COOKIE_LEN];
	uint64_t		made = le64(plain);

	memset(c, 0, 24);
	if (crypto_secretbox_easy(c + 24, plain, NC_COOKIE_PLAIN_LEN, c,
	    secret) != 0)
		abort();
	if (nc_cookie_open(secret, made, c, &ids) != 0 ||
	    memcmp(ids.real_pk, plain + 8, 32) != 0 ||
	    memcmp(ids.dht_pk, plain + 40, 32) != 0)
		abort();
	if (made <= UINT64_MAX - NC_COOKIE_TIMEOUT_MS - 1 &&
	    nc_cookie_open(secret, made + NC_COOKIE_TIMEOUT_MS + 1, c,
	    &ids) == 0)
		abort();
	if (made > 0 && nc_cookie_open(secret, made - 1, c, &ids) == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nc_cookie_ids	ids;
	uint8_t			cookie[NC_COOKIE_LEN], echo[8];

	init();
	(void)nc_cookie_req_open(&us, data, size, &ids, echo);
	(void)nc_cookie_resp_open(&us, peer.pk, data, size, cookie, echo);
	if (size == NC_COOKIE_LEN)
		(void)nc_cookie_open(secret, 0, data, &ids);
	if (size == NC_REQ_PLAIN_LEN) {	/* == NC_COOKIE_PLAIN_LEN */
		as_request(data);
		as_cookie(data);
	}
	if (size == NC_RESP_PLAIN_LEN)
		as_response(data);
	return 0;
}
