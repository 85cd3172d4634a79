/*
 * A tox-bootstrapd (Debian toxcore-utils) for tests: its own scratch
 * config, UDP only, no LAN discovery, on the given address family's
 * loopback port.  Nothing but the port it is told.
 */
#ifndef BULKHEAD_TEST_BOOTSTRAPD_H
#define BULKHEAD_TEST_BOOTSTRAPD_H

#include <sys/types.h>

struct bootstrapd {
	pid_t	pid;
	int	port;
	char	dir[64];
	char	key[65];	/* its DHT public key, hex */
};

/* Starts it and waits for its key; 0, or -1. */
int	bootstrapd_start(struct bootstrapd *, int port);
void	bootstrapd_stop(struct bootstrapd *);

#endif
