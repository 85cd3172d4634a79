/*
 * keyd between netd and the frontend for the network's plumbing: netd's
 * status goes to the frontend (checked, re-packed and coalesced: netd is
 * hostile); netd's good DHT nodes are kept in the profile's DHT section
 * (rate-limited); a fetched nodes list that the supervisor hands over is
 * kept in the profile dir (nodes.json, bytes only: keyd parses no JSON);
 * both go back to netd whenever it (re)starts; the frontend's bootstrap
 * requests are passed to netd and its answers back.
 */
#ifndef BULKHEAD_KEYD_NET_RELAY_H
#define BULKHEAD_KEYD_NET_RELAY_H

#include <stdint.h>

#include "ipc/chan.h"

#define NODES_CACHE_FILE	"nodes.json"
/* netd is hostile: what it may make keyd do, at most how often. */
#define NODES_SAVE_MIN_MS	(5 * 60 * 1000)	/* profile writes */
#define STATUS_MIN_MS		1000		/* status events */

/* What the relay did, for tests and logs. */
struct net_relay_stats {
	uint64_t	node_saves;		/* profile writes for nodes */
	uint64_t	status_forwarded;	/* NET_STATUS to the frontend */
};
extern struct net_relay_stats	net_relay_stats;

void	net_relay_init(struct chan *netd, struct chan *frontend,
	    struct chan *chatd);
/* A new netd channel is open (start, restart): send it what it needs. */
void	net_relay_netd_up(void);
/* The profile got unlocked or created: netd may have its saved nodes. */
void	net_relay_profile_loaded(void);
/* The supervisor's NODES_CACHE_STORE: a fetched list that netd parsed,
 * as a sealed memfd; kept as nodes.json, never parsed. */
void	net_relay_cache_store(int fd);
/* Handler rows: every message from netd, and the frontend's network
 * requests (NET_BOOTSTRAP). */
extern const struct chan_table	net_relay_from_netd;
extern const struct chan_table	net_relay_from_frontend;

#endif
