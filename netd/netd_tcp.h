/*
 * TCP relays in netd (map §6): the relay table of netd/relays.h and one
 * tcp_link engine (netd/tcp_link.h) per relay link, on the event loop.
 *
 *  - Sockets come from the supervisor (netd/netd_sock.h): netd has no
 *    socket() of its own.  In proxy mode each is connected to the proxy,
 *    and the proxy handshake (netd/proxy_wire.h) runs here before the
 *    relay's.
 *  - What the relays carry enters netd's packet switch (net_input) from a
 *    virtual address: net_crypto packets (0x18-0x1b) from a peer's
 *    IPP_TCP address, whichever relay brought them; onion answers (0x84,
 *    0x86) from the IPP_RELAY address of the relay that was the path's
 *    first node.  Nothing else is let in.
 *  - net_send to those addresses comes back here (net_set_virtual): a
 *    peer's packet goes through relays_send, an onion request through the
 *    relay's link.
 *  - Relays come from --tcp-relay (tcp_conf), the nodes list, and friends
 *    (their DHT-PK nodes); the rest of netd names the friends to reach
 *    (netd_tcp_peer_want) by their DHT keys.
 */
#ifndef BULKHEAD_NETD_NETD_TCP_H
#define BULKHEAD_NETD_NETD_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "common/packed_node.h"
#include "netd/ipp.h"
#include "netd/nodes_json.h"
#include "netd/relays.h"

/* After rt_lockdown and netd_sock_init: the configured relays, the hook. */
void	netd_tcp_serve(void);
/* netd's DHT keys changed (keyd's came): links restart under them. */
void	netd_tcp_keys(void);

/* A relay from the nodes list (its tcp_ports). */
void	netd_tcp_node(const struct nodes_entry *);
/* A friend's DHT key to reach (want 1) or not any more (0). */
void	netd_tcp_peer_want(const uint8_t dht_pk[PN_PK_LEN], int want);
/* A relay the friend with that DHT key named (a TCP packed node). */
void	netd_tcp_peer_relay(const uint8_t dht_pk[PN_PK_LEN],
	    const struct packed_node *);
/* 1 and *out (IPP_TCP) if the peer can be sent anything through relays. */
int	netd_tcp_addr(const uint8_t dht_pk[PN_PK_LEN], struct ip_port *out);
/* For an onion path's first node, when there is no UDP: 1 and a relay. */
int	netd_tcp_onion_entry(struct ip_port *, uint8_t pk[PN_PK_LEN]);
/* Up to max relays whose link is up (TCP packed nodes), for DHT-PK. */
size_t	netd_tcp_up_nodes(struct packed_node *, size_t max);
/* 1 if a peer with this index has an online relay connection. */
int	netd_tcp_peer_online(const uint8_t dht_pk[PN_PK_LEN]);

/* For status: the relays and their states. */
#define RELAY_WHERE_LEN		272	/* a 255-byte name, ':', a port */
struct netd_tcp_relay_info {
	uint8_t		pk[PN_PK_LEN];
	char		where[RELAY_WHERE_LEN];
	uint8_t		st;		/* enum relay_st */
	uint8_t		src;		/* RELAY_SRC_* */
	uint8_t		peers_online;
	struct ip_port	ipp;		/* IPP_NONE: known by name only */
};
size_t	netd_tcp_relays(struct netd_tcp_relay_info *, size_t max);
const struct relays_stats *netd_tcp_stats(void);

#endif
