/*
 * netd's sockets and its packet-kind switch, as c-toxcore's
 * networking_registerhandler or WireGuard's type switch.  This module owns
 * the netd-wide options (--port, --no-ipv6, --no-udp), the UDP socket
 * (acquired before the sandbox) and the receive loop with its burst cap.
 * Each protocol module registers a handler per packet kind (the first
 * byte); a datagram whose kind nobody registered is counted and dropped
 * here, in one place.  Length and content checks stay in the protocols'
 * codecs: this switch reads the first byte only.
 *
 * TCP relays (a later issue) come here too: their connections are sockets
 * of this module, and the packets they carry enter the same switch through
 * net_input().
 *
 * netd.c calls, in this order:
 *
 *	getopt loop:	if (net_option(ch, optarg)) continue;
 *	before sandbox:	net_start();  n = net_fds(sb.keep_fds + sb.nkeep, ...)
 *	after rt_lockdown: net_serve();  then the modules register their kinds
 */
#ifndef BULKHEAD_NETD_NET_H
#define BULKHEAD_NETD_NET_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "netd/ipp.h"
#include "sandbox/role_rt.h"

/* Datagrams read per wakeup, then the loop serves the other sources. */
#define NET_RX_BURST	64
#define NET_KINDS	256

enum {
	NET_OPT_PORT = RT_OPT_FIRST_ROLE + 0x100,
	NET_OPT_NO_IPV6,
	NET_OPT_NO_UDP,
};

#define NET_LONGOPTS \
	{ "port", required_argument, NULL, NET_OPT_PORT }, \
	{ "no-ipv6", no_argument, NULL, NET_OPT_NO_IPV6 }, \
	{ "no-udp", no_argument, NULL, NET_OPT_NO_UDP }

/*
 * A protocol's receiver.  rx gets one packet of a kind the protocol
 * registered (len >= 1, pkt[0] is the kind); from is normalized (IPv4-
 * mapped comes out as IPv4).  burst_end, if not NULL, runs once after a
 * wakeup's packets if any of them reached this protocol: the place to
 * re-arm timers once rather than per packet.  The module keeps the struct
 * (static storage); net keeps a pointer.
 */
struct net_proto {
	const char	*name;		/* for logs: "dht" */
	void		(*rx)(void *arg, const struct ip_port *from,
			    const uint8_t *pkt, size_t len);
	void		(*burst_end)(void *arg);
	void		*arg;
	int		 touched;	/* net's: got a packet this burst */
};

struct net_stats {
	uint64_t	rx;		/* datagrams read from the sockets */
	uint64_t	rx_bad;		/* oversized, odd address, socket error */
	uint64_t	unknown;	/* no protocol for the kind (or empty) */
	uint64_t	wakeups;	/* receive callbacks */
	uint64_t	tx;		/* datagrams the kernel took */
	uint64_t	tx_drop;	/* batched, then refused by the kernel */
	uint64_t	tx_calls;	/* sendmmsg() calls */
	uint64_t	tx_segmented;	/* of tx, sent in kernel-cut runs */
};

/* Handles one of the options above: 1 if it was ours, 0 if not.  A bad
 * argument is fatal (usage error). */
int	net_option(int opt, const char *arg);
/* Binds the UDP socket unless --no-udp; call before the sandbox. */
void	net_start(void);
/* Writes up to max descriptors to keep through the sandbox; returns how
 * many. */
size_t	net_fds(int *fds, size_t max);
/* Registers the sockets with the event loop and the send batch's flush
 * before every wait (after rt_lockdown). */
void	net_serve(void);

/* Registers p for kind; fatal if another protocol holds the kind. */
void	net_register(uint8_t kind, struct net_proto *p);
/* Frees a kind (tests; a protocol that stops). */
void	net_unregister(uint8_t kind);
/*
 * The switch: hands one packet to its kind's protocol, or counts and drops
 * it.  Then net_input_end() runs the burst_end of every protocol reached.
 * The receive loop calls these; so will TCP relays.
 */
void	net_input(const struct ip_port *from, const uint8_t *pkt, size_t len);
void	net_input_end(void);

/*
 * Sends one datagram; the length, or -1.  Never blocks.  A virtual
 * address (ipp_is_virtual: a peer or an onion entry through TCP relays)
 * goes to the virtual sender at once.  A UDP one joins the batch that
 * leaves in one sendmmsg() when it is full or before the loop sleeps
 * (net_flush): -1 then means only what is known without the kernel (no
 * socket, an address the socket cannot reach, longer than UDP_MAX_DGRAM);
 * what the kernel refuses later is counted in tx_drop, not returned.
 */
int	net_send(const struct ip_port *to, const uint8_t *pkt, size_t len);
/* Sends the batch now; net_serve() has the loop call it before each
 * wait.  Tests that read netd's replies without running the loop call it. */
void	net_flush(void);
/* The TCP relays' glue: sends to a virtual address, as net_send. */
typedef int	net_virtual_fn(const struct ip_port *to, const uint8_t *pkt,
		    size_t len);
void	net_set_virtual(net_virtual_fn *);
/* 1 if the UDP socket is open. */
int	net_udp_up(void);
/* Its port (0 if none) and whether it is dual stack. */
uint16_t net_udp_port(void);
int	net_udp_v6(void);

const struct net_stats *net_stats(void);

#endif
