/*
 * keyd between netd and the frontend for the network's plumbing: netd's
 * status goes to the frontend (checked, re-packed: netd is hostile);
 * netd's good DHT nodes are kept in the profile's DHT section and its
 * parsed nodes list in the profile dir (nodes.json, bytes only: keyd
 * parses no JSON); both go back to netd whenever it (re)starts; the
 * frontend's bootstrap requests are passed to netd and its answers back.
 */
#ifndef BULKHEAD_KEYD_NET_RELAY_H
#define BULKHEAD_KEYD_NET_RELAY_H

#include "ipc/chan.h"

#define NODES_CACHE_FILE	"nodes.json"

void	net_relay_init(struct chan *netd, struct chan *frontend);
/* A new netd channel is open (start, restart): send it what it needs. */
void	net_relay_netd_up(void);
/* The profile got unlocked or created: netd may have its saved nodes. */
void	net_relay_profile_loaded(void);
/* Handler rows: every message from netd, and the frontend's network
 * requests (NET_BOOTSTRAP). */
extern const struct chan_table	net_relay_from_netd;
extern const struct chan_table	net_relay_from_frontend;

#endif
