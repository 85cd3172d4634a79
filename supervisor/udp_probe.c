/* Probing the UDP port: see udp_probe.h. */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "supervisor/udp_probe.h"

int
udp_probe(uint16_t port, int want_v6)
{
	struct sockaddr_in6	s6;
	struct sockaddr_in	s4;
	int			fd, off = 0, rc, e;

	if (want_v6 && (fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC,
	    0)) != -1) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off)) == 0) {
			memset(&s6, 0, sizeof(s6));
			s6.sin6_family = AF_INET6;
			s6.sin6_addr = in6addr_any;
			s6.sin6_port = htons(port);
			rc = bind(fd, (struct sockaddr *)&s6, sizeof(s6));
			e = errno;
			close(fd);
			if (rc == 0 || e != EADDRINUSE)
				return 0;
			errno = e;
			return -1;
		}
		close(fd);	/* no dual stack: netd uses IPv4 too */
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_addr.s_addr = htonl(INADDR_ANY);
	s4.sin_port = htons(port);
	rc = bind(fd, (struct sockaddr *)&s4, sizeof(s4));
	e = errno;
	close(fd);
	if (rc == 0 || e != EADDRINUSE)
		return 0;
	errno = e;
	return -1;
}
