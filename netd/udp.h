/*
 * netd's one UDP socket (c-toxcore uses one for everything: replies are
 * accepted only from the address a request went to).  Dual stack [::]
 * with IPV6_V6ONLY off where the kernel allows, else IPv4 only; the first
 * free port of a range; IPv4-mapped sources come out as IPv4.
 */
#ifndef BULKHEAD_NETD_UDP_H
#define BULKHEAD_NETD_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/udp_bind.h"
#include "netd/ipp.h"

#define UDP_MAX_DGRAM	2048	/* c-toxcore reads at most this */

struct udp {
	int		fd;
	int		v6;		/* dual-stack socket */
	uint16_t	port;
};

/*
 * Binds the first free port in [from, to] (from == to: exactly that one).
 * want_v6 0 forces IPv4.  Returns 0, or -1 with errno.
 */
int	udp_open(struct udp *, int want_v6, uint16_t from, uint16_t to);
/* Takes an inherited, bound UDP socket (the supervisor's, FD_NETD_UDP);
 * 0, or -1 if fd is not one (then nothing is taken). */
int	udp_adopt(struct udp *, int fd);
/* One datagram into buf; returns its length, 0 if none is waiting. -1 on
 * error.  Longer datagrams are truncated and reported as -1. */
ssize_t	udp_recv(struct udp *, uint8_t *buf, size_t cap, struct ip_port *from);
/* Sends; returns the length or -1 (never blocks). */
int	udp_send(struct udp *, const struct ip_port *, const uint8_t *, size_t);
void	udp_close(struct udp *);

#endif
