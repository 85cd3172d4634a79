/* DHT packet codecs: see dht_packet.h. */
#include <string.h>

#include <sodium.h>

#include "common/rd.h"
#include "netd/dht_packet.h"

/* Largest plain text we ever seal or open: a DHT request. */
#define PLAIN_MAX	(DHT_REQ_MAX - DHT_REQ_HDR_LEN - DHT_MAC_LEN)

/* kind || our pk || nonce || box(plain) under the key shared with peer. */
static int
seal(struct dht_keys *k, const uint8_t peer_pk[DHT_PK_LEN], uint8_t kind,
    const uint8_t *plain, size_t plen, uint8_t *out, size_t cap)
{
	struct wr	 w;
	uint8_t		 key[DHT_KEY_LEN];
	uint8_t		*nonce, *box;

	if (sodium_memcmp(peer_pk, k->pk, DHT_PK_LEN) == 0)
		return -1;		/* never talk to ourselves */
	wr_init(&w, out, cap);
	wr_u8(&w, kind);
	wr_bytes(&w, k->pk, DHT_PK_LEN);
	nonce = wr_reserve(&w, DHT_NONCE_LEN);
	box = wr_reserve(&w, plen + DHT_MAC_LEN);
	if (!wr_ok(&w) || dht_keys_shared(k, peer_pk, key) == -1)
		return -1;
	randombytes_buf(nonce, DHT_NONCE_LEN);
	(void)crypto_box_easy_afternm(box, plain, plen, nonce, key);
	sodium_memzero(key, sizeof(key));
	return (int)wr_len(&w);
}

/*
 * Opens kind || sender pk || nonce || box.  The caller has checked the
 * total length; plain_cap bounds the plain text; *plen gets its length.
 */
static int
unseal(struct dht_keys *k, const uint8_t *pkt, size_t len, uint8_t kind,
    uint8_t peer_pk[DHT_PK_LEN], uint8_t *plain, size_t plain_cap,
    size_t *plen)
{
	struct rd	 r;
	uint8_t		 key[DHT_KEY_LEN], nonce[DHT_NONCE_LEN], got;
	const uint8_t	*box;
	size_t		 boxlen;
	int		 rv;

	rd_init(&r, pkt, len);
	rd_u8(&r, &got);
	rd_bytes(&r, peer_pk, DHT_PK_LEN);
	rd_bytes(&r, nonce, sizeof(nonce));
	box = rd_rest(&r, &boxlen);
	if (!rd_ok(&r) || got != kind || boxlen <= DHT_MAC_LEN ||
	    boxlen - DHT_MAC_LEN > plain_cap)
		return -1;
	if (sodium_memcmp(peer_pk, k->pk, DHT_PK_LEN) == 0)
		return -1;		/* a reflection of our own packet */
	if (dht_keys_shared(k, peer_pk, key) == -1)
		return -1;
	rv = crypto_box_open_easy_afternm(plain, box, boxlen, nonce, key);
	sodium_memzero(key, sizeof(key));
	if (rv != 0)
		return -1;
	*plen = boxlen - DHT_MAC_LEN;
	return 0;
}

int
dhtp_ping_pack(struct dht_keys *k, const uint8_t peer_pk[DHT_PK_LEN],
    const struct dht_ping *p, uint8_t *out, size_t cap)
{
	uint8_t	plain[1 + DHT_PING_ID_LEN];
	uint8_t	kind;

	if (p->response > 1)
		return -1;
	kind = p->response ? DHT_PING_RESP : DHT_PING_REQ;
	plain[0] = kind;
	memcpy(plain + 1, p->ping_id, DHT_PING_ID_LEN);
	return seal(k, peer_pk, kind, plain, sizeof(plain), out, cap);
}

int
dhtp_ping_parse(struct dht_keys *k, const uint8_t *pkt, size_t len,
    uint8_t peer_pk[DHT_PK_LEN], struct dht_ping *p)
{
	struct rd	r;
	uint8_t		plain[1 + DHT_PING_ID_LEN], kind, inner;
	size_t		plen;

	if (len != DHT_PING_LEN)
		return -1;
	kind = pkt[0];
	if (kind != DHT_PING_REQ && kind != DHT_PING_RESP)
		return -1;
	if (unseal(k, pkt, len, kind, peer_pk, plain, sizeof(plain),
	    &plen) == -1)
		return -1;
	rd_init(&r, plain, plen);
	rd_u8(&r, &inner);
	rd_bytes(&r, p->ping_id, DHT_PING_ID_LEN);
	if (!rd_done(&r) || inner != kind)
		return -1;
	p->response = kind == DHT_PING_RESP;
	return 0;
}

int
dhtp_nodes_req_pack(struct dht_keys *k, const uint8_t peer_pk[DHT_PK_LEN],
    const struct dht_nodes_req *q, uint8_t *out, size_t cap)
{
	uint8_t	plain[DHT_PK_LEN + DHT_PING_ID_LEN];

	memcpy(plain, q->search_pk, DHT_PK_LEN);
	memcpy(plain + DHT_PK_LEN, q->ping_id, DHT_PING_ID_LEN);
	return seal(k, peer_pk, DHT_NODES_REQ, plain, sizeof(plain), out, cap);
}

int
dhtp_nodes_req_parse(struct dht_keys *k, const uint8_t *pkt, size_t len,
    uint8_t peer_pk[DHT_PK_LEN], struct dht_nodes_req *q)
{
	struct rd	r;
	uint8_t		plain[DHT_PK_LEN + DHT_PING_ID_LEN];
	size_t		plen;

	if (len != DHT_NODES_REQ_LEN ||
	    unseal(k, pkt, len, DHT_NODES_REQ, peer_pk, plain, sizeof(plain),
	    &plen) == -1)
		return -1;
	rd_init(&r, plain, plen);
	rd_bytes(&r, q->search_pk, DHT_PK_LEN);
	rd_bytes(&r, q->ping_id, DHT_PING_ID_LEN);
	return rd_done(&r) ? 0 : -1;
}

int
dhtp_nodes_resp_pack(struct dht_keys *k, const uint8_t peer_pk[DHT_PK_LEN],
    const struct dht_nodes_resp *s, uint8_t *out, size_t cap)
{
	uint8_t		plain[1 + DHT_MAX_SENT_NODES * PN_SIZE_V6 +
			    DHT_PING_ID_LEN];
	struct wr	w;
	uint8_t		i;
	int		rv;

	if (s->n == 0 || s->n > DHT_MAX_SENT_NODES)
		return -1;
	wr_init(&w, plain, sizeof(plain));
	wr_u8(&w, s->n);
	for (i = 0; i < s->n; i++) {
		if (!packed_node_family_ok(s->nodes[i].family, 0))
			return -1;
		packed_node_pack(&w, &s->nodes[i]);
	}
	wr_bytes(&w, s->ping_id, DHT_PING_ID_LEN);
	if (!wr_ok(&w))
		return -1;
	rv = seal(k, peer_pk, DHT_NODES_RESP, plain, wr_len(&w), out, cap);
	sodium_memzero(plain, sizeof(plain));
	return rv;
}

int
dhtp_nodes_resp_parse(struct dht_keys *k, const uint8_t *pkt, size_t len,
    uint8_t peer_pk[DHT_PK_LEN], struct dht_nodes_resp *s)
{
	uint8_t		plain[1 + DHT_MAX_SENT_NODES * PN_SIZE_V6 +
			    DHT_PING_ID_LEN];
	struct rd	r, nodes;
	size_t		plen;
	uint8_t		i;

	if (len < DHT_NODES_RESP_MIN || len > DHT_NODES_RESP_MAX ||
	    unseal(k, pkt, len, DHT_NODES_RESP, peer_pk, plain, sizeof(plain),
	    &plen) == -1)
		return -1;
	rd_init(&r, plain, plen);
	if (rd_u8(&r, &s->n) == -1 || s->n == 0 ||
	    s->n > DHT_MAX_SENT_NODES || rd_left(&r) < DHT_PING_ID_LEN)
		return -1;
	/* The nodes are what lies between the count and the ping id. */
	rd_sub(&r, rd_left(&r) - DHT_PING_ID_LEN, &nodes);
	for (i = 0; i < s->n; i++)
		if (packed_node_unpack(&nodes, &s->nodes[i], 0) == -1)
			return -1;
	rd_bytes(&r, s->ping_id, DHT_PING_ID_LEN);
	if (!rd_done(&nodes) || !rd_done(&r))
		return -1;
	return 0;
}

int
dhtp_request_pack(struct dht_keys *k, const uint8_t receiver_pk[DHT_PK_LEN],
    uint8_t id, const uint8_t *data, size_t len, uint8_t *out, size_t cap)
{
	uint8_t		 plain[PLAIN_MAX];
	uint8_t		 key[DHT_KEY_LEN];
	struct wr	 w;
	uint8_t		*nonce, *box;

	if (len > DHT_REQ_DATA_MAX ||
	    sodium_memcmp(receiver_pk, k->pk, DHT_PK_LEN) == 0)
		return -1;
	plain[0] = id;
	if (len > 0)
		memcpy(plain + 1, data, len);
	wr_init(&w, out, cap);
	wr_u8(&w, DHT_CRYPTO);
	wr_bytes(&w, receiver_pk, DHT_PK_LEN);
	wr_bytes(&w, k->pk, DHT_PK_LEN);
	nonce = wr_reserve(&w, DHT_NONCE_LEN);
	box = wr_reserve(&w, 1 + len + DHT_MAC_LEN);
	if (!wr_ok(&w) || dht_keys_shared(k, receiver_pk, key) == -1) {
		sodium_memzero(plain, 1 + len);
		return -1;
	}
	randombytes_buf(nonce, DHT_NONCE_LEN);
	(void)crypto_box_easy_afternm(box, plain, 1 + len, nonce, key);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(plain, 1 + len);
	return (int)wr_len(&w);
}

int
dhtp_request_peek(const uint8_t *pkt, size_t len,
    uint8_t receiver_pk[DHT_PK_LEN])
{
	struct rd	r;
	uint8_t		kind;

	/* c-toxcore: more than header + MAC + 1, at most 1040. */
	if (len <= DHT_REQ_HDR_LEN + DHT_MAC_LEN || len > DHT_REQ_ROUTE_MAX)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	rd_bytes(&r, receiver_pk, DHT_PK_LEN);
	return rd_ok(&r) && kind == DHT_CRYPTO ? 0 : -1;
}

int
dhtp_request_parse(struct dht_keys *k, const uint8_t *pkt, size_t len,
    struct dht_request *q)
{
	struct rd	 r, pr;
	uint8_t		 plain[PLAIN_MAX];
	uint8_t		 key[DHT_KEY_LEN], nonce[DHT_NONCE_LEN], kind;
	const uint8_t	*box;
	size_t		 boxlen;
	int		 rv;

	if (len <= DHT_REQ_HDR_LEN + DHT_MAC_LEN || len > DHT_REQ_MAX)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	rd_bytes(&r, q->receiver_pk, DHT_PK_LEN);
	rd_bytes(&r, q->sender_pk, DHT_PK_LEN);
	rd_bytes(&r, nonce, sizeof(nonce));
	box = rd_rest(&r, &boxlen);
	if (!rd_ok(&r) || kind != DHT_CRYPTO ||
	    boxlen <= DHT_MAC_LEN || boxlen - DHT_MAC_LEN > sizeof(plain))
		return -1;
	if (sodium_memcmp(q->receiver_pk, k->pk, DHT_PK_LEN) != 0 ||
	    sodium_memcmp(q->sender_pk, k->pk, DHT_PK_LEN) == 0)
		return -1;
	if (dht_keys_shared(k, q->sender_pk, key) == -1)
		return -1;
	rv = crypto_box_open_easy_afternm(plain, box, boxlen, nonce, key);
	sodium_memzero(key, sizeof(key));
	if (rv != 0)
		return -1;
	rd_init(&pr, plain, boxlen - DHT_MAC_LEN);
	rd_u8(&pr, &q->id);
	q->len = rd_left(&pr);
	rd_bytes(&pr, q->data, q->len);
	sodium_memzero(plain, sizeof(plain));
	return rd_done(&pr) ? 0 : -1;
}

int
dhtp_nat_ping_encode(const struct dht_nat_ping *n, uint8_t *out, size_t cap)
{
	struct wr	w;

	if (n->type > DHT_NAT_PING_RESP)
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, n->type);
	wr_bytes(&w, n->ping_id, DHT_PING_ID_LEN);
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}

int
dhtp_nat_ping_decode(const uint8_t *data, size_t len, struct dht_nat_ping *n)
{
	struct rd	r;

	rd_init(&r, data, len);
	rd_u8(&r, &n->type);
	rd_bytes(&r, n->ping_id, DHT_PING_ID_LEN);
	if (!rd_done(&r) || n->type > DHT_NAT_PING_RESP)
		return -1;
	return 0;
}

int
dhtp_lan_pack(const uint8_t pk[DHT_PK_LEN], uint8_t *out, size_t cap)
{
	struct wr	w;

	wr_init(&w, out, cap);
	wr_u8(&w, DHT_LAN);
	wr_bytes(&w, pk, DHT_PK_LEN);
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}

int
dhtp_lan_parse(const uint8_t *pkt, size_t len, uint8_t pk[DHT_PK_LEN])
{
	struct rd	r;
	uint8_t		kind;

	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	rd_bytes(&r, pk, DHT_PK_LEN);
	return rd_done(&r) && kind == DHT_LAN ? 0 : -1;
}
