/*
 * The stream-socket broker's messages (ipc/types.h, area SOCK): netd asks
 * the supervisor for a TCP socket to an address (SOCK_OPEN); the answer
 * (SOCK_OPENED) carries netd's tag, an errno (0: the socket is attached,
 * its connect() begun) and, only when the errno is 0, the descriptor.
 * Pack/unpack in the style of msg_core.h.
 */
#ifndef BULKHEAD_IPC_MSG_SOCK_H
#define BULKHEAD_IPC_MSG_SOCK_H

#include <stdint.h>

#include "common/rd.h"

#define IPC_SOCK_FAMILY_V4	4
#define IPC_SOCK_FAMILY_V6	6
/* The largest errno an answer may carry (Linux's are below 4096). */
#define IPC_SOCK_ERRNO_MAX	4095

/*
 * SOCK_OPEN: tag u32 || family u8 (4 or 6) || address 16 || port u16.
 * An IPv4 address is the first 4 bytes, the other 12 zero; port != 0.
 */
struct ipc_sock_open {
	uint32_t	tag;
	uint8_t		family;
	uint8_t		addr[16];
	uint16_t	port;
};
#define IPC_SOCK_OPEN_LEN	(4 + 1 + 16 + 2)
void	ipc_pack_sock_open(struct wr *, const struct ipc_sock_open *);
int	ipc_unpack_sock_open(struct rd *, struct ipc_sock_open *);

/* SOCK_OPENED: tag u32 || errno i32 (0 .. IPC_SOCK_ERRNO_MAX). */
struct ipc_sock_opened {
	uint32_t	tag;
	int32_t		err;
};
#define IPC_SOCK_OPENED_LEN	(4 + 4)
void	ipc_pack_sock_opened(struct wr *, const struct ipc_sock_opened *);
int	ipc_unpack_sock_opened(struct rd *, struct ipc_sock_opened *);

#endif
