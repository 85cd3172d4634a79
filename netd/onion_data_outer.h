/*
 * The outer layer of onion data (map §5.3), pure: no I/O, no clock.
 *
 *  0x85 (sent, reaches D):  kind || dest real pk || nonce || eph pk ||
 *                           box(eph sk, dest data pk, nonce)(plain)
 *  0x86 (D -> us):          kind || nonce || eph pk || the same box
 *
 * plain = sender real pk || inner, where inner is the box keyd seals with
 * the long-term key for the friend's real key under the same nonce (MAC ||
 * id || data).  netd never sees inside it: it only frames and opens this
 * layer, whose keys are a fresh ephemeral pair per packet on our side and
 * the onion data temp pair of the receiver.
 *
 * Sizes: we send id || data of at most ONION_DATA_INNER_SEND_MAX, so the
 * 0x86 D makes of it stays within ONION_DATA_RESP_MAX (c-toxcore drops a
 * longer one); we accept up to ONION_DATA_INNER_MAX, what c-toxcore may
 * send.
 */
#ifndef BULKHEAD_NETD_ONION_DATA_OUTER_H
#define BULKHEAD_NETD_ONION_DATA_OUTER_H

#include <stddef.h>
#include <stdint.h>

#include "common/onion_wire.h"

/* inner = MAC || id || data, at least one byte of id. */
#define ODO_INNER_MIN		(ONION_MAC_LEN + 1)
#define ODO_INNER_SEND_MAX	(ONION_MAC_LEN + ONION_DATA_INNER_SEND_MAX)
#define ODO_INNER_MAX		(ONION_MAC_LEN + ONION_DATA_INNER_MAX)
/* Bytes the outer layer adds around inner. */
#define ODO_OUTER_OVERHEAD	(ONION_MAC_LEN + ONION_PK_LEN)
#define ODO_REQ_MAX		(ONION_DATA_REQ_HDR_LEN + ODO_OUTER_OVERHEAD + \
				 ODO_INNER_SEND_MAX)		/* 1101 */
#define ODO_RESP_MIN		(ONION_DATA_RESP_HDR_LEN + ODO_OUTER_OVERHEAD + \
				 ODO_INNER_MIN)			/* 122 */
#define ODO_RESP_MAX		(ONION_DATA_RESP_HDR_LEN + ODO_OUTER_OVERHEAD + \
				 ODO_INNER_MAX)			/* 1142 */

/*
 * Builds a 0x85 for dest (its real pk and the data pk it announced) with a
 * fresh ephemeral keypair.  Returns the length, or -1 if inner is out of
 * bounds, cap is short or a key is refused.
 */
int	odo_pack(const uint8_t dest_pk[ONION_PK_LEN],
	    const uint8_t dest_data_pk[ONION_PK_LEN],
	    const uint8_t nonce[ONION_NONCE_LEN],
	    const uint8_t sender_pk[ONION_PK_LEN], const uint8_t *inner,
	    size_t inner_len, uint8_t *out, size_t cap);

/*
 * Opens a received 0x86 with our onion data temp secret key.  On 0 the
 * sender's claimed real pk, the nonce and the inner box (copied to inner,
 * *inner_len set; inner_cap must hold ODO_INNER_MAX) are out; the claim is
 * proved only when keyd opens inner with that key.  -1 on any bad size,
 * kind or MAC, and then nothing in the outputs is to be trusted.
 */
int	odo_open(const uint8_t data_sk[ONION_PK_LEN], const uint8_t *pkt,
	    size_t len, uint8_t sender_pk[ONION_PK_LEN],
	    uint8_t nonce[ONION_NONCE_LEN], uint8_t *inner, size_t inner_cap,
	    size_t *inner_len);

#endif
