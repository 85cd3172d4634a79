/* Message types of the foundation: hello, supervision, status. 1..31. */
#ifndef BULKHEAD_IPC_TYPES_CORE_H
#define BULKHEAD_IPC_TYPES_CORE_H

enum ipc_type_core {
	IPC_NONE		= 0,	/* never valid */
	IPC_HELLO		= 1,	/* any -> any, first on every channel */
	IPC_SANDBOX_REPORT	= 2,	/* role -> sup: what confinement holds */
	IPC_SHUTDOWN		= 3,	/* sup -> role: save and exit */
	IPC_STATUS_REQ		= 4,	/* frontend -> sup */
	IPC_STATUS_ANS		= 5,	/* sup -> frontend */
	IPC_OK			= 6,	/* generic success reply (by id) */
	IPC_ERROR		= 7,	/* generic failure reply (by id) */
	IPC_SESSION_END		= 8,	/* sup -> frontend: why the session ends */
	IPC_NEW_CHANNEL		= 9,	/* sup -> role: fd to a restarted peer */
	IPC_ROLE_EVENT		= 10,	/* sup -> frontend: a role died/restarted */
	IPC_CORE_LAST		= 31
};

#endif
