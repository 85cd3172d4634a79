/*
 * The profile's directory, made safe before any role starts (audit L3):
 *  - it is created (0700, with missing parents) if need be, and removed
 *    again after a session that made no profile in it;
 *  - like OpenSSH's StrictModes, it must be the user's own and writable by
 *    nobody else, and so must each parent up to $HOME (or /), except that
 *    root's parents may be shared if sticky (/tmp): otherwise another user
 *    could swap the profile or block its saves;
 *  - one session per profile: a POSIX write lock on ".NAME.lock" beside
 *    it, held for the whole session (one-shot commands too); a second
 *    session is told which process holds it.
 */
#ifndef BULKHEAD_SUP_PROFILE_DIR_H
#define BULKHEAD_SUP_PROFILE_DIR_H

#include "supervisor/options.h"

struct profile_dir {
	char	dir[OPT_MAX_PATH];
	char	created[OPT_MAX_PATH];	/* topmost made now, or "" */
	char	lock[OPT_MAX_PATH + 16];
	int	lock_fd;
};

/* Returns 0, or prints why not and returns an exit code (1 or 2). */
int	profile_dir_prepare(struct profile_dir *, const char *profile);
/* After the session: drops the lock; removes what was made for nothing. */
void	profile_dir_finish(struct profile_dir *, const char *profile);
/* The checks alone, on an existing dir (for tests): 0 or -1 with why. */
int	profile_dir_check(const char *dir, uid_t uid, const char *home,
	    char *why, size_t whysz);

#endif
