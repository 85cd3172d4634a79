/*
 * Spec table of the foundation's messages: who may send each to whom, and
 * its payload bounds.  ipc_check() applies it before any handler runs.
 */
#include "ipc/ipc.h"
#include "ipc/msg_core.h"

#define ANY_ROLE	(ROLE_BIT(ROLE_SUP) | ROLE_BIT(ROLE_KEYD) | \
	ROLE_BIT(ROLE_NETD) | ROLE_BIT(ROLE_MEDIAD) | \
	ROLE_BIT(ROLE_FRONTEND) | ROLE_BIT(ROLE_FETCHD))
#define CHILDREN	(ANY_ROLE & ~ROLE_BIT(ROLE_SUP))
#define SUP		ROLE_BIT(ROLE_SUP)
#define FRONTEND	ROLE_BIT(ROLE_FRONTEND)
#define STATUS_ENTRY	(1 + 1 + 4 + 4 + 1 + 6)

const struct ipc_spec ipc_specs_core[] = {
	{ IPC_HELLO, "HELLO", ANY_ROLE, ANY_ROLE,
	    1 + IPC_BUILD_ID_LEN, 1 + IPC_BUILD_ID_LEN, IPC_FD_NONE },
	{ IPC_SANDBOX_REPORT, "SANDBOX_REPORT", CHILDREN, SUP, 6, 6,
	    IPC_FD_NONE },
	{ IPC_SHUTDOWN, "SHUTDOWN", SUP, CHILDREN, 0, 0, IPC_FD_NONE },
	{ IPC_STATUS_REQ, "STATUS_REQ", FRONTEND, SUP, 0, 0, IPC_FD_NONE },
	{ IPC_STATUS_ANS, "STATUS_ANS", SUP, FRONTEND,
	    1, 1 + ROLE_MAX * STATUS_ENTRY, IPC_FD_NONE },
	{ IPC_OK, "OK", ANY_ROLE, ANY_ROLE, 0, 0, IPC_FD_NONE },
	{ IPC_ERROR, "ERROR", ANY_ROLE, ANY_ROLE,
	    4, 4 + IPC_ERROR_TEXT_MAX, IPC_FD_NONE },
	{ IPC_SESSION_END, "SESSION_END", SUP, FRONTEND,
	    3, 3 + IPC_ERROR_TEXT_MAX, IPC_FD_NONE },
	{ IPC_NEW_CHANNEL, "NEW_CHANNEL", SUP, CHILDREN, 1, 1,
	    IPC_FD_REQUIRED },
	{ IPC_ROLE_EVENT, "ROLE_EVENT", SUP, FRONTEND | ROLE_BIT(ROLE_KEYD),
	    10, 10, IPC_FD_NONE },
};
const size_t ipc_nspecs_core = sizeof(ipc_specs_core) / sizeof(ipc_specs_core[0]);
