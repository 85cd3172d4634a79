/* Spec table of network messages (types 64..127). */
#include "ipc/ipc.h"

const struct ipc_spec ipc_specs_net[] = {
	{ 0, "NONE", 0, 0, 0, 0, IPC_FD_NONE },	/* placeholder, not counted */
};
const size_t ipc_nspecs_net = 0;
