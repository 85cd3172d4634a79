/* See http_once.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/http_once.h"

/*
 * The whole request head, up to its blank line: clients and proxies write
 * it in pieces.  0 when it came, -1 when the peer closed first or it did
 * not fit.
 */
static int
read_request(int c, char *req, size_t size)
{
	size_t	have = 0;
	ssize_t	n;

	while (have + 1 < size) {
		if ((n = read(c, req + have, size - 1 - have)) <= 0)
			return -1;
		have += (size_t)n;
		req[have] = '\0';
		if (strstr(req, "\r\n\r\n") != NULL)
			return 0;
	}
	return -1;
}

pid_t
http_once(const char *addr, int port, const char *body, int n)
{
	struct sockaddr_in	sin;
	char			req[4096], hdr[256];
	pid_t			pid;
	int			s, c, one = 1;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 4) == -1) {
		close(s);
		return -1;
	}
	if ((pid = fork()) != 0) {
		close(s);
		return pid;
	}
	alarm(120);			/* never outlive the test */
	while (n-- > 0 && (c = accept(s, NULL, NULL)) != -1) {
		if (read_request(c, req, sizeof(req)) == 0) {
			snprintf(hdr, sizeof(hdr), "HTTP/1.0 200 OK\r\n"
			    "Content-Type: application/json\r\n"
			    "Content-Length: %zu\r\n\r\n", strlen(body));
			if (write(c, hdr, strlen(hdr)) < 0 ||
			    write(c, body, strlen(body)) < 0)
				_exit(1);
		}
		/*
		 * Our half closed first, then whatever the client still
		 * sends drained: a close with unread bytes would send a
		 * reset, and a proxy in between may lose the answer to it
		 * (tinyproxy said 503 when that happened).
		 */
		shutdown(c, SHUT_WR);
		while (read(c, req, sizeof(req)) > 0)
			;
		close(c);
	}
	_exit(0);
}
