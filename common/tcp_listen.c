/* A relay server's listening socket: see tcp_listen.h. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/tcp_listen.h"

static int
try_bind(int v6, uint16_t port)
{
	struct sockaddr_in6	s6;
	struct sockaddr_in	s4;
	int			fd, one = 1, zero = 0, e;

	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* accepted sockets inherit it: netd may not setsockopt, and a relay
	 * forwards small frames that must not wait for Nagle */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (v6) {
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
		    sizeof(zero));
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons(port);
		s6.sin6_addr = in6addr_any;
		e = bind(fd, (struct sockaddr *)&s6, sizeof(s6));
	} else {
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		s4.sin_port = htons(port);
		s4.sin_addr.s_addr = htonl(INADDR_ANY);
		e = bind(fd, (struct sockaddr *)&s4, sizeof(s4));
	}
	if (e == -1 || listen(fd, TCP_LISTEN_BACKLOG) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
tcp_listen_bind(int want_v6, uint16_t port)
{
	int	fd;

	if (want_v6 && (fd = try_bind(1, port)) != -1)
		return fd;
	if (want_v6 && errno == EADDRINUSE)
		return -1;
	return try_bind(0, port);
}
