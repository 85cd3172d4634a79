/*
 * An IP address and UDP port as the DHT keeps them: family, 16 address
 * bytes in network order (IPv4 in the first four, the rest zero) and the
 * port in host order.  Pure data and pure functions: no sockets here.
 */
#ifndef BULKHEAD_NETD_IPP_H
#define BULKHEAD_NETD_IPP_H

#include <stddef.h>
#include <stdint.h>

#include "common/packed_node.h"

#define IPP_NONE	0
#define IPP_V4		4
#define IPP_V6		6
/*
 * Not an address: a peer reached through TCP relays (netd/relays.h), its
 * index in ip[0..3] (big endian), port 0.  net_crypto ties it like a UDP
 * address; the glue sends to it through the relays (c-toxcore does the
 * same with its TCP_INET family and a connection number).
 */
#define IPP_TCP		130
/* Not an address either: TCP relay number ip[0..3], the entry of an onion
 * path through a relay (c-toxcore: a path whose first node is TCP). */
#define IPP_RELAY	131
/* Nor this: client ip[0..3] of our own relay server, the sender of an
 * onion request we relay as its first node (and the way its answer goes). */
#define IPP_SRV		132

struct ip_port {
	uint8_t		family;		/* IPP_* */
	uint8_t		ip[16];
	uint16_t	port;		/* host order */
};

#define IPP_STRLEN	64	/* "[ffff:...:ffff]:65535" and a NUL */

/* 1 if both have the same family, address and port. */
int	ipp_equal(const struct ip_port *, const struct ip_port *);
/* 1 if the address is set (family known, address not all zero). */
int	ipp_isset(const struct ip_port *);
/* Same address, ignoring the port. */
int	ipp_same_ip(const struct ip_port *, const struct ip_port *);
/* Turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into IPv4. */
void	ipp_normalize(struct ip_port *);
/*
 * 1 for addresses c-toxcore counts as LAN (ip_is_lan): loopback, RFC 1918,
 * 169.254.1-254.x, 100.64/10, ::1, fe80::/10, ff00-ff02::1, and IPv4-mapped
 * forms of the IPv4 ones.  LAN discovery is accepted only from these, and
 * they are never handed to a peer outside them.
 */
int	ipp_is_lan(const struct ip_port *);
/* Builds a v4 or v6 address from 4 or 16 bytes; -1 for another length. */
int	ipp_set(struct ip_port *, const uint8_t *ip, size_t iplen, uint16_t port);
/* The UDP packed-node family of a for a node with key pk; -1 if unset. */
int	ipp_to_node(const struct ip_port *, const uint8_t pk[PN_PK_LEN],
	    struct packed_node *);
/* Address of a UDP packed node; -1 for a TCP or unknown family. */
int	ipp_from_node(const struct packed_node *, struct ip_port *);
/* The virtual address of relay peer index i, and back (-1: not one). */
void	ipp_tcp(struct ip_port *, unsigned i);
long	ipp_tcp_index(const struct ip_port *);
/* The same for relay number i (IPP_RELAY). */
void	ipp_relay(struct ip_port *, unsigned i);
long	ipp_relay_index(const struct ip_port *);
/* The same for our relay server's client i (IPP_SRV). */
void	ipp_srv(struct ip_port *, unsigned i);
long	ipp_srv_index(const struct ip_port *);
/* 1 for IPP_TCP, IPP_RELAY and IPP_SRV: not for a UDP socket. */
int	ipp_is_virtual(const struct ip_port *);
/* Text form for logs, "1.2.3.4:33445" or "[::1]:33445". */
const char *ipp_fmt(const struct ip_port *, char buf[IPP_STRLEN]);
/*
 * Parses an IP literal (no DNS) and a port: "1.2.3.4", "::1".  Returns 0,
 * or -1 if it is not a literal.
 */
int	ipp_parse(const char *ip, uint16_t port, struct ip_port *);

#endif
