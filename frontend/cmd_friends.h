/* Friends and friend requests, as chatd keeps them: see cmd_friends.c. */
#ifndef BULKHEAD_FRONTEND_CMD_FRIENDS_H
#define BULKHEAD_FRONTEND_CMD_FRIENDS_H

struct chan_table;

/* chatd's notices to the frontend: the friend_request event. */
extern const struct chan_table	cmd_friends_from_chatd;

#endif
