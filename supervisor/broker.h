/*
 * The stream-socket broker: netd, in an empty network namespace, asks for
 * TCP sockets (SOCK_OPEN); the supervisor, in the user's namespace, asks
 * the policy (sock_policy.h) where to connect, makes a non-blocking
 * socket, starts its connect (never waits for it) and hands it back
 * (SOCK_OPENED with the descriptor, or an errno: EACCES refused by the
 * policy, EAGAIN too many opens this minute, EMFILE too many held).
 * It reads nothing from the socket and parses nothing but the request.
 *
 * In proxy mode every socket goes to the proxy; the broker watches how
 * each connect to it ends (a copy of the descriptor, until writable, for
 * a bounded time) and keeps the proxy's state for `status`.  It probes
 * the proxy once at start, so the state is known before netd asks.
 */
#ifndef BULKHEAD_SUP_BROKER_H
#define BULKHEAD_SUP_BROKER_H

#include <sys/types.h>

#include "ipc/chan.h"
#include "supervisor/sock_policy.h"

#define BROKER_WATCHES		4	/* proxy connects watched at once */
#define BROKER_WATCH_MS		30000	/* then: unreachable */

/* The policy (kept by pointer) and, in proxy mode, the first probe. */
void	broker_init(const struct sock_policy *);
/* A new netd: its counts start afresh (the old one's sockets died). */
void	broker_netd_started(void);
/* The SOCK_OPEN handler (a chan_handler fn); netd_pid for /proc. */
int	broker_on_open(struct chan *, struct ipc_msg *, struct rd *,
	    pid_t netd_pid);
/*
 * Proxy mode: a socket whose connect to the proxy has begun, for fetchd
 * (which then runs in an empty namespace: this is its only way out).
 * The caller hands it on and closes its copy.  -1 with errno.
 */
int	broker_proxy_socket(void);
/* The proxy as a URL for libcurl ("socks5h://ip:port" so names go to
 * the proxy, or "http://ip:port"); "" outside proxy mode. */
void	broker_proxy_url(int kind_http, char *, size_t);
/* enum ipc_proxy_state, for STATUS_ANS. */
uint8_t	broker_proxy_state(void);

#endif
