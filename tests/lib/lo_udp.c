/* See lo_udp.h. */
#include <sys/socket.h>
#include <netinet/in.h>

#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "common/mono.h"
#include "tests/lib/lo_udp.h"

int
lo_udp_socket(void)
{
	struct sockaddr_in	sa;
	int			s, big = 1 << 20;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* a flood's answers must not be lost to a small default */
	(void)setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		close(s);
		return -1;
	}
	return s;
}

ssize_t
lo_udp_send(int s, uint16_t port, const void *p, size_t len)
{
	struct sockaddr_in	to;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(port);
	return sendto(s, p, len, 0, (struct sockaddr *)&to, sizeof(to));
}

ssize_t
lo_udp_recv_kind(int s, uint8_t kind, uint8_t *buf, size_t cap, int ms)
{
	uint64_t	deadline = mono_ms() + (uint64_t)ms;
	struct pollfd	pfd = { .fd = s, .events = POLLIN };
	ssize_t		n;

	while (mono_ms() < deadline) {
		if (poll(&pfd, 1, 100) != 1)
			continue;
		if ((n = recv(s, buf, cap, 0)) > 0 && buf[0] == kind)
			return n;
	}
	return 0;
}

void
lo_udp_drain(int s)
{
	uint8_t	buf[2048];

	while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}
