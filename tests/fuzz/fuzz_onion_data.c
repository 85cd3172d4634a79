/*
 * The inner layer of onion data (common/onion_data.c): the raw input as a
 * sealed layer (split, then open), and the input as the plain text a
 * fixed friend sealed (so the fuzzer gets behind the MAC): it must open
 * exactly when it is 1..ONION_DATA_INNER_MAX bytes, to the same bytes; and
 * what we seal of it must open at the friend.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/onion_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t	me_pk[32], me_sk[32], fr_pk[32], fr_sk[32];
static uint8_t	key[ONION_DATA_KEY_LEN];	/* me with the friend */
static uint8_t	nonce[ONION_NONCE_LEN];

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
	memset(nonce, 0x55, sizeof(nonce));
	if (crypto_box_beforenm(key, fr_pk, me_sk) != 0)
		abort();
}

static void
check_open(const uint8_t *p, size_t n)
{
	static uint8_t			box[4096];
	static struct onion_data	d;
	int				rv;

	if (n > sizeof(box) - ONION_MAC_LEN)
		return;
	(void)crypto_box_easy(box, p, n, nonce, me_pk, fr_sk);
	rv = onion_data_open(key, nonce, box, n + ONION_MAC_LEN, &d);
	if (rv != (n >= 1 && n <= ONION_DATA_INNER_MAX ? 0 : -1))
		abort();
	if (rv == 0 && (d.id != p[0] || d.len != n - 1 ||
	    memcmp(d.data, p + 1, d.len) != 0))
		abort();
}

static void
check_seal(const uint8_t *p, size_t n)
{
	static uint8_t	out[2048], plain[2048];
	int		len;

	if (n < 1)
		return;
	len = onion_data_seal(key, me_pk, nonce, p[0], p + 1, n - 1, out,
	    sizeof(out));
	if (len != (n <= ONION_DATA_INNER_SEND_MAX ?
	    (int)(ONION_PK_LEN + ONION_MAC_LEN + n) : -1))
		abort();
	if (len == -1)
		return;
	if (memcmp(out, me_pk, 32) != 0 ||
	    crypto_box_open_easy(plain, out + 32, (size_t)len - 32, nonce,
	    me_pk, fr_sk) != 0 || memcmp(plain, p, n) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct onion_data	d;
	uint8_t				pk[ONION_PK_LEN];
	const uint8_t			*box;
	size_t				blen;

	init();
	if (onion_data_split(data, size, pk, &box, &blen) == 0)
		(void)onion_data_open(key, nonce, box, blen, &d);
	(void)onion_data_open(key, nonce, data, size, &d);
	check_open(data, size);
	check_seal(data, size);
	return 0;
}
