/*
 * netd's DHT on the event loop: the engine, its packet kinds (registered
 * with net.c's switch), its timer, bootstrap, status and node saving
 * towards keyd.  The sockets and netd-wide options are net.c's, LAN
 * discovery is netd_lan.c's.  netd.c calls, in this order:
 *
 *	getopt loop:	if (netd_dht_option(ch, optarg)) continue;
 *	before sandbox:	netd_dht_start();
 *	after rt_lockdown and opening the keyd channel (if any):
 *			netd_dht_serve(&ch_keyd or NULL);
 *	the keyd channel's tables include netd_dht_from_keyd.
 */
#ifndef BULKHEAD_NETD_NETD_DHT_H
#define BULKHEAD_NETD_NETD_DHT_H

#include <getopt.h>

#include "ipc/chan.h"
#include "ipc/msg_net.h"
#include "netd/dht_keys.h"
#include "netd/ipp.h"
#include "sandbox/role_rt.h"

enum {
	NETD_DHT_OPT_BOOTSTRAP = RT_OPT_FIRST_ROLE + 0x200,
};

#define NETD_DHT_LONGOPTS \
	{ "bootstrap", required_argument, NULL, NETD_DHT_OPT_BOOTSTRAP }

/* How often netd hands keyd its good nodes to save, and how soon after
 * the DHT first connects (a few more nodes answer in that time). */
#define NETD_NODES_SAVE_MS	(5 * 60 * 1000)
#define NETD_NODES_FIRST_SAVE_MS	(5 * 1000)

/*
 * Handles one of the options above: 1 if it was ours, 0 if not.  A bad
 * argument is fatal (usage error).  --bootstrap HOST:PORT:KEY takes an IP
 * literal only (IPv6 in brackets or bare), never a name: netd does no DNS.
 */
int	netd_dht_option(int opt, const char *arg);
/* Creates the engine (a fresh DHT key); call before the sandbox. */
void	netd_dht_start(void);
/*
 * Registers the DHT's packet kinds and timers (after rt_lockdown) and
 * starts: command line bootstrap nodes, timers.  Status and saved nodes go
 * to keyd on ch; NULL: no keyd (netd --standalone, tests).
 */
void	netd_dht_serve(struct chan *ch);
/* Handler rows of the NET_* messages from keyd. */
extern const struct chan_table	netd_dht_from_keyd;
/* The DHT's part of NET_STATUS (netd_status.c sends it). */
void	netd_dht_status(struct ipc_net_status *);
/* Adds a bootstrap node (from a nodes list); 0, or -1 if refused. */
int	netd_dht_bootstrap(const struct packed_node *);
/* A LAN peer announced itself: ask it for nodes (dht_ask_nodes); 0 or -1. */
int	netd_dht_lan_peer(const struct ip_port *, const uint8_t pk[DHT_PK_LEN]);
/* Re-arms the engine's timer and reports the status, after the engine was
 * fed from elsewhere. */
void	netd_dht_changed(void);
/* The engine (NULL before netd_dht_start): its keys and close nodes are
 * the announce store's (netd_announce.c). */
struct dht;
struct dht	*netd_dht_engine(void);
/* 1 once the DHT key is the session's (keyd's NET_DHT_KEY), or netd is
 * standalone: status reports wait for it. */
int		 netd_dht_key_final(void);
/* Our DHT public key (NULL before netd_dht_start). */
const uint8_t *netd_dht_self_pk(void);
/* The DHT keypair and its shared-key cache, for the onion relay, which is
 * addressed by the same key (NULL before netd_dht_start). */
struct dht_keys *netd_dht_keys(void);
/* Parses HOST:PORT:KEY into a UDP packed node; 0 or -1. */
int	netd_dht_parse_node(const char *, struct packed_node *);

#endif
