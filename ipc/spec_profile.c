/* Spec table of identity and profile messages (types 32..63). */
#include "ipc/ipc.h"

const struct ipc_spec ipc_specs_profile[] = {
	{ 0, "NONE", 0, 0, 0, 0, IPC_FD_NONE },	/* placeholder, not counted */
};
const size_t ipc_nspecs_profile = 0;
