/* Friends and friend requests, as chatd keeps them: see cmd_friends.c. */
#ifndef BULKHEAD_FRONTEND_CMD_FRIENDS_H
#define BULKHEAD_FRONTEND_CMD_FRIENDS_H

#include <jansson.h>

#include "frontend/ui.h"
#include "ipc/msg_friend.h"

/* chatd's notices to the frontend: the friend_request event. */
extern const struct chan_table	cmd_friends_from_chatd;

/*
 * The request's "friend": a number (0 to FRIEND_NUM_MAX - 1; the CLI gives
 * words, so "3" is a number too) or a 64-digit public key, as chatd takes
 * it (FRIEND_REMOVE's reference).  -1 with an error reply if it is neither.
 */
int	friend_ref_arg(struct cmd_ctx *, json_t *args,
	    struct ipc_friend_remove *);

#endif
