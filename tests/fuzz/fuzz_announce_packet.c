/*
 * The announce store's codecs and engine (node D).  Each input goes in
 * raw (framing and length checks) and, with its first byte odd, as the
 * plain text of a 0x83 sealed by a fixed requester, so the fuzzer reaches
 * the fields behind the MAC and the store itself.  A 0x85 that parses is
 * framed as 0x86 again and must carry the same body; every answer the
 * engine sends must fit the 0x8c framing c-toxcore accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "netd/announce_packet.h"
#include "netd/announce_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct dht_keys	*me;
static struct announce	*store;
static uint8_t		 peer_pk[32], peer_sk[32];

static int
send_cb(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	if (len < ONION_RESP3_HDR_LEN + 1 || len > ONION_DATA_OUT_MAX ||
	    pkt[0] != ONION_RESP_3 || (pkt[ONION_RESP3_HDR_LEN] !=
	    ONION_ANNOUNCE_RESP && pkt[ONION_RESP3_HDR_LEN] != ONION_DATA_RESP))
		abort();
	return (int)len;
}

static void
init(void)
{
	uint8_t	sk[32], pk[32];

	if (me != NULL)
		return;
	if (sodium_init() < 0 || (me = calloc(1, sizeof(*me))) == NULL ||
	    (store = calloc(1, sizeof(*store))) == NULL)
		abort();
	memset(sk, 1, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	dht_keys_init_with(me, pk, sk);
	memset(peer_sk, 2, sizeof(peer_sk));
	crypto_scalarmult_base(peer_pk, peer_sk);
	announce_init(store, me, send_cb, NULL, NULL, NULL);
}

static void
parse_all(const uint8_t *p, size_t len, uint64_t now)
{
	static struct onion_data_req	q;
	static uint8_t			out[ONION_DATA_OUT_MAX];
	struct announce_req		r;
	struct ip_port			from;
	static const uint8_t		ip[4] = { 198, 51, 100, 1 };
	int				n;

	(void)annp_req_parse(me, p, len, &r);
	if (annp_data_parse(p, len, &q) == 0) {
		n = annp_data_pack(q.ret, q.body, q.body_len, out,
		    sizeof(out));
		if (n < 0 || (size_t)n != ONION_RESP3_HDR_LEN + 1 +
		    q.body_len || memcmp(out + ONION_RESP3_HDR_LEN + 1,
		    q.body, q.body_len) != 0)
			abort();
	}
	(void)ipp_set(&from, ip, sizeof(ip), (uint16_t)(now & 3));
	(void)announce_handle_packet(store, &from, p, len, now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		pkt[ANNOUNCE_REQ_RECV_LEN];
	uint8_t		plain[ANNOUNCE_PLAIN_LEN] = { 0 };
	uint64_t	now;

	init();
	now = size > 0 ? (uint64_t)data[0] * 100000 : 0;
	parse_all(data, size, now);
	if (size < 1 || (data[0] & 1) == 0)
		return 0;
	/* Sealed: the bytes after the first are the plain text, then R3. */
	memcpy(plain, data + 1, size - 1 < sizeof(plain) ? size - 1 :
	    sizeof(plain));
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = ONION_ANNOUNCE_REQ;
	memcpy(pkt + 1 + ONION_NONCE_LEN, peer_pk, 32);
	if (crypto_box_easy(pkt + 1 + ONION_NONCE_LEN + 32, plain,
	    sizeof(plain), pkt + 1, me->pk, peer_sk) != 0)
		return 0;
	if (size - 1 > sizeof(plain))
		memcpy(pkt + ANNOUNCE_REQ_LEN, data + 1 + sizeof(plain),
		    size - 1 - sizeof(plain) < ONION_RET_3_LEN ?
		    size - 1 - sizeof(plain) : ONION_RET_3_LEN);
	parse_all(pkt, sizeof(pkt), now);
	return 0;
}
