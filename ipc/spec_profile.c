/*
 * Spec table of identity and profile messages (types 32..63): the
 * frontend asks, keyd answers.  Lengths from ipc/msg_profile.h; a
 * passphrase field is 2 + 0..IPC_PASS_MAX bytes.
 */
#include "ipc/ipc.h"
#include "ipc/msg_profile.h"

#define FE	ROLE_BIT(ROLE_FRONTEND)
#define KEYD	ROLE_BIT(ROLE_KEYD)
#define PASS	(2 + IPC_PASS_MAX)

const struct ipc_spec ipc_specs_profile[] = {
	{ IPC_PROFILE_INFO_REQ, "PROFILE_INFO_REQ", FE, KEYD, 0, 0,
	    IPC_FD_NONE },
	{ IPC_PROFILE_INFO_ANS, "PROFILE_INFO_ANS", KEYD, FE, 3, 3,
	    IPC_FD_NONE },
	{ IPC_PROFILE_UNLOCK, "PROFILE_UNLOCK", FE, KEYD, 2, PASS,
	    IPC_FD_NONE },
	{ IPC_PROFILE_CREATE, "PROFILE_CREATE", FE, KEYD, 3, 1 + PASS,
	    IPC_FD_NONE },
	{ IPC_ID_REQ, "ID_REQ", FE, KEYD, 0, 0, IPC_FD_NONE },
	{ IPC_ID_ANS, "ID_ANS", KEYD, FE, TOX_ADDRESS_LEN + TOX_PK_LEN,
	    TOX_ADDRESS_LEN + TOX_PK_LEN, IPC_FD_NONE },
	{ IPC_SELF_REQ, "SELF_REQ", FE, KEYD, 0, 0, IPC_FD_NONE },
	{ IPC_SELF_ANS, "SELF_ANS", KEYD, FE, 5,
	    5 + IPC_NAME_MAX + IPC_STATUSMSG_MAX, IPC_FD_NONE },
	{ IPC_SET_NAME, "SET_NAME", FE, KEYD, 2, 2 + IPC_NAME_MAX,
	    IPC_FD_NONE },
	{ IPC_SET_STATUS_MSG, "SET_STATUS_MSG", FE, KEYD, 2,
	    2 + IPC_STATUSMSG_MAX, IPC_FD_NONE },
	{ IPC_SET_STATUS, "SET_STATUS", FE, KEYD, 1, 1, IPC_FD_NONE },
	{ IPC_NOSPAM_SET, "NOSPAM_SET", FE, KEYD, 5, 5, IPC_FD_NONE },
	{ IPC_PROFILE_IMPORT, "PROFILE_IMPORT", FE, KEYD, 3, 1 + PASS,
	    IPC_FD_REQUIRED },
	{ IPC_PROFILE_EXPORT, "PROFILE_EXPORT", FE, KEYD, 1, 1,
	    IPC_FD_REQUIRED },
	{ IPC_PASSWD, "PASSWD", FE, KEYD, 5, 1 + 2 * PASS, IPC_FD_NONE },
};
const size_t ipc_nspecs_profile =
    sizeof(ipc_specs_profile) / sizeof(ipc_specs_profile[0]);
