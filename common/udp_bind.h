/*
 * The session's UDP socket, as netd uses it: dual stack [::] with
 * IPV6_V6ONLY off where the kernel allows, else IPv4 only; the first free
 * port of a range; non-blocking, close-on-exec; broadcast allowed and
 * 1 MiB buffers, best effort, as c-toxcore.
 *
 * The supervisor binds it once per session and hands netd a copy at
 * every start (FD_NETD_UDP), so a restarted netd answers on the same
 * port: a friend's connection to it goes on (docs/ARCHITECTURE.md
 * "Self-healing").  netd --standalone binds its own.  No library: the
 * supervisor links this too.
 */
#ifndef BULKHEAD_COMMON_UDP_BIND_H
#define BULKHEAD_COMMON_UDP_BIND_H

#include <stdint.h>

#define UDP_PORT_FIRST	33445
#define UDP_PORT_LAST	33545

/*
 * Binds the first free port in [from, to] (from == to: exactly that one);
 * want_v6 0 forces IPv4.  Returns the descriptor (*port and *v6 set), or
 * -1 with errno (EADDRINUSE: the whole range is taken).
 */
int	udp_bind(int want_v6, uint16_t from, uint16_t to, uint16_t *port,
	    int *v6);
/*
 * What an inherited descriptor is: a bound UDP socket of ours, its port
 * and whether it is dual stack.  0, or -1 if it is not one.
 */
int	udp_bound(int fd, uint16_t *port, int *v6);

#endif
