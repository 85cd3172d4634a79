/*
 * netd's one UDP socket (c-toxcore uses one for everything: replies are
 * accepted only from the address a request went to).  Dual stack [::]
 * with IPV6_V6ONLY off where the kernel allows, else IPv4 only; the first
 * free port of a range; IPv4-mapped sources come out as IPv4.
 *
 * netd moves its datagrams in batches, one system call for up to
 * UDP_BATCH of them (recvmmsg, sendmmsg): at file-transfer rates the
 * calls, not the bytes, are the cost.  The batches are large (about 140
 * KiB each): their owner keeps them in static storage.  udp_recv and
 * udp_send, one datagram per call, remain for the tests and tools.
 *
 * A batch also leaves in fewer pieces where the kernel can cut them:
 * consecutive datagrams to one address, of one length (the last may be
 * shorter), go as one run with UDP_SEGMENT (generic segmentation
 * offload), so the stack is walked once per run, not once per datagram.
 * A file transfer's chunks are exactly that.  The receiver still gets
 * ordinary datagrams.  Where the kernel refuses a run (a device that
 * cannot checksum for us, a route through IPsec, a path MTU below a
 * datagram), the run goes again datagram by datagram, and if that works
 * the socket sends plain from then on.
 */
#ifndef BULKHEAD_NETD_UDP_H
#define BULKHEAD_NETD_UDP_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include "common/udp_bind.h"
#include "netd/ipp.h"

#define UDP_MAX_DGRAM	2048	/* c-toxcore reads at most this */
#define UDP_BATCH	64	/* datagrams per recvmmsg or sendmmsg */
#define UDP_GSO_SEGS_MAX  64	/* datagrams per run: every kernel takes 64 */
#define UDP_GSO_BYTES_MAX 60000	/* payload per run: under 64 KiB with headers */
#define UDP_RX_BUF	65536	/* a coalesced run fits (UDP's own limit) */
/* a run past UDP_GSO_SEGS_MAX datagrams: one more entry, to drop */
#define UDP_RX_DGRAMS	(UDP_BATCH * (UDP_GSO_SEGS_MAX + 1))
/* Messages per recvmmsg after one that held runs: bounds the burst. */
#define UDP_RX_RUN_MSGS	4

/* A socket address of either family, as the kernel takes it. */
union udp_sa {
	struct sockaddr		sa;
	struct sockaddr_in	s4;
	struct sockaddr_in6	s6;
};

/* A coalesced message's segment size, as the kernel reports it. */
union udp_gro_ctl {
	struct cmsghdr	h;
	uint8_t		b[CMSG_SPACE(sizeof(int))];
};

/*
 * What one udp_recv_many() read: datagram i is pkt[i], len[i] bytes,
 * pointing into buf.  A message is one datagram, or (UDP_GRO) a run the
 * kernel coalesced: up to UDP_GSO_SEGS_MAX datagrams of one size.
 */
struct udp_rx {
	const uint8_t	*pkt[UDP_RX_DGRAMS];
	ssize_t		len[UDP_RX_DGRAMS];	/* -1: drop it (see below) */
	struct ip_port	from[UDP_RX_DGRAMS];
	uint64_t	coalesced;		/* runs received, ever */
	unsigned	last_runs;		/* in the last call */
	/* the kernel's side, filled again at every call */
	uint8_t		buf[UDP_BATCH][UDP_RX_BUF];
	struct mmsghdr	mh[UDP_BATCH];
	struct iovec	iov[UDP_BATCH];
	union udp_sa	sa[UDP_BATCH];
	union udp_gro_ctl ctl[UDP_BATCH];
};

/* A run's segment size, as the kernel reads it from a control message. */
union udp_gso_ctl {
	struct cmsghdr	h;
	uint8_t		b[CMSG_SPACE(sizeof(uint16_t))];
};

/* Datagrams waiting for one udp_send_many(): n of them, in order. */
struct udp_tx {
	unsigned	n;
	uint64_t	calls;			/* sendmmsg() calls made, ever */
	uint64_t	segmented;		/* datagrams sent in runs, ever */
	uint8_t		buf[UDP_BATCH][UDP_MAX_DGRAM];
	struct mmsghdr	mh[UDP_BATCH];		/* one per datagram */
	struct iovec	iov[UDP_BATCH];
	union udp_sa	sa[UDP_BATCH];
	/* what udp_send_many hands the kernel: a datagram or a run each */
	struct mmsghdr	out[UDP_BATCH];
	unsigned	out_first[UDP_BATCH];	/* its first datagram */
	unsigned	out_count[UDP_BATCH];	/* datagrams in it */
	union udp_gso_ctl ctl[UDP_BATCH];
};

struct udp {
	int		fd;
	int		v6;		/* dual-stack socket */
	uint16_t	port;
	int		no_gso;		/* the kernel refused a run: plain */
	int		gro;		/* the kernel may coalesce runs */
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

/*
 * Reads up to max (at most UDP_BATCH) waiting messages with one
 * recvmmsg(), never blocking; after a call that found coalesced runs, at
 * most UDP_RX_RUN_MSGS, so that a burst stays near max datagrams.
 * Returns how many datagrams it took off the socket, 0 if none was
 * waiting, or -1 on a socket error (errno; the kernel clears it as it
 * reports it).  Datagram i (i < the count) is rx->pkt[i], rx->len[i]
 * bytes long, from rx->from[i] (IPv4-mapped comes out as IPv4);
 * rx->len[i] is -1 for one to drop and count: longer than UDP_MAX_DGRAM
 * (no Tox packet is that long), from an address of neither family, or
 * what a run holds past UDP_GSO_SEGS_MAX datagrams (one entry).
 */
int	udp_recv_many(struct udp *, struct udp_rx *, unsigned max);
/*
 * Appends a copy of one datagram to tx.  Returns 0, or -1 if tx is full,
 * len is over UDP_MAX_DGRAM or this socket cannot reach to (IPv6 on an
 * IPv4 socket, or not an IP address): the failures known without asking
 * the kernel.  Nothing is sent until udp_send_many().
 */
int	udp_queue(const struct udp *, struct udp_tx *, const struct ip_port *,
	    const uint8_t *, size_t);
/*
 * Sends what tx holds, in order, with sendmmsg() (once, unless the kernel
 * stops early), runs of alike datagrams segmented by the kernel (above),
 * never blocking, and empties tx.  UDP is lossy, so nothing is retried
 * but a refused run: a datagram the kernel refuses for its own sake (its
 * destination: ENETUNREACH, EPERM, EACCES, ...) is skipped and the ones
 * after it still go; when the socket would block, the rest are dropped.
 * Returns how many datagrams the kernel took; the others were dropped.
 */
unsigned udp_send_many(struct udp *, struct udp_tx *);
void	udp_close(struct udp *);

#endif
