/*
 * chatd's friend connections (map §7-8; c-toxcore friend_connection.c and
 * the transport half of net_crypto.c): for each friend whose session keyd
 * has keyed, a lossless transport (chatd/nc_transport.h) and the
 * friend_connection rules above it:
 *
 *  - keyd's NC_SESSION says NOT_CONFIRMED: a fresh transport, which sends
 *    a request packet at once (that confirms the session at the peer);
 *    ESTABLISHED: the messenger is told (hooks.up) and netd stops
 *    searching (FRIEND_NET online); NONE: the transport is dropped, the
 *    messenger told (hooks.down), netd searches again;
 *  - keyd's NC_PLAIN_IN: into the transport; what it delivers in order
 *    goes to the messenger (hooks.packet), but for ALIVE (0x10) and
 *    SHARE_RELAYS (0x11), which are ours: the relays are kept for the TCP
 *    issue;
 *  - ALIVE every FCONN_ALIVE_MS; a connection that has heard nothing for
 *    FCONN_TIMEOUT_MS is killed (NC_KILL: a kill packet goes, keyd wipes
 *    the keys) and netd reconnects;
 *  - the transport's acks go to the messenger (hooks.acked): receipts.
 * One timer, armed to the earliest deadline of all connections: no
 * polling tick.
 */
#ifndef BULKHEAD_CHATD_FCONN_H
#define BULKHEAD_CHATD_FCONN_H

#include <stddef.h>
#include <stdint.h>

#include "common/packed_node.h"
#include "ipc/chan.h"
#include "ipc/msg_friend.h"

#define FCONN_ALIVE_MS		8000	/* FRIEND_PING_INTERVAL */
#define FCONN_ALIVE_RETRY_MS	250	/* ... after a full window refused it */
#define FCONN_TIMEOUT_MS	32000	/* FRIEND_CONNECTION_TIMEOUT */
#define FCONN_RELAYS_MAX	3
#define FCONN_SHARE_MS		300000	/* SHARE_RELAYS_INTERVAL */
#define FCONN_BULK_QUEUED	(1024 * 1024)	/* bytes for keyd: a file waits */

struct fconn_hooks {
	void	(*up)(unsigned number);
	void	(*down)(unsigned number);
	void	(*packet)(unsigned number, const uint8_t *p, size_t len);
	void	(*acked)(unsigned number, uint32_t pkt_number);
	/* keyd caught up with what the friend's bulk send was refused
	 * behind (only for a friend whose acks are sparse) */
	void	(*room)(unsigned number);
};

struct fconn_stats {
	uint64_t	sessions;	/* transports started */
	uint64_t	timeouts;	/* killed for silence */
	uint64_t	unknown;	/* NC_PLAIN_IN for no transport */
};
extern struct fconn_stats	fconn_stats;

void	fconn_init(struct chan *keyd, const struct fconn_hooks *);
/*
 * keyd's channel's on_drained (set once it is open: chan_open clears
 * it): keyd took all that was queued, so the files held back for it
 * (fconn_send_bulk) go on.
 */
void	fconn_keyd_drained(struct chan *keyd);
/* 1 if the friend's session is established. */
int	fconn_up(unsigned number);
/*
 * Sends a lossless packet (id 16..191) to an established friend: its
 * transport number, or -1 (not up, or the send window is full: try again
 * after an ack).
 */
int64_t	fconn_send(unsigned number, const uint8_t *p, size_t len);
/*
 * The same for bulk data (file chunks): rate-limited by the transport's
 * token bucket as well; -1 also when no token is there.
 */
int64_t	fconn_send_bulk(unsigned number, const uint8_t *p, size_t len);
/* When fconn_send_bulk will have a token (mono ms), 0 if not up. */
uint64_t fconn_bulk_at(unsigned number);
/* The friend's transport for the friend list: all 0 unless it runs. */
void	fconn_link(unsigned number, struct ipc_friend_link *out);
/* Ends a friend's session (a removal, the messenger's OFFLINE). */
void	fconn_kill(unsigned number);
/* Asks keyd to end the session of pk, known or not. */
void	fconn_kill_pk(const uint8_t pk[TOX_PK_LEN]);
/* The relays the friend shared (SHARE_RELAYS), for the TCP issue. */
size_t	fconn_relays(unsigned number, struct packed_node *out, size_t max);
extern const struct chan_table	fconn_from_keyd;

#endif
