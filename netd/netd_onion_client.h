/*
 * The onion client (onion_client.h) on netd's event loop, wired to its
 * codecs and to keyd:
 *
 *  - the relay's onion builder (onion_packet.c) and the announce codec
 *    (common/announce_client.c) under netd's own keys (DHT key, path
 *    keys, per-friend search keys);
 *  - keyd seals and opens the self-announce with the long-term key
 *    (ONION_ANNOUNCE_SEAL/OPEN, rule 1) and opens onion data that reaches
 *    us (ONION_DATA_IN); netd opens only the outer layer, with its data
 *    temp key;
 *  - keyd's sealed friend requests (ONION_DATA_OUT, netd_onion_out.c) are
 *    delivered once a search has found the friend's announce nodes.
 *
 * The engine starts when keyd says whose key to announce (ONION_SELF) and
 * starts again if that key changes.  One loop timer is armed to the
 * engine's deadline, one feeds it path nodes from the DHT; nothing polls.
 * netd --standalone has no keyd, so no client: it relays and stores.
 *
 * netd.c: after netd_dht_serve():	netd_oc_serve(&ch_keyd or NULL);
 *	   keyd's tables include	netd_oc_from_keyd.
 */
#ifndef BULKHEAD_NETD_NETD_ONION_CLIENT_H
#define BULKHEAD_NETD_NETD_ONION_CLIENT_H

#include "ipc/chan.h"
#include "ipc/msg_net.h"
#include "netd/onion_client.h"

/* Friend-request destinations searched at once; the oldest idle goes. */
#define NETD_OC_DESTS		64
/* A destination with nothing queued for this long is no longer searched
 * (chatd resends a pending request well within it). */
#define NETD_OC_DEST_IDLE_MS	(30 * 60 * 1000)
/* Path nodes from the DHT: while the pool is short, every few seconds. */
#define NETD_OC_FEED_SHORT_MS	2000
#define NETD_OC_FEED_MS		60000
#define NETD_OC_FEED_NODES	8

/* Registers 0x84/0x86 and the timers; the engine waits for ONION_SELF. */
void	netd_oc_serve(struct chan *keyd);
/* Handler rows of keyd's channel: ONION_SELF. */
extern const struct chan_table	netd_oc_from_keyd;
/* The onion part of NET_STATUS. */
void	netd_oc_status(struct ipc_net_status *);
/* The engine (NULL before ONION_SELF), for tests and status. */
struct onion_client *netd_oc(void);

#endif
