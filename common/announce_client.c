/* The client's side of the onion announce: see announce_client.h. */
#include <string.h>

#include <sodium.h>

#include "common/announce_client.h"
#include "common/rd.h"

/* Largest plain text of a 0x84: is_stored || field || four IPv6 nodes. */
#define RESP_PLAIN_MAX	(ANNOUNCE_RESP_MAX - ANNOUNCE_RESP_HDR_LEN - \
			 ONION_MAC_LEN)

void
announce_req_build(const uint8_t key[ANNOUNCE_KEY_LEN],
    const uint8_t sender_pk[ONION_PK_LEN],
    const uint8_t nonce[ONION_NONCE_LEN], const struct announce_req *q,
    uint8_t out[ANNOUNCE_REQ_LEN])
{
	uint8_t		 plain[ANNOUNCE_PLAIN_LEN];
	uint8_t		*box;
	struct wr	 w, pw;

	wr_init(&pw, plain, sizeof(plain));
	wr_bytes(&pw, q->ping_id, sizeof(q->ping_id));
	wr_bytes(&pw, q->search_pk, sizeof(q->search_pk));
	wr_bytes(&pw, q->data_pk, sizeof(q->data_pk));
	wr_bytes(&pw, q->sendback, sizeof(q->sendback));

	wr_init(&w, out, ANNOUNCE_REQ_LEN);
	wr_u8(&w, ONION_ANNOUNCE_REQ);
	wr_bytes(&w, nonce, ONION_NONCE_LEN);
	wr_bytes(&w, sender_pk, ONION_PK_LEN);
	box = wr_reserve(&w, ONION_MAC_LEN + ANNOUNCE_PLAIN_LEN);
	/* fixed sizes: both builders are exactly full */
	if (box != NULL && wr_ok(&pw) && pw.len == sizeof(plain))
		(void)crypto_box_easy_afternm(box, plain, sizeof(plain), nonce,
		    key);
	sodium_memzero(plain, sizeof(plain));
}

/* kind || sendback || nonce, and the box after them. */
static int
resp_frame(struct rd *r, const uint8_t *pkt, size_t len,
    uint8_t sendback[ONION_SENDBACK_LEN], uint8_t nonce[ONION_NONCE_LEN])
{
	uint8_t	kind;

	if (len < ANNOUNCE_RESP_MIN || len > ANNOUNCE_RESP_MAX)
		return -1;
	rd_init(r, pkt, len);
	rd_u8(r, &kind);
	rd_bytes(r, sendback, ONION_SENDBACK_LEN);
	rd_bytes(r, nonce, ONION_NONCE_LEN);
	return rd_ok(r) && kind == ONION_ANNOUNCE_RESP ? 0 : -1;
}

int
announce_resp_sendback(const uint8_t *pkt, size_t len,
    uint8_t sendback[ONION_SENDBACK_LEN])
{
	struct rd	r;
	uint8_t		nonce[ONION_NONCE_LEN];

	return resp_frame(&r, pkt, len, sendback, nonce);
}

int
announce_resp_open(const uint8_t key[ANNOUNCE_KEY_LEN], const uint8_t *pkt,
    size_t len, struct announce_resp *out)
{
	struct rd	 r, pr;
	uint8_t		 nonce[ONION_NONCE_LEN], plain[RESP_PLAIN_MAX];
	const uint8_t	*box;
	size_t		 boxlen, plen;
	int		 rv = -1;

	memset(out, 0, sizeof(*out));
	if (resp_frame(&r, pkt, len, out->sendback, nonce) == -1)
		return -1;
	box = rd_rest(&r, &boxlen);
	/* the frame's size bounds hold the box to MAC + 33..237 bytes */
	if (box == NULL || boxlen <= ONION_MAC_LEN ||
	    boxlen - ONION_MAC_LEN > sizeof(plain))
		return -1;
	plen = boxlen - ONION_MAC_LEN;
	if (crypto_box_open_easy_afternm(plain, box, boxlen, nonce, key) != 0)
		return -1;

	rd_init(&pr, plain, plen);
	rd_u8(&pr, &out->is_stored);
	rd_bytes(&pr, out->field, sizeof(out->field));
	if (!rd_ok(&pr) || out->is_stored > ANNOUNCE_STORED)
		goto out;
	/* whole UDP nodes to the last byte, no count byte */
	while (rd_left(&pr) > 0) {
		if (out->n == ANNOUNCE_RESP_NODES_MAX ||
		    packed_node_unpack(&pr, &out->nodes[out->n], 0) == -1)
			goto out;
		out->n++;
	}
	rv = rd_done(&pr) ? 0 : -1;
out:
	sodium_memzero(plain, sizeof(plain));
	if (rv == -1)
		memset(out, 0, sizeof(*out));
	return rv;
}
