/*
 * Every onion relay step, three ways: the raw input as a packet of each
 * kind (framing and length checks); the input sealed as the plain text of
 * a request layer or a return block under fixed keys (so the fuzzer
 * reaches the code behind the MAC); and the input as a payload sent by the
 * client codec A -> B -> C -> D and answered back, which must arrive
 * unchanged.  The first byte picks the way:
 *
 *	mode % 4 == 0	raw
 *	mode % 4 == 1	request layer of stage (mode >> 2) % 3
 *	mode % 4 == 2	return block of step (mode >> 2) % 3 (R3, R2, R1):
 *			the first bytes are the block's plain text, the rest
 *			the answer
 *	mode % 4 == 3	round trip of the rest as a payload and an answer
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "netd/onion_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct dht_keys		*relay[3], *client;
static struct onion_secrets	 sec[3];
static struct onion_path	 path;
static struct ip_port		 from, dest;

static struct dht_keys *
fixed_keys(uint8_t seed)
{
	struct dht_keys	*k;
	uint8_t		 pk[32], sk[32];

	if ((k = calloc(1, sizeof(*k))) == NULL)
		abort();
	memset(sk, seed, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	dht_keys_init_with(k, pk, sk);
	return k;
}

static void
init(void)
{
	static const uint8_t	ip[4] = { 127, 0, 0, 1 };
	struct onion_node	nodes[3];
	int			i;

	if (client != NULL)
		return;
	if (sodium_init() < 0)
		abort();
	client = fixed_keys(9);
	for (i = 0; i < 3; i++) {
		relay[i] = fixed_keys((uint8_t)(i + 1));
		memset(sec[i].cur, i + 1, sizeof(sec[i].cur));
		memset(sec[i].prev, i + 0x41, sizeof(sec[i].prev));
		sec[i].has_prev = 1;
		if (ipp_set(&nodes[i].addr, ip, 4, (uint16_t)(1000 + i)) == -1)
			abort();
		memcpy(nodes[i].pk, relay[i]->pk, 32);
	}
	(void)ipp_set(&from, ip, 4, 999);
	(void)ipp_set(&dest, ip, 4, 2000);
	if (onionp_path_make(client, nodes, &path) == -1)
		abort();
}

/*
 * What the relay sends on: a UDP address, or (srv_ok) a client of our
 * relay server, which only a return block of our own can name.
 */
static void
check_out(const struct onion_out *o, int srv_ok)
{
	if (o->len == 0 || o->len > ONION_MAX_PACKET)
		abort();
	if (srv_ok && o->to.family == IPP_SRV)
		return;
	if ((o->to.family != IPP_V4 && o->to.family != IPP_V6) ||
	    o->to.port == 0)
		abort();
}

static void
raw(const uint8_t *p, size_t len)
{
	static const uint8_t	kinds[] = { ONION_REQ_0, ONION_REQ_1,
	    ONION_REQ_2, ONION_RESP_3, ONION_RESP_2, ONION_RESP_1 };
	struct onion_out	o;
	uint8_t			pkt[ONION_MAX_PACKET + 8];
	const uint8_t		*pl, *r3;
	struct ip_port		a;
	struct rd		r;
	size_t			i, plen;

	if (onionp_relay(relay[0], &sec[0], &from, p, len, &o) == 0)
		check_out(&o, 0);
	if (onionp_dest_split(p, len, &pl, &plen, &r3) == 0 &&
	    (plen == 0 || pl + plen != r3))
		abort();
	rd_init(&r, p, len);
	(void)onionp_ipp_unpack(&r, &a);
	if (len == 0 || len > sizeof(pkt))
		return;
	memcpy(pkt, p, len);
	for (i = 0; i < sizeof(kinds); i++) {
		pkt[0] = kinds[i];
		if (onionp_relay(relay[i % 3], &sec[i % 3], &from, pkt, len,
		    &o) == 0)
			check_out(&o, 0);
	}
}

/* kind || nonce || sender pk || box(plain) || zeros for the return block */
static void
sealed_request(int stage, const uint8_t *plain, size_t plen)
{
	static const uint8_t	kinds[3] = { ONION_REQ_0, ONION_REQ_1,
	    ONION_REQ_2 };
	static const size_t	rets[3] = { 0, ONION_RET_1_LEN, ONION_RET_2_LEN };
	static const size_t	shrink[3] = { 8, 8, 33 };
	struct onion_out	o;
	uint8_t			pkt[2048], nonce[ONION_NONCE_LEN] = { 0 };
	size_t			len;

	if (plen == 0 || plen > 1400)
		return;
	pkt[0] = kinds[stage];
	memcpy(pkt + 1, nonce, sizeof(nonce));
	memcpy(pkt + 1 + ONION_NONCE_LEN, client->pk, 32);
	if (crypto_box_easy(pkt + 57, plain, plen, nonce, relay[stage]->pk,
	    client->sk) != 0)
		abort();
	len = 57 + plen + ONION_MAC_LEN;
	memset(pkt + len, 0, rets[stage]);
	len += rets[stage];
	if (onionp_relay(relay[stage], &sec[stage], &from, pkt, len, &o) == 0) {
		check_out(&o, 0);
		if (o.len != len - shrink[stage])
			abort();
	}
}

/* kind || nonce || secretbox(plain, secret) || answer */
static void
sealed_return(int step, const uint8_t *p, size_t len)
{
	static const uint8_t	kinds[3] = { ONION_RESP_3, ONION_RESP_2,
	    ONION_RESP_1 };
	static const size_t	plains[3] = { ONION_IPP_LEN + ONION_RET_2_LEN,
	    ONION_IPP_LEN + ONION_RET_1_LEN, ONION_IPP_LEN };
	struct onion_out	o;
	uint8_t			pkt[2048], plain[256] = { 0 };
	uint8_t			nonce[ONION_NONCE_LEN] = { 0 };
	size_t			n = plains[step], take, rlen;

	take = len < n ? len : n;
	memcpy(plain, p, take);
	rlen = len - take;
	if (rlen > 1400)
		return;
	pkt[0] = kinds[step];
	memcpy(pkt + 1, nonce, sizeof(nonce));
	/* the previous secret now and then: both must open */
	(void)crypto_secretbox_easy(pkt + 1 + ONION_NONCE_LEN, plain, n, nonce,
	    len % 2 ? sec[0].prev : sec[0].cur);
	memcpy(pkt + 1 + ONION_NONCE_LEN + n + ONION_MAC_LEN, p + take, rlen);
	len = 1 + ONION_NONCE_LEN + n + ONION_MAC_LEN + rlen;
	if (onionp_relay(relay[0], &sec[0], &from, pkt, len, &o) == 0) {
		check_out(&o, 1);
		/* a block shorter by R1's size; the last step drops the
		 * kind byte too */
		if (o.len != len - ONION_RET_1_LEN - (step == 2))
			abort();
	}
}

static void
round_trip(const uint8_t *p, size_t len)
{
	struct onion_out	o;
	uint8_t			pkt[ONION_MAX_PACKET], r3[ONION_RET_3_LEN];
	const uint8_t		*pl, *r;
	size_t			plen;
	int			n, i, ok;

	n = onionp_client_pack(&path, &dest, p, len, pkt, sizeof(pkt));
	if (n == -1) {
		if (len != 0 && len <= ONION_MAX_PAYLOAD)
			abort();
		return;
	}
	for (i = 0; i < 3; i++) {
		ok = onionp_relay(relay[i], &sec[i], &from, pkt, (size_t)n, &o);
		if (ok == -1) {
			/* only C refuses, and only a foreign payload */
			if (i != 2 || p[0] == ONION_ANNOUNCE_REQ ||
			    p[0] == ONION_DATA_REQ)
				abort();
			return;
		}
		memcpy(pkt, o.pkt, o.len);
		n = (int)o.len;
	}
	if (onionp_dest_split(pkt, (size_t)n, &pl, &plen, &r) == -1 ||
	    plen != len || memcmp(pl, p, len) != 0)
		abort();
	memcpy(r3, r, sizeof(r3));
	/* the payload as the answer, if it fits and looks like one */
	n = onionp_dest_answer(r3, p, len, pkt, sizeof(pkt));
	if (n == -1)
		return;
	for (i = 2; i >= 0; i--) {
		ok = onionp_relay(relay[i], &sec[i], &from, pkt, (size_t)n, &o);
		if (ok == -1) {
			if (p[0] == ONION_ANNOUNCE_RESP || p[0] == ONION_DATA_RESP)
				abort();
			return;
		}
		memcpy(pkt, o.pkt, o.len);
		n = (int)o.len;
	}
	if ((size_t)n != len || memcmp(pkt, p, len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		raw(data + 1, size - 1);
		break;
	case 1:
		sealed_request((data[0] >> 2) % 3, data + 1, size - 1);
		break;
	case 2:
		sealed_return((data[0] >> 2) % 3, data + 1, size - 1);
		break;
	default:
		round_trip(data + 1, size - 1);
		break;
	}
	return 0;
}
