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

ssize_t
udp_recv(struct udp *u, uint8_t *buf, size_t cap, struct ip_port *from)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*s4;
	struct sockaddr_in6	*s6;
	socklen_t		 sl = sizeof(ss);
	ssize_t			 n;

	n = recvfrom(u->fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&ss, &sl);
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR ? 0 : -1;
	if ((size_t)n > cap)
		return -1;	/* truncated: longer than any Tox packet */
	if (ss.ss_family == AF_INET && sl >= sizeof(*s4)) {
		s4 = (struct sockaddr_in *)&ss;
		(void)ipp_set(from, (const uint8_t *)&s4->sin_addr, 4,
		    ntohs(s4->sin_port));
	} else if (ss.ss_family == AF_INET6 && sl >= sizeof(*s6)) {
		s6 = (struct sockaddr_in6 *)&ss;
		(void)ipp_set(from, s6->sin6_addr.s6_addr, 16,
		    ntohs(s6->sin6_port));
		ipp_normalize(from);
	} else
		return -1;
	return n;
}

int
udp_send(struct udp *u, const struct ip_port *to, const uint8_t *pkt,
    size_t len)
{
	struct sockaddr_in6	s6;
	struct sockaddr_in	s4;
	ssize_t			n;

	if (to->family == IPP_V4 && !u->v6) {
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		memcpy(&s4.sin_addr, to->ip, 4);
		s4.sin_port = htons(to->port);
		n = sendto(u->fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&s4,
		    sizeof(s4));
	} else if (u->v6 && (to->family == IPP_V4 || to->family == IPP_V6)) {
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		if (to->family == IPP_V4) {
			/* Through the dual-stack socket as ::ffff:a.b.c.d. */
			s6.sin6_addr.s6_addr[10] = 0xff;
			s6.sin6_addr.s6_addr[11] = 0xff;
			memcpy(s6.sin6_addr.s6_addr + 12, to->ip, 4);
		} else
			memcpy(s6.sin6_addr.s6_addr, to->ip, 16);
		s6.sin6_port = htons(to->port);
		n = sendto(u->fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&s6,
		    sizeof(s6));
	} else
		return -1;
	return n == (ssize_t)len ? (int)n : -1;
}

void
udp_close(struct udp *u)
{
	if (u->fd != -1)
		close(u->fd);
	u->fd = -1;
}
