/*
 * netd's sockets and packet-kind switch: see net.h.  One table of 256
 * protocol pointers indexed by the first byte; nothing else is read here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "common/log.h"
#include "common/loop.h"
#include "netd/net.h"
#include "netd/udp.h"

static struct {
	/* options */
	uint16_t		 port;		/* 0: the default range */
	int			 no_ipv6, no_udp;
	/* sockets */
	struct udp		 u;
	struct ev_src		 src;
	/* the switch */
	struct net_proto	*kind[NET_KINDS];
	struct net_stats	 stats;
	net_virtual_fn		*virt;		/* TCP relays */
} n = { .u = { .fd = -1 } };

/* The UDP batches, fixed at start: a wakeup's reads and a round's sends. */
static struct udp_rx	rx;
static struct udp_tx	tx;

_Static_assert(NET_RX_BURST <= UDP_BATCH, "a burst is one recvmmsg");

int
net_option(int opt, const char *arg)
{
	unsigned long	 p;
	char		*end;

	switch (opt) {
	case NET_OPT_PORT:
		errno = 0;
		p = strtoul(arg, &end, 10);
		if (errno != 0 || *end != '\0' || p == 0 || p > 65535)
			fatalx("--port: not a port: %s", arg);
		n.port = (uint16_t)p;
		return 1;
	case NET_OPT_NO_IPV6:
		n.no_ipv6 = 1;
		return 1;
	case NET_OPT_NO_UDP:
		n.no_udp = 1;
		return 1;
	default:
		return 0;
	}
}

void
net_start(void)
{
	uint16_t	from = UDP_PORT_FIRST, to = UDP_PORT_LAST;

	if (n.no_udp)
		return;
	if (n.port != 0)
		from = to = n.port;
	/* the supervisor's socket, the same at every restart; else ours */
	if (udp_adopt(&n.u, FD_NETD_UDP) == 0)
		log_debug("udp: the session's socket");
	else if (udp_open(&n.u, !n.no_ipv6, from, to) == -1)
		fatal("udp: cannot bind a port in %u..%u", from, to);
	log_info("DHT on UDP port %u (%s)", n.u.port,
	    n.u.v6 ? "IPv6 and IPv4" : "IPv4");
}

size_t
net_fds(int *fds, size_t max)
{
	size_t	i = 0;

	if (n.u.fd != -1 && i < max)
		fds[i++] = n.u.fd;
	return i;
}

void
net_register(uint8_t kind, struct net_proto *p)
{
	if (n.kind[kind] != NULL && n.kind[kind] != p)
		fatalx("%s: kind 0x%02x is %s's, not %s's", __func__, kind,
		    n.kind[kind]->name, p->name);
	p->touched = 0;
	n.kind[kind] = p;
}

void
net_unregister(uint8_t kind)
{
	n.kind[kind] = NULL;
}

void
net_input(const struct ip_port *from_in, const uint8_t *pkt, size_t len)
{
	struct ip_port		 from = *from_in;
	struct net_proto	*p;

	if (len == 0 || (p = n.kind[pkt[0]]) == NULL) {
		n.stats.unknown++;	/* onion, cookies, ...: not yet ours */
		return;
	}
	ipp_normalize(&from);
	p->touched = 1;
	p->rx(p->arg, &from, pkt, len);
}

void
net_input_end(void)
{
	struct net_proto	*p;
	size_t			 i;

	/* A protocol may hold several kinds: touched makes it run once. */
	for (i = 0; i < NET_KINDS; i++) {
		if ((p = n.kind[i]) == NULL || !p->touched)
			continue;
		p->touched = 0;
		if (p->burst_end != NULL)
			p->burst_end(p->arg);
	}
}

/*
 * One recvmmsg() per wakeup: at most NET_RX_BURST datagrams, then the
 * loop serves its other sources (the socket stays readable if more wait).
 */
static void
udp_cb(struct ev_src *src, uint32_t events)
{
	int	got, i;

	n.stats.wakeups++;
	if ((got = udp_recv_many(&n.u, &rx, NET_RX_BURST)) == -1) {
		n.stats.rx++;
		n.stats.rx_bad++;	/* a socket error, now cleared */
	}
	for (i = 0; i < got; i++) {
		n.stats.rx++;
		if (rx.len[i] < 0) {
			n.stats.rx_bad++;	/* oversized or odd source */
			continue;
		}
		net_input(&rx.from[i], rx.pkt[i], (size_t)rx.len[i]);
	}
	net_input_end();
}

void
net_serve(void)
{
	if (n.u.fd == -1)
		return;
	n.src.fd = n.u.fd;
	n.src.cb = udp_cb;
	loop_add(&n.src, EPOLLIN);
	loop_before_wait(net_flush);
}

int
net_send(const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	if (ipp_is_virtual(to))
		return n.virt != NULL ? n.virt(to, pkt, len) : -1;
	if (n.u.fd == -1)
		return -1;
	if (tx.n == UDP_BATCH)
		net_flush();
	if (udp_queue(&n.u, &tx, to, pkt, len) == -1)
		return -1;
	return (int)len;
}

void
net_flush(void)
{
	unsigned	queued = tx.n, sent;

	if (queued == 0 || n.u.fd == -1)
		return;
	sent = udp_send_many(&n.u, &tx);
	n.stats.tx += sent;
	n.stats.tx_drop += queued - sent;
	n.stats.tx_calls = tx.calls;
	n.stats.tx_segmented = tx.segmented;
}

void
net_set_virtual(net_virtual_fn *fn)
{
	n.virt = fn;
}

int
net_udp_up(void)
{
	return n.u.fd != -1;
}

uint16_t
net_udp_port(void)
{
	return n.u.fd != -1 ? n.u.port : 0;
}

int
net_udp_v6(void)
{
	return n.u.fd != -1 && n.u.v6;
}

const struct net_stats *
net_stats(void)
{
	return &n.stats;
}
