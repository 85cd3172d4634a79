/*
 * The announce store's packet codecs, server side (node D of an onion
 * path), wire-compatible with c-toxcore 0.2.18 (map §5.2, §5.3; layouts
 * and sizes in common/onion_wire.h).  Pure: no I/O, no clock.
 *
 * What reaches D from relay C is  payload || R3, where R3 is 177 opaque
 * bytes D echoes: every answer goes back to C as  0x8c || R3 || response.
 *
 *  0x83 at D:	kind || nonce || sender pk || box(sender sk, our DHT pk)
 *		(ping id || search pk || data pk || sendback) || R3,
 *		exactly 354 bytes (c-toxcore drops any other size).
 *  0x84 out:	0x8c || R3 || 0x84 || sendback || nonce || box(our DHT sk,
 *		sender pk)(is_stored || ping id or data pk || 0..4 nodes).
 *  0x85 at D:	kind || dest real pk || body || R3, body = nonce || eph pk
 *		|| box, opaque to D; more than 282 and at most 1400 bytes.
 *  0x86 out:	0x8c || the dest's stored R3 || 0x86 || body.
 *
 * Parsers return 0 or -1; on -1 nothing in *out is to be trusted.  Builders
 * return the length written or -1.
 */
#ifndef BULKHEAD_NETD_ANNOUNCE_PACKET_H
#define BULKHEAD_NETD_ANNOUNCE_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "common/onion_wire.h"
#include "common/packed_node.h"
#include "netd/dht_keys.h"

/* What D reads: the request as built plus R3. */
#define ANNOUNCE_REQ_RECV_LEN	(ANNOUNCE_REQ_LEN + ONION_RET_3_LEN)	/* 354 */
/* 0x85 at D: more than header || MAC || R3, at most one UDP packet. */
#define ONION_DATA_REQ_RECV_MIN	(ONION_DATA_REQ_HDR_LEN + ONION_MAC_LEN + \
				 ONION_RET_3_LEN)	/* 282, exclusive */
#define ONION_DATA_REQ_RECV_MAX	ONION_MAX_PACKET		/* 1400 */
/* The opaque part D forwards: nonce || eph pk || box. */
#define ONION_DATA_BODY_MAX	(ONION_DATA_REQ_RECV_MAX - 1 - ONION_PK_LEN - \
				 ONION_RET_3_LEN)	/* 1190 */
/* 0x8c || R3 framing around a response. */
#define ONION_RESP3_HDR_LEN	(1 + ONION_RET_3_LEN)			/* 178 */
#define ANNOUNCE_RESP_OUT_MAX	(ONION_RESP3_HDR_LEN + ANNOUNCE_RESP_MAX)
#define ONION_DATA_OUT_MAX	(ONION_RESP3_HDR_LEN + 1 + ONION_DATA_BODY_MAX)

struct announce_req {
	uint8_t		sender_pk[ONION_PK_LEN];
	uint8_t		ping_id[ONION_PING_ID_LEN];
	uint8_t		search_pk[ONION_PK_LEN];
	uint8_t		data_pk[ONION_PK_LEN];
	uint8_t		sendback[ONION_SENDBACK_LEN];	/* opaque, echoed */
	uint8_t		ret[ONION_RET_3_LEN];		/* opaque, echoed */
};

struct announce_resp {
	uint8_t			sendback[ONION_SENDBACK_LEN];
	uint8_t			is_stored;	/* enum announce_stored */
	uint8_t			field[ONION_PING_ID_LEN]; /* ping id or data pk */
	uint8_t			n;		/* 0..4 UDP nodes */
	struct packed_node	nodes[ANNOUNCE_RESP_NODES_MAX];
};

struct onion_data_req {
	uint8_t		dest_pk[ONION_PK_LEN];
	size_t		body_len;
	uint8_t		body[ONION_DATA_BODY_MAX];	/* nonce || eph pk || box */
	uint8_t		ret[ONION_RET_3_LEN];
};

/*
 * Opens a 0x83 as it reaches D (exactly ANNOUNCE_REQ_RECV_LEN bytes) with
 * our DHT key.  A request that claims our own key is refused.
 */
int	annp_req_parse(struct dht_keys *, const uint8_t *pkt, size_t len,
	    struct announce_req *);
/*
 * Seals r for the requester and frames it for C:  0x8c || ret || 0x84 ...
 * Nodes must be UDP families (c-toxcore voids a list with a TCP one).
 */
int	annp_resp_pack(struct dht_keys *, const uint8_t requester_pk[ONION_PK_LEN],
	    const uint8_t ret[ONION_RET_3_LEN], const struct announce_resp *,
	    uint8_t *out, size_t cap);

/* Splits a 0x85 as it reaches D; the body stays opaque. */
int	annp_data_parse(const uint8_t *pkt, size_t len, struct onion_data_req *);
/* 0x8c || ret || 0x86 || body, towards the dest's stored return address. */
int	annp_data_pack(const uint8_t ret[ONION_RET_3_LEN], const uint8_t *body,
	    size_t body_len, uint8_t *out, size_t cap);

#endif
