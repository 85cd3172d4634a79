/*
 * Spec table of the network messages (types 64..127): who may send each
 * to whom, and its payload bounds.  ipc_check() applies it before any
 * handler runs.
 */
#include "ipc/ipc.h"
#include "ipc/msg_net.h"

#define KEYD		ROLE_BIT(ROLE_KEYD)
#define NETD		ROLE_BIT(ROLE_NETD)
#define FRONTEND	ROLE_BIT(ROLE_FRONTEND)

const struct ipc_spec ipc_specs_net[] = {
	/* netd -> keyd, and keyd forwards the same payload to frontend. */
	{ IPC_NET_STATUS, "NET_STATUS", NETD | KEYD, KEYD | FRONTEND,
	    IPC_NET_STATUS_LEN, IPC_NET_STATUS_LEN, IPC_FD_NONE },
	{ IPC_NET_NODES_SAVE, "NET_NODES_SAVE", NETD, KEYD,
	    IPC_NET_NODES_MIN_LEN, IPC_NET_NODES_MAX_LEN, IPC_FD_NONE },
	{ IPC_NET_NODES_LOAD, "NET_NODES_LOAD", KEYD, NETD,
	    IPC_NET_NODES_MIN_LEN, IPC_NET_NODES_MAX_LEN, IPC_FD_NONE },
	/* frontend -> keyd, keyd -> netd; answered with OK or ERROR. */
	{ IPC_NET_BOOTSTRAP, "NET_BOOTSTRAP", FRONTEND | KEYD, KEYD | NETD,
	    PN_SIZE_V4, PN_SIZE_V6, IPC_FD_NONE },
	{ IPC_NET_DHT_SEARCH_ADD, "NET_DHT_SEARCH_ADD", KEYD, NETD,
	    PN_PK_LEN, PN_PK_LEN, IPC_FD_NONE },
	{ IPC_NET_DHT_SEARCH_DEL, "NET_DHT_SEARCH_DEL", KEYD, NETD,
	    PN_PK_LEN, PN_PK_LEN, IPC_FD_NONE },
};
const size_t ipc_nspecs_net = sizeof(ipc_specs_net) / sizeof(ipc_specs_net[0]);
