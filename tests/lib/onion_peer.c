/* A hand-built announce requester and data sender: see onion_peer.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tests/lib/onion_peer.h"

void
op_announce(uint8_t out[OP_REQ_LEN], const uint8_t *d_pk, const uint8_t *pk,
    const uint8_t *sk, const uint8_t *ping_id, const uint8_t *search_pk,
    const uint8_t *data_pk, const uint8_t *sendback, const uint8_t *ret)
{
	uint8_t	plain[104];

	memcpy(plain, ping_id, 32);
	memcpy(plain + 32, search_pk, 32);
	memcpy(plain + 64, data_pk, 32);
	memcpy(plain + 96, sendback, 8);
	out[0] = 0x83;
	randombytes_buf(out + 1, 24);
	memcpy(out + 25, pk, 32);
	if (crypto_box_easy(out + 57, plain, sizeof(plain), out + 1, d_pk,
	    sk) != 0)
		abort();
	memcpy(out + 177, ret, OP_RET_LEN);
}

int
op_open_resp(const uint8_t *pkt, size_t len, const uint8_t *ret,
    const uint8_t *d_pk, const uint8_t *sk, struct op_resp *r,
    const char **why)
{
	uint8_t	plain[1 + 32 + 4 * 51];
	size_t	boxlen;

	*why = "short";
	if (len < 178 + 1 + 8 + 24 + 16 + 33 || len > 178 + 286)
		return -1;
	*why = "not 0x8c";
	if (pkt[0] != 0x8c)
		return -1;
	*why = "R3 not echoed";
	if (memcmp(pkt + 1, ret, OP_RET_LEN) != 0)
		return -1;
	*why = "not 0x84";
	if (pkt[178] != 0x84)
		return -1;
	memcpy(r->sendback, pkt + 179, 8);
	boxlen = len - 211;
	*why = "box does not open";
	if (crypto_box_open_easy(plain, pkt + 211, boxlen, pkt + 187, d_pk,
	    sk) != 0)
		return -1;
	r->is_stored = plain[0];
	memcpy(r->field, plain + 1, 32);
	r->nodes_len = boxlen - 16 - 33;
	memcpy(r->nodes, plain + 33, r->nodes_len);
	*why = NULL;
	return 0;
}

size_t
op_data(uint8_t *out, size_t cap, const uint8_t *dest_pk,
    const uint8_t *dest_data_pk, const uint8_t *inner, size_t inner_len,
    const uint8_t *ret)
{
	uint8_t	esk[32];
	size_t	len = 1 + 32 + 24 + 32 + inner_len + 16 + OP_RET_LEN;

	if (len > cap)
		abort();
	out[0] = 0x85;
	memcpy(out + 1, dest_pk, 32);
	randombytes_buf(out + 33, 24);
	crypto_box_keypair(out + 57, esk);
	if (crypto_box_easy(out + 89, inner, inner_len, out + 33,
	    dest_data_pk, esk) != 0)
		abort();
	memcpy(out + 89 + inner_len + 16, ret, OP_RET_LEN);
	sodium_memzero(esk, sizeof(esk));
	return len;
}
