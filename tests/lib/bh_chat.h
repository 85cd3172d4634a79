/*
 * The messenger as a script sees it in a bulkhead session's JSON lines
 * (issue 10): `send`, the message and receipt events, and `friends`
 * entries, for the interop tests that drive sessions against libtoxcore
 * or each other.  Nothing here waits except for a command's reply.
 */
#ifndef BULKHEAD_TEST_BH_CHAT_H
#define BULKHEAD_TEST_BH_CHAT_H

#include <jansson.h>
#include <stddef.h>

#include "tests/lib/bh.h"

/*
 * `send` {"friend": friend, "text": text, "action": action}, friend a
 * number or a key in hex (taken).  The reply's message_id, or -1 with
 * the reply (or its absence) printed.
 */
long long	 bh_send(struct bh *, json_t *friend, int action,
		    const char *text, int timeout_ms);

/* A condition for toxpeer_run: at least n (0 meaning 1) kept events
 * match want, as bh_find. */
struct bh_want {
	struct bh	*b;
	json_t		*want;
	size_t		 n;
};
int		 bh_has(void *);

/*
 * The "message" events from pk, in the order they came, skipping the
 * first skip: how many there are, and (when out is not NULL) their texts
 * concatenated into out, NUL-terminated, *len bytes.  -1 if they do not
 * fit in size or one has no text.
 */
long		 bh_messages_from(struct bh *, const char *pk, size_t skip,
		    char *out, size_t size, size_t *len);

/*
 * The `friends` entry with public_key pk, or NULL: a new reference the
 * caller decrefs.  NULL too if `friends` did not answer ok.
 */
json_t		*bh_friend_entry(struct bh *, const char *pk, int timeout_ms);

#endif
