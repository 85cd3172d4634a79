/*
 * The outer layer of onion data: odo_open on the raw input, and on the
 * input sealed as the plain text of a 0x86 to a fixed data key (so the
 * fuzzer reaches the code behind the MAC).  What opens is packed again as
 * a 0x85 and must open to the same sender and inner box.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "netd/onion_data_outer.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t	data_pk[32], data_sk[32], eph_pk[32], eph_sk[32];
static int	ready;

static void
init(void)
{
	if (ready)
		return;
	if (sodium_init() < 0)
		abort();
	memset(data_sk, 1, sizeof(data_sk));
	crypto_scalarmult_base(data_pk, data_sk);
	memset(eph_sk, 2, sizeof(eph_sk));
	crypto_scalarmult_base(eph_pk, eph_sk);
	ready = 1;
}

static void
open_one(const uint8_t *p, size_t len)
{
	uint8_t	sender[32], nonce[24], inner[ODO_INNER_MAX];
	uint8_t	sender2[32], nonce2[24], inner2[ODO_INNER_MAX];
	uint8_t	req[2048], resp[2048];
	size_t	ilen, ilen2;
	int	n;

	if (odo_open(data_sk, p, len, sender, nonce, inner, sizeof(inner),
	    &ilen) != 0)
		return;
	if (ilen < ODO_INNER_MIN || ilen > ODO_INNER_MAX)
		abort();
	if (ilen > ODO_INNER_SEND_MAX)
		return;
	n = odo_pack(sender, data_pk, nonce, sender, inner, ilen, req,
	    sizeof(req));
	if (n < 0)
		abort();
	resp[0] = ONION_DATA_RESP;
	memcpy(resp + 1, req + 33, (size_t)n - 33);
	if (odo_open(data_sk, resp, (size_t)n - 32, sender2, nonce2, inner2,
	    sizeof(inner2), &ilen2) != 0 || ilen2 != ilen ||
	    memcmp(sender, sender2, 32) != 0 || memcmp(nonce, nonce2, 24) != 0 ||
	    memcmp(inner, inner2, ilen) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	pkt[2048];
	uint8_t	nonce[24] = { 0 };

	init();
	open_one(data, size);
	if (size > 1200)
		return 0;
	pkt[0] = ONION_DATA_RESP;
	memcpy(pkt + 1, nonce, sizeof(nonce));
	memcpy(pkt + 25, eph_pk, 32);
	if (crypto_box_easy(pkt + 57, data, size, nonce, data_pk, eph_sk) != 0)
		return 0;
	open_one(pkt, 57 + 16 + size);
	return 0;
}
