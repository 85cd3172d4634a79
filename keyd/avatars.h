/*
 * Avatars beside the profile (issue 12; map §8: a PNG, kind 1, its file
 * id the SHA-256 of its bytes).  keyd alone writes the profile
 * directory, so it keeps ours and the friends':
 *
 *	<profile name>.avatar.png		ours
 *	<profile name>.avatar.<PK HEX>.png	a friend's (64 upper-case
 *						hex digits of its key)
 *	.<profile name>.avatar.<PK HEX>.part	one being received: made
 *						empty for chatd to write
 *
 * Flat siblings, not a subdirectory: keyd may not make directories once
 * sandboxed (seccomp and Landlock, proved by the sandbox self-test), a
 * rename across directories needs Landlock's REFER, and two profiles may
 * share a directory.  Every file is at most AVATAR_MAX bytes and starts
 * with the PNG signature; anything else is refused before it is stored.
 *
 * A received avatar is never renamed into place: chatd wrote the part
 * and may still hold it, so keyd reads it (bounded), checks size, PNG
 * signature and SHA-256 against the file id, and writes its own copy
 * with pstore_write (temporary file, fsync, rename, fsync of the
 * directory); the part is then removed.  The same system calls as the
 * profile store: nothing new for keyd's seccomp or Landlock tables.
 * Only avatars_scan lists the directory, before the sandbox.
 */
#ifndef BULKHEAD_KEYD_AVATARS_H
#define BULKHEAD_KEYD_AVATARS_H

#include <stddef.h>
#include <stdint.h>

#include "common/toxid.h"
#include "ipc/msg_avatar.h"
#include "keyd/profile_store.h"

#define AVATARS_SELF_SUFFIX	".avatar.png"
#define AVATARS_PNG_SIG_LEN	8

enum avatars_err {
	AVATARS_OK = 0,
	AVATARS_ERR_NONE,	/* no such avatar stored */
	AVATARS_ERR_EMPTY,	/* 0 bytes */
	AVATARS_ERR_TOOBIG,	/* over AVATAR_MAX */
	AVATARS_ERR_NOTPNG,	/* no PNG signature */
	AVATARS_ERR_HASH,	/* not the SHA-256 (or size) announced */
	AVATARS_ERR_NAME,	/* the profile's name leaves no room */
	AVATARS_ERR_READ,	/* reading the file given failed */
	AVATARS_ERR_STORE,	/* writing or removing failed (errno kept) */
};

/* 1 if p starts with the 8-byte PNG signature. */
int	avatars_is_png(const uint8_t *p, size_t len);
/* Checks bytes as an avatar: OK, EMPTY, TOOBIG or NOTPNG. */
enum avatars_err avatars_check(const uint8_t *p, size_t len);

/* The file names (no directory) for profile; -1 if too long. */
int	avatars_self_name(const struct pstore *profile, char *out, size_t sz);
int	avatars_friend_name(const struct pstore *profile,
	    const uint8_t pk[TOX_PK_LEN], char *out, size_t sz);

/*
 * Ours from fd (read from where it stands to its end, at most
 * AVATAR_MAX + 1 bytes): checked, then stored.  *size and sha256 say
 * what was stored.
 */
enum avatars_err avatars_self_set(const struct pstore *profile, int fd,
	    uint64_t *size, uint8_t sha256[AVATAR_HASH_LEN]);
/* Removes ours: OK also when there was none. */
enum avatars_err avatars_self_del(const struct pstore *profile);
/*
 * Ours as stored (checked again: a damaged file is NONE), its size and
 * hash; with fd not NULL also a read-only descriptor of it.
 */
enum avatars_err avatars_self_get(const struct pstore *profile,
	    uint64_t *size, uint8_t sha256[AVATAR_HASH_LEN], int *fd);

/* A friend's, as avatars_self_get (no descriptor). */
enum avatars_err avatars_friend_get(const struct pstore *profile,
	    const uint8_t pk[TOX_PK_LEN], uint8_t sha256[AVATAR_HASH_LEN]);
/* Removes a friend's: OK also when there was none. */
enum avatars_err avatars_friend_del(const struct pstore *profile,
	    const uint8_t pk[TOX_PK_LEN]);
/*
 * The friend was removed: its avatar and any part go (OK also when
 * there were none), so nothing of an ex-friend stays beside the profile
 * and a friend added again later starts without a stale picture.
 */
enum avatars_err avatars_friend_forget(const struct pstore *profile,
	    const uint8_t pk[TOX_PK_LEN]);
/*
 * A friend's avatar came whole: the len bytes at data must be size
 * bytes, a PNG, and hash to sha256 (the file id the friend gave).
 * Stored as the friend's avatar if so.  A part file an older bulkhead
 * left beside the profile is removed either way.
 */
enum avatars_err avatars_friend_commit(const struct pstore *profile,
	    const uint8_t pk[TOX_PK_LEN], const uint8_t *data, size_t len,
	    uint64_t size, const uint8_t sha256[AVATAR_HASH_LEN]);

/*
 * The keys of every friend's avatar or part stored beside profile
 * (regular files of at most AVATAR_MAX bytes, named exactly as above):
 * a new array of *n keys in *keys (the caller frees it), each once.
 * 0, or -1 with errno.  It reads the directory (getdents64), which
 * keyd's seccomp table does not allow: call it before the sandbox.
 */
int	avatars_scan(const struct pstore *profile,
	    uint8_t (**keys)[TOX_PK_LEN], size_t *n);

/* errno of the last STORE failure, for logs. */
int	avatars_errno(void);
const char *avatars_strerror(enum avatars_err);

#endif
