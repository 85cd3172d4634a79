/* The history's file: load (or set aside), coalesced flush, rekey.  See
 * history.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "keyd/history_priv.h"
#include "keyd/vault.h"

static enum pstore_err
errno_pstore(int e)
{
	return e == ENOSPC || e == EDQUOT ? PSTORE_ERR_NOSPC :
	    e == EROFS ? PSTORE_ERR_ROFS :
	    e == EACCES || e == EPERM ? PSTORE_ERR_PERM : PSTORE_ERR_IO;
}

static enum history_err
write_all(struct history *h)
{
	enum pstore_err	 pe;
	enum history_err e;
	size_t		 len;

	if (h->locked != HISTORY_OK)
		return h->locked == HISTORY_ERR_NOFILE ? HISTORY_ERR_NOFILE :
		    HISTORY_ERR_LOCKED;
	if ((e = history_pack(h, &len)) != HISTORY_OK)
		return e;
	pe = pstore_write(&h->store, h->file, len);
	sodium_memzero(h->file, len);
	if (pe != PSTORE_OK) {
		h->perr = pe;
		return HISTORY_ERR_STORE;
	}
	h->dirty = 0;
	return HISTORY_OK;
}

/*
 * Renames the unreadable file to the first free name among
 * "<profile>.history.damaged" and ".damaged.1" .. ".damaged.9": an older
 * damaged copy is never replaced.  0 with the name in aside, or -1.
 */
static int
set_aside(struct history *h, char *aside, size_t asidesz)
{
	char		name[NAME_MAX + 1];
	struct stat	st;
	size_t		base;
	int		i, n;

	base = strlen(h->store.name) - (sizeof(HISTORY_SUFFIX) - 1);
	for (i = 0; i < HISTORY_DAMAGED_MAX; i++) {
		n = i == 0 ? snprintf(name, sizeof(name), "%.*s%s", (int)base,
		    h->store.name, HISTORY_DAMAGED_SUFFIX) :
		    snprintf(name, sizeof(name), "%.*s%s.%d", (int)base,
		    h->store.name, HISTORY_DAMAGED_SUFFIX, i);
		if (n < 0 || (size_t)n >= sizeof(name))
			return -1;
		if (fstatat(h->store.dirfd, name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0)
			continue;		/* taken: keep it */
		if (errno != ENOENT)
			break;
		if (renameat(h->store.dirfd, h->store.name, h->store.dirfd,
		    name) == -1)
			break;
		snprintf(aside, asidesz, "%s", name);
		return 0;
	}
	h->store.last_errno = errno;
	h->perr = errno_pstore(errno);
	return -1;
}

enum history_err
history_load(struct history *h, const struct pstore *profile, char *aside,
    size_t asidesz)
{
	char		 name[NAME_MAX + 1];
	uint8_t		*buf;
	size_t		 len;
	enum pstore_err	 pe;
	enum history_err e;
	int		 n;

	if (asidesz > 0)
		aside[0] = '\0';
	history_clear(h);
	h->dirty = 0;
	h->locked = HISTORY_ERR_NOFILE;
	n = snprintf(name, sizeof(name), "%s%s", profile->name,
	    HISTORY_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(name) ||
	    pstore_sibling(profile, name, &h->store) == -1)
		return HISTORY_ERR_INVALID;	/* no room for the suffix */
	pe = pstore_read(&h->store, &buf, &len);
	if (pe == PSTORE_ERR_NOENT) {
		h->locked = HISTORY_OK;
		return HISTORY_OK;
	}
	if (pe == PSTORE_OK) {
		e = history_unpack(h, buf, len);
		secbuf_free(buf);
	} else {
		h->perr = pe;
		e = pe == PSTORE_ERR_TOOBIG ? HISTORY_ERR_TOOBIG :
		    pe == PSTORE_ERR_NOMEM ? HISTORY_ERR_NOMEM :
		    HISTORY_ERR_READ;
	}
	if (e == HISTORY_OK) {
		h->locked = HISTORY_OK;
		return HISTORY_OK;
	}
	/* An I/O error or no memory says nothing about the file: keep it
	 * where it is, and write nothing over it this run. */
	if (e == HISTORY_ERR_READ || e == HISTORY_ERR_NOMEM) {
		h->locked = HISTORY_ERR_LOCKED;
		return e;
	}
	if (set_aside(h, aside, asidesz) == -1) {
		h->locked = HISTORY_ERR_LOCKED;
		return e;
	}
	h->locked = HISTORY_OK;
	return e;
}

int
history_dirty(const struct history *h)
{
	return h->dirty;
}

enum history_err
history_flush(struct history *h)
{
	if (h->locked != HISTORY_OK)
		return h->locked == HISTORY_ERR_NOFILE ? HISTORY_ERR_NOFILE :
		    HISTORY_ERR_LOCKED;
	if (!h->dirty)
		return HISTORY_OK;
	return write_all(h);
}

enum history_err
history_rekey(struct history *h, const uint8_t key[HISTORY_KEY_LEN])
{
	/*
	 * The profile is sealed under the new key already: the history
	 * follows it even if this write fails (it stays dirty and the next
	 * flush tries again), or a file under the old key would be set
	 * aside as "another key" at the next start.
	 */
	memcpy(h->key, key, HISTORY_KEY_LEN);
	if (h->locked != HISTORY_OK)
		return h->locked == HISTORY_ERR_NOFILE ? HISTORY_ERR_NOFILE :
		    HISTORY_ERR_LOCKED;
	h->dirty = 1;
	return write_all(h);
}

enum history_err
history_locked(const struct history *h)
{
	return h->locked;
}

enum pstore_err
history_store_error(const struct history *h)
{
	return h->perr;
}
