/*
 * keyd's side of the friend list: it alone stores it (the FRIENDS
 * section of the profile), chatd keeps it in memory and runs it.
 *
 *   keyd_friends_init(chatd)		once, before the profile opens.
 *   keyd_friends_profile_loaded()	after every load (unlock, create,
 *	import): numbers the friends in profile order, as c-toxcore does,
 *	and sends the list to chatd.
 *   keyd_friends_chatd_up()		when chatd's channel opens (start,
 *	NEW_CHANNEL after a restart): the list again, same numbers.
 *   keyd_friends_from_chatd		FRIEND_ADD and FRIEND_DEL rows.
 *   keyd_friends_flush()		at shutdown: a save still waiting.
 *
 * chatd is hostile (rule 2): it may ask to add only under a free number
 * below FRIEND_NUM_MAX, never our own key or a key already stored, so the
 * list cannot grow past what the numbers allow.
 *
 * Saving: a change is written at once if the last friends' write was a
 * second ago or more (so the usual single add is on disk before keyd
 * answers OK, and a failed write undoes the change and answers ERROR);
 * a burst within that second is answered at once and written together
 * when the second is up, and at shutdown.  A crash of keyd itself can
 * lose at most that last second of a burst; a chatd that floods adds
 * cannot turn them into a flood of writes.
 */
#ifndef BULKHEAD_KEYD_FRIENDS_H
#define BULKHEAD_KEYD_FRIENDS_H

#include "ipc/chan.h"

#define FRIENDS_SAVE_MIN_MS	1000

void	keyd_friends_init(struct chan *chatd);
void	keyd_friends_profile_loaded(void);
void	keyd_friends_chatd_up(void);
void	keyd_friends_flush(void);
/* What friends are told about us (SELF_INFO), after the list and on
 * every change of name, status message or status. */
void	keyd_self_info_tell(void);
extern const struct chan_table	keyd_friends_from_chatd;
/* The key of chatd's friend number (the history's lookup); -1 if none. */
int	keyd_friends_pk(unsigned number, uint8_t pk[32]);

/* For tests: profile writes done by this file. */
extern unsigned long	keyd_friends_saves;

#endif
