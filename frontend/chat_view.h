/*
 * The interactive CLI's view of conversations: a friend's message as
 * "[3 Alice] hello" rather than the generic "* message: friend 3, ...".
 * JSON mode never comes here (ui.c prints events as they are).
 *
 * The view knows friends' names from what chatd said (the `friends` list,
 * name events), each remembered with the friend's key: a number chatd
 * gives to someone else later never shows the old friend's name.
 */
#ifndef BULKHEAD_FRONTEND_CHAT_VIEW_H
#define BULKHEAD_FRONTEND_CHAT_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "common/toxid.h"

/*
 * Prints the event (message, receipt, friend_connection, friend_name,
 * friend_status_message, friend_status, friend_typing) as conversation
 * lines and returns 1; 0 if it is none of these or lacks what the line
 * needs (the caller prints it the generic way).  Every string printed is
 * neutralised here again, whatever the object holds.
 */
int	chat_view_render(const char *event, json_t *obj);

/*
 * The head of a line about a friend: "3 Alice" (the name cut short), or
 * "3 1A2B3C4D" (the key's start) when no name is known; from the
 * object's "friend" and "public_key".  -1 if it has not both.
 */
int	chat_view_head(json_t *obj, char *out, size_t outsz);

/* A friend's name (len bytes, as the friend set it) for number and pk;
 * an empty name forgets it. */
void	chat_view_name(uint16_t number, const uint8_t pk[TOX_PK_LEN],
	    const char *name, size_t len);

#endif
