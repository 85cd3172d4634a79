/*
 * Payloads of the opt-in message history (keyd/history.h keeps it):
 *
 *	keyd -> chatd		HISTORY_ON	history is on (1) or off (0)
 *	chatd -> keyd		HISTORY_PUT	one message in or out, to keep
 *	frontend -> keyd	HISTORY_REQ	answered HISTORY_ANS (a page)
 *
 * chatd sends HISTORY_PUT only after keyd said HISTORY_ON 1, so with
 * history off no message text ever reaches keyd but the outbox's.  keyd
 * stamps the time itself and keeps the text as bytes: it never reads it
 * as a message (rule 4); the frontend sanitizes what a page holds before
 * it shows it.
 */
#ifndef BULKHEAD_IPC_MSG_HISTORY_H
#define BULKHEAD_IPC_MSG_HISTORY_H

#include <stdint.h>

#include "common/rd.h"
#include "common/toxid.h"
#include "ipc/msg_chat.h"
#include "ipc/msg_friend.h"

#define HISTORY_IN		0	/* the friend's, to us */
#define HISTORY_OUT		1	/* ours, to the friend */
#define HISTORY_MSG_MAX		CHAT_TEXT_MAX	/* one message's text */
/* A page: at most this many entries and this much text, so that any
 * single message fits and the payload stays under IPC_MAX_PAYLOAD. */
#define HISTORY_PAGE		64
#define HISTORY_PAGE_TEXT	(3 * HISTORY_MSG_MAX)
/* How many one HISTORY_REQ may ask for in all (pages follow). */
#define HISTORY_REQ_COUNT_MAX	10000

/* HISTORY_ON: on 1 (0 or 1). */
#define IPC_HISTORY_ON_LEN	1
void	ipc_pack_history_on(struct wr *, uint8_t on);
int	ipc_unpack_history_on(struct rd *, uint8_t *on);

/*
 * HISTORY_PUT: pk 32 || direction 1 || action 1 || message id 8 ||
 * text 1..HISTORY_MSG_MAX.
 */
struct ipc_history_put {
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		dir;		/* HISTORY_IN or HISTORY_OUT */
	uint8_t		action;
	uint64_t	message_id;
	uint16_t	len;
	uint8_t		text[HISTORY_MSG_MAX];
};
#define IPC_HISTORY_PUT_MIN	(TOX_PK_LEN + 1 + 1 + 8 + 1)
#define IPC_HISTORY_PUT_MAX	(TOX_PK_LEN + 1 + 1 + 8 + HISTORY_MSG_MAX)
void	ipc_pack_history_put(struct wr *, const struct ipc_history_put *);
int	ipc_unpack_history_put(struct rd *, struct ipc_history_put *);

/*
 * HISTORY_REQ: friend ref 35 (as FRIEND_REMOVE: a number keyd resolves
 * as chatd numbers friends, or a key) || count 2 (1..
 * HISTORY_REQ_COUNT_MAX: how many are still wanted) || before 8 (0: from
 * the newest; else the cursor the previous page gave: older entries).
 */
struct ipc_history_req {
	struct ipc_friend_remove ref;
	uint16_t		 count;
	uint64_t		 before;
};
#define IPC_HISTORY_REQ_LEN	(IPC_FRIEND_REMOVE_LEN + 2 + 8)
void	ipc_pack_history_req(struct wr *, const struct ipc_history_req *);
int	ipc_unpack_history_req(struct rd *, struct ipc_history_req *);

/*
 * HISTORY_ANS: next 8 (0: no more; else the "before" of the next page) ||
 * n 1 (0..HISTORY_PAGE) || n x { time 8 || direction 1 || action 1 ||
 * message id 8 || len 2 (1..HISTORY_MSG_MAX) || text }, newest first,
 * all texts together at most HISTORY_PAGE_TEXT bytes.
 */
struct ipc_history_item {
	uint64_t	time;		/* unix seconds, keyd's clock */
	uint8_t		dir;
	uint8_t		action;
	uint64_t	message_id;
	uint32_t	off;		/* of its text in ipc_history_ans.text */
	uint16_t	len;
};
struct ipc_history_ans {
	uint64_t		next;
	uint8_t			n;
	struct ipc_history_item	e[HISTORY_PAGE];
	uint32_t		text_len;
	uint8_t			text[HISTORY_PAGE_TEXT];
};
#define IPC_HISTORY_ITEM_HDR	(8 + 1 + 1 + 8 + 2)
#define IPC_HISTORY_ANS_MIN	(8 + 1)
#define IPC_HISTORY_ANS_MAX	(IPC_HISTORY_ANS_MIN + \
	HISTORY_PAGE * IPC_HISTORY_ITEM_HDR + HISTORY_PAGE_TEXT)
/*
 * Appends an item to a page being built (ans->n, text_len grow); -1 if
 * the page has no room for it (full, or its text would not fit), or the
 * item is invalid.
 */
int	ipc_history_ans_add(struct ipc_history_ans *,
	    const struct ipc_history_item *, const uint8_t *text);
void	ipc_pack_history_ans(struct wr *, const struct ipc_history_ans *);
int	ipc_unpack_history_ans(struct rd *, struct ipc_history_ans *);

#endif
