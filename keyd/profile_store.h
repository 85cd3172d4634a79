/*
 * The profile file on disk, written so that a crash, a full disk or a
 * read-only directory never loses it: the new bytes go to a temporary file
 * in the same directory, which is fsync()ed and then renamed over the
 * profile, and the directory is fsync()ed.  Until the rename the old
 * profile is untouched; after it the new one is whole.
 *
 * Everything is relative to a directory descriptor opened before the
 * sandbox is entered.  System calls used after that, for the sandbox
 * tables (keyd, with Landlock allowing the profile directory):
 *	openat		O_RDONLY|O_NOFOLLOW (read),
 *			O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600 (temp)
 *	fstat		size of the file read (newfstatat / fstat)
 *	read, write, fsync, close
 *	renameat	(glibc may issue renameat2 with flags 0)
 *	unlinkat	a stale or failed temporary file, flags 0
 * and nothing else: no path outside the directory, no fchmod, no ftruncate.
 * Landlock rights needed on the directory: READ_FILE, WRITE_FILE,
 * MAKE_REG, REMOVE_FILE (ABI 1).  A write past RLIMIT_FSIZE raises
 * SIGXFSZ: keyd must ignore it, then write() fails with EFBIG, reported as
 * a full disk.
 */
#ifndef BULKHEAD_PROFILE_STORE_H
#define BULKHEAD_PROFILE_STORE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* Larger files are refused unread: no profile comes near it. */
#define PSTORE_MAX_SIZE		(64u * 1024 * 1024)

enum pstore_err {
	PSTORE_OK = 0,
	PSTORE_ERR_NOENT,	/* no profile file */
	PSTORE_ERR_PERM,	/* EACCES, EPERM */
	PSTORE_ERR_ROFS,	/* read-only file system */
	PSTORE_ERR_NOSPC,	/* ENOSPC, EDQUOT, EFBIG */
	PSTORE_ERR_TOOBIG,	/* over PSTORE_MAX_SIZE */
	PSTORE_ERR_NOMEM,
	PSTORE_ERR_IO,		/* anything else; errno in last_errno */
};

/* ".NAME.tmp" gets "." and 12 random hex digits at each write. */
#define PSTORE_TMP_RAND	13

struct pstore {
	int	dirfd;
	char	name[NAME_MAX + 1];
	char	tmpname[NAME_MAX + 1];	/* the last temporary file's name */
	int	last_errno;	/* of the last failure, for logs */
};

/*
 * Opens the directory that holds path's last component (which need not
 * exist yet) and remembers the file name.  Call before the sandbox.
 * Returns 0, or -1 with errno (ENAMETOOLONG for a name that leaves no room
 * for the temporary file's ".NAME.tmp").
 */
int	pstore_open(struct pstore *, const char *path);
/*
 * Another file in the same directory (e.g. the nodes-list cache), sharing
 * the descriptor: the same atomic, durable writes.  Never pstore_close()
 * a sibling.  Returns 0, or -1 (ENAMETOOLONG).
 */
int	pstore_sibling(const struct pstore *, const char *name, struct pstore *);
/* Closes the directory descriptor. */
void	pstore_close(struct pstore *);
/*
 * Reads the whole profile into a new secbuf_alloc() buffer (*buf, *len);
 * the caller frees it with secbuf_free().
 */
enum pstore_err pstore_read(struct pstore *, uint8_t **buf, size_t *len);
/* The same from any open descriptor (an imported file), read to EOF. */
enum pstore_err pstore_read_fd(int fd, uint8_t **buf, size_t *len);
/* Opens the file read-only (to hand to another role); -1 with errno. */
int	pstore_open_ro(struct pstore *);
/* Replaces the profile with buf atomically and durably (see above). */
enum pstore_err pstore_write(struct pstore *, const uint8_t *buf, size_t len);
/* Writes all of buf to fd (an export target), then fsync()s if it can. */
enum pstore_err pstore_write_fd(int fd, const uint8_t *buf, size_t len);
const char	*pstore_strerror(enum pstore_err);

#endif
