/*
 * keyd's side of avatars (keyd/avatars.h is the store):
 *
 *	AVATAR_SET (frontend)	set ours from the descriptor, or remove it;
 *				answered AVATAR_SET_ANS (size, hash, path)
 *				or ERROR saying why (not a PNG, too large);
 *				then AVATAR_SELF tells chatd.
 *	AVATAR_FRIEND_DEL	the friend announced none: its file goes.
 *	AVATAR_FRIEND_OPEN	room for a friend's avatar (AVATAR_MAX
 *				bytes in memory), answered
 *				AVATAR_FRIEND_READY.
 *	AVATAR_FRIEND_DATA	bytes of it at an offset, into that room.
 *	AVATAR_FRIEND_DONE	it is complete: checked and stored
 *				(avatars_friend_commit), the room freed.
 *
 * After each change of a friend's avatar, AVATAR_FRIEND (with
 * AVATAR_F_NEWS) goes to chatd, which declines that hash from then on,
 * and to the frontend, which shows the event.  When the profile is
 * loaded and when chatd (re)starts, a recap: AVATAR_SELF with the
 * stored file, and AVATAR_FRIEND for every friend that has one.  A
 * removed friend's avatar is deleted with the friendship, and one found
 * at keyd's start for a key that is not a friend (avatar_ops_scan) when
 * the profile is loaded.
 *
 * chatd is hostile (rule 2): it may ask room or delete only for a key
 * that is a stored friend, what it handed is checked before it is kept,
 * and it never holds a file beside the profile: it cannot write more
 * than AVATAR_MAX per friend there, nor anything once keyd checked.  A friend's key that is not in the list is refused.
 */
#ifndef BULKHEAD_KEYD_AVATAR_OPS_H
#define BULKHEAD_KEYD_AVATAR_OPS_H

#include "ipc/chan.h"

/* The channels, and the profile's path (its directory names the files
 * in what the frontend is told). */
void	avatar_ops_init(struct chan *chatd, struct chan *frontend,
	    const char *profile);
/*
 * Before the sandbox (keyd may not list a directory after it): notes
 * which keys have an avatar or part beside the profile.  When the
 * profile is loaded (now, or with its passphrase later), those of a key
 * that is not a friend are deleted: removed while keyd was not running.
 */
void	avatar_ops_scan(void);
void	avatar_ops_profile_loaded(void);
void	avatar_ops_chatd_up(void);
/* The friend was removed (keyd/friends.c, once the list without it is
 * saved): its avatar and any part go from beside the profile. */
void	avatar_ops_friend_gone(const uint8_t pk[32]);
extern const struct chan_table	avatar_ops_from_frontend;
extern const struct chan_table	avatar_ops_from_chatd;

#endif
