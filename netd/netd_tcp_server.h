/*
 * The TCP relay server in netd (--tcp-port): the engine of
 * netd/tcp_server.h on the event loop, with the listening sockets the
 * supervisor bound (FD_NETD_TCP_FIRST on).  netd only accepts: it binds
 * nothing and makes no socket.  The relay knows itself by netd's DHT key
 * (keyd's, once it came; connections before that are closed at once).
 * A client's onion request goes to netd's onion relay as from the client's
 * IPP_SRV address, and the answer comes back here (netd_tcp_server_onion).
 *
 *	netd.c, before the sandbox:	n = netd_tcp_server_fds(keep, max);
 *	after rt_lockdown:		netd_tcp_server_serve();
 */
#ifndef BULKHEAD_NETD_NETD_TCP_SERVER_H
#define BULKHEAD_NETD_NETD_TCP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "netd/tcp_server.h"

#define NETD_TCPS_CLIENTS	128	/* connections served at once */
#define NETD_TCPS_ACCEPT_BURST	64	/* accepts per wakeup */

/* The listening sockets to keep through the sandbox: how many. */
size_t	netd_tcp_server_fds(int *fds, size_t max);
void	netd_tcp_server_serve(void);
/* An onion answer for client i (from netd's onion relay). */
int	netd_tcp_server_onion(unsigned i, const uint8_t *, size_t);
/* The engine's counters; NULL when no port is served. */
const struct tcps_stats *netd_tcp_server_stats(void);
unsigned netd_tcp_server_clients(void);

#endif
