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
/*
 * Calls then(ctx, args) once args' "friend" is what friend_ref_arg takes.
 * In the interactive CLI a name or a key prefix (friend_match.h) is first
 * looked up in chatd's friend list and replaced by the friend's key; if
 * it names no friend, or several, the command fails saying which.  JSON
 * mode passes args on as they are: scripts give a number or a key.
 */
void	friend_find(struct cmd_ctx *, json_t *args,
	    void (*then)(struct cmd_ctx *, json_t *));

#endif
