/*
 * netd's stream sockets, from the supervisor: netd runs in an empty
 * network namespace and may not call socket() or connect(), so it asks
 * the supervisor (SOCK_OPEN), which makes the socket in its own namespace,
 * starts the connect (to the address asked, or in proxy mode to the
 * proxy) and hands it over (SOCK_OPENED with the descriptor).  netd then
 * waits until the socket is writable and reads SO_ERROR.
 *
 *	netd.c, after rt_lockdown:	netd_sock_init(&rt.sup);
 *	the relay glue:			netd_sock_open(4, ip, port, cb, arg);
 *
 * cb(arg, fd) gets a connected, non-blocking TCP socket (netd owns it and
 * closes it), or cb(arg, -errno): the supervisor refused (EACCES: not a
 * public address nor a configured relay; EAGAIN: too many opens), the
 * connect failed (ECONNREFUSED, EHOSTUNREACH, ...), it took longer than
 * NETD_SOCK_CONNECT_MS (ETIMEDOUT), or the supervisor did not answer
 * (EPIPE).  In proxy mode the socket is connected to the proxy, whatever
 * the address asked: the caller then does the proxy handshake
 * (netd/proxy_wire.h) to the real target, named by the same address or a
 * host name.
 */
#ifndef BULKHEAD_NETD_NETD_SOCK_H
#define BULKHEAD_NETD_NETD_SOCK_H

#include <stdint.h>

struct chan;

#define NETD_SOCK_PENDING	32	/* opens in flight */
#define NETD_SOCK_ASK_MS	10000	/* the supervisor's answer */
#define NETD_SOCK_CONNECT_MS	30000	/* the connect, once handed */

typedef void	(*netd_sock_cb)(void *arg, int fd_or_neg_errno);

/* The channel to ask on (the supervisor's). */
void	netd_sock_init(struct chan *sup);
/*
 * Asks for a TCP socket to addr (family 4: the first 4 bytes; 6: all 16)
 * and port.  Returns 0, and cb is called exactly once, later (never from
 * inside this call); or -1 with errno (EINVAL: bad family or port 0;
 * EAGAIN: NETD_SOCK_PENDING in flight; EPIPE: no supervisor channel),
 * and cb is never called.
 */
int	netd_sock_open(uint8_t family, const uint8_t addr[16], uint16_t port,
	    netd_sock_cb cb, void *arg);
/*
 * Test hook (--selftest=sock-open=HOST:PORT, HOST an IP literal, IPv6 in
 * brackets): asks for one socket once the loop runs, and logs the outcome
 * ("sock-open: connected" or "sock-open: failed: <why>").  Returns 1 if
 * what names this hook (the caller then runs no sandbox selftest), 0 if
 * not; fatal if the address is bad.
 */
int	netd_sock_selftest(const char *what);
/* Opens in flight (tests). */
unsigned netd_sock_pending(void);

#endif
