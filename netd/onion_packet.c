/* Onion relay layers: see onion_packet.h. */
#include <string.h>

#include <sodium.h>

#include "netd/onion_packet.h"

/*
 * The request steps differ only in their kinds and in the return block
 * they carry in and add: one table, one function.  ret_in is the block
 * that came with the packet (none for 0x80); ret_out is the one we add
 * (IPP of the sender || ret_in, sealed).
 */
struct req_step {
	uint8_t		kind;
	uint8_t		next;		/* 0: the last hop, to D */
	size_t		min;		/* len must exceed it */
	size_t		ret_in;
};

static const struct req_step	req_steps[3] = {
	{ ONION_REQ_0, ONION_REQ_1, ONION_REQ_0_MIN, 0 },
	{ ONION_REQ_1, ONION_REQ_2, ONION_REQ_1_MIN, ONION_RET_1_LEN },
	{ ONION_REQ_2, 0, ONION_REQ_2_MIN, ONION_RET_2_LEN },
};

/* The answers walk back: R3 -> R2 -> R1 -> the client. */
struct resp_step {
	uint8_t		kind;
	uint8_t		next;		/* 0: raw to the client */
	size_t		ret_in;
	size_t		ret_inner;	/* the block inside ret_in */
};

static const struct resp_step	resp_steps[3] = {
	{ ONION_RESP_3, ONION_RESP_2, ONION_RET_3_LEN, ONION_RET_2_LEN },
	{ ONION_RESP_2, ONION_RESP_1, ONION_RET_2_LEN, ONION_RET_1_LEN },
	{ ONION_RESP_1, 0, ONION_RET_1_LEN, 0 },
};

/* The largest return plain text: IPP || R2. */
#define RET_PLAIN_MAX	(ONION_IPP_LEN + ONION_RET_2_LEN)

int
onionp_ipp_pack(struct wr *w, const struct ip_port *a)
{
	if (a->family == IPP_V4) {
		wr_u8(w, ONION_IPP_V4);
		wr_bytes(w, a->ip, 4);
		wr_zero(w, 12);
	} else if (a->family == IPP_V6) {
		wr_u8(w, ONION_IPP_V6);
		wr_bytes(w, a->ip, 16);
	} else if (a->family == IPP_SRV) {
		/* only ever in a return block we seal ourselves */
		wr_u8(w, ONION_IPP_SRV);
		wr_bytes(w, a->ip, 4);
		wr_zero(w, 12);
	} else {
		wr_fail(w);
		return -1;
	}
	wr_u16(w, a->port);
	return wr_ok(w) ? 0 : -1;
}

int
onionp_ipp_unpack(struct rd *r, struct ip_port *a)
{
	uint8_t		fam, ip[16];
	uint16_t	port;
	int		rv;

	memset(a, 0, sizeof(*a));
	rd_u8(r, &fam);
	rd_bytes(r, ip, sizeof(ip));
	rd_u16(r, &port);
	if (!rd_ok(r))
		return -1;
	if (fam == ONION_IPP_V4)
		rv = ipp_set(a, ip, 4, port);
	else if (fam == ONION_IPP_V6)
		rv = ipp_set(a, ip, 16, port);
	else
		rv = -1;	/* TCP families and junk: not a next hop */
	if (rv == 0)
		ipp_normalize(a);
	if (rv == -1 || !ipp_isset(a) || a->port == 0) {
		memset(a, 0, sizeof(*a));
		rd_fail(r);
		return -1;
	}
	return 0;
}

/*
 * The address inside one of our own return blocks: a UDP one, or a
 * client of our relay server (onionp_ipp_unpack refuses that as a next
 * hop from anyone else).
 */
static int
ret_ipp_unpack(struct rd *r, struct ip_port *a)
{
	struct rd	peek = *r;
	uint8_t		fam, ip[16];
	uint16_t	port;

	rd_u8(&peek, &fam);
	if (!rd_ok(&peek) || fam != ONION_IPP_SRV)
		return onionp_ipp_unpack(r, a);
	rd_u8(r, &fam);
	rd_bytes(r, ip, sizeof(ip));
	rd_u16(r, &port);
	if (!rd_ok(r))
		return -1;
	ipp_srv(a, (unsigned)((uint32_t)ip[0] << 24 | (uint32_t)ip[1] << 16 |
	    (uint32_t)ip[2] << 8 | ip[3]));
	return 0;
}

/* Appends nonce || secretbox(plain) under the current secret. */
static void
ret_seal(struct wr *w, const struct onion_secrets *s, const uint8_t *plain,
    size_t plen)
{
	uint8_t	*nonce, *box;

	nonce = wr_reserve(w, ONION_NONCE_LEN);
	box = wr_reserve(w, plen + ONION_MAC_LEN);
	if (!wr_ok(w))
		return;
	randombytes_buf(nonce, ONION_NONCE_LEN);
	(void)crypto_secretbox_easy(box, plain, plen, nonce, s->cur);
}

/* Opens a return block of blen bytes into plain (blen - 40 bytes), with
 * the current secret or the previous one. */
static int
ret_open(const struct onion_secrets *s, const uint8_t *blk, size_t blen,
    uint8_t *plain)
{
	struct rd	 r;
	const uint8_t	*nonce, *box;
	size_t		 boxlen;

	rd_init(&r, blk, blen);
	nonce = rd_take(&r, ONION_NONCE_LEN);
	box = rd_rest(&r, &boxlen);
	if (!rd_ok(&r) || boxlen <= ONION_MAC_LEN)
		return -1;
	if (crypto_secretbox_open_easy(plain, box, boxlen, nonce, s->cur) == 0)
		return 0;
	if (s->has_prev && crypto_secretbox_open_easy(plain, box, boxlen,
	    nonce, s->prev) == 0)
		return 0;
	return -1;
}

static int
req_step(const struct req_step *st, struct dht_keys *k,
    const struct onion_secrets *s, const struct ip_port *from,
    const uint8_t *pkt, size_t len, struct onion_out *out)
{
	struct rd	 r, pr;
	struct wr	 w, rw;
	uint8_t		 kind, nonce[ONION_NONCE_LEN], pk[ONION_PK_LEN];
	uint8_t		 key[DHT_KEY_LEN], plain[ONION_MAX_PACKET];
	uint8_t		 ret[RET_PLAIN_MAX];
	const uint8_t	*box, *ret_in, *rest;
	size_t		 boxlen, restlen, left;
	int		 rv;

	if (len <= st->min || len > ONION_MAX_PACKET)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	rd_bytes(&r, nonce, sizeof(nonce));
	rd_bytes(&r, pk, sizeof(pk));
	left = rd_left(&r);
	if (!rd_ok(&r) || kind != st->kind ||
	    left <= st->ret_in + ONION_MAC_LEN)
		return -1;
	boxlen = left - st->ret_in;
	box = rd_take(&r, boxlen);
	ret_in = rd_take(&r, st->ret_in);
	if (!rd_done(&r) || boxlen - ONION_MAC_LEN > sizeof(plain))
		return -1;

	if (dht_keys_shared(k, pk, key) == -1)
		return -1;
	rv = crypto_box_open_easy_afternm(plain, box, boxlen, nonce, key);
	sodium_memzero(key, sizeof(key));
	if (rv != 0)
		return -1;

	/* plain = IPP(next hop) || what the next hop gets */
	rd_init(&pr, plain, boxlen - ONION_MAC_LEN);
	if (onionp_ipp_unpack(&pr, &out->to) == -1)
		return -1;
	rest = rd_rest(&pr, &restlen);
	if (!rd_ok(&pr) || restlen == 0)
		return -1;
	/* the last hop forwards announce and data requests only */
	if (st->next == 0 && rest[0] != ONION_ANNOUNCE_REQ &&
	    rest[0] != ONION_DATA_REQ)
		return -1;

	/* our return block: where it came from, and the one it brought */
	wr_init(&rw, ret, sizeof(ret));
	onionp_ipp_pack(&rw, from);
	if (st->ret_in > 0)
		wr_bytes(&rw, ret_in, st->ret_in);
	if (!wr_ok(&rw))
		return -1;

	wr_init(&w, out->pkt, sizeof(out->pkt));
	if (st->next != 0) {
		wr_u8(&w, st->next);
		wr_bytes(&w, nonce, sizeof(nonce));
	}
	wr_bytes(&w, rest, restlen);
	ret_seal(&w, s, ret, wr_len(&rw));
	sodium_memzero(plain, sizeof(plain));
	if (!wr_ok(&w))
		return -1;
	out->len = wr_len(&w);
	return 0;
}

static int
resp_step(const struct resp_step *st, const struct onion_secrets *s,
    const uint8_t *pkt, size_t len, struct onion_out *out)
{
	struct rd	 r, pr;
	struct wr	 w;
	uint8_t		 kind, plain[RET_PLAIN_MAX];
	const uint8_t	*ret_in, *resp, *inner;
	size_t		 resplen, plen;

	if (len <= 1 + st->ret_in || len > ONION_MAX_PACKET)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	ret_in = rd_take(&r, st->ret_in);
	resp = rd_rest(&r, &resplen);
	if (!rd_ok(&r) || kind != st->kind || resplen == 0)
		return -1;
	/* relays carry announce and data answers only (0.2.18) */
	if (resp[0] != ONION_ANNOUNCE_RESP && resp[0] != ONION_DATA_RESP)
		return -1;

	plen = st->ret_in - ONION_NONCE_LEN - ONION_MAC_LEN;
	if (plen != ONION_IPP_LEN + st->ret_inner || plen > sizeof(plain) ||
	    ret_open(s, ret_in, st->ret_in, plain) == -1)
		return -1;
	rd_init(&pr, plain, plen);
	ret_ipp_unpack(&pr, &out->to);
	inner = rd_take(&pr, st->ret_inner);
	if (!rd_done(&pr) || (st->ret_inner > 0 && inner == NULL))
		return -1;

	wr_init(&w, out->pkt, sizeof(out->pkt));
	if (st->next != 0) {
		wr_u8(&w, st->next);
		wr_bytes(&w, inner, st->ret_inner);
	}
	wr_bytes(&w, resp, resplen);
	if (!wr_ok(&w))
		return -1;
	out->len = wr_len(&w);
	return 0;
}

int
onionp_req_tcp(const struct onion_secrets *s, const struct ip_port *from,
    const uint8_t *data, size_t len, struct onion_out *out)
{
	struct rd	 r;
	struct wr	 w, rw;
	uint8_t		 nonce[ONION_NONCE_LEN], ret[ONION_IPP_LEN];
	const uint8_t	*rest;
	size_t		 restlen;

	if (len > ONION_MAX_PACKET)
		return -1;
	rd_init(&r, data, len);
	rd_bytes(&r, nonce, sizeof(nonce));
	if (onionp_ipp_unpack(&r, &out->to) == -1)
		return -1;
	rest = rd_rest(&r, &restlen);
	/* PK1 || E_B: at least a key and a MAC around one byte */
	if (!rd_ok(&r) || restlen <= ONION_PK_LEN + ONION_MAC_LEN)
		return -1;
	wr_init(&rw, ret, sizeof(ret));
	if (onionp_ipp_pack(&rw, from) == -1)
		return -1;
	wr_init(&w, out->pkt, sizeof(out->pkt));
	wr_u8(&w, ONION_REQ_1);
	wr_bytes(&w, nonce, sizeof(nonce));
	wr_bytes(&w, rest, restlen);
	ret_seal(&w, s, ret, wr_len(&rw));
	if (!wr_ok(&w))
		return -1;
	out->len = wr_len(&w);
	return 0;
}

int
onionp_req_0(struct dht_keys *k, const struct onion_secrets *s,
    const struct ip_port *from, const uint8_t *pkt, size_t len,
    struct onion_out *out)
{
	return req_step(&req_steps[0], k, s, from, pkt, len, out);
}

int
onionp_req_1(struct dht_keys *k, const struct onion_secrets *s,
    const struct ip_port *from, const uint8_t *pkt, size_t len,
    struct onion_out *out)
{
	return req_step(&req_steps[1], k, s, from, pkt, len, out);
}

int
onionp_req_2(struct dht_keys *k, const struct onion_secrets *s,
    const struct ip_port *from, const uint8_t *pkt, size_t len,
    struct onion_out *out)
{
	return req_step(&req_steps[2], k, s, from, pkt, len, out);
}

int
onionp_resp_3(const struct onion_secrets *s, const uint8_t *pkt, size_t len,
    struct onion_out *out)
{
	return resp_step(&resp_steps[0], s, pkt, len, out);
}

int
onionp_resp_2(const struct onion_secrets *s, const uint8_t *pkt, size_t len,
    struct onion_out *out)
{
	return resp_step(&resp_steps[1], s, pkt, len, out);
}

int
onionp_resp_1(const struct onion_secrets *s, const uint8_t *pkt, size_t len,
    struct onion_out *out)
{
	return resp_step(&resp_steps[2], s, pkt, len, out);
}

int
onionp_relay(struct dht_keys *k, const struct onion_secrets *s,
    const struct ip_port *from, const uint8_t *pkt, size_t len,
    struct onion_out *out)
{
	if (len == 0)
		return -1;
	switch (pkt[0]) {
	case ONION_REQ_0:
		return onionp_req_0(k, s, from, pkt, len, out);
	case ONION_REQ_1:
		return onionp_req_1(k, s, from, pkt, len, out);
	case ONION_REQ_2:
		return onionp_req_2(k, s, from, pkt, len, out);
	case ONION_RESP_3:
		return onionp_resp_3(s, pkt, len, out);
	case ONION_RESP_2:
		return onionp_resp_2(s, pkt, len, out);
	case ONION_RESP_1:
		return onionp_resp_1(s, pkt, len, out);
	default:
		return -1;
	}
}

int
onionp_path_make(struct dht_keys *k, const struct onion_node nodes[3],
    struct onion_path *p)
{
	uint8_t	sk[DHT_SK_LEN];
	int	i, rv = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 3; i++) {
		if (nodes[i].addr.family != IPP_V4 &&
		    nodes[i].addr.family != IPP_V6)
			return -1;
		p->addr[i] = nodes[i].addr;
		memcpy(p->node_pk[i], nodes[i].pk, DHT_PK_LEN);
	}
	/* A knows our DHT key (it is on the wire); B and C never do */
	memcpy(p->sender_pk[0], k->pk, DHT_PK_LEN);
	if (dht_keys_shared(k, nodes[0].pk, p->key[0]) == -1)
		rv = -1;
	for (i = 1; i < 3 && rv == 0; i++) {
		crypto_box_keypair(p->sender_pk[i], sk);
		if (crypto_box_beforenm(p->key[i], nodes[i].pk, sk) != 0)
			rv = -1;
	}
	sodium_memzero(sk, sizeof(sk));
	if (rv == -1)
		onionp_path_wipe(p);
	return rv;
}

void
onionp_path_wipe(struct onion_path *p)
{
	sodium_memzero(p, sizeof(*p));
}

/* out = IPP(to) || sender pk || box(key, nonce, in); returns its length. */
static int
layer_seal(const struct ip_port *to, const uint8_t *sender_pk,
    const uint8_t *key, const uint8_t *nonce, const uint8_t *in, size_t ilen,
    uint8_t *out, size_t cap, int with_ipp)
{
	struct wr	 w;
	uint8_t		*box;

	wr_init(&w, out, cap);
	if (with_ipp)
		onionp_ipp_pack(&w, to);
	if (sender_pk != NULL)
		wr_bytes(&w, sender_pk, ONION_PK_LEN);
	box = wr_reserve(&w, ilen + ONION_MAC_LEN);
	if (!wr_ok(&w))
		return -1;
	(void)crypto_box_easy_afternm(box, in, ilen, nonce, key);
	return (int)wr_len(&w);
}

/*
 * Layers C and B under one fresh nonce: *a gets IPP(B) || PK1 || E_B(IPP(C)
 * || PK2 || E_C(IPP(D) || payload)), the plain text of layer A.  Returns
 * its length or -1.
 */
static int
inner_layers(const struct onion_path *p, const struct ip_port *dest,
    const uint8_t *payload, size_t plen, uint8_t nonce[ONION_NONCE_LEN],
    uint8_t a[ONION_MAX_PACKET])
{
	uint8_t		b[ONION_MAX_PACKET];
	struct wr	w;
	int		n;

	if (plen == 0 || plen > ONION_MAX_PAYLOAD)
		return -1;
	/* step 1: IPP(D) || payload, the plain text of layer C */
	wr_init(&w, a, ONION_MAX_PACKET);
	onionp_ipp_pack(&w, dest);
	wr_bytes(&w, payload, plen);
	if (!wr_ok(&w))
		return -1;
	randombytes_buf(nonce, ONION_NONCE_LEN);
	/* IPP(C) || PK2 || E_C(step 1): the plain text of layer B */
	n = layer_seal(&p->addr[2], p->sender_pk[2], p->key[2], nonce, a,
	    wr_len(&w), b, sizeof(b), 1);
	/* IPP(B) || PK1 || E_B(...): the plain text of layer A */
	if (n != -1)
		n = layer_seal(&p->addr[1], p->sender_pk[1], p->key[1], nonce,
		    b, (size_t)n, a, ONION_MAX_PACKET, 1);
	sodium_memzero(b, sizeof(b));
	return n;
}

int
onionp_client_pack(const struct onion_path *p, const struct ip_port *dest,
    const uint8_t *payload, size_t plen, uint8_t *out, size_t cap)
{
	static const struct ip_port	none;
	uint8_t				a[ONION_MAX_PACKET];
	uint8_t				nonce[ONION_NONCE_LEN];
	struct wr			w;
	int				n;

	if ((n = inner_layers(p, dest, payload, plen, nonce, a)) == -1)
		goto out;
	/* 0x80 || nonce || our DHT pk || E_A(...) */
	wr_init(&w, out, cap);
	wr_u8(&w, ONION_REQ_0);
	wr_bytes(&w, nonce, sizeof(nonce));
	if (!wr_ok(&w) ||
	    (n = layer_seal(&none, p->sender_pk[0], p->key[0], nonce, a,
	    (size_t)n, out + wr_len(&w), cap - wr_len(&w), 0)) == -1)
		n = -1;
	else
		n += (int)wr_len(&w);
out:
	sodium_memzero(a, sizeof(a));
	return n;
}

int
onionp_client_pack_tcp(const struct onion_path *p,
    const struct ip_port *dest, const uint8_t *payload, size_t plen,
    uint8_t *out, size_t cap)
{
	uint8_t		a[ONION_MAX_PACKET];
	uint8_t		nonce[ONION_NONCE_LEN];
	struct wr	w;
	int		n;

	if ((n = inner_layers(p, dest, payload, plen, nonce, a)) != -1) {
		wr_init(&w, out, cap);
		wr_bytes(&w, nonce, sizeof(nonce));
		wr_bytes(&w, a, (size_t)n);
		n = wr_ok(&w) ? (int)wr_len(&w) : -1;
	}
	sodium_memzero(a, sizeof(a));
	return n;
}

int
onionp_dest_split(const uint8_t *pkt, size_t len, const uint8_t **payload,
    size_t *plen, const uint8_t **r3)
{
	struct rd	r;

	if (len <= ONION_RET_3_LEN || len > ONION_MAX_PACKET)
		return -1;
	rd_init(&r, pkt, len);
	*plen = len - ONION_RET_3_LEN;
	*payload = rd_take(&r, *plen);
	*r3 = rd_take(&r, ONION_RET_3_LEN);
	return rd_done(&r) ? 0 : -1;
}

int
onionp_dest_answer(const uint8_t r3[ONION_RET_3_LEN], const uint8_t *resp,
    size_t rlen, uint8_t *out, size_t cap)
{
	struct wr	w;

	if (rlen == 0 || rlen > ONION_MAX_RESPONSE)
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, ONION_RESP_3);
	wr_bytes(&w, r3, ONION_RET_3_LEN);
	wr_bytes(&w, resp, rlen);
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}
