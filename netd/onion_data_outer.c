/* Outer layer of onion data: see onion_data_outer.h. */
#include <string.h>

#include <sodium.h>

#include "common/rd.h"
#include "netd/onion_data_outer.h"

_Static_assert(ONION_DATA_RESP_HDR_LEN + ODO_OUTER_OVERHEAD +
    ODO_INNER_SEND_MAX == ONION_DATA_RESP_MAX,
    "what we send must arrive as a 0x86 c-toxcore keeps");
_Static_assert(ODO_REQ_MAX <= ONION_MAX_PAYLOAD, "0x85 fits the onion");

#define PLAIN_MAX	(ONION_PK_LEN + ODO_INNER_MAX)

int
odo_pack(const uint8_t dest_pk[ONION_PK_LEN],
    const uint8_t dest_data_pk[ONION_PK_LEN],
    const uint8_t nonce[ONION_NONCE_LEN],
    const uint8_t sender_pk[ONION_PK_LEN], const uint8_t *inner,
    size_t inner_len, uint8_t *out, size_t cap)
{
	struct wr	 w;
	uint8_t		 plain[PLAIN_MAX];
	uint8_t		 eph_pk[ONION_PK_LEN], eph_sk[ONION_PK_LEN];
	uint8_t		*box;
	size_t		 plen;
	int		 rv;

	if (inner_len < ODO_INNER_MIN || inner_len > ODO_INNER_SEND_MAX)
		return -1;
	plen = ONION_PK_LEN + inner_len;
	memcpy(plain, sender_pk, ONION_PK_LEN);
	memcpy(plain + ONION_PK_LEN, inner, inner_len);

	crypto_box_keypair(eph_pk, eph_sk);
	wr_init(&w, out, cap);
	wr_u8(&w, ONION_DATA_REQ);
	wr_bytes(&w, dest_pk, ONION_PK_LEN);
	wr_bytes(&w, nonce, ONION_NONCE_LEN);
	wr_bytes(&w, eph_pk, ONION_PK_LEN);
	box = wr_reserve(&w, plen + ONION_MAC_LEN);
	rv = -1;
	if (wr_ok(&w) && crypto_box_easy(box, plain, plen, nonce, dest_data_pk,
	    eph_sk) == 0)
		rv = (int)wr_len(&w);
	sodium_memzero(eph_sk, sizeof(eph_sk));
	sodium_memzero(plain, sizeof(plain));
	return rv;
}

int
odo_open(const uint8_t data_sk[ONION_PK_LEN], const uint8_t *pkt, size_t len,
    uint8_t sender_pk[ONION_PK_LEN], uint8_t nonce[ONION_NONCE_LEN],
    uint8_t *inner, size_t inner_cap, size_t *inner_len)
{
	struct rd	 r;
	uint8_t		 plain[PLAIN_MAX], eph_pk[ONION_PK_LEN], kind;
	const uint8_t	*box;
	size_t		 boxlen, plen;
	int		 rv;

	if (len < ODO_RESP_MIN || len > ODO_RESP_MAX)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	rd_bytes(&r, nonce, ONION_NONCE_LEN);
	rd_bytes(&r, eph_pk, sizeof(eph_pk));
	box = rd_rest(&r, &boxlen);
	if (!rd_ok(&r) || kind != ONION_DATA_RESP ||
	    boxlen < ONION_MAC_LEN + ONION_PK_LEN + ODO_INNER_MIN)
		return -1;
	plen = boxlen - ONION_MAC_LEN;
	if (plen > sizeof(plain) || plen - ONION_PK_LEN > inner_cap)
		return -1;
	if (crypto_box_open_easy(plain, box, boxlen, nonce, eph_pk,
	    data_sk) != 0)
		return -1;
	rd_init(&r, plain, plen);
	rd_bytes(&r, sender_pk, ONION_PK_LEN);
	*inner_len = rd_left(&r);
	rd_bytes(&r, inner, *inner_len);
	rv = rd_done(&r) ? 0 : -1;
	sodium_memzero(plain, sizeof(plain));
	return rv;
}
