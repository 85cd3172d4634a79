/* UDP socket: see udp.h. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/udp_bind.h"
#include "netd/udp.h"

/*
 * Asks the kernel to hand runs over whole (best effort: a kernel without
 * UDP_GRO cuts them before they reach us).  A run from loopback or from a
 * NIC's GRO then costs one message, not one per datagram.
 */
static void
gro_on(struct udp *u)
{
	int	on = 1;

	u->gro = setsockopt(u->fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) == 0;
}

int
udp_open(struct udp *u, int want_v6, uint16_t from, uint16_t to)
{
	memset(u, 0, sizeof(*u));
	u->fd = udp_bind(want_v6, from, to, &u->port, &u->v6);
	if (u->fd == -1)
		return -1;
	gro_on(u);
	return 0;
}

int
udp_adopt(struct udp *u, int fd)
{
	memset(u, 0, sizeof(*u));
	u->fd = -1;
	if (udp_bound(fd, &u->port, &u->v6) == -1)
		return -1;
	u->fd = fd;
	gro_on(u);
	return 0;
}

/*
 * The kernel's address for to through u: IPv4 as such on an IPv4 socket,
 * as ::ffff:a.b.c.d on a dual-stack one.  Its length, or 0 if u cannot
 * reach it.
 */
static socklen_t
udp_sa_to(const struct udp *u, const struct ip_port *to, union udp_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (to->family == IPP_V4 && !u->v6) {
		sa->s4.sin_family = AF_INET;
		memcpy(&sa->s4.sin_addr, to->ip, 4);
		sa->s4.sin_port = htons(to->port);
		return sizeof(sa->s4);
	}
	if (!u->v6 || (to->family != IPP_V4 && to->family != IPP_V6))
		return 0;
	sa->s6.sin6_family = AF_INET6;
	if (to->family == IPP_V4) {
		sa->s6.sin6_addr.s6_addr[10] = 0xff;
		sa->s6.sin6_addr.s6_addr[11] = 0xff;
		memcpy(sa->s6.sin6_addr.s6_addr + 12, to->ip, 4);
	} else
		memcpy(sa->s6.sin6_addr.s6_addr, to->ip, 16);
	sa->s6.sin6_port = htons(to->port);
	return sizeof(sa->s6);
}

/* The sender of a datagram; -1 for a family we do not speak. */
static int
udp_sa_from(const union udp_sa *sa, socklen_t sl, struct ip_port *from)
{
	if (sa->sa.sa_family == AF_INET && sl >= sizeof(sa->s4))
		return ipp_set(from, (const uint8_t *)&sa->s4.sin_addr, 4,
		    ntohs(sa->s4.sin_port));
	if (sa->sa.sa_family == AF_INET6 && sl >= sizeof(sa->s6)) {
		if (ipp_set(from, sa->s6.sin6_addr.s6_addr, 16,
		    ntohs(sa->s6.sin6_port)) == -1)
			return -1;
		ipp_normalize(from);
		return 0;
	}
	return -1;
}

ssize_t
udp_recv(struct udp *u, uint8_t *buf, size_t cap, struct ip_port *from)
{
	union udp_sa	sa;
	socklen_t	sl = sizeof(sa);
	ssize_t		n;

	n = recvfrom(u->fd, buf, cap, MSG_TRUNC, &sa.sa, &sl);
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR ? 0 : -1;
	if ((size_t)n > cap)
		return -1;	/* truncated: longer than any Tox packet */
	if (udp_sa_from(&sa, sl, from) == -1)
		return -1;
	return n;
}

int
udp_send(struct udp *u, const struct ip_port *to, const uint8_t *pkt,
    size_t len)
{
	union udp_sa	sa;
	socklen_t	sl;
	ssize_t		n;

	if ((sl = udp_sa_to(u, to, &sa)) == 0)
		return -1;
	n = sendto(u->fd, pkt, len, MSG_DONTWAIT, &sa.sa, sl);
	return n == (ssize_t)len ? (int)n : -1;
}

/* The segment size of a coalesced message, or 0 for one datagram. */
static size_t
gro_size(struct msghdr *h)
{
	struct cmsghdr	*c;
	int		 seg;

	for (c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c))
		if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(seg))) {
			memcpy(&seg, CMSG_DATA(c), sizeof(seg));
			return seg > 0 ? (size_t)seg : 0;
		}
	return 0;
}

/* Message i, len bytes, as datagrams at rx->pkt[n..]; the new count. */
static unsigned
rx_split(struct udp_rx *rx, unsigned i, size_t len, unsigned n)
{
	struct msghdr		*h = &rx->mh[i].msg_hdr;
	struct ip_port		 from;
	size_t			 seg = gro_size(h), off = 0, part;
	unsigned		 k = 0;
	int			 bad;

	bad = (h->msg_flags & MSG_TRUNC) || len > sizeof(rx->buf[i]) ||
	    udp_sa_from(&rx->sa[i], h->msg_namelen, &from) == -1;
	if (seg == 0 || seg >= len)
		seg = len;
	else
		rx->coalesced++, rx->last_runs++;
	do {
		part = len - off < seg ? len - off : seg;
		if (k == UDP_GSO_SEGS_MAX)
			part = len - off;	/* the rest: dropped */
		rx->pkt[n] = rx->buf[i] + off;
		rx->from[n] = from;
		rx->len[n] = bad || part > UDP_MAX_DGRAM ||
		    k == UDP_GSO_SEGS_MAX ? -1 : (ssize_t)part;
		off += part;
		n++, k++;
	} while (off < len && !bad);
	return n;
}

int
udp_recv_many(struct udp *u, struct udp_rx *rx, unsigned max)
{
	struct msghdr	*h;
	unsigned	 i, out = 0;
	int		 n;

	if (max > UDP_BATCH)
		max = UDP_BATCH;
	if (rx->last_runs > 0 && max > UDP_RX_RUN_MSGS)
		max = UDP_RX_RUN_MSGS;
	for (i = 0; i < max; i++) {
		rx->iov[i].iov_base = rx->buf[i];
		rx->iov[i].iov_len = sizeof(rx->buf[i]);
		h = &rx->mh[i].msg_hdr;
		memset(h, 0, sizeof(*h));
		h->msg_name = &rx->sa[i];
		h->msg_namelen = sizeof(rx->sa[i]);
		h->msg_iov = &rx->iov[i];
		h->msg_iovlen = 1;
		h->msg_control = rx->ctl[i].b;
		h->msg_controllen = sizeof(rx->ctl[i].b);
		rx->mh[i].msg_len = 0;
	}
	rx->last_runs = 0;
	n = recvmmsg(u->fd, rx->mh, max, MSG_DONTWAIT, NULL);
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR ? 0 : -1;
	for (i = 0; i < (unsigned)n; i++)
		out = rx_split(rx, i, rx->mh[i].msg_len, out);
	return (int)out;
}

int
udp_queue(const struct udp *u, struct udp_tx *tx, const struct ip_port *to,
    const uint8_t *pkt, size_t len)
{
	struct msghdr	*h;
	socklen_t	 sl;
	unsigned	 i = tx->n;

	if (i >= UDP_BATCH || len > sizeof(tx->buf[i]) ||
	    (sl = udp_sa_to(u, to, &tx->sa[i])) == 0)
		return -1;
	memcpy(tx->buf[i], pkt, len);
	tx->iov[i].iov_base = tx->buf[i];
	tx->iov[i].iov_len = len;
	h = &tx->mh[i].msg_hdr;
	memset(h, 0, sizeof(*h));
	h->msg_name = &tx->sa[i];
	h->msg_namelen = sl;
	h->msg_iov = &tx->iov[i];
	h->msg_iovlen = 1;
	tx->mh[i].msg_len = 0;
	tx->n++;
	return 0;
}

/* Datagram k may join a run that started at i, len bytes each so far. */
static int
run_joins(const struct udp_tx *tx, unsigned i, unsigned k, size_t len)
{
	const struct msghdr	*a = &tx->mh[i].msg_hdr, *b = &tx->mh[k].msg_hdr;

	return tx->iov[k].iov_len <= len && tx->iov[k].iov_len > 0 &&
	    a->msg_namelen == b->msg_namelen &&
	    memcmp(a->msg_name, b->msg_name, a->msg_namelen) == 0;
}

/*
 * How many datagrams from i on can leave as one run: same address, same
 * length as the first, the last of them maybe shorter (the kernel cuts
 * every len bytes and sends what is left as the last).  1: no run.
 */
static unsigned
run_length(const struct udp *u, const struct udp_tx *tx, unsigned i)
{
	size_t		len = tx->iov[i].iov_len;
	unsigned	k = 1;

	if (u->no_gso || len == 0)
		return 1;
	while (i + k < tx->n && k < UDP_GSO_SEGS_MAX &&
	    (k + 1) * len <= UDP_GSO_BYTES_MAX && run_joins(tx, i, i + k, len)) {
		k++;
		if (tx->iov[i + k - 1].iov_len < len)
			break;		/* a shorter one ends the run */
	}
	return k;
}

/* Fills tx->out from tx->mh: one message per run or lone datagram. */
static unsigned
out_build(const struct udp *u, struct udp_tx *tx)
{
	struct msghdr	*h;
	struct cmsghdr	*c;
	uint16_t	 seg;
	unsigned	 i, m = 0, k;

	for (i = 0; i < tx->n; i += k, m++) {
		k = run_length(u, tx, i);
		tx->out[m] = tx->mh[i];
		tx->out_first[m] = i;
		tx->out_count[m] = k;
		if (k == 1)
			continue;
		h = &tx->out[m].msg_hdr;
		h->msg_iovlen = k;	/* tx->iov[i..i+k) lie in a row */
		h->msg_control = tx->ctl[m].b;
		h->msg_controllen = sizeof(tx->ctl[m].b);
		c = CMSG_FIRSTHDR(h);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(seg));
		seg = (uint16_t)tx->iov[i].iov_len;
		memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	}
	return m;
}

/* The socket is full (drop the rest) rather than one message refused. */
static int
send_full(int r)
{
	return r == 0 || errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == ENOBUFS || errno == EINTR;
}

/*
 * Sends count messages of v, skipping a refused one.  *sent gains the
 * datagrams they held (per[j] each, or 1 each if per is NULL).  Returns
 * the index of a refused run to retry, count if none, or -1 if the
 * socket is full.
 */
static int
send_msgs(struct udp *u, struct udp_tx *tx, struct mmsghdr *v,
    const unsigned *per, unsigned count, unsigned *sent)
{
	unsigned	i = 0, j;
	int		r;

	while (i < count) {
		tx->calls++;
		r = sendmmsg(u->fd, v + i, count - i, MSG_DONTWAIT);
		if (r > 0) {
			/* all, or up to a message the next call reports */
			for (j = i; j < i + (unsigned)r; j++) {
				*sent += per != NULL ? per[j] : 1;
				if (per != NULL && per[j] > 1)
					tx->segmented += per[j];
			}
			i += (unsigned)r;
			continue;
		}
		/* r == -1 (0 cannot be: we ask for at least one) */
		if (send_full(r))
			return -1;
		if (per != NULL && per[i] > 1)
			return (int)i;	/* a run: the caller retries it */
		i++;			/* v[i]'s own error: skip it alone */
	}
	return (int)count;
}

unsigned
udp_send_many(struct udp *u, struct udp_tx *tx)
{
	unsigned	m, i = 0, sent = 0, before, first, k;
	int		r;

	m = out_build(u, tx);
	while (i < m) {
		r = send_msgs(u, tx, tx->out + i, tx->out_count + i, m - i,
		    &sent);
		if (r == -1 || (unsigned)r == m - i)
			break;
		/* out[i + r], a run, refused: its datagrams one by one */
		i += (unsigned)r;
		first = tx->out_first[i];
		k = tx->out_count[i];
		before = sent;
		if (send_msgs(u, tx, tx->mh + first, NULL, 1, &sent) == -1)
			break;
		if (sent > before)	/* the datagram passes, the run not */
			u->no_gso = 1;
		if (send_msgs(u, tx, tx->mh + first + 1, NULL, k - 1,
		    &sent) == -1)
			break;
		i++;
	}
	tx->n = 0;
	return sent;
}

void
udp_close(struct udp *u)
{
	if (u->fd != -1)
		close(u->fd);
	u->fd = -1;
}
