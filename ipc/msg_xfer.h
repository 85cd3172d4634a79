/*
 * Payloads of file transfers between the frontend and chatd (area CHAT):
 *
 *	frontend -> chatd	FILE_SEND	a file to offer, its descriptor
 *						attached; answered FILE_ANS
 *	frontend -> chatd	FILE_CTL	accept (descriptor attached),
 *						decline, pause, resume, cancel;
 *						answered FILE_ANS or ERROR
 *	chatd -> frontend	FILE_EVENT	what the friend or the transfer
 *						did: offer, progress, done...
 *
 * A file is named as c-toxcore names it: an outgoing one by its slot
 * (0..255), an incoming one by (slot + 1) << 16.  The descriptors come
 * from the supervisor (FILE_OPEN): chatd opens nothing by path.
 */
#ifndef BULKHEAD_IPC_MSG_XFER_H
#define BULKHEAD_IPC_MSG_XFER_H

#include <stdint.h>

#include "common/rd.h"
#include "common/toxid.h"
#include "ipc/msg_friend.h"

#define XFER_NAME_MAX		255	/* a file name on the wire */
#define XFER_SLOTS		256	/* per direction, per friend */
#define XFER_SIZE_UNKNOWN	UINT64_MAX	/* a stream */
#define XFER_SHA256_LEN		32
#define XFER_ID_LEN		32	/* the sender's file id */

/* A file number: out slot s is s; in slot s is (s + 1) << 16. */
#define XFER_NUM_OUT(s)		((uint32_t)(s))
#define XFER_NUM_IN(s)		(((uint32_t)(s) + 1) << 16)
/* 0 and the slot and direction in *slot, *out; -1 if no such number. */
int	xfer_num_parse(uint32_t num, unsigned *slot, int *out);

/*
 * FILE_SEND: friend ref 35 || kind u32 || size u64 || has id u8 (0 or
 * 1) || file id 32 (zeros when has id is 0) || name (0..255).  With an
 * id chatd offers the file under it (the id of an unfinished earlier
 * offer of the same file: the friend resumes it); without, under a
 * random one.
 */
struct ipc_file_send {
	struct ipc_friend_remove ref;
	uint32_t		 kind;
	uint64_t		 size;
	uint8_t			 has_id;
	uint8_t			 id[XFER_ID_LEN];
	uint16_t		 name_len;
	uint8_t			 name[XFER_NAME_MAX];
};
#define IPC_FILE_SEND_MIN	(IPC_FRIEND_REMOVE_LEN + 4 + 8 + 1 + \
				 XFER_ID_LEN)
#define IPC_FILE_SEND_MAX	(IPC_FILE_SEND_MIN + XFER_NAME_MAX)
void	ipc_pack_file_send(struct wr *, const struct ipc_file_send *);
int	ipc_unpack_file_send(struct rd *, struct ipc_file_send *);

/* What FILE_CTL asks. */
enum xfer_op {
	XFER_ACCEPT = 1,	/* an offer, into the attached descriptor */
	XFER_DECLINE,		/* an offer */
	XFER_PAUSE,
	XFER_RESUME,
	XFER_CANCEL,
	XFER_OP_MAX
};

/* FILE_CTL: friend ref 35 || file u32 || op u8 || seek u64 (ACCEPT:
 * the bytes the descriptor already holds; else 0). */
struct ipc_file_ctl {
	struct ipc_friend_remove ref;
	uint32_t		 file;
	uint8_t			 op;
	uint64_t		 seek;
};
#define IPC_FILE_CTL_LEN	(IPC_FRIEND_REMOVE_LEN + 4 + 1 + 8)
void	ipc_pack_file_ctl(struct wr *, const struct ipc_file_ctl *);
int	ipc_unpack_file_ctl(struct rd *, struct ipc_file_ctl *);

/* FILE_ANS: number 2 || pk 32 || file u32. */
struct ipc_file_ans {
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
	uint32_t	file;
};
#define IPC_FILE_ANS_LEN	(2 + TOX_PK_LEN + 4)
void	ipc_pack_file_ans(struct wr *, const struct ipc_file_ans *);
int	ipc_unpack_file_ans(struct rd *, struct ipc_file_ans *);

/* What FILE_EVENT says. */
enum xfer_ev {
	XFER_EV_OFFER = 1,	/* the friend offers: kind, size, name */
	XFER_EV_ACCEPTED,	/* the friend accepted ours, from pos */
	XFER_EV_PAUSED,		/* the friend paused */
	XFER_EV_RESUMED,	/* the friend resumed */
	XFER_EV_CANCELLED,	/* gone: why */
	XFER_EV_PROGRESS,	/* pos of size, rate bytes/s */
	XFER_EV_DONE,		/* all of it: size, sha256 */
	XFER_EV_MAX
};

/* Why a transfer was cancelled. */
enum xfer_why {
	XFER_WHY_NONE = 0,
	XFER_WHY_FRIEND,	/* the friend cancelled or declined */
	XFER_WHY_TOO_LONG,	/* more data than the size offered */
	XFER_WHY_TRUNCATED,	/* a short chunk before the size */
	XFER_WHY_IO,		/* reading or writing the file failed */
	XFER_WHY_OFFLINE,	/* the friend went offline */
	XFER_WHY_MAX
};

/*
 * FILE_EVENT: number 2 || pk 32 || file u32 || what u8 || why u8 ||
 * kind u32 || pos u64 || size u64 || rate u64 || sha256 32 || file id 32
 * (OFFER: the friend's; it names the file again when it is offered to
 * resume) || name (0..255; OFFER only, as the friend sent it: the
 * frontend sanitizes).
 */
struct ipc_file_event {
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
	uint32_t	file;
	uint8_t		what;
	uint8_t		why;
	uint32_t	kind;
	uint64_t	pos;
	uint64_t	size;
	uint64_t	rate;
	uint8_t		sha256[XFER_SHA256_LEN];
	uint8_t		id[XFER_ID_LEN];
	uint16_t	name_len;
	uint8_t		name[XFER_NAME_MAX];
};
#define IPC_FILE_EVENT_MIN	(2 + TOX_PK_LEN + 4 + 1 + 1 + 4 + 8 + 8 + \
				 8 + XFER_SHA256_LEN + XFER_ID_LEN)
#define IPC_FILE_EVENT_MAX	(IPC_FILE_EVENT_MIN + XFER_NAME_MAX)
void	ipc_pack_file_event(struct wr *, const struct ipc_file_event *);
int	ipc_unpack_file_event(struct rd *, struct ipc_file_event *);

#endif
