/*
 * Payloads of the network messages (ipc/types.h) and their pack/unpack
 * pairs, in the style of msg_core.h: pack writes into a struct wr (the
 * sender checks its sticky error), unpack reads a whole payload and
 * returns 0, or -1 if it is short, long or holds a value out of range.
 */
#ifndef BULKHEAD_IPC_MSG_NET_H
#define BULKHEAD_IPC_MSG_NET_H

#include <stdint.h>

#include "common/packed_node.h"
#include "common/rd.h"

enum net_dht_state {
	NET_DHT_NONE = 0,	/* no good DHT node */
	NET_DHT_UDP = 1,	/* at least one good node over UDP */
	NET_DHT_STATE_MAX
};

enum net_onion_state {
	NET_ONION_OFF = 0,		/* no onion client (no profile yet) */
	NET_ONION_SEARCHING = 1,	/* announcing, not yet stored */
	NET_ONION_ANNOUNCED = 2,	/* stored at enough nodes: findable */
	NET_ONION_STATE_MAX
};

/* NET_STATUS: exactly 1 + 32 + 2 + 4 + 1 + 2 bytes. */
struct ipc_net_status {
	uint8_t		state;		/* enum net_dht_state */
	uint8_t		dht_pk[PN_PK_LEN];
	uint16_t	udp_port;	/* 0: no UDP socket */
	uint32_t	good_nodes;
	uint8_t		onion;		/* enum net_onion_state */
	uint16_t	onion_nodes;	/* live announce nodes */
};
#define IPC_NET_STATUS_LEN	(1 + PN_PK_LEN + 2 + 4 + 1 + 2)
void	ipc_pack_net_status(struct wr *, const struct ipc_net_status *);
int	ipc_unpack_net_status(struct rd *, struct ipc_net_status *);

/*
 * NET_NODES_SAVE and NET_NODES_LOAD: count (1..IPC_NET_NODES_MAX) and
 * that many UDP packed nodes (39 or 51 bytes each); TCP families refused.
 */
#define IPC_NET_NODES_MAX	64
#define IPC_NET_NODES_MIN_LEN	(1 + PN_SIZE_V4)
#define IPC_NET_NODES_MAX_LEN	(1 + IPC_NET_NODES_MAX * PN_SIZE_V6)
struct ipc_net_nodes {
	uint8_t			n;
	struct packed_node	nodes[IPC_NET_NODES_MAX];
};
void	ipc_pack_net_nodes(struct wr *, const struct ipc_net_nodes *);
int	ipc_unpack_net_nodes(struct rd *, struct ipc_net_nodes *);

/*
 * NET_BOOTSTRAP: one UDP packed node (39 or 51 bytes): the address is an
 * IP literal the sender resolved or parsed; netd does no DNS.
 */
#define IPC_NET_BOOTSTRAP_MIN_LEN	PN_SIZE_V4
#define IPC_NET_BOOTSTRAP_MAX_LEN	PN_SIZE_V6
void	ipc_pack_net_bootstrap(struct wr *, const struct packed_node *);
int	ipc_unpack_net_bootstrap(struct rd *, struct packed_node *);

/* NET_DHT_SEARCH_ADD / _DEL: a DHT public key, exactly 32 bytes. */
#define IPC_NET_DHT_KEY_LEN	PN_PK_LEN
void	ipc_pack_net_dht_key(struct wr *, const uint8_t pk[PN_PK_LEN]);
int	ipc_unpack_net_dht_key(struct rd *, uint8_t pk[PN_PK_LEN]);

#endif
