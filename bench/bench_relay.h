/*
 * Issue 11's relay server figures: the same two clients of ours
 * (netd/tcp_link, driven here over real sockets) through tox-bootstrapd's
 * TCP relay and through bulkhead's (a session with --tcp-port): the
 * throughput of one routed connection, data one way until the receiver
 * has RELAY_BYTES; and the relay's resident memory per client, from 100
 * more clients that finish their handshake and stay.  In the bench's
 * namespace, on its one address.
 */
#ifndef BULKHEAD_BENCH_RELAY_H
#define BULKHEAD_BENCH_RELAY_H

#include "bench/run.h"

#define RELAY_BYTES	(64 * 1024 * 1024)
#define RELAY_IDLE	100

/* Fills relay_mb_s and relay_kb_per_client of o; -1 if nothing could be
 * measured. */
int	relay_once(const char *dir, struct obs o[SIDES]);

#endif
