/*
 * chatd's avatars (issue 12; map §8): files of kind 1 whose file id is
 * the SHA-256 of the image, size 0 meaning "none".  They travel in the
 * friend's file engine (chatd/ftx.h) beside the user's files, in slots
 * this module owns: no FILE_EVENT reaches the frontend for them and the
 * user's FILE_CTL cannot touch them.
 *
 * Ours: keyd's AVATAR_SELF brings size, hash and a read-only descriptor
 * of the stored file (at chatd's start, and at each change).  It is
 * offered to each friend when the friend comes online and, when it
 * changes, to every online friend at once (an offer still running is
 * killed first; one all sent is left to end, as a kill c-toxcore has no
 * transfer for comes back as a kill of whatever took that number next).
 * With none, the offer has size 0 (no name, a file id
 * of zeros): what qTox and toxic send, both at the removal and to a
 * friend coming online, so a friend that was offline at the removal
 * drops the picture it kept.  A friend online before keyd's first
 * AVATAR_SELF is offered when it comes.  All transfers read the one
 * descriptor with pread(): no shared offset, and it is closed only after
 * every transfer reading it was killed.
 *
 * Theirs: an offer of kind 1 is declined (killed) when its size is 0
 * (keyd is told the friend has none: AVATAR_FRIEND_DEL), over
 * AVATAR_MAX or unknown, or when its file id is the hash keyd said it
 * holds for that friend (AVATAR_FRIEND, at start and after each
 * change).  Otherwise keyd is asked for a fresh file (AVATAR_FRIEND_OPEN),
 * the offer is accepted into it when it comes, and the end goes to keyd
 * (AVATAR_FRIEND_DONE with the file id), which checks the bytes.  One
 * avatar per friend at a time: a newer offer replaces one under way.
 */
#ifndef BULKHEAD_CHATD_AVATAR_H
#define BULKHEAD_CHATD_AVATAR_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "chatd/ftx.h"
#include "ipc/chan.h"

void	avatar_init(struct chan *keyd);
extern const struct chan_table	avatar_from_keyd;

/* The friend's engine was made: offer ours (size 0 if none). */
void	avatar_up(unsigned friend);
/*
 * The friend number was freed (removed, or the list loaded anew): what
 * keyd said it holds for it, and any transfer state, are forgotten, so
 * the next friend at that number starts with nothing (its first avatar
 * is not declined as "the one we hold").
 */
void	avatar_forget(unsigned friend);
/* 1 if the slot is an avatar transfer of ours. */
int	avatar_owns(unsigned friend, int out, unsigned slot);
/* A friend's offer of kind FILE_KIND_AVATAR (from the event hook). */
void	avatar_offer(unsigned friend, unsigned slot, const struct file_req *);
/* The files_io hooks, for the slots avatar_owns(). */
ssize_t	avatar_read(unsigned friend, unsigned slot, uint64_t off,
	    uint8_t *buf, size_t max);
int	avatar_write(unsigned friend, unsigned slot, uint64_t off,
	    const uint8_t *p, size_t len);
void	avatar_event(unsigned friend, const struct ftx_event *);

/* The hash keyd holds for a friend: 1 and sha256 if it has one. */
int	avatar_friend_hash(unsigned friend, uint8_t sha256[32]);

#endif
