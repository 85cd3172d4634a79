/*
 * A test's raw end of a channel, read as ipc/chan.c writes: a frame may
 * hold several messages (a cork of the data path), so "one recvmsg, one
 * message" no longer holds there.  These hand out one message at a time
 * and keep the rest of a frame per descriptor (a few at once).
 */
#ifndef BULKHEAD_TESTS_FRAME_RX_H
#define BULKHEAD_TESTS_FRAME_RX_H

#include "ipc/ipc.h"

/* The next message from fd: 1, 0 if none waits (or EOF), -1 bad framing. */
int	frame_rx_next(int fd, struct ipc_msg *);
/* Whether a message waits: in a frame begun, or on the socket. */
int	frame_rx_pending(int fd);
/* Forgets what is kept for fd (before closing it). */
void	frame_rx_forget(int fd);

#endif
