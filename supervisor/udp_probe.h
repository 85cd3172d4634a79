/*
 * Is the UDP port the user asked for (--port) free?  The supervisor binds
 * it once, as netd will (IPv6 dual stack, else IPv4), and lets it go, so
 * that a port in use is one clear error at start instead of a netd that
 * dies at every restart.  (It can still be taken in between: then netd's
 * own error says so, with restarts backing off.)
 */
#ifndef BULKHEAD_SUP_UDP_PROBE_H
#define BULKHEAD_SUP_UDP_PROBE_H

#include <stdint.h>

/* 0 if free (or the question cannot be answered here), -1 with errno. */
int	udp_probe(uint16_t port, int want_v6);

#endif
