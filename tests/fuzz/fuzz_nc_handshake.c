/*
 * The net_crypto handshake (common/nc_handshake.c): the raw input as a
 * received packet (split, then open); the input as the plain text a fixed
 * friend sealed by hand behind a valid outer layer (so the fuzzer gets
 * behind the MAC), which must open exactly when it is NC_HS_PLAIN_LEN
 * bytes and carries the hash of the outer cookie; and the input as the
 * fields we build, which must open at the friend to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/nc_handshake.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t	me_pk[32], me_sk[32], fr_pk[32], fr_sk[32];
static uint8_t	key[NC_HS_KEY_LEN];	/* me with the friend */
static uint8_t	fkey[NC_HS_KEY_LEN];	/* the friend with me */
static uint8_t	cookie[NC_HS_COOKIE_LEN], nonce[NC_HS_NONCE_LEN];

static void
init(void)
{
	static int	done;

	if (done++)
		return;
	if (sodium_init() < 0)
		abort();
	memset(me_sk, 3, sizeof(me_sk));
	crypto_scalarmult_base(me_pk, me_sk);
	memset(fr_sk, 4, sizeof(fr_sk));
	crypto_scalarmult_base(fr_pk, fr_sk);
	memset(cookie, 0x5a, sizeof(cookie));
	memset(nonce, 0x55, sizeof(nonce));
	if (crypto_box_beforenm(key, fr_pk, me_sk) != 0 ||
	    crypto_box_beforenm(fkey, me_pk, fr_sk) != 0)
		abort();
}

/* The friend seals p as the plain text; with fix, the hash is made right. */
static void
check_open(const uint8_t *p, size_t n, int fix)
{
	static uint8_t		pkt[1024], plain[512];
	static struct nc_hs	hs;
	int			ok, rv;

	if (n > sizeof(plain))
		return;
	memcpy(plain, p, n);
	if (fix && n == NC_HS_PLAIN_LEN)
		crypto_hash_sha512(plain + 56, cookie, sizeof(cookie));
	pkt[0] = NC_HS_KIND;
	memcpy(pkt + 1, cookie, sizeof(cookie));
	memcpy(pkt + 113, nonce, sizeof(nonce));
	(void)crypto_box_easy(pkt + 137, plain, n, nonce, me_pk, fr_sk);
	rv = nc_hs_open(key, pkt, 137 + NC_HS_MAC_LEN + n, &hs);
	ok = n == NC_HS_PLAIN_LEN && (fix || rv == 0);
	if (rv != (ok ? 0 : -1))
		abort();
	if (rv == 0 && (memcmp(hs.base_nonce, plain, 24) != 0 ||
	    memcmp(hs.session_pk, plain + 24, 32) != 0 ||
	    memcmp(hs.other_cookie, plain + 120, 112) != 0))
		abort();
}

/* The input as what we build: cookie || nonce || fields. */
static void
check_build(const uint8_t *p, size_t n)
{
	static uint8_t		pkt[NC_HS_LEN], got[NC_HS_COOKIE_LEN];
	static struct nc_hs	in, out;
	size_t			need;

	need = NC_HS_COOKIE_LEN + NC_HS_NONCE_LEN + sizeof(in);
	if (n < need)
		return;
	memcpy(&in, p + NC_HS_COOKIE_LEN + NC_HS_NONCE_LEN, sizeof(in));
	if (nc_hs_build(key, p, p + NC_HS_COOKIE_LEN, &in, pkt,
	    sizeof(pkt)) != NC_HS_LEN ||
	    nc_hs_split(pkt, sizeof(pkt), got) != 0 ||
	    memcmp(got, p, NC_HS_COOKIE_LEN) != 0 ||
	    nc_hs_open(fkey, pkt, sizeof(pkt), &out) != 0 ||
	    memcmp(&in, &out, sizeof(in)) != 0)
		abort();
	/* the byte the input names, flipped, must be refused */
	pkt[p[need - 1] % NC_HS_LEN] ^= 1;
	if (nc_hs_open(fkey, pkt, sizeof(pkt), &out) != -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nc_hs	hs;
	uint8_t			c[NC_HS_COOKIE_LEN];

	init();
	if (nc_hs_split(data, size, c) == 0)
		(void)nc_hs_open(key, data, size, &hs);
	else if (nc_hs_open(key, data, size, &hs) != -1)
		abort();
	check_open(data, size, 0);
	check_open(data, size, 1);
	check_build(data, size);
	return 0;
}
