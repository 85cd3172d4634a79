/* The outbox's file: load, durable put, lazy flush, reset.  See outbox.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "keyd/outbox_priv.h"
#include "keyd/vault.h"

/* The whole table, sealed, over the file; clears dirty on success. */
static enum outbox_err
write_all(struct outbox *ob)
{
	enum pstore_err	 pe;
	enum outbox_err	 e;
	size_t		 len;

	if (ob->locked != OUTBOX_OK)
		return OUTBOX_ERR_LOCKED;
	if ((e = outbox_pack(ob, ob->file, OUTBOX_FILE_MAX, &len)) !=
	    OUTBOX_OK)
		return e;
	if ((pe = pstore_write(&ob->store, ob->file, len)) != PSTORE_OK) {
		ob->perr = pe;
		return OUTBOX_ERR_STORE;
	}
	ob->dirty = 0;
	return OUTBOX_OK;
}

enum outbox_err
outbox_load(struct outbox *ob, const struct pstore *profile)
{
	char		 name[NAME_MAX + 1];
	uint8_t		*buf;
	size_t		 len;
	enum pstore_err	 pe;
	enum outbox_err	 e;
	int		 n;

	outbox_clear(ob);
	ob->dirty = 0;
	ob->locked = OUTBOX_ERR_NOFILE;
	n = snprintf(name, sizeof(name), "%s%s", profile->name, OUTBOX_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(name) ||
	    pstore_sibling(profile, name, &ob->store) == -1)
		return OUTBOX_ERR_INVALID;	/* no room for the suffix */
	pe = pstore_read(&ob->store, &buf, &len);
	if (pe == PSTORE_ERR_NOENT) {
		ob->locked = OUTBOX_OK;
		return OUTBOX_OK;
	}
	if (pe != PSTORE_OK) {
		ob->perr = pe;
		e = pe == PSTORE_ERR_TOOBIG ? OUTBOX_ERR_TOOBIG :
		    pe == PSTORE_ERR_NOMEM ? OUTBOX_ERR_NOMEM : OUTBOX_ERR_READ;
		ob->locked = e;
		return e;
	}
	e = outbox_unpack(ob, buf, len);
	secbuf_free(buf);
	ob->locked = e;
	return e;
}

enum outbox_err
outbox_put(struct outbox *ob, const uint8_t pk[TOX_PK_LEN], uint8_t action,
    const uint8_t *text, size_t len, uint64_t now_unix, uint64_t *id)
{
	enum outbox_err	e;

	*id = 0;
	if (len == 0 || len > OUTBOX_TEXT_MAX || action > OUTBOX_ACTION_MAX)
		return OUTBOX_ERR_INVALID;
	if (ob->locked != OUTBOX_OK)
		return ob->locked == OUTBOX_ERR_NOFILE ? OUTBOX_ERR_NOFILE :
		    OUTBOX_ERR_LOCKED;
	if (ob->n >= OUTBOX_MAX || len > OUTBOX_TEXT_TOTAL - ob->text_used ||
	    ob->next_id == UINT64_MAX)
		return OUTBOX_ERR_FULL;
	*id = outbox_append(ob, pk, action, text, len, now_unix);
	if ((e = write_all(ob)) != OUTBOX_OK) {
		/*
		 * Not accepted: out of the table again.  The id stays
		 * spent (next_id is not wound back), in case the file
		 * did get it and only the directory's fsync failed.
		 */
		outbox_remove_at(ob, ob->n - 1);
		*id = 0;
		return e;
	}
	return OUTBOX_OK;
}

enum outbox_err
outbox_flush(struct outbox *ob)
{
	if (ob->locked != OUTBOX_OK)
		return ob->locked == OUTBOX_ERR_NOFILE ? OUTBOX_ERR_NOFILE :
		    OUTBOX_ERR_LOCKED;
	if (!ob->dirty)
		return OUTBOX_OK;
	return write_all(ob);
}

enum outbox_err
outbox_rekey(struct outbox *ob, const uint8_t key[OUTBOX_KEY_LEN])
{
	uint8_t		old[OUTBOX_KEY_LEN];
	enum outbox_err	e;

	if (ob->locked != OUTBOX_OK)
		return ob->locked == OUTBOX_ERR_NOFILE ? OUTBOX_ERR_NOFILE :
		    OUTBOX_ERR_LOCKED;
	memcpy(old, ob->key, sizeof(old));
	memcpy(ob->key, key, OUTBOX_KEY_LEN);
	if ((e = write_all(ob)) != OUTBOX_OK)
		memcpy(ob->key, old, sizeof(old));
	sodium_memzero(old, sizeof(old));
	return e;
}

enum outbox_err
outbox_reset(struct outbox *ob, uint64_t now_unix)
{
	char	damaged[NAME_MAX + 1];
	size_t	base;
	int	n;

	if (ob->locked == OUTBOX_OK)
		return OUTBOX_OK;
	if (ob->locked == OUTBOX_ERR_NOFILE)
		return OUTBOX_ERR_NOFILE;
	/* store.name is "<profile>.outbox": swap the suffix. */
	base = strlen(ob->store.name) - (sizeof(OUTBOX_SUFFIX) - 1);
	n = snprintf(damaged, sizeof(damaged), "%.*s%s", (int)base,
	    ob->store.name, OUTBOX_DAMAGED_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(damaged)) {
		ob->perr = PSTORE_ERR_IO;
		return OUTBOX_ERR_STORE;
	}
	if (renameat(ob->store.dirfd, ob->store.name, ob->store.dirfd,
	    damaged) == -1 && errno != ENOENT) {
		ob->store.last_errno = errno;
		ob->perr = errno == ENOSPC ? PSTORE_ERR_NOSPC :
		    errno == EROFS ? PSTORE_ERR_ROFS :
		    errno == EACCES || errno == EPERM ? PSTORE_ERR_PERM :
		    PSTORE_ERR_IO;
		return OUTBOX_ERR_STORE;
	}
	outbox_clear(ob);
	ob->next_id = now_unix > (UINT64_MAX >> 25) ? (UINT64_MAX >> 1) :
	    now_unix << 24;
	if (ob->next_id == 0)
		ob->next_id = 1;
	ob->locked = OUTBOX_OK;
	/* The new next id on disk now; if that fails, at the next write. */
	ob->dirty = 1;
	return write_all(ob);
}

enum outbox_err
outbox_locked(const struct outbox *ob)
{
	return ob->locked;
}

enum pstore_err
outbox_store_error(const struct outbox *ob)
{
	return ob->perr;
}
