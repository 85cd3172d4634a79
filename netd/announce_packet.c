/* The announce store's packet codecs: see announce_packet.h. */
#include <string.h>

#include <sodium.h>

#include "common/rd.h"
#include "netd/announce_packet.h"

int
annp_req_parse(struct dht_keys *k, const uint8_t *pkt, size_t len,
    struct announce_req *out)
{
	struct rd	 r, pr;
	uint8_t		 kind, nonce[ONION_NONCE_LEN], key[DHT_KEY_LEN];
	uint8_t		 plain[ANNOUNCE_PLAIN_LEN];
	const uint8_t	*box;
	int		 rv;

	/* The exact size first: c-toxcore reads the old format only at
	 * 354 bytes, and nothing is decrypted for a packet of another. */
	if (len != ANNOUNCE_REQ_RECV_LEN)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	rd_bytes(&r, nonce, sizeof(nonce));
	rd_bytes(&r, out->sender_pk, ONION_PK_LEN);
	box = rd_take(&r, ANNOUNCE_PLAIN_LEN + ONION_MAC_LEN);
	rd_bytes(&r, out->ret, ONION_RET_3_LEN);
	if (!rd_done(&r) || kind != ONION_ANNOUNCE_REQ)
		return -1;
	if (sodium_memcmp(out->sender_pk, k->pk, ONION_PK_LEN) == 0)
		return -1;		/* a reflection of our own key */
	if (dht_keys_shared(k, out->sender_pk, key) == -1)
		return -1;
	rv = crypto_box_open_easy_afternm(plain, box,
	    ANNOUNCE_PLAIN_LEN + ONION_MAC_LEN, nonce, key);
	sodium_memzero(key, sizeof(key));
	if (rv != 0)
		return -1;
	rd_init(&pr, plain, sizeof(plain));
	rd_bytes(&pr, out->ping_id, ONION_PING_ID_LEN);
	rd_bytes(&pr, out->search_pk, ONION_PK_LEN);
	rd_bytes(&pr, out->data_pk, ONION_PK_LEN);
	rd_bytes(&pr, out->sendback, ONION_SENDBACK_LEN);
	return rd_done(&pr) ? 0 : -1;
}

int
annp_resp_pack(struct dht_keys *k, const uint8_t requester_pk[ONION_PK_LEN],
    const uint8_t ret[ONION_RET_3_LEN], const struct announce_resp *a,
    uint8_t *out, size_t cap)
{
	struct wr	 w, pw;
	uint8_t		 plain[ANNOUNCE_RESP_PLAIN_MIN +
			    ANNOUNCE_RESP_NODES_MAX * PN_SIZE_V6];
	uint8_t		 key[DHT_KEY_LEN], *nonce, *box;
	unsigned	 i;

	if (a->n > ANNOUNCE_RESP_NODES_MAX || a->is_stored > ANNOUNCE_STORED)
		return -1;
	wr_init(&pw, plain, sizeof(plain));
	wr_u8(&pw, a->is_stored);
	wr_bytes(&pw, a->field, ONION_PING_ID_LEN);
	for (i = 0; i < a->n; i++) {
		/* only UDP: one TCP entry voids the whole list */
		if (!packed_node_family_ok(a->nodes[i].family, 0))
			return -1;
		packed_node_pack(&pw, &a->nodes[i]);
	}
	if (!wr_ok(&pw))
		return -1;

	wr_init(&w, out, cap);
	wr_u8(&w, ONION_RESP_3);
	wr_bytes(&w, ret, ONION_RET_3_LEN);
	wr_u8(&w, ONION_ANNOUNCE_RESP);
	wr_bytes(&w, a->sendback, ONION_SENDBACK_LEN);
	nonce = wr_reserve(&w, ONION_NONCE_LEN);
	box = wr_reserve(&w, wr_len(&pw) + ONION_MAC_LEN);
	if (!wr_ok(&w) || dht_keys_shared(k, requester_pk, key) == -1)
		return -1;
	randombytes_buf(nonce, ONION_NONCE_LEN);
	(void)crypto_box_easy_afternm(box, plain, wr_len(&pw), nonce, key);
	sodium_memzero(key, sizeof(key));
	return (int)wr_len(&w);
}

int
annp_data_parse(const uint8_t *pkt, size_t len, struct onion_data_req *out)
{
	struct rd	r;
	uint8_t		kind;

	/* c-toxcore's bounds: more than an empty box, one packet at most. */
	if (len <= ONION_DATA_REQ_RECV_MIN || len > ONION_DATA_REQ_RECV_MAX)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	rd_bytes(&r, out->dest_pk, ONION_PK_LEN);
	/* the body is what lies between the key and R3 */
	if (rd_left(&r) < ONION_RET_3_LEN ||
	    rd_left(&r) - ONION_RET_3_LEN > sizeof(out->body))
		return -1;
	out->body_len = rd_left(&r) - ONION_RET_3_LEN;
	rd_bytes(&r, out->body, out->body_len);
	rd_bytes(&r, out->ret, ONION_RET_3_LEN);
	if (!rd_done(&r) || kind != ONION_DATA_REQ)
		return -1;
	return 0;
}

int
annp_data_pack(const uint8_t ret[ONION_RET_3_LEN], const uint8_t *body,
    size_t body_len, uint8_t *out, size_t cap)
{
	struct wr	w;

	/* as the parser: more than nonce || eph pk || an empty box */
	if (body_len <= ONION_NONCE_LEN + ONION_PK_LEN + ONION_MAC_LEN ||
	    body_len > ONION_DATA_BODY_MAX)
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, ONION_RESP_3);
	wr_bytes(&w, ret, ONION_RET_3_LEN);
	wr_u8(&w, ONION_DATA_RESP);
	wr_bytes(&w, body, body_len);
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}
