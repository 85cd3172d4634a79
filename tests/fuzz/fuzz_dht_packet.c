/*
 * Every DHT packet parser, twice: on the raw input (framing and length
 * checks), and on the input sealed as the plain text of a packet from a
 * fixed peer (so the fuzzer reaches the code behind the MAC).  A packet
 * that parses is packed again and must parse to the same values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "netd/dht_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct dht_keys	*me, *peer;

static void
init(void)
{
	uint8_t	pk[32], sk[32];

	if (me != NULL)
		return;
	if (sodium_init() < 0 || (me = calloc(1, sizeof(*me))) == NULL ||
	    (peer = calloc(1, sizeof(*peer))) == NULL)
		abort();
	memset(sk, 1, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	dht_keys_init_with(me, pk, sk);
	memset(sk, 2, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	dht_keys_init_with(peer, pk, sk);
}

static void
parse_all(const uint8_t *p, size_t len)
{
	struct dht_ping		 pg, pg2;
	struct dht_nodes_req	 q, q2;
	struct dht_nodes_resp	 r, r2;
	struct dht_request	*rq;
	struct dht_nat_ping	 np;
	uint8_t			 pk[32], out[DHT_REQ_MAX];
	int			 n;

	if (dhtp_ping_parse(me, p, len, pk, &pg) == 0) {
		n = dhtp_ping_pack(peer, me->pk, &pg, out, sizeof(out));
		if (n != DHT_PING_LEN ||
		    dhtp_ping_parse(me, out, (size_t)n, pk, &pg2) != 0 ||
		    memcmp(&pg, &pg2, sizeof(pg)) != 0)
			abort();
	}
	if (dhtp_nodes_req_parse(me, p, len, pk, &q) == 0) {
		n = dhtp_nodes_req_pack(peer, me->pk, &q, out, sizeof(out));
		if (n != DHT_NODES_REQ_LEN ||
		    dhtp_nodes_req_parse(me, out, (size_t)n, pk, &q2) != 0 ||
		    memcmp(&q, &q2, sizeof(q)) != 0)
			abort();
	}
	if (dhtp_nodes_resp_parse(me, p, len, pk, &r) == 0) {
		n = dhtp_nodes_resp_pack(peer, me->pk, &r, out, sizeof(out));
		if (n < 0 || (size_t)n != len ||
		    dhtp_nodes_resp_parse(me, out, (size_t)n, pk, &r2) != 0 ||
		    r.n != r2.n || memcmp(r.nodes, r2.nodes,
		    r.n * sizeof(r.nodes[0])) != 0)
			abort();
	}
	(void)dhtp_request_peek(p, len, pk);
	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		abort();
	if (dhtp_request_parse(me, p, len, rq) == 0 &&
	    rq->id == DHT_REQ_NAT_PING)
		(void)dhtp_nat_ping_decode(rq->data, rq->len, &np);
	free(rq);
	(void)dhtp_nat_ping_decode(p, len, &np);
	(void)dhtp_lan_parse(p, len, pk);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	kinds[] = { 0x00, 0x01, 0x02, 0x04 };
	uint8_t			pkt[2048], nonce[DHT_NONCE_LEN] = { 0 };
	size_t			plen;

	init();
	parse_all(data, size);
	if (size < 1)
		return 0;
	/* Sealed: data[0] picks the kind, the rest is the plain text. */
	plen = size - 1;
	if (plen > 1024)
		return 0;
	if ((data[0] & 0x80) != 0) {
		if (dhtp_request_pack(peer, me->pk, data[0] & 0x7f ? 0xfe :
		    data[0], data + 1, plen > DHT_REQ_DATA_MAX ?
		    DHT_REQ_DATA_MAX : plen, pkt, sizeof(pkt)) > 0)
			parse_all(pkt, 89 + 16 + 1 + (plen > DHT_REQ_DATA_MAX ?
			    DHT_REQ_DATA_MAX : plen));
		return 0;
	}
	pkt[0] = kinds[data[0] % sizeof(kinds)];
	memcpy(pkt + 1, peer->pk, 32);
	memcpy(pkt + 33, nonce, sizeof(nonce));
	if (crypto_box_easy(pkt + DHT_HDR_LEN, data + 1, plen, nonce, me->pk,
	    peer->sk) != 0)
		return 0;
	parse_all(pkt, DHT_HDR_LEN + DHT_MAC_LEN + plen);
	return 0;
}
