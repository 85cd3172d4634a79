/*
 * chatd's friends and friend requests, over its channels: the stored
 * list from keyd (FRIENDS_LOAD), incoming requests keyd opened
 * (FRIEND_REQUEST_IN: into the inbox, and an event to the frontend), and
 * the frontend's add, list, inbox, accept, decline and remove.  Every
 * change that must survive goes to keyd first (FRIEND_ADD, FRIEND_DEL)
 * and is answered to the frontend only once keyd said OK.  Outgoing
 * requests are asked of keyd (FRIEND_REQUEST_SEND) on the schedule of
 * chatd/friends.h, with one timer armed to the next one due; an error
 * ("not supported" before the onion exists) only means "try later".
 */
#ifndef BULKHEAD_CHATD_FRIEND_OPS_H
#define BULKHEAD_CHATD_FRIEND_OPS_H

#include "chatd/friends.h"
#include "chatd/inbox.h"
#include "ipc/chan.h"

/* The channels to keyd and the frontend (their structs outlive reopens). */
void	friend_ops_init(struct chan *keyd, struct chan *frontend);
extern const struct chan_table	friend_ops_from_keyd;
extern const struct chan_table	friend_ops_from_frontend;

/* For tests. */
struct friends	*friend_ops_friends(void);
struct inbox	*friend_ops_inbox(void);
/* Requests sent to keyd so far (FRIEND_REQUEST_SEND). */
extern unsigned long	friend_ops_requests_sent;

#endif
