/*
 * Payloads of the friend-request messages between chatd and keyd, in the
 * style of msg_net.h.  chatd keeps friends and the inbox (it parses a
 * friend's text, rule 4); keyd holds the long-term key, so it opens an
 * incoming request (and checks the nospam) and seals an outgoing one,
 * building the plaintext itself from these typed fields (rule 1).
 */
#ifndef BULKHEAD_IPC_MSG_FRIEND_H
#define BULKHEAD_IPC_MSG_FRIEND_H

#include <stdint.h>

#include "common/rd.h"
#include "common/toxid.h"

/*
 * Request text bounds (map §5.3, §8): c-toxcore accepts up to 1016 bytes,
 * but drops an onion-delivered request whose text is over 943 bytes, so
 * that is all we send; at least one byte either way.
 */
#define FRIEND_REQ_MSG_MAX	1016
#define FRIEND_REQ_SEND_MAX	943

/* FRIEND_REQUEST_IN (keyd -> chatd): pk 32 || message 1..1016. */
struct ipc_friend_request_in {
	uint8_t		pk[TOX_PK_LEN];
	uint16_t	len;
	uint8_t		msg[FRIEND_REQ_MSG_MAX];
};
#define IPC_FRIEND_REQUEST_IN_MIN	(TOX_PK_LEN + 1)
#define IPC_FRIEND_REQUEST_IN_MAX	(TOX_PK_LEN + FRIEND_REQ_MSG_MAX)
void	ipc_pack_friend_request_in(struct wr *,
	    const struct ipc_friend_request_in *);
int	ipc_unpack_friend_request_in(struct rd *,
	    struct ipc_friend_request_in *);

/*
 * FRIEND_REQUEST_SEND (chatd -> keyd, answered OK or ERROR): send a
 * request to pk, with the nospam of its Tox ID verbatim, and 1..943 bytes
 * of text.  keyd seals 0x20 || nospam || message for pk and hands it to
 * netd to deliver; chatd asks again on c-toxcore's schedule until the
 * friend connects.
 */
struct ipc_friend_request_send {
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		nospam[TOX_NOSPAM_LEN];
	uint16_t	len;
	uint8_t		msg[FRIEND_REQ_SEND_MAX];
};
#define IPC_FRIEND_REQUEST_SEND_MIN	(TOX_PK_LEN + TOX_NOSPAM_LEN + 1)
#define IPC_FRIEND_REQUEST_SEND_MAX	(TOX_PK_LEN + TOX_NOSPAM_LEN + \
					 FRIEND_REQ_SEND_MAX)
void	ipc_pack_friend_request_send(struct wr *,
	    const struct ipc_friend_request_send *);
int	ipc_unpack_friend_request_send(struct rd *,
	    struct ipc_friend_request_send *);

/*
 * Friends' state between keyd (which stores it), chatd (which keeps it in
 * memory and runs it) and the frontend (which shows it).  Numbers are
 * chatd's table slots, below FRIEND_NUM_MAX; keyd keeps which number is
 * whose for the life of its process, so a restarted chatd gets the same
 * numbers back.
 */
#define FRIEND_NUM_MAX		256
#define FRIEND_NAME_MAX		128	/* c-toxcore MAX_NAME_LENGTH */
#define FRIEND_STATUSMSG_MAX	1007	/* MAX_STATUSMESSAGE_LENGTH */
#define FRIEND_REQ_STORE_MAX	1024	/* the savedata's request slot */
#define FRIEND_NUM_NONE		0xffff	/* a page's "next": no more */

/* One friend as keyd stores it (FRIENDS_LOAD). */
struct ipc_friend_rec {
	uint16_t	number;
	uint8_t		status;		/* 1 added, 2 request sent, 3 confirmed */
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		nospam[TOX_NOSPAM_LEN];
	uint8_t		userstatus;
	uint16_t	name_len;
	uint8_t		name[FRIEND_NAME_MAX];
	uint16_t	status_msg_len;
	uint8_t		status_msg[FRIEND_STATUSMSG_MAX];
	uint16_t	request_len;
	uint8_t		request[FRIEND_REQ_STORE_MAX];
};
#define IPC_FRIEND_REC_MIN	(2 + 1 + TOX_PK_LEN + TOX_NOSPAM_LEN + 1 + \
				 2 + 2 + 2)
#define IPC_FRIEND_REC_MAX	(IPC_FRIEND_REC_MIN + FRIEND_NAME_MAX + \
				 FRIEND_STATUSMSG_MAX + FRIEND_REQ_STORE_MAX)

/*
 * FRIENDS_LOAD (keyd -> chatd, a notice): the friend list in batches of
 * at most FRIENDS_LOAD_BATCH, so one message stays well under the
 * payload limit; the first batch says to forget the table, the last that
 * the list is complete.  Each carries our own public key (chatd refuses
 * to add it as a friend).  flags u8 || self pk 32 || count u8 || records.
 */
#define FRIENDS_LOAD_BATCH	16
#define FRIENDS_LOAD_FIRST	0x01
#define FRIENDS_LOAD_LAST	0x02
struct ipc_friends_load {
	uint8_t			flags;
	uint8_t			self_pk[TOX_PK_LEN];
	uint8_t			count;
	struct ipc_friend_rec	recs[FRIENDS_LOAD_BATCH];
};
#define IPC_FRIENDS_LOAD_MIN	(1 + TOX_PK_LEN + 1)
#define IPC_FRIENDS_LOAD_MAX	(IPC_FRIENDS_LOAD_MIN + \
				 FRIENDS_LOAD_BATCH * IPC_FRIEND_REC_MAX)
void	ipc_pack_friends_load(struct wr *, const struct ipc_friends_load *);
int	ipc_unpack_friends_load(struct rd *, struct ipc_friends_load *);

/*
 * FRIEND_ADD (chatd -> keyd, OK or ERROR): store a friend under number:
 * number u16 || pk 32 || nospam 4 || status u8 || request (u16 length ||
 * 0..943 bytes).  keyd refuses our own key, a key or number in use, and
 * saves the profile.
 */
struct ipc_friend_add {
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		nospam[TOX_NOSPAM_LEN];
	uint8_t		status;
	uint16_t	request_len;
	uint8_t		request[FRIEND_REQ_SEND_MAX];
};
#define IPC_FRIEND_ADD_MIN	(2 + TOX_PK_LEN + TOX_NOSPAM_LEN + 1 + 2)
#define IPC_FRIEND_ADD_MAX	(IPC_FRIEND_ADD_MIN + FRIEND_REQ_SEND_MAX)
void	ipc_pack_friend_add(struct wr *, const struct ipc_friend_add *);
int	ipc_unpack_friend_add(struct rd *, struct ipc_friend_add *);

/*
 * A public key alone: FRIEND_DEL (chatd -> keyd, OK or ERROR), and the
 * frontend's FRIEND_ACCEPT (answered FRIEND_ANS) and FRIEND_DECLINE (OK
 * or ERROR) to chatd.
 */
#define IPC_FRIEND_PK_LEN	TOX_PK_LEN
void	ipc_pack_friend_pk(struct wr *, const uint8_t pk[TOX_PK_LEN]);
int	ipc_unpack_friend_pk(struct rd *, uint8_t pk[TOX_PK_LEN]);

/* FRIEND_ADD_REQ (frontend -> chatd): address 38 || message 1..943. */
struct ipc_friend_add_req {
	uint8_t		address[TOX_ADDRESS_LEN];
	uint16_t	len;
	uint8_t		msg[FRIEND_REQ_SEND_MAX];
};
#define IPC_FRIEND_ADD_REQ_MIN	(TOX_ADDRESS_LEN + 1)
#define IPC_FRIEND_ADD_REQ_MAX	(TOX_ADDRESS_LEN + FRIEND_REQ_SEND_MAX)
void	ipc_pack_friend_add_req(struct wr *, const struct ipc_friend_add_req *);
int	ipc_unpack_friend_add_req(struct rd *, struct ipc_friend_add_req *);

/* FRIEND_ANS (chatd -> frontend): number u16 || pk 32. */
struct ipc_friend_ans {
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
};
#define IPC_FRIEND_ANS_LEN	(2 + TOX_PK_LEN)
void	ipc_pack_friend_ans(struct wr *, const struct ipc_friend_ans *);
int	ipc_unpack_friend_ans(struct rd *, struct ipc_friend_ans *);

/* FRIEND_LIST_REQ and FRIEND_INBOX_REQ (frontend -> chatd): the first
 * number or inbox index of the page wanted, u16. */
#define IPC_FRIEND_PAGE_REQ_LEN	2
void	ipc_pack_friend_page_req(struct wr *, uint16_t start);
int	ipc_unpack_friend_page_req(struct rd *, uint16_t *start);

/*
 * FRIEND_LIST_ANS (chatd -> frontend): a page of the friend list.
 * next u16 (FRIEND_NUM_NONE: the last page) || count u8 || per friend:
 * number u16 || pk 32 || status u8 || connection u8 || userstatus u8 ||
 * outbox u16 || name (u16 length || bytes) || status message (u16
 * length || bytes) || link: up u8 (0 or 1) || rtt_ms u32 || bulk_rate
 * u32 || sent u64 || resent u64 || received u64 || congestion u32, all
 * 0 when up is 0.
 */
#define FRIEND_LIST_PAGE	32
enum friend_conn {
	FRIEND_CONN_NONE = 0,
	FRIEND_CONN_TCP,
	FRIEND_CONN_UDP,
	FRIEND_CONN_MAX
};
/* The friend's transport (chatd/nc_transport.h) while it runs: what a
 * user asks when a transfer crawls. */
struct ipc_friend_link {
	uint8_t		up;
	uint32_t	rtt_ms;		/* smoothed, through both sessions */
	uint32_t	bulk_rate;	/* file data may leave at, packets/s */
	uint64_t	sent;		/* lossless packets, first sends */
	uint64_t	resent;		/* ... sent again, asked for */
	uint64_t	received;	/* packets delivered to us */
	uint32_t	congestion;	/* events: a loss rate or a queue */
};
#define IPC_FRIEND_LINK_LEN	(1 + 4 + 4 + 8 + 8 + 8 + 4)

struct ipc_friend_entry {
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		status;
	uint8_t		connection;	/* enum friend_conn */
	uint8_t		userstatus;
	uint16_t	outbox;		/* messages waiting for it */
	uint16_t	name_len;
	uint8_t		name[FRIEND_NAME_MAX];
	uint16_t	status_msg_len;
	uint8_t		status_msg[FRIEND_STATUSMSG_MAX];
	struct ipc_friend_link link;
};
struct ipc_friend_list {
	uint16_t		next;
	uint8_t			count;
	struct ipc_friend_entry	e[FRIEND_LIST_PAGE];
};
#define IPC_FRIEND_ENTRY_MIN	(2 + TOX_PK_LEN + 3 + 2 + 2 + 2 + \
				 IPC_FRIEND_LINK_LEN)
#define IPC_FRIEND_ENTRY_MAX	(IPC_FRIEND_ENTRY_MIN + FRIEND_NAME_MAX + \
				 FRIEND_STATUSMSG_MAX)
#define IPC_FRIEND_LIST_MIN	3
#define IPC_FRIEND_LIST_MAX	(3 + FRIEND_LIST_PAGE * IPC_FRIEND_ENTRY_MAX)
void	ipc_pack_friend_list(struct wr *, const struct ipc_friend_list *);
int	ipc_unpack_friend_list(struct rd *, struct ipc_friend_list *);

/*
 * FRIEND_INBOX_ANS (chatd -> frontend): a page of incoming requests,
 * oldest first.  next u16 || count u8 || per request: pk 32 || text (u16
 * length || 1..1016 bytes).
 */
#define FRIEND_INBOX_PAGE	32
struct ipc_friend_inbox {
	uint16_t			next;
	uint8_t				count;
	struct ipc_friend_request_in	e[FRIEND_INBOX_PAGE];
};
#define IPC_FRIEND_INBOX_MIN	3
#define IPC_FRIEND_INBOX_MAX	(3 + FRIEND_INBOX_PAGE * \
				 (TOX_PK_LEN + 2 + FRIEND_REQ_MSG_MAX))
void	ipc_pack_friend_inbox(struct wr *, const struct ipc_friend_inbox *);
int	ipc_unpack_friend_inbox(struct rd *, struct ipc_friend_inbox *);

/*
 * FRIEND_REMOVE (frontend -> chatd, OK or ERROR): by_pk u8 || number u16
 * || pk 32; by number unless by_pk is 1.
 */
struct ipc_friend_remove {
	uint8_t		by_pk;
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
};
#define IPC_FRIEND_REMOVE_LEN	(1 + 2 + TOX_PK_LEN)
void	ipc_pack_friend_remove(struct wr *, const struct ipc_friend_remove *);
int	ipc_unpack_friend_remove(struct rd *, struct ipc_friend_remove *);

/* FRIEND_REQUEST_EVENT (chatd -> frontend) has FRIEND_REQUEST_IN's
 * payload and packers. */

#endif
