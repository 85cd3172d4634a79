/*
 * NET_RELAYS (netd -> keyd -> frontend): the TCP relays netd knows and how
 * each stands, for `status`.  server clients 2 (our relay server's
 * confirmed clients; 0xffff: no server), count 1 (0..IPC_NET_RELAYS_MAX),
 * then per
 * relay: key 32 || state 1 || sources 1 || friends online through it 1 ||
 * address length 2 (1..IPC_RELAY_WHERE_MAX) || the address as text
 * ("1.2.3.4:443", "[::1]:443" or "name.onion:443"; printable ASCII only).
 * Public routing data: no secret.
 */
#ifndef BULKHEAD_IPC_MSG_RELAYS_H
#define BULKHEAD_IPC_MSG_RELAYS_H

#include <stddef.h>
#include <stdint.h>

#include "common/rd.h"

#define IPC_NET_RELAYS_MAX	16
#define IPC_RELAY_WHERE_MAX	261	/* a 255-byte name, ':', 5 digits */
#define IPC_RELAY_SRC_ALL	0x07	/* configured, nodes list, friend */

/* The same order as netd/relays.h's enum relay_st. */
enum ipc_relay_state {
	IPC_RELAY_IDLE = 0,
	IPC_RELAY_CONNECTING,
	IPC_RELAY_UP,
	IPC_RELAY_WAITING,
	IPC_RELAY_STATE_MAX
};

struct ipc_net_relay {
	uint8_t	pk[32];
	uint8_t	state;			/* enum ipc_relay_state */
	uint8_t	src;			/* bits of IPC_RELAY_SRC_ALL */
	uint8_t	friends;
	uint8_t	family;			/* 4, 6; 0: a name only */
	uint8_t	ip[16];
	uint16_t port;
	char	where[IPC_RELAY_WHERE_MAX + 1];	/* NUL-terminated */
};

#define IPC_RELAY_NO_SERVER	0xffff

struct ipc_net_relays {
	uint16_t		server_clients;	/* IPC_RELAY_NO_SERVER: none */
	uint8_t			n;
	struct ipc_net_relay	r[IPC_NET_RELAYS_MAX];
};

#define IPC_NET_RELAYS_MIN_LEN	3
#define IPC_NET_RELAYS_MAX_LEN	(3 + IPC_NET_RELAYS_MAX * \
				 (32 + 24 + IPC_RELAY_WHERE_MAX))

void	ipc_pack_net_relays(struct wr *, const struct ipc_net_relays *);
int	ipc_unpack_net_relays(struct rd *, struct ipc_net_relays *);

#endif
