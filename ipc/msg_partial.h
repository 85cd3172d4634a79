/*
 * Payloads of the partial-download records keyd keeps for resume
 * (keyd/partials.h is the store):
 *
 *	frontend -> keyd	PARTIAL_PUT	remember where a file goes
 *	frontend -> keyd	PARTIAL_DEL	forget it (done, or cancelled)
 *	frontend -> keyd	PARTIAL_GET	answered PARTIAL_ANS
 *	frontend -> keyd	SEND_ID		the id to offer a file under,
 *						answered SEND_ID_ANS
 *	frontend -> keyd	SEND_DEL	forget it (sent, or cancelled)
 *
 * A record is keyed by the friend's long-term key and the 32-byte file id
 * the friend chose: a friend that offers the same file again after a
 * restart (qTox does) sends the same id, and the frontend asks keyd
 * whether it already has a part of it, and where.  The path is the one
 * the supervisor created (FILE_OPENED): keyd stores it as bytes and never
 * opens it.
 */
#ifndef BULKHEAD_IPC_MSG_PARTIAL_H
#define BULKHEAD_IPC_MSG_PARTIAL_H

#include <stdint.h>

#include "common/rd.h"
#include "common/toxid.h"

#define PARTIAL_FILE_ID_LEN	32
/* A path: 1..4095 bytes without NUL (as FILE_OPEN's). */
#define PARTIAL_PATH_MAX	4095

/* PARTIAL_DEL, PARTIAL_GET: pk 32 || file id 32. */
struct ipc_partial_key {
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		file_id[PARTIAL_FILE_ID_LEN];
};
#define IPC_PARTIAL_KEY_LEN	(TOX_PK_LEN + PARTIAL_FILE_ID_LEN)
void	ipc_pack_partial_key(struct wr *, const struct ipc_partial_key *);
int	ipc_unpack_partial_key(struct rd *, struct ipc_partial_key *);

/*
 * PARTIAL_PUT: pk 32 || file id 32 || size u64 || path (the rest,
 * 1..PARTIAL_PATH_MAX bytes, no NUL).  Answered OK or ERROR.
 */
struct ipc_partial_put {
	struct ipc_partial_key	key;
	uint64_t		size;	/* the offered size */
	uint16_t		len;
	char			path[PARTIAL_PATH_MAX + 1];	/* NUL-ended */
};
#define IPC_PARTIAL_PUT_MIN	(IPC_PARTIAL_KEY_LEN + 8 + 1)
#define IPC_PARTIAL_PUT_MAX	(IPC_PARTIAL_KEY_LEN + 8 + PARTIAL_PATH_MAX)
void	ipc_pack_partial_put(struct wr *, const struct ipc_partial_put *);
int	ipc_unpack_partial_put(struct rd *, struct ipc_partial_put *);

/*
 * PARTIAL_ANS: found u8 (0 or 1) || size u64 || path (the rest,
 * 0..PARTIAL_PATH_MAX bytes, no NUL).  Found: a path of 1.. bytes; not
 * found: size 0 and no path.
 */
struct ipc_partial_ans {
	uint8_t		found;
	uint64_t	size;
	uint16_t	len;
	char		path[PARTIAL_PATH_MAX + 1];	/* NUL-ended */
};
#define IPC_PARTIAL_ANS_MIN	(1 + 8)
#define IPC_PARTIAL_ANS_MAX	(1 + 8 + PARTIAL_PATH_MAX)
void	ipc_pack_partial_ans(struct wr *, const struct ipc_partial_ans *);
int	ipc_unpack_partial_ans(struct rd *, struct ipc_partial_ans *);

/*
 * The sending side: keyd remembers the id each file the user sends to a
 * friend was offered under, until it is sent whole or the user cancels
 * it, so that the same file sent again (after a restart, or after the
 * friend went offline) goes under the same id and the friend resumes.
 *
 * SEND_ID: pk 32 || size u64 || mtime u64 || dev u64 || ino u64 || path
 * (the rest, 1..PARTIAL_PATH_MAX bytes, no NUL: as the user gave it).
 * size, mtime (ns), dev and ino are FILE_OPENED's for that path.
 */
struct ipc_send_id {
	uint8_t		pk[TOX_PK_LEN];
	uint64_t	size;
	uint64_t	mtime;
	uint64_t	dev;
	uint64_t	ino;
	uint16_t	len;
	char		path[PARTIAL_PATH_MAX + 1];	/* NUL-ended */
};
#define IPC_SEND_ID_MIN		(TOX_PK_LEN + 4 * 8 + 1)
#define IPC_SEND_ID_MAX		(TOX_PK_LEN + 4 * 8 + PARTIAL_PATH_MAX)
void	ipc_pack_send_id(struct wr *, const struct ipc_send_id *);
int	ipc_unpack_send_id(struct rd *, struct ipc_send_id *);

/*
 * SEND_ID_ANS: file id 32 || again u8 (1: the id of an unfinished offer
 * of this very file to this friend; 0: a new one, kept from now on).
 */
struct ipc_send_id_ans {
	uint8_t		file_id[PARTIAL_FILE_ID_LEN];
	uint8_t		again;
};
#define IPC_SEND_ID_ANS_LEN	(PARTIAL_FILE_ID_LEN + 1)
void	ipc_pack_send_id_ans(struct wr *, const struct ipc_send_id_ans *);
int	ipc_unpack_send_id_ans(struct rd *, struct ipc_send_id_ans *);

/* SEND_DEL: struct ipc_partial_key (friend pk, the file id); OK. */

#endif
