/* UDP socket: see udp.h. */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/udp_bind.h"
#include "netd/udp.h"

int
udp_open(struct udp *u, int want_v6, uint16_t from, uint16_t to)
{
	memset(u, 0, sizeof(*u));
	u->fd = udp_bind(want_v6, from, to, &u->port, &u->v6);
	return u->fd == -1 ? -1 : 0;
}

int
udp_adopt(struct udp *u, int fd)
{
	memset(u, 0, sizeof(*u));
	u->fd = -1;
	if (udp_bound(fd, &u->port, &u->v6) == -1)
		return -1;
	u->fd = fd;
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

int
udp_recv_many(struct udp *u, struct udp_rx *rx, unsigned max)
{
	struct msghdr	*h;
	unsigned	 i;
	int		 n;

	if (max > UDP_BATCH)
		max = UDP_BATCH;
	for (i = 0; i < max; i++) {
		rx->iov[i].iov_base = rx->buf[i];
		rx->iov[i].iov_len = sizeof(rx->buf[i]);
		h = &rx->mh[i].msg_hdr;
		memset(h, 0, sizeof(*h));
		h->msg_name = &rx->sa[i];
		h->msg_namelen = sizeof(rx->sa[i]);
		h->msg_iov = &rx->iov[i];
		h->msg_iovlen = 1;
		rx->mh[i].msg_len = 0;
	}
	n = recvmmsg(u->fd, rx->mh, max, MSG_DONTWAIT, NULL);
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR ? 0 : -1;
	for (i = 0; i < (unsigned)n; i++) {
		h = &rx->mh[i].msg_hdr;
		/* truncated: longer than any Tox packet */
		if ((h->msg_flags & MSG_TRUNC) ||
		    rx->mh[i].msg_len > sizeof(rx->buf[i]) ||
		    udp_sa_from(&rx->sa[i], h->msg_namelen,
		    &rx->from[i]) == -1)
			rx->len[i] = -1;
		else
			rx->len[i] = (ssize_t)rx->mh[i].msg_len;
	}
	return n;
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

unsigned
udp_send_many(struct udp *u, struct udp_tx *tx)
{
	unsigned	i = 0, sent = 0;
	int		r;

	while (i < tx->n) {
		tx->calls++;
		r = sendmmsg(u->fd, tx->mh + i, tx->n - i, MSG_DONTWAIT);
		if (r > 0) {
			/* all, or up to a message the next call reports */
			sent += (unsigned)r;
			i += (unsigned)r;
			continue;
		}
		/* r == -1 (0 cannot be: we ask for at least one) */
		if (r == 0 || errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS || errno == EINTR)
			break;		/* the socket is full: drop the rest */
		i++;			/* mh[i]'s own error: skip it alone */
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
