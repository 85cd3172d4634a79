/* Conversations: send, me, typing and chatd's events; see cmd_chat.c. */
#ifndef BULKHEAD_FRONTEND_CMD_CHAT_H
#define BULKHEAD_FRONTEND_CMD_CHAT_H

struct chan_table;

/*
 * chatd's notices to the frontend: the events message, receipt and
 * friend_connection, friend_name, friend_status_message, friend_status,
 * friend_typing.
 */
extern const struct chan_table	cmd_chat_from_chatd;

#endif
