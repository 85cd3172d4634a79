/*
 * chatd's side of DHT-PK (map §5.3; c-toxcore onion_client.c
 * handle_dhtpk_announce, handle_dht_dhtpk): chatd holds the friend list,
 * so it
 *
 *  - tells netd, through keyd (FRIEND_NET), which friends to search for
 *    and send our DHT-PK to: at start (FRIENDS_LOAD), on add, accept and
 *    removal;
 *  - parses a friend's announcement that keyd opened (FRIEND_DHTPK_IN),
 *    because it is friend data (rule 4): from a friend in the table, its
 *    no_replay strictly greater than the last one accepted from that
 *    friend (forgotten when the friend goes offline), and, by the DHT
 *    route, the DHT key inside equal to the one that sent the 0x20
 *    (gotcha 10).  An accepted one goes back to netd, through keyd, as
 *    FRIEND_DHT_LEARNED: the friend's DHT key and its UDP nodes.
 *
 * The check is pure (dhtpk_in_accept); the rest is glue on keyd's
 * channel.
 */
#ifndef BULKHEAD_CHATD_DHTPK_IN_H
#define BULKHEAD_CHATD_DHTPK_IN_H

#include "chatd/friends.h"
#include "common/dhtpk.h"
#include "ipc/chan.h"
#include "ipc/msg_dhtpk.h"

/*
 * Checks one opened announcement against the table.  Accepted: returns
 * the friend's number, the parsed announcement in *out, and the friend's
 * last no_replay and DHT key updated.  Refused: -1 and *why.
 */
int	dhtpk_in_accept(struct friends *, const struct ipc_friend_dhtpk_in *,
	    struct dhtpk *out, const char **why);
/* The friend went offline: any newer no_replay is welcome again. */
void	dhtpk_in_offline(struct friend *);

/* keyd's channel (friend_ops_init() calls it). */
void	dhtpk_in_init(struct chan *keyd);
/* FRIEND_NET to keyd: pk is a friend in state (enum friend_net_state). */
void	dhtpk_in_tell(const uint8_t pk[TOX_PK_LEN], uint8_t state);
extern const struct chan_table	dhtpk_in_from_keyd;

/*
 * A friend's SHARE_RELAYS (fconn.c): its TCP relays go to netd's relay
 * client the way a DHT-PK's do (FRIEND_DHT_LEARNED, under the DHT key we
 * know for it); nothing is sent if we know none.
 */
void	dhtpk_in_relays(unsigned number, const struct packed_node *, size_t);
/* For tests: announcements accepted and refused. */
extern unsigned long	dhtpk_in_accepted, dhtpk_in_refused;

#endif
