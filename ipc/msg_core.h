/*
 * Payloads of the foundation's messages and their pack/unpack pairs.  Pack
 * functions write into a struct wr (its sticky error is checked by the
 * sender); unpack functions read a whole payload and return 0, or -1 if it
 * is short, long or holds a value out of range.
 */
#ifndef BULKHEAD_IPC_MSG_CORE_H
#define BULKHEAD_IPC_MSG_CORE_H

#include <stdint.h>

#include "common/rd.h"
#include "common/role.h"
#include "ipc/ipc.h"

struct ipc_hello {
	uint8_t		role;
	uint8_t		build_id[IPC_BUILD_ID_LEN];
};
#define IPC_HELLO_LEN		(1 + IPC_BUILD_ID_LEN)
void	ipc_pack_hello(struct wr *, const struct ipc_hello *);
int	ipc_unpack_hello(struct rd *, struct ipc_hello *);

/* What a role applied to itself; flags are SB_* from sandbox/sandbox.h. */
struct ipc_sandbox_report {
	uint32_t	flags;
	uint8_t		landlock_abi;	/* 0: none */
	uint8_t		permissive;	/* started with the weaker switch */
};
#define IPC_SANDBOX_REPORT_LEN	(4 + 1 + 1)
void	ipc_pack_sandbox_report(struct wr *, const struct ipc_sandbox_report *);
int	ipc_unpack_sandbox_report(struct rd *, struct ipc_sandbox_report *);

enum ipc_role_state {
	ROLE_STATE_STOPPED = 0,
	ROLE_STATE_RUNNING,
	ROLE_STATE_RESTARTING,
	ROLE_STATE_MAX
};

struct ipc_role_status {
	uint8_t		role;
	uint8_t		state;		/* enum ipc_role_state */
	uint32_t	pid;
	uint32_t	restarts;
	uint8_t		reported;	/* a sandbox report has arrived */
	struct ipc_sandbox_report sandbox;
};

/* The proxy as the supervisor's socket broker last saw it. */
enum ipc_proxy_state {
	IPC_PROXY_NONE = 0,		/* no --proxy: direct */
	IPC_PROXY_CHECKING,		/* set, no connect has ended yet */
	IPC_PROXY_OK,			/* the last connect to it worked */
	IPC_PROXY_UNREACHABLE,		/* the last connect to it failed */
	IPC_PROXY_STATE_MAX
};

struct ipc_status {
	uint8_t			n;
	struct ipc_role_status	roles[ROLE_MAX];
	uint8_t			proxy;		/* enum ipc_proxy_state */
};
/* STATUS_ANS: a count, one fixed-size entry per role, the proxy state. */
#define IPC_ROLE_STATUS_LEN	(1 + 1 + 4 + 4 + 1 + IPC_SANDBOX_REPORT_LEN)
#define IPC_STATUS_MIN_LEN	(1 + 1)
#define IPC_STATUS_MAX_LEN	(1 + ROLE_MAX * IPC_ROLE_STATUS_LEN + 1)
void	ipc_pack_status(struct wr *, const struct ipc_status *);
int	ipc_unpack_status(struct rd *, struct ipc_status *);

#define IPC_ERROR_TEXT_MAX	255

/* Error codes carried by IPC_ERROR; the text says more. */
enum ipc_err {
	IPC_ERR_INTERNAL = 1,
	IPC_ERR_INVALID,	/* bad argument */
	IPC_ERR_STATE,		/* not possible now */
	IPC_ERR_AUTH,		/* wrong passphrase */
	IPC_ERR_IO,		/* disk */
	IPC_ERR_NOTFOUND,
	IPC_ERR_GONE,		/* the peer closed, or did not answer in time */
	IPC_ERR_MAX
};

/* Text is friend- or peer-influenced at times: sanitize before display. */
struct ipc_error {
	uint16_t	code;
	char		text[IPC_ERROR_TEXT_MAX + 1];	/* NUL-terminated */
};
/* ERROR: code u16 || text (u16 length || bytes). */
#define IPC_ERROR_MIN_LEN	(2 + 2)
#define IPC_ERROR_MAX_LEN	(2 + 2 + IPC_ERROR_TEXT_MAX)
void	ipc_pack_error(struct wr *, const struct ipc_error *);
int	ipc_unpack_error(struct rd *, struct ipc_error *);

struct ipc_session_end {
	uint8_t		role;		/* whose loss ends it */
	char		text[IPC_ERROR_TEXT_MAX + 1];
};
#define IPC_SESSION_END_MIN_LEN	(1 + 2)
#define IPC_SESSION_END_MAX_LEN	(1 + 2 + IPC_ERROR_TEXT_MAX)
void	ipc_pack_session_end(struct wr *, const struct ipc_session_end *);
int	ipc_unpack_session_end(struct rd *, struct ipc_session_end *);

/* Accompanies the fd of a new channel to a restarted peer. */
struct ipc_new_channel {
	uint8_t		role;		/* the peer at the other end */
};
#define IPC_NEW_CHANNEL_LEN	1
void	ipc_pack_new_channel(struct wr *, const struct ipc_new_channel *);
int	ipc_unpack_new_channel(struct rd *, struct ipc_new_channel *);

enum ipc_role_event_kind {
	ROLE_EV_DIED = 1,
	ROLE_EV_RESTARTED,
	ROLE_EV_MAX
};

struct ipc_role_event {
	uint8_t		role;
	uint8_t		kind;		/* enum ipc_role_event_kind */
	uint32_t	pid;
	int32_t		status;		/* exit code, or -signal */
};
#define IPC_ROLE_EVENT_LEN	(1 + 1 + 4 + 4)
void	ipc_pack_role_event(struct wr *, const struct ipc_role_event *);
int	ipc_unpack_role_event(struct rd *, struct ipc_role_event *);

/* Helpers for length-prefixed text (u16 length, no NUL inside). */
void	ipc_pack_text(struct wr *, const char *, size_t max);
int	ipc_unpack_text(struct rd *, char *out, size_t outsz);

#endif
