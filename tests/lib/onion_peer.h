/*
 * The other end of an announce store, built by hand from libsodium and
 * the map's byte offsets (map §5.2, §5.3), not from netd's codecs: a
 * requester's 0x83, the opening of D's 0x84, a sender's 0x85.  The tests
 * of the store use it so a layout slip in netd cannot hide behind the
 * same slip on both sides.
 */
#ifndef BULKHEAD_TEST_ONION_PEER_H
#define BULKHEAD_TEST_ONION_PEER_H

#include <stddef.h>
#include <stdint.h>

#define OP_REQ_LEN	354	/* 0x83 || nonce || pk || box(104) || R3 */
#define OP_RET_LEN	177

struct op_resp {
	uint8_t		sendback[8];
	uint8_t		is_stored;
	uint8_t		field[32];
	size_t		nodes_len;	/* packed nodes, no count byte */
	uint8_t		nodes[4 * 51];
};

/* 0x83 from (pk, sk) to node D (d_pk), with R3 appended.  out: 354. */
void	op_announce(uint8_t out[OP_REQ_LEN], const uint8_t *d_pk,
	    const uint8_t *pk, const uint8_t *sk, const uint8_t *ping_id,
	    const uint8_t *search_pk, const uint8_t *data_pk,
	    const uint8_t *sendback, const uint8_t *ret);
/*
 * Opens  0x8c || R3 || 0x84 || sendback || nonce || box  from D for
 * (sk); R3 must equal ret.  0, or -1 with a reason in *why.
 */
int	op_open_resp(const uint8_t *pkt, size_t len, const uint8_t *ret,
	    const uint8_t *d_pk, const uint8_t *sk, struct op_resp *,
	    const char **why);
/*
 * 0x85 || dest pk || nonce || eph pk || box(inner) || R3 for dest with
 * data key dest_data_pk; inner is opaque here.  Returns the length.
 */
size_t	op_data(uint8_t *out, size_t cap, const uint8_t *dest_pk,
	    const uint8_t *dest_data_pk, const uint8_t *inner, size_t inner_len,
	    const uint8_t *ret);

#endif
