/*
 * netd's DHT on the event loop: options, the UDP socket (acquired before
 * the sandbox), the engine's timer, LAN discovery, bootstrap, status and
 * node saving towards keyd.  netd.c calls, in this order:
 *
 *	getopt loop:	if (netd_dht_option(ch, optarg)) continue;
 *	before sandbox:	netd_dht_start();  sb.keep_fds[sb.nkeep++] = fd
 *			if netd_dht_fd() != -1
 *	after rt_lockdown and opening the keyd channel:
 *			netd_dht_serve(&ch_keyd);
 *	the keyd channel's tables include netd_dht_from_keyd.
 */
#ifndef BULKHEAD_NETD_NETD_DHT_H
#define BULKHEAD_NETD_NETD_DHT_H

#include <getopt.h>

#include "ipc/chan.h"
#include "ipc/msg_net.h"
#include "sandbox/role_rt.h"

enum {
	NETD_DHT_OPT_PORT = RT_OPT_FIRST_ROLE + 0x100,
	NETD_DHT_OPT_NO_IPV6,
	NETD_DHT_OPT_NO_UDP,
	NETD_DHT_OPT_NO_LAN,
	NETD_DHT_OPT_BOOTSTRAP,
};

#define NETD_DHT_LONGOPTS \
	{ "port", required_argument, NULL, NETD_DHT_OPT_PORT }, \
	{ "no-ipv6", no_argument, NULL, NETD_DHT_OPT_NO_IPV6 }, \
	{ "no-udp", no_argument, NULL, NETD_DHT_OPT_NO_UDP }, \
	{ "no-lan", no_argument, NULL, NETD_DHT_OPT_NO_LAN }, \
	{ "bootstrap", required_argument, NULL, NETD_DHT_OPT_BOOTSTRAP }

/* How often netd hands keyd its good nodes to save, and how soon after
 * the DHT first connects (a few more nodes answer in that time). */
#define NETD_NODES_SAVE_MS	(5 * 60 * 1000)
#define NETD_NODES_FIRST_SAVE_MS	(5 * 1000)
/* Status messages when only the node count changed: at most this often. */
#define NETD_STATUS_MIN_MS	2000

/*
 * Handles one of the options above: 1 if it was ours, 0 if not.  A bad
 * argument is fatal (usage error).  --bootstrap HOST:PORT:KEY takes an IP
 * literal only (IPv6 in brackets or bare), never a name: netd does no DNS.
 */
int	netd_dht_option(int opt, const char *arg);
/* Creates the engine and binds the UDP socket; call before the sandbox. */
void	netd_dht_start(void);
/* The UDP socket to keep open through the sandbox, or -1. */
int	netd_dht_fd(void);
/*
 * Registers with the event loop (after rt_lockdown) and starts: command
 * line bootstrap nodes, LAN discovery, timers.  Status and saved nodes go
 * to keyd on ch (may be NULL in tests).
 */
void	netd_dht_serve(struct chan *ch);
/* Handler rows of the NET_* messages from keyd. */
extern const struct chan_table	netd_dht_from_keyd;
/* The current status (what NET_STATUS carries). */
void	netd_dht_status(struct ipc_net_status *);
/* Adds a bootstrap node (from a nodes list); 0, or -1 if refused. */
int	netd_dht_bootstrap(const struct packed_node *);
/* Parses HOST:PORT:KEY into a UDP packed node; 0 or -1. */
int	netd_dht_parse_node(const char *, struct packed_node *);

#endif
