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

#endif
