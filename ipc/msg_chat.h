/*
 * Payloads of the messenger's messages: the user's words to friends and
 * theirs to the user (frontend <-> chatd), and the outbox chatd keeps in
 * keyd (chatd <-> keyd):
 *
 *	frontend -> chatd	CHAT_SEND	answered CHAT_SENT (message id)
 *	frontend -> chatd	CHAT_TYPING	answered OK or ERROR
 *	chatd -> frontend	CHAT_MESSAGE	a friend's message or action
 *	chatd -> frontend	CHAT_RECEIPT	a message of ours arrived
 *	chatd -> frontend	CHAT_FRIEND	connection, name, status, typing
 *	chatd -> keyd		OUTBOX_PUT	answered OUTBOX_STORED (its id)
 *	chatd -> keyd		OUTBOX_DEL	a receipt came: forget it
 *	keyd -> chatd		OUTBOX_LOAD	one stored message, at start
 *	keyd -> chatd		SELF_INFO	what friends are told about us
 *
 * A message is the user's, whole, up to CHAT_TEXT_MAX bytes: chatd splits
 * it into packets of at most MSG_TEXT_MAX on the wire, and its receipt
 * comes when the last part is acknowledged.
 */
#ifndef BULKHEAD_IPC_MSG_CHAT_H
#define BULKHEAD_IPC_MSG_CHAT_H

#include <stdint.h>

#include "common/rd.h"
#include "common/toxid.h"
#include "ipc/msg_friend.h"

#define CHAT_TEXT_MAX		16384	/* one `send`, before splitting */
#define MSG_TEXT_MAX		1372	/* one MESSAGE/ACTION on the wire */

/* CHAT_SEND: friend ref 35 (as FRIEND_REMOVE) || action 1 || text. */
struct ipc_chat_send {
	struct ipc_friend_remove ref;
	uint8_t			 action;
	uint16_t		 len;
	uint8_t			 text[CHAT_TEXT_MAX];
};
#define IPC_CHAT_SEND_MIN	(IPC_FRIEND_REMOVE_LEN + 1 + 1)
#define IPC_CHAT_SEND_MAX	(IPC_FRIEND_REMOVE_LEN + 1 + CHAT_TEXT_MAX)
void	ipc_pack_chat_send(struct wr *, const struct ipc_chat_send *);
int	ipc_unpack_chat_send(struct rd *, struct ipc_chat_send *);

/* CHAT_SENT and CHAT_RECEIPT: number 2 || pk 32 || message id 8. */
struct ipc_chat_id {
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
	uint64_t	message_id;
};
#define IPC_CHAT_ID_LEN		(2 + TOX_PK_LEN + 8)
void	ipc_pack_chat_id(struct wr *, const struct ipc_chat_id *);
int	ipc_unpack_chat_id(struct rd *, struct ipc_chat_id *);

/* CHAT_TYPING: friend ref 35 || typing 1 (0 or 1). */
struct ipc_chat_typing {
	struct ipc_friend_remove ref;
	uint8_t			 typing;
};
#define IPC_CHAT_TYPING_LEN	(IPC_FRIEND_REMOVE_LEN + 1)
void	ipc_pack_chat_typing(struct wr *, const struct ipc_chat_typing *);
int	ipc_unpack_chat_typing(struct rd *, struct ipc_chat_typing *);

/*
 * CHAT_MESSAGE: number 2 || pk 32 || message id 8 || action 1 || text
 * (1..MSG_TEXT_MAX, as the friend sent it: the frontend sanitizes).
 */
struct ipc_chat_message {
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
	uint64_t	message_id;
	uint8_t		action;
	uint16_t	len;
	uint8_t		text[MSG_TEXT_MAX];
};
#define IPC_CHAT_MESSAGE_MIN	(2 + TOX_PK_LEN + 8 + 1 + 1)
#define IPC_CHAT_MESSAGE_MAX	(2 + TOX_PK_LEN + 8 + 1 + MSG_TEXT_MAX)
void	ipc_pack_chat_message(struct wr *, const struct ipc_chat_message *);
int	ipc_unpack_chat_message(struct rd *, struct ipc_chat_message *);

/* What a CHAT_FRIEND event says changed. */
enum chat_friend_what {
	CHAT_FRIEND_CONNECTION = 0,	/* value: enum friend_conn, 1 byte */
	CHAT_FRIEND_NAME = 1,		/* value: 0..FRIEND_NAME_MAX */
	CHAT_FRIEND_STATUS_MSG = 2,	/* value: 0..FRIEND_STATUSMSG_MAX */
	CHAT_FRIEND_STATUS = 3,		/* value: 0 none, 1 away, 2 busy */
	CHAT_FRIEND_TYPING = 4,		/* value: 0 or 1 */
};

/* CHAT_FRIEND: number 2 || pk 32 || what 1 || value. */
struct ipc_chat_friend {
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		what;
	uint16_t	len;
	uint8_t		value[FRIEND_STATUSMSG_MAX];
};
#define IPC_CHAT_FRIEND_MIN	(2 + TOX_PK_LEN + 1)
#define IPC_CHAT_FRIEND_MAX	(IPC_CHAT_FRIEND_MIN + FRIEND_STATUSMSG_MAX)
void	ipc_pack_chat_friend(struct wr *, const struct ipc_chat_friend *);
int	ipc_unpack_chat_friend(struct rd *, struct ipc_chat_friend *);

/* OUTBOX_PUT: pk 32 || action 1 || text 1..CHAT_TEXT_MAX. */
struct ipc_outbox_put {
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		action;
	uint16_t	len;
	uint8_t		text[CHAT_TEXT_MAX];
};
#define IPC_OUTBOX_PUT_MIN	(TOX_PK_LEN + 1 + 1)
#define IPC_OUTBOX_PUT_MAX	(TOX_PK_LEN + 1 + CHAT_TEXT_MAX)
void	ipc_pack_outbox_put(struct wr *, const struct ipc_outbox_put *);
int	ipc_unpack_outbox_put(struct rd *, struct ipc_outbox_put *);

/* OUTBOX_STORED and OUTBOX_DEL: id 8. */
#define IPC_OUTBOX_ID_LEN	8
void	ipc_pack_outbox_id(struct wr *, uint64_t);
int	ipc_unpack_outbox_id(struct rd *, uint64_t *);

/* OUTBOX_LOAD: id 8 || OUTBOX_PUT's payload. */
struct ipc_outbox_load {
	uint64_t		id;
	struct ipc_outbox_put	m;
};
#define IPC_OUTBOX_LOAD_MIN	(8 + IPC_OUTBOX_PUT_MIN)
#define IPC_OUTBOX_LOAD_MAX	(8 + IPC_OUTBOX_PUT_MAX)
void	ipc_pack_outbox_load(struct wr *, const struct ipc_outbox_load *);
int	ipc_unpack_outbox_load(struct rd *, struct ipc_outbox_load *);

/*
 * SELF_INFO: userstatus 1 || name length 1 || name || status message.
 * What chatd tells every friend that comes online.
 */
struct ipc_self_info {
	uint8_t		userstatus;
	uint8_t		name_len;
	uint8_t		name[FRIEND_NAME_MAX];
	uint16_t	status_msg_len;
	uint8_t		status_msg[FRIEND_STATUSMSG_MAX];
};
#define IPC_SELF_INFO_MIN	2
#define IPC_SELF_INFO_MAX	(2 + FRIEND_NAME_MAX + FRIEND_STATUSMSG_MAX)
void	ipc_pack_self_info(struct wr *, const struct ipc_self_info *);
int	ipc_unpack_self_info(struct rd *, struct ipc_self_info *);

#endif
