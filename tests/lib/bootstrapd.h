/*
 * A tox-bootstrapd (Debian toxcore-utils) for tests: its own scratch
 * config, UDP only (or a TCP relay too, on the port given), no LAN
 * discovery, on loopback.  Nothing but the ports it is told.
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
/* The same with its TCP relay on tcp_port (0: none). */
int	bootstrapd_start_tcp(struct bootstrapd *, int port, int tcp_port);
void	bootstrapd_stop(struct bootstrapd *);

#endif
