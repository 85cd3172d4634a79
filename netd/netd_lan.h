/*
 * LAN discovery on the event loop, as c-toxcore's LAN_discovery.c: every
 * LAN_INTERVAL_MS our DHT key goes to the targets of lan.h, and an
 * announcement (kind 0x21) from a LAN address makes the DHT ask that node
 * for nodes (it is listed only if it answers).  Owns --no-lan.  netd.c
 * calls netd_lan_option() in its getopt loop and netd_lan_serve() after
 * netd_dht_serve().
 */
#ifndef BULKHEAD_NETD_NETD_LAN_H
#define BULKHEAD_NETD_NETD_LAN_H

#include <getopt.h>
#include <stdint.h>

#include "sandbox/role_rt.h"

enum {
	NETD_LAN_OPT_NO_LAN = RT_OPT_FIRST_ROLE + 0x180,
};

#define NETD_LAN_LONGOPTS \
	{ "no-lan", no_argument, NULL, NETD_LAN_OPT_NO_LAN }

struct netd_lan_stats {
	uint64_t	asked;		/* announcements the DHT followed up */
	uint64_t	refused;	/* off, not from a LAN address, our own */
	uint64_t	malformed;	/* not exactly kind || key */
};

/* Handles --no-lan: 1 if it was ours, 0 if not. */
int	netd_lan_option(int opt, const char *arg);
/* Registers kind 0x21 and, if LAN discovery is on and UDP is up, starts
 * announcing. */
void	netd_lan_serve(void);
const struct netd_lan_stats *netd_lan_stats(void);

#endif
