/*
 * Payloads of the avatar messages (issue 12, map §8: an avatar is a file
 * of kind 1 whose file id is the SHA-256 of its bytes; size 0 means
 * none).  keyd alone stores them, beside the profile (keyd/avatars.h);
 * chatd sends ours through a read-only descriptor keyd hands it, and
 * hands keyd a friend's bytes in messages, into a buffer of AVATAR_MAX
 * that keyd holds: no file of chatd's making, so a chatd gone wrong
 * cannot write more than that beside the profile:
 *
 *	frontend -> keyd	AVATAR_SET	set ours (the fd) or remove it
 *	keyd -> frontend	AVATAR_SET_ANS	its answer: size, hash, path
 *	keyd -> chatd		AVATAR_SELF	ours changed (at chatd's start
 *						too): size, hash; the fd
 *	keyd -> chatd, frontend	AVATAR_FRIEND	a friend's: hash or none
 *						(and the path, to the frontend)
 *	chatd -> keyd		AVATAR_FRIEND_DEL	the friend sent size 0
 *	chatd -> keyd		AVATAR_FRIEND_OPEN	a friend's avatar comes:
 *						keyd makes room, answers
 *						AVATAR_FRIEND_READY
 *	chatd -> keyd		AVATAR_FRIEND_DATA	its bytes at an offset
 *	chatd -> keyd		AVATAR_FRIEND_DONE	all bytes came: the
 *						file id the friend gave
 *
 * Avatars are pictures the friend shows everyone: not secrets.  Paths
 * are the profile's, never a friend's words.
 */
#ifndef BULKHEAD_IPC_MSG_AVATAR_H
#define BULKHEAD_IPC_MSG_AVATAR_H

#include <stdint.h>

#include "common/rd.h"
#include "common/toxid.h"

#define AVATAR_MAX		65536	/* bytes, as c-toxcore clients */
#define AVATAR_HASH_LEN		32	/* SHA-256, the file id */
#define AVATAR_PATH_MAX		4095

/* AVATAR_SET: remove u8 (0: set from the fd that comes with it; 1:
 * remove ours, no fd). */
#define IPC_AVATAR_SET_LEN	1

/*
 * AVATAR_SELF, AVATAR_SET_ANS: size u64 (0: none) || sha256 32 (zeros when none) ||
 * path (the rest, 0..AVATAR_PATH_MAX bytes, no NUL; empty to chatd and
 * when none).  To chatd with a read-only fd of the stored file when the
 * size is not 0.
 */
struct ipc_avatar_self {
	uint64_t	size;
	uint8_t		sha256[AVATAR_HASH_LEN];
	uint16_t	len;
	char		path[AVATAR_PATH_MAX + 1];	/* NUL-ended */
};
#define IPC_AVATAR_SELF_MIN	(8 + AVATAR_HASH_LEN)
#define IPC_AVATAR_SELF_MAX	(IPC_AVATAR_SELF_MIN + AVATAR_PATH_MAX)
void	ipc_pack_avatar_self(struct wr *, const struct ipc_avatar_self *);
int	ipc_unpack_avatar_self(struct rd *, struct ipc_avatar_self *);

/*
 * AVATAR_FRIEND: flags u8 (AVATAR_F_*) || number u16 || pk 32 ||
 * sha256 32 (zeros without AVATAR_F_HAS) || path (the rest, as
 * AVATAR_SELF's; empty to chatd and without AVATAR_F_HAS).
 */
#define AVATAR_F_HAS	0x01	/* the friend has one: this hash */
#define AVATAR_F_NEWS	0x02	/* it changed now (an event), not a recap */
struct ipc_avatar_friend {
	uint8_t		flags;
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		sha256[AVATAR_HASH_LEN];
	uint16_t	len;
	char		path[AVATAR_PATH_MAX + 1];	/* NUL-ended */
};
#define IPC_AVATAR_FRIEND_MIN	(1 + 2 + TOX_PK_LEN + AVATAR_HASH_LEN)
#define IPC_AVATAR_FRIEND_MAX	(IPC_AVATAR_FRIEND_MIN + AVATAR_PATH_MAX)
void	ipc_pack_avatar_friend(struct wr *, const struct ipc_avatar_friend *);
int	ipc_unpack_avatar_friend(struct rd *, struct ipc_avatar_friend *);

/* AVATAR_FRIEND_DEL, AVATAR_FRIEND_OPEN, AVATAR_FRIEND_READY: pk 32. */
#define IPC_AVATAR_PK_LEN	TOX_PK_LEN
void	ipc_pack_avatar_pk(struct wr *, const uint8_t pk[TOX_PK_LEN]);
int	ipc_unpack_avatar_pk(struct rd *, uint8_t pk[TOX_PK_LEN]);

/*
 * AVATAR_FRIEND_DATA: pk 32 || offset u32 || bytes (the rest,
 * 1..AVATAR_DATA_MAX), all of them below AVATAR_MAX.
 */
#define AVATAR_DATA_MAX		16384
struct ipc_avatar_data {
	uint8_t		pk[TOX_PK_LEN];
	uint32_t	off;
	uint16_t	len;
	uint8_t		data[AVATAR_DATA_MAX];
};
#define IPC_AVATAR_DATA_MIN	(TOX_PK_LEN + 4 + 1)
#define IPC_AVATAR_DATA_MAX	(TOX_PK_LEN + 4 + AVATAR_DATA_MAX)
void	ipc_pack_avatar_data(struct wr *, const struct ipc_avatar_data *);
int	ipc_unpack_avatar_data(struct rd *, struct ipc_avatar_data *);

/* AVATAR_FRIEND_DONE: pk 32 || size u64 (1..AVATAR_MAX) || file id 32
 * (what the friend says is the SHA-256; keyd checks). */
struct ipc_avatar_done {
	uint8_t		pk[TOX_PK_LEN];
	uint64_t	size;
	uint8_t		sha256[AVATAR_HASH_LEN];
};
#define IPC_AVATAR_DONE_LEN	(TOX_PK_LEN + 8 + AVATAR_HASH_LEN)
void	ipc_pack_avatar_done(struct wr *, const struct ipc_avatar_done *);
int	ipc_unpack_avatar_done(struct rd *, struct ipc_avatar_done *);

#endif
