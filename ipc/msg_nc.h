/*
 * Payloads of the net_crypto messages (map §7; docs/ARCHITECTURE.md "Data
 * flows").  netd keeps the connection (cookies, addresses, resends), keyd
 * the long-term and session keys, chatd the transport above:
 *
 *	netd -> keyd	NC_HS_MAKE	a cookie came: build our handshake
 *	keyd -> netd	NC_HS_MADE	the 385 bytes, to send and resend as is
 *	netd -> keyd	NC_HS_IN	a friend's handshake, its cookie ours
 *	netd -> keyd	NC_ABORT	an attempt that never got established
 *	keyd -> netd	NC_STATE	keys set, established, or gone
 *	keyd -> chatd	NC_SESSION	the same, for the transport
 *	netd -> keyd	NC_DATA_IN	a 0x1b from a tied address
 *	keyd -> chatd	NC_PLAIN_IN	what it held: ack, number, id || data
 *	chatd -> keyd	NC_PLAIN_OUT	the same the other way, to seal
 *	keyd -> netd	NC_DATA_OUT	the sealed 0x1b, to send
 *	chatd -> keyd	NC_KILL		end the session (a kill packet goes)
 *
 * Every message names its friend by the long-term public key: keyd keeps
 * at most one session per friend, and nothing else names connections.
 * The cookies netd hands keyd are opaque 112-byte strings that keyd puts in
 * the handshake box as they are; keyd draws the base nonce, the session
 * keypair and the box nonce itself (rule 1).
 */
#ifndef BULKHEAD_IPC_MSG_NC_H
#define BULKHEAD_IPC_MSG_NC_H

#include <stdint.h>

#include "common/nc_data.h"
#include "common/nc_handshake.h"
#include "common/packed_node.h"
#include "common/rd.h"

#define IPC_NC_PK_LEN		32

/* A session's state, as keyd sees it (c-toxcore's CRYPTO_CONN_*). */
enum nc_state {
	NC_STATE_NONE = 0,		/* no keys: gone or never made */
	NC_STATE_NOT_CONFIRMED = 1,	/* handshakes crossed, keys set */
	NC_STATE_ESTABLISHED = 2,	/* a data packet from the peer opened */
};

/* NC_HS_MAKE: pk 32 || peer cookie 112 || our other cookie 112. */
struct ipc_nc_hs_make {
	uint8_t	pk[IPC_NC_PK_LEN];
	uint8_t	peer_cookie[NC_HS_COOKIE_LEN];
	uint8_t	other_cookie[NC_HS_COOKIE_LEN];
};
#define IPC_NC_HS_MAKE_LEN	(IPC_NC_PK_LEN + 2 * NC_HS_COOKIE_LEN)
void	ipc_pack_nc_hs_make(struct wr *, const struct ipc_nc_hs_make *);
int	ipc_unpack_nc_hs_make(struct rd *, struct ipc_nc_hs_make *);

/* NC_HS_MADE: pk 32 || handshake 385. */
struct ipc_nc_hs_made {
	uint8_t	pk[IPC_NC_PK_LEN];
	uint8_t	hs[NC_HS_LEN];
};
#define IPC_NC_HS_MADE_LEN	(IPC_NC_PK_LEN + NC_HS_LEN)
void	ipc_pack_nc_hs_made(struct wr *, const struct ipc_nc_hs_made *);
int	ipc_unpack_nc_hs_made(struct rd *, struct ipc_nc_hs_made *);

/*
 * NC_HS_IN: pk 32 || DHT pk 32 || want_reply 1 || our other cookie 112 ||
 * handshake 385.  pk and DHT pk are what our cookie in the packet named;
 * want_reply asks keyd for a handshake back (NC_HS_MADE) built on the
 * peer's other cookie, carrying ours.
 */
struct ipc_nc_hs_in {
	uint8_t	pk[IPC_NC_PK_LEN];
	uint8_t	dht_pk[IPC_NC_PK_LEN];
	uint8_t	want_reply;
	uint8_t	other_cookie[NC_HS_COOKIE_LEN];
	uint8_t	hs[NC_HS_LEN];
};
#define IPC_NC_HS_IN_LEN	(2 * IPC_NC_PK_LEN + 1 + NC_HS_COOKIE_LEN + \
				 NC_HS_LEN)
void	ipc_pack_nc_hs_in(struct wr *, const struct ipc_nc_hs_in *);
int	ipc_unpack_nc_hs_in(struct rd *, struct ipc_nc_hs_in *);

/* NC_STATE and NC_SESSION: pk 32 || state 1 (enum nc_state). */
struct ipc_nc_state {
	uint8_t	pk[IPC_NC_PK_LEN];
	uint8_t	state;
};
#define IPC_NC_STATE_LEN	(IPC_NC_PK_LEN + 1)
void	ipc_pack_nc_state(struct wr *, const struct ipc_nc_state *);
int	ipc_unpack_nc_state(struct rd *, struct ipc_nc_state *);

/* NC_ABORT and NC_KILL: pk 32 (ipc_pack_nc_pk). */
#define IPC_NC_PK_MSG_LEN	IPC_NC_PK_LEN
void	ipc_pack_nc_pk(struct wr *, const uint8_t pk[IPC_NC_PK_LEN]);
int	ipc_unpack_nc_pk(struct rd *, uint8_t pk[IPC_NC_PK_LEN]);

/* NC_DATA_IN and NC_DATA_OUT: pk 32 || a whole 0x1b packet. */
struct ipc_nc_data {
	uint8_t		pk[IPC_NC_PK_LEN];
	uint16_t	len;
	uint8_t		pkt[NC_PACKET_MAX];
};
#define IPC_NC_DATA_MIN		(IPC_NC_PK_LEN + NC_DATA_PACKET_MIN + 1)
#define IPC_NC_DATA_MAX		(IPC_NC_PK_LEN + NC_PACKET_MAX)
void	ipc_pack_nc_data(struct wr *, const struct ipc_nc_data *);
int	ipc_unpack_nc_data(struct rd *, struct ipc_nc_data *);
/* The same checks, no copy: the pointers are into the message. */
struct ipc_nc_data_ref {
	const uint8_t	*pk;		/* IPC_NC_PK_LEN */
	const uint8_t	*pkt;
	uint16_t	 len;
};
int	ipc_view_nc_data(struct rd *, struct ipc_nc_data_ref *);

/*
 * NC_PLAIN_IN and NC_PLAIN_OUT: pk 32 || buffer_start u32 || number u32 ||
 * id || data (1..NC_DATA_MAX).  A friend's words: secret in the catalogue
 * (wiped after dispatch).  The id is checked to be one a peer acts on.
 */
struct ipc_nc_plain {
	uint8_t		pk[IPC_NC_PK_LEN];
	uint32_t	buffer_start;
	uint32_t	number;
	uint16_t	len;
	uint8_t		data[NC_DATA_MAX];
};
#define IPC_NC_PLAIN_MIN	(IPC_NC_PK_LEN + NC_DATA_HDR_LEN + 1)
#define IPC_NC_PLAIN_MAX	(IPC_NC_PK_LEN + NC_DATA_HDR_LEN + NC_DATA_MAX)
void	ipc_pack_nc_plain(struct wr *, const struct ipc_nc_plain *);
int	ipc_unpack_nc_plain(struct rd *, struct ipc_nc_plain *);
/* The data path's: no copy into a struct (pointers into the message). */
struct ipc_nc_plain_ref {
	const uint8_t	*pk;		/* IPC_NC_PK_LEN */
	uint32_t	 buffer_start;
	uint32_t	 number;
	uint16_t	 len;
	const uint8_t	*data;
};
int	ipc_view_nc_plain(struct rd *, struct ipc_nc_plain_ref *);
void	ipc_pack_nc_plain_ref(struct wr *, const struct ipc_nc_plain_ref *);

/*
 * NC_ADDR (netd -> keyd) and NC_RESUME (keyd -> netd): pk 32 || a UDP
 * packed node: the friend's DHT key at the address its established
 * session uses.  keyd keeps it (public routing data, no secret) so that a
 * restarted netd, with the same DHT key and socket, goes on with every
 * established session where the last one left it: friends see nothing.
 */
struct ipc_nc_addr {
	uint8_t			pk[IPC_NC_PK_LEN];
	struct packed_node	node;
};
#define IPC_NC_ADDR_MIN		(IPC_NC_PK_LEN + PN_SIZE_V4)
#define IPC_NC_ADDR_MAX		(IPC_NC_PK_LEN + PN_SIZE_V6)
void	ipc_pack_nc_addr(struct wr *, const struct ipc_nc_addr *);
int	ipc_unpack_nc_addr(struct rd *, struct ipc_nc_addr *);

/*
 * NC_PATH (netd -> keyd, keyd -> chatd): pk 32 || path 1, how an
 * established session's packets go: straight over UDP or through TCP
 * relays.  What the user sees as a friend's "udp" or "tcp" connection.
 */
enum nc_path {
	NC_PATH_UDP = 1,
	NC_PATH_TCP = 2
};
struct ipc_nc_path {
	uint8_t	pk[IPC_NC_PK_LEN];
	uint8_t	path;		/* enum nc_path */
};
#define IPC_NC_PATH_LEN		(IPC_NC_PK_LEN + 1)
void	ipc_pack_nc_path(struct wr *, const struct ipc_nc_path *);
int	ipc_unpack_nc_path(struct rd *, struct ipc_nc_path *);

#endif
