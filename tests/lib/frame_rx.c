/* Reading a channel's frames one message at a time: see frame_rx.h. */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "tests/lib/frame_rx.h"

#define FRAME_RX_FDS	8

static struct {
	int			fd;	/* -1: free */
	int			used;
	struct ipc_frame	f;
} rx[FRAME_RX_FDS];

static struct ipc_frame *
frame_of(int fd)
{
	int	i, free_i = -1;

	for (i = 0; i < FRAME_RX_FDS; i++) {
		if (rx[i].used && rx[i].fd == fd)
			return &rx[i].f;
		if (!rx[i].used && free_i == -1)
			free_i = i;
	}
	if (free_i == -1)
		return NULL;
	rx[free_i].used = 1;
	rx[free_i].fd = fd;
	memset(&rx[free_i].f, 0, sizeof(rx[free_i].f));
	rx[free_i].f.fd = -1;
	return &rx[free_i].f;
}

int
frame_rx_next(int fd, struct ipc_msg *m)
{
	struct ipc_frame	*f;
	int			 rv;

	if ((f = frame_of(fd)) == NULL)
		return -1;
	for (;;) {
		if (f->len > 0) {
			if ((rv = ipc_frame_next(f, m)) != 0) {
				if (rv == -1)
					ipc_frame_done(f);
				return rv;
			}
			ipc_frame_done(f);
		}
		if ((rv = ipc_frame_recv(fd, f)) != 1) {
			f->len = 0;
			if (rv == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			return 0;
		}
	}
}

int
frame_rx_pending(int fd)
{
	struct ipc_frame	*f;
	struct pollfd		 p = { .fd = fd, .events = POLLIN };

	if ((f = frame_of(fd)) != NULL && f->len > 0 && f->off < f->len)
		return 1;
	return poll(&p, 1, 0) == 1;
}

void
frame_rx_forget(int fd)
{
	int	i;

	for (i = 0; i < FRAME_RX_FDS; i++)
		if (rx[i].used && rx[i].fd == fd) {
			ipc_frame_done(&rx[i].f);
			rx[i].used = 0;
		}
}
