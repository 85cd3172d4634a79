/*
 * A relay server's listening TCP socket: dual stack [::] where the kernel
 * allows, else IPv4 only; non-blocking, close-on-exec, SO_REUSEADDR.  The
 * supervisor binds one per --tcp-port before netd starts and hands every
 * netd the same ones (FD_NETD_TCP_FIRST on): netd makes no socket and
 * binds nothing, it only accepts.  No library: the supervisor links this.
 */
#ifndef BULKHEAD_COMMON_TCP_LISTEN_H
#define BULKHEAD_COMMON_TCP_LISTEN_H

#include <stdint.h>

#define TCP_LISTEN_BACKLOG	128

/* Returns the descriptor, or -1 with errno (EADDRINUSE, ...). */
int	tcp_listen_bind(int want_v6, uint16_t port);

#endif
