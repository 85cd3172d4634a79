/*
 * Where LAN discovery announcements go.  c-toxcore sends to every
 * interface's broadcast address, which needs getifaddrs() and so a netlink
 * socket that netd's seccomp table does not allow; we send to the limited
 * broadcast 255.255.255.255, to ff02::1 (all nodes, link-local) and to
 * 127.0.0.1 (other Tox processes on this host), on port 33445 and a
 * sliding window of 10 more ports of 33446..33545 per round, every 10 s,
 * as c-toxcore does.
 */
#ifndef BULKHEAD_NETD_LAN_H
#define BULKHEAD_NETD_LAN_H

#include <stdint.h>

#include "netd/ipp.h"

#define LAN_INTERVAL_MS		10000
#define LAN_PORTS_PER_ROUND	10
#define LAN_MAX_TARGETS		(3 * (1 + LAN_PORTS_PER_ROUND))

struct lan {
	uint16_t	next_port;
};

void	lan_init(struct lan *);
/*
 * The addresses of one round; advances the port window.  v6: include
 * ff02::1.  Returns how many were written (at most LAN_MAX_TARGETS).
 */
unsigned lan_round(struct lan *, int v6, struct ip_port out[LAN_MAX_TARGETS]);

#endif
