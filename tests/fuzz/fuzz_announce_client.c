/*
 * The client's announce codec (common/announce_client.c), on the raw
 * input (framing, sizes) and on the input sealed as the plain text of a
 * 0x84 from a fixed node (so the fuzzer reaches the parser behind the
 * MAC).  A response that opens is packed again by hand and must give the
 * very plain text; a request built from the input must open at the node
 * to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/announce_client.h"
#include "common/rd.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t	me_pk[32], me_sk[32], node_pk[32], node_sk[32];
static uint8_t	key[ANNOUNCE_KEY_LEN];	/* me with the node */

static void
init(void)
{
	static int	done;

	if (done++)
		return;
	if (sodium_init() < 0)
		abort();
	memset(me_sk, 1, sizeof(me_sk));
	crypto_scalarmult_base(me_pk, me_sk);
	memset(node_sk, 2, sizeof(node_sk));
	crypto_scalarmult_base(node_pk, node_sk);
	if (crypto_box_beforenm(key, node_pk, me_sk) != 0)
		abort();
}

static void
check_resp(const uint8_t *plain, size_t plen)
{
	static uint8_t		pkt[1024], again[1024];
	struct announce_resp	ar;
	struct wr		w;
	size_t			len;
	uint8_t			i;

	if (plen > sizeof(pkt) - ANNOUNCE_RESP_HDR_LEN - ONION_MAC_LEN)
		return;
	pkt[0] = ONION_ANNOUNCE_RESP;
	memset(pkt + 1, 0xee, ONION_SENDBACK_LEN);
	memset(pkt + 1 + ONION_SENDBACK_LEN, 0x42, ONION_NONCE_LEN);
	(void)crypto_box_easy(pkt + ANNOUNCE_RESP_HDR_LEN, plain, plen,
	    pkt + 1 + ONION_SENDBACK_LEN, me_pk, node_sk);
	len = ANNOUNCE_RESP_HDR_LEN + ONION_MAC_LEN + plen;
	if (announce_resp_open(key, pkt, len, &ar) == -1)
		return;
	if (ar.is_stored > ANNOUNCE_STORED || ar.n > ANNOUNCE_RESP_NODES_MAX ||
	    memcmp(ar.sendback, pkt + 1, ONION_SENDBACK_LEN) != 0)
		abort();
	wr_init(&w, again, sizeof(again));
	wr_u8(&w, ar.is_stored);
	wr_bytes(&w, ar.field, sizeof(ar.field));
	for (i = 0; i < ar.n; i++) {
		if (!packed_node_family_ok(ar.nodes[i].family, 0))
			abort();
		packed_node_pack(&w, &ar.nodes[i]);
	}
	if (!wr_ok(&w) || w.len != plen || memcmp(again, plain, plen) != 0)
		abort();
}

static void
check_req(const uint8_t *p, size_t n)
{
	struct announce_req	q;
	uint8_t			pkt[ANNOUNCE_REQ_LEN], nonce[ONION_NONCE_LEN];
	uint8_t			plain[ANNOUNCE_PLAIN_LEN];

	if (n < sizeof(q))
		return;
	memcpy(&q, p, sizeof(q));
	memset(nonce, 0x24, sizeof(nonce));
	announce_req_build(key, me_pk, nonce, &q, pkt);
	if (pkt[0] != ONION_ANNOUNCE_REQ ||
	    crypto_box_open_easy(plain, pkt + 57, sizeof(pkt) - 57, nonce,
	    me_pk, node_sk) != 0 || memcmp(plain, &q, sizeof(plain)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct announce_resp	ar;
	uint8_t			sb[ONION_SENDBACK_LEN];

	init();
	(void)announce_resp_sendback(data, size, sb);
	(void)announce_resp_open(key, data, size, &ar);
	check_resp(data, size);
	check_req(data, size);
	return 0;
}
