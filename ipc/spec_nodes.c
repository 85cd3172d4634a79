/* Spec table of the bootstrap nodes list messages (types 128..143). */
#include "ipc/ipc.h"

const struct ipc_spec ipc_specs_nodes[] = {
	{ IPC_NODES_FD, "NODES_FD", ROLE_BIT(ROLE_SUP), ROLE_BIT(ROLE_NETD),
	    1, 1, IPC_FD_REQUIRED },
	{ IPC_NODES_CACHE_SAVE, "NODES_CACHE_SAVE", ROLE_BIT(ROLE_NETD),
	    ROLE_BIT(ROLE_KEYD), 2, IPC_MAX_PAYLOAD, IPC_FD_NONE },
	{ IPC_NODES_CACHE, "NODES_CACHE", ROLE_BIT(ROLE_KEYD),
	    ROLE_BIT(ROLE_NETD), 2, IPC_MAX_PAYLOAD, IPC_FD_NONE },
};
const size_t ipc_nspecs_nodes = sizeof(ipc_specs_nodes) /
    sizeof(ipc_specs_nodes[0]);
