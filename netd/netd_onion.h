/*
 * netd's onion relay on the event loop: the engine (onion_relay.c) fed by
 * net.c's switch for kinds 0x80-0x82 and 0x8c-0x8e, sending through
 * net_send, its secret rotated by one loop timer armed to the engine's
 * deadline.  It uses the DHT engine's keypair (netd_dht_keys), so
 * netd_dht_start() must have run.  netd.c calls netd_onion_serve() after
 * netd_dht_serve().  The announce store (0x83, 0x85) is another module's.
 */
#ifndef BULKHEAD_NETD_NETD_ONION_H
#define BULKHEAD_NETD_NETD_ONION_H

#include "netd/onion_relay.h"

/* Registers the six relay kinds and arms the rotation timer. */
void	netd_onion_serve(void);
/* The relay's counters (zeros before netd_onion_serve). */
const struct onion_relay_stats *netd_onion_stats(void);

/* An onion request from client from (IPP_SRV) of our relay server. */
void	netd_onion_tcp(const struct ip_port *from, const uint8_t *, size_t);

#endif
