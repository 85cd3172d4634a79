/* The session's UDP socket: see udp_bind.h. */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/udp_bind.h"

static int
try_bind(int fd, int v6, uint16_t port)
{
	struct sockaddr_in6	s6;
	struct sockaddr_in	s4;

	if (v6) {
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_addr = in6addr_any;
		s6.sin6_port = htons(port);
		return bind(fd, (struct sockaddr *)&s6, sizeof(s6));
	}
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_addr.s_addr = htonl(INADDR_ANY);
	s4.sin_port = htons(port);
	return bind(fd, (struct sockaddr *)&s4, sizeof(s4));
}

static int
make_socket(int v6)
{
	struct ipv6_mreq	mr;
	int			fd, on = 1, off = 0, sz = 1024 * 1024;

	fd = socket(v6 ? AF_INET6 : AF_INET,
	    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
	    sizeof(off)) == -1) {
		close(fd);	/* no dual stack: IPv4 only */
		return -1;
	}
	/* Best effort, as c-toxcore: LAN discovery and bigger buffers. */
	(void)setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (v6) {
		memset(&mr, 0, sizeof(mr));
		mr.ipv6mr_multiaddr.s6_addr[0] = 0xff;
		mr.ipv6mr_multiaddr.s6_addr[1] = 0x02;
		mr.ipv6mr_multiaddr.s6_addr[15] = 0x01;
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr,
		    sizeof(mr));
	}
	return fd;
}

int
udp_bind(int want_v6, uint16_t from, uint16_t to, uint16_t *port, int *v6)
{
	uint32_t	p;
	int		fd, six;

	for (six = want_v6 ? 1 : 0; six >= 0; six--) {
		if ((fd = make_socket(six)) == -1)
			continue;
		for (p = from; p <= to; p++) {
			if (try_bind(fd, six, (uint16_t)p) == 0) {
				*port = (uint16_t)p;
				*v6 = six;
				return fd;
			}
			if (errno != EADDRINUSE)
				break;
		}
		close(fd);
		if (errno == EADDRINUSE)
			return -1;	/* the range is full either way */
	}
	return -1;
}

int
udp_bound(int fd, uint16_t *port, int *v6)
{
	struct sockaddr_storage	ss;
	socklen_t		sl = sizeof(ss);
	int			type = 0;
	socklen_t		tl = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == -1 ||
	    type != SOCK_DGRAM ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		return -1;
	if (ss.ss_family == AF_INET6) {
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		*v6 = 1;
	} else if (ss.ss_family == AF_INET) {
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		*v6 = 0;
	} else
		return -1;
	return *port != 0 ? 0 : -1;
}
