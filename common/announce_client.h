/*
 * The client's side of the onion announce (map §5.2), c-toxcore 0.2.18:
 * building a 0x83 request and opening a 0x84 response.  Pure: no I/O, no
 * clock, no RNG.  Both take the key shared with the announce node
 * (crypto_box_beforenm of the node's DHT pk and the sender's sk), so the
 * same code serves keyd with the long-term key (self-announce) and netd
 * with a friend's temporary search key; neither ever sees the other's
 * secret.
 */
#ifndef BULKHEAD_COMMON_ANNOUNCE_CLIENT_H
#define BULKHEAD_COMMON_ANNOUNCE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/onion_wire.h"
#include "common/packed_node.h"

#define ANNOUNCE_KEY_LEN	32	/* crypto_box_BEFORENMBYTES */

/* The plain text of a 0x83 request. */
struct announce_req {
	uint8_t	ping_id[ONION_PING_ID_LEN];	/* zeros at first */
	uint8_t	search_pk[ONION_PK_LEN];	/* own real pk, or a friend's */
	uint8_t	data_pk[ONION_PK_LEN];		/* zeros when searching */
	uint8_t	sendback[ONION_SENDBACK_LEN];	/* opaque, echoed */
};

/* What a 0x84 response says. */
struct announce_resp {
	uint8_t			sendback[ONION_SENDBACK_LEN];
	uint8_t			is_stored;	/* enum announce_stored */
	uint8_t			field[ONION_PING_ID_LEN]; /* ping id or data pk */
	uint8_t			n;		/* 0..4 */
	struct packed_node	nodes[ANNOUNCE_RESP_NODES_MAX];	/* UDP only */
};

/*
 * Builds kind || nonce || sender pk || box(key, nonce)(ping_id || search
 * pk || data pk || sendback) into out, exactly ANNOUNCE_REQ_LEN bytes.
 * The caller picks the nonce (at random).
 */
void	announce_req_build(const uint8_t key[ANNOUNCE_KEY_LEN],
	    const uint8_t sender_pk[ONION_PK_LEN],
	    const uint8_t nonce[ONION_NONCE_LEN], const struct announce_req *,
	    uint8_t out[ANNOUNCE_REQ_LEN]);

/*
 * The sendback of a 0x84, read before anything is opened: it tells the
 * caller which request (and so which key) the response answers.  0, or
 * -1 if pkt is not a 0x84 of a possible size.
 */
int	announce_resp_sendback(const uint8_t *pkt, size_t len,
	    uint8_t sendback[ONION_SENDBACK_LEN]);

/*
 * Opens a 0x84 with the key shared with the node that answered.  Refused
 * (-1, nothing in *out to trust): a size outside ANNOUNCE_RESP_MIN..MAX,
 * a MAC that does not verify, is_stored above 2, a node of a TCP or
 * unknown family, or node bytes that are not whole nodes (c-toxcore voids
 * the whole response then too).
 */
int	announce_resp_open(const uint8_t key[ANNOUNCE_KEY_LEN],
	    const uint8_t *pkt, size_t len, struct announce_resp *out);

#endif
