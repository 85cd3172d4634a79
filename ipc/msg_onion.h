/*
 * Payloads of the onion messages between netd and keyd (ipc/types.h, the
 * onion area), in the style of msg_net.h.  keyd does with the long-term
 * key only what these typed fields describe (rule 1): it seals a
 * self-announce whose search key it sets itself, opens the response of a
 * node netd names, opens the inner layer of onion data, and seals the
 * inner layer of a friend request it builds from chatd's fields.  No
 * payload carries a secret key or a key derived from one.
 */
#ifndef BULKHEAD_IPC_MSG_ONION_H
#define BULKHEAD_IPC_MSG_ONION_H

#include <stdint.h>

#include "common/announce_client.h"
#include "common/onion_data.h"
#include "common/onion_wire.h"
#include "common/rd.h"

/*
 * ONION_ANNOUNCE_SEAL (netd -> keyd, answered ONION_ANNOUNCE_SEALED or
 * ERROR): announce us to the node whose DHT key is node_pk, with the
 * ping id it gave us (zeros at first), netd's onion data key and netd's
 * sendback.  keyd picks the nonce and the search key (its own).
 */
struct ipc_onion_announce_seal {
	uint8_t		node_pk[ONION_PK_LEN];
	uint8_t		ping_id[ONION_PING_ID_LEN];
	uint8_t		data_pk[ONION_PK_LEN];
	uint8_t		sendback[ONION_SENDBACK_LEN];
};
#define IPC_ONION_ANNOUNCE_SEAL_LEN	(2 * ONION_PK_LEN + \
					 ONION_PING_ID_LEN + ONION_SENDBACK_LEN)
void	ipc_pack_onion_announce_seal(struct wr *,
	    const struct ipc_onion_announce_seal *);
int	ipc_unpack_onion_announce_seal(struct rd *,
	    struct ipc_onion_announce_seal *);

/* ONION_ANNOUNCE_SEALED: the 0x83 packet, exactly ANNOUNCE_REQ_LEN. */
struct ipc_onion_announce_sealed {
	uint8_t		pkt[ANNOUNCE_REQ_LEN];
};
#define IPC_ONION_ANNOUNCE_SEALED_LEN	ANNOUNCE_REQ_LEN
void	ipc_pack_onion_announce_sealed(struct wr *,
	    const struct ipc_onion_announce_sealed *);
int	ipc_unpack_onion_announce_sealed(struct rd *,
	    struct ipc_onion_announce_sealed *);

/*
 * ONION_ANNOUNCE_OPEN (netd -> keyd, answered ONION_ANNOUNCE_OPENED or
 * ERROR): a 0x84 that answers a self-announce to node_pk, whole.
 */
struct ipc_onion_announce_open {
	uint8_t		node_pk[ONION_PK_LEN];
	uint16_t	len;
	uint8_t		pkt[ANNOUNCE_RESP_MAX];
};
#define IPC_ONION_ANNOUNCE_OPEN_MIN	(ONION_PK_LEN + ANNOUNCE_RESP_MIN)
#define IPC_ONION_ANNOUNCE_OPEN_MAX	(ONION_PK_LEN + ANNOUNCE_RESP_MAX)
void	ipc_pack_onion_announce_open(struct wr *,
	    const struct ipc_onion_announce_open *);
int	ipc_unpack_onion_announce_open(struct rd *,
	    struct ipc_onion_announce_open *);

/*
 * ONION_ANNOUNCE_OPENED: is_stored (0..2) || field 32 || count (0..4) ||
 * that many UDP packed nodes.  Public data (rule 3): netd keeps it.
 */
struct ipc_onion_announce_opened {
	uint8_t			is_stored;
	uint8_t			field[ONION_PING_ID_LEN];
	uint8_t			n;
	struct packed_node	nodes[ANNOUNCE_RESP_NODES_MAX];
};
#define IPC_ONION_ANNOUNCE_OPENED_MIN	(1 + ONION_PING_ID_LEN + 1)
#define IPC_ONION_ANNOUNCE_OPENED_MAX	(IPC_ONION_ANNOUNCE_OPENED_MIN + \
					 ANNOUNCE_RESP_NODES_MAX * PN_SIZE_V6)
void	ipc_pack_onion_announce_opened(struct wr *,
	    const struct ipc_onion_announce_opened *);
int	ipc_unpack_onion_announce_opened(struct rd *,
	    struct ipc_onion_announce_opened *);

/*
 * ONION_DATA_IN (netd -> keyd, a notice): netd opened the outer layer of
 * a 0x86 with its data key; this is the inner layer, split: the sender's
 * real pk, the packet's nonce, and the box (MAC || 1..1021 bytes).
 */
struct ipc_onion_data_in {
	uint8_t		sender_pk[ONION_PK_LEN];
	uint8_t		nonce[ONION_NONCE_LEN];
	uint16_t	boxlen;
	uint8_t		box[ONION_DATA_BOX_MAX];
};
#define IPC_ONION_DATA_IN_MIN	(ONION_PK_LEN + ONION_NONCE_LEN + \
				 ONION_DATA_BOX_MIN)
#define IPC_ONION_DATA_IN_MAX	(ONION_PK_LEN + ONION_NONCE_LEN + \
				 ONION_DATA_BOX_MAX)
void	ipc_pack_onion_data_in(struct wr *, const struct ipc_onion_data_in *);
int	ipc_unpack_onion_data_in(struct rd *, struct ipc_onion_data_in *);

/*
 * ONION_DATA_OUT (keyd -> netd, a notice): onion data for dest_pk to
 * deliver: the nonce netd must use for its outer layer and the sealed
 * inner layer (our real pk || box, at most what c-toxcore accepts).
 */
struct ipc_onion_data_out {
	uint8_t		dest_pk[ONION_PK_LEN];
	uint8_t		nonce[ONION_NONCE_LEN];
	uint16_t	len;
	uint8_t		sealed[ONION_DATA_SEALED_SEND_MAX];
};
#define IPC_ONION_DATA_OUT_MIN	(ONION_PK_LEN + ONION_NONCE_LEN + \
				 ONION_DATA_SEALED_MIN)
#define IPC_ONION_DATA_OUT_MAX	(ONION_PK_LEN + ONION_NONCE_LEN + \
				 ONION_DATA_SEALED_SEND_MAX)
void	ipc_pack_onion_data_out(struct wr *,
	    const struct ipc_onion_data_out *);
int	ipc_unpack_onion_data_out(struct rd *, struct ipc_onion_data_out *);

/*
 * ONION_SELF (keyd -> netd): the user's real public key, exactly 32 bytes,
 * whenever a profile is loaded and netd is there.  Public (it is in the
 * Tox ID); netd needs it to announce and to tell its own answers apart.
 */
#define IPC_ONION_SELF_LEN	ONION_PK_LEN
void	ipc_pack_onion_self(struct wr *, const uint8_t pk[ONION_PK_LEN]);
int	ipc_unpack_onion_self(struct rd *, uint8_t pk[ONION_PK_LEN]);

#endif
