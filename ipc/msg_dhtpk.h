/*
 * Payloads of the DHT-PK messages (map §5.3, §4): which friends netd
 * searches for, our DHT-PK sealed by keyd for one of them, a friend's
 * DHT-PK on its way in, and the friend's DHT key learned, back to netd.
 *
 *	chatd -> keyd -> netd	FRIEND_NET, ONION_FRIEND (the same payload)
 *	netd -> keyd		ONION_DHTPK_SEAL, answered ONION_DHTPK_SEALED
 *	netd -> keyd		ONION_DHTPK_IN (a 0x20 request, id 0x9c)
 *	keyd -> chatd		FRIEND_DHTPK_IN (opened, either route)
 *	chatd -> keyd -> netd	FRIEND_DHT_LEARNED, ONION_FRIEND_DHT (same)
 *
 * keyd seals from typed fields only (rule 1): the friend, our DHT key and
 * up to four nodes; it sets no_replay itself.  A friend's announcement is
 * parsed in chatd (rule 4); what goes back to netd is public (rule 3).
 */
#ifndef BULKHEAD_IPC_MSG_DHTPK_H
#define BULKHEAD_IPC_MSG_DHTPK_H

#include <stdint.h>

#include "common/dhtpk.h"
#include "common/onion_wire.h"
#include "common/rd.h"

/* A friend's state for netd's searches. */
enum friend_net_state {
	FRIEND_NET_GONE = 0,	/* removed: stop searching */
	FRIEND_NET_OFFLINE = 1,	/* search, send our DHT-PK */
	FRIEND_NET_ONLINE = 2,	/* connected: no search, no DHT-PK */
};

/* FRIEND_NET and ONION_FRIEND: real pk 32 || state 1. */
struct ipc_friend_net {
	uint8_t		pk[ONION_PK_LEN];
	uint8_t		state;		/* enum friend_net_state */
};
#define IPC_FRIEND_NET_LEN	(ONION_PK_LEN + 1)
void	ipc_pack_friend_net(struct wr *, const struct ipc_friend_net *);
int	ipc_unpack_friend_net(struct rd *, struct ipc_friend_net *);

/*
 * FRIEND_DHT_LEARNED and ONION_FRIEND_DHT: the friend's real pk 32 || its
 * DHT pk 32 || count 0..4 || that many UDP packed nodes (where to ask for
 * it).  Also the body of ONION_DHTPK_SEAL, after its route byte: there the
 * friend is the one to seal for, the DHT key ours.
 */
struct ipc_friend_dht {
	uint8_t			pk[ONION_PK_LEN];
	uint8_t			dht_pk[ONION_PK_LEN];
	uint8_t			n;
	struct packed_node	nodes[DHTPK_NODES_MAX];
};
#define IPC_FRIEND_DHT_MIN	(2 * ONION_PK_LEN + 1)
#define IPC_FRIEND_DHT_MAX	(IPC_FRIEND_DHT_MIN + \
				 DHTPK_NODES_MAX * PN_SIZE_V6)
void	ipc_pack_friend_dht(struct wr *, const struct ipc_friend_dht *);
int	ipc_unpack_friend_dht(struct rd *, struct ipc_friend_dht *);

/* The two ways a DHT-PK travels. */
enum dhtpk_route {
	DHTPK_ROUTE_ONION = 0,	/* onion data, inner layer id 0x9c */
	DHTPK_ROUTE_DHT = 1,	/* DHT request 0x20, request id 0x9c */
};

/*
 * ONION_DHTPK_SEAL (netd -> keyd, answered ONION_DHTPK_SEALED or ERROR):
 * route 1 || ipc_friend_dht (friend real pk, our DHT pk, our nodes).
 */
struct ipc_dhtpk_seal {
	uint8_t			route;		/* enum dhtpk_route */
	struct ipc_friend_dht	f;
};
#define IPC_DHTPK_SEAL_MIN	(1 + IPC_FRIEND_DHT_MIN)
#define IPC_DHTPK_SEAL_MAX	(1 + IPC_FRIEND_DHT_MAX)
void	ipc_pack_dhtpk_seal(struct wr *, const struct ipc_dhtpk_seal *);
int	ipc_unpack_dhtpk_seal(struct rd *, struct ipc_dhtpk_seal *);

/*
 * The sealed forms.  Onion: our real pk || box(0x9c || ...) under the
 * nonce, the inner layer of onion data.  DHT: our real pk || nonce ||
 * box(0x9c || ...), the data of a 0x20 request with id 0x9c (c-toxcore's
 * send_dht_dhtpk).  Both boxes are under the key our real key shares with
 * the friend's.
 */
#define DHTPK_BOX_MIN		(ONION_MAC_LEN + DHTPK_MIN_LEN)
#define DHTPK_BOX_MAX		(ONION_MAC_LEN + DHTPK_MAX_LEN)
#define DHTPK_SEALED_MIN	(ONION_PK_LEN + DHTPK_BOX_MIN)
#define DHTPK_SEALED_MAX	(ONION_PK_LEN + ONION_NONCE_LEN + DHTPK_BOX_MAX)
#define DHTPK_DHT_DATA_MIN	(ONION_PK_LEN + ONION_NONCE_LEN + DHTPK_BOX_MIN)
#define DHTPK_DHT_DATA_MAX	DHTPK_SEALED_MAX

/* ONION_DHTPK_SEALED: route 1 || nonce 24 || sealed (the rest). */
struct ipc_dhtpk_sealed {
	uint8_t		route;
	uint8_t		nonce[ONION_NONCE_LEN];
	uint16_t	len;
	uint8_t		sealed[DHTPK_SEALED_MAX];
};
#define IPC_DHTPK_SEALED_MIN	(1 + ONION_NONCE_LEN + DHTPK_SEALED_MIN)
#define IPC_DHTPK_SEALED_MAX	(1 + ONION_NONCE_LEN + DHTPK_SEALED_MAX)
void	ipc_pack_dhtpk_sealed(struct wr *, const struct ipc_dhtpk_sealed *);
int	ipc_unpack_dhtpk_sealed(struct rd *, struct ipc_dhtpk_sealed *);

/*
 * ONION_DHTPK_IN (netd -> keyd, a notice): a 0x20 request with id 0x9c
 * addressed to our DHT key: its outer sender DHT pk 32 || its data
 * (sender real pk || nonce || box), which keyd opens.
 */
struct ipc_dhtpk_in {
	uint8_t		outer_pk[ONION_PK_LEN];
	uint8_t		sender_pk[ONION_PK_LEN];
	uint8_t		nonce[ONION_NONCE_LEN];
	uint16_t	boxlen;
	uint8_t		box[DHTPK_BOX_MAX];
};
#define IPC_DHTPK_IN_MIN	(ONION_PK_LEN + DHTPK_DHT_DATA_MIN)
#define IPC_DHTPK_IN_MAX	(ONION_PK_LEN + DHTPK_DHT_DATA_MAX)
void	ipc_pack_dhtpk_in(struct wr *, const struct ipc_dhtpk_in *);
int	ipc_unpack_dhtpk_in(struct rd *, struct ipc_dhtpk_in *);

/*
 * FRIEND_DHTPK_IN (keyd -> chatd, a notice): route 1 || sender real pk 32
 * || outer DHT pk 32 (zeros by the onion) || the opened announcement,
 * DHTPK_MIN_LEN..DHTPK_MAX_LEN bytes, for chatd to parse.
 */
struct ipc_friend_dhtpk_in {
	uint8_t		route;
	uint8_t		pk[ONION_PK_LEN];
	uint8_t		outer_pk[ONION_PK_LEN];
	uint16_t	len;
	uint8_t		data[DHTPK_MAX_LEN];
};
#define IPC_FRIEND_DHTPK_IN_MIN	(1 + 2 * ONION_PK_LEN + DHTPK_MIN_LEN)
#define IPC_FRIEND_DHTPK_IN_MAX	(1 + 2 * ONION_PK_LEN + DHTPK_MAX_LEN)
void	ipc_pack_friend_dhtpk_in(struct wr *,
	    const struct ipc_friend_dhtpk_in *);
int	ipc_unpack_friend_dhtpk_in(struct rd *, struct ipc_friend_dhtpk_in *);

#endif
