/*
 * Incoming friend requests waiting for the user: at most INBOX_MAX, one
 * per public key.  A second request from the same key replaces the text
 * of the first and makes it the newest; when the inbox is full the
 * oldest is dropped, so a flood of strangers evicts, never grows.
 */
#ifndef BULKHEAD_CHATD_INBOX_H
#define BULKHEAD_CHATD_INBOX_H

#include <stddef.h>
#include <stdint.h>

#include "common/toxid.h"
#include "ipc/msg_friend.h"

#define INBOX_MAX	64

struct inbox {
	struct ipc_friend_request_in	r[INBOX_MAX];	/* oldest first */
	size_t				n;
};

enum inbox_put {
	INBOX_NEW = 0,		/* added */
	INBOX_SAME,		/* already there with this text: nothing new */
	INBOX_REPLACED,		/* the key's earlier request replaced */
	INBOX_EVICTED,		/* added, the oldest dropped for it */
};

void	inbox_init(struct inbox *);
/* msg is 1..FRIEND_REQ_MSG_MAX bytes; -1 if not. */
int	inbox_put(struct inbox *, const uint8_t *pk, const uint8_t *msg,
	    size_t len);
/* The index of pk's request, or -1. */
int	inbox_find(const struct inbox *, const uint8_t *pk);
/* 0, or -1 if there is no request from pk. */
int	inbox_del(struct inbox *, const uint8_t *pk);

#endif
