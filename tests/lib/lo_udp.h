/*
 * UDP sockets on 127.0.0.1 for tests that talk to a real role: bound to a
 * port of the kernel's choice, with a receive buffer large enough for a
 * flood's answers.
 */
#ifndef BULKHEAD_TEST_LO_UDP_H
#define BULKHEAD_TEST_LO_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A socket bound to 127.0.0.1:0; the descriptor, or -1. */
int	lo_udp_socket(void);
/* Sends len bytes to 127.0.0.1:port; what sendto returned. */
ssize_t	lo_udp_send(int s, uint16_t port, const void *, size_t len);
/* The first datagram on s within ms whose first byte is kind (others
 * are read and skipped); its length, or 0. */
ssize_t	lo_udp_recv_kind(int s, uint8_t kind, uint8_t *buf, size_t cap,
	    int ms);
/* Reads whatever is queued on s, without waiting. */
void	lo_udp_drain(int s);

#endif
