/*
 * netd's announce store on the event loop: node D's side of the onion
 * (announce_store.h).  Registers kinds 0x83 and 0x85 with net.c's switch,
 * answers with the DHT engine's keypair and lists the DHT's close nodes.
 * Entries expire lazily, so there is no timer.  netd.c calls
 * netd_announce_serve() after netd_dht_serve().
 */
#ifndef BULKHEAD_NETD_NETD_ANNOUNCE_H
#define BULKHEAD_NETD_NETD_ANNOUNCE_H

#include "netd/announce_store.h"

/* Registers the kinds; the DHT engine must exist (netd_dht_start). */
void	netd_announce_serve(void);
const struct announce_stats *netd_announce_stats(void);

#endif
