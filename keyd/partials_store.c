/* The partials file: load, durable put and delete, re-key.  See
 * partials.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "keyd/partials_priv.h"
#include "keyd/vault.h"

/*
 * Seals plen bytes of plaintext in pt->plain and writes them over the
 * file; wipes the plaintext either way.  On success a bad file that
 * waited is gone.
 */
static enum partials_err
write_plain(struct partials *pt, size_t plen)
{
	enum pstore_err	pe;
	size_t		flen;

	flen = partials_seal(pt->key, pt->plain, plen, pt->file,
	    PARTIALS_FILE_MAX);
	sodium_memzero(pt->plain, plen);
	if (flen == 0)
		return PARTIALS_ERR_NOMEM;	/* cannot happen: bounded */
	if ((pe = pstore_write(&pt->store, pt->file, flen)) != PSTORE_OK) {
		pt->perr = pe;
		return PARTIALS_ERR_STORE;
	}
	pt->damaged = PARTIALS_OK;
	return PARTIALS_OK;
}

/* The table after a change (skip out, add in), written; 0 if it could
 * not be encoded. */
static enum partials_err
write_change(struct partials *pt, long skip, const struct pt_slot *add)
{
	size_t	plen;

	if ((plen = partials_encode_change(pt, skip, add, pt->plain,
	    PARTIALS_PLAIN_MAX)) == 0)
		return PARTIALS_ERR_NOMEM;	/* cannot happen: bounded */
	return write_plain(pt, plen);
}

enum partials_err
partials_load(struct partials *pt, const struct pstore *profile)
{
	char			 name[NAME_MAX + 1];
	uint8_t			*buf;
	size_t			 len;
	enum pstore_err		 pe;
	enum partials_err	 e;
	int			 n;

	partials_clear(pt);
	pt->named = 0;
	pt->damaged = PARTIALS_OK;
	n = snprintf(name, sizeof(name), "%s%s", profile->name,
	    PARTIALS_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(name) ||
	    pstore_sibling(profile, name, &pt->store) == -1)
		return PARTIALS_ERR_INVALID;	/* no room for the suffix */
	pt->named = 1;
	pe = pstore_read(&pt->store, &buf, &len);
	if (pe == PSTORE_ERR_NOENT)
		return PARTIALS_OK;
	if (pe != PSTORE_OK) {
		pt->perr = pe;
		e = pe == PSTORE_ERR_TOOBIG ? PARTIALS_ERR_TOOBIG :
		    pe == PSTORE_ERR_NOMEM ? PARTIALS_ERR_NOMEM :
		    PARTIALS_ERR_READ;
		pt->damaged = e;
		return e;
	}
	e = partials_unpack(pt, buf, len);
	secbuf_free(buf);
	pt->damaged = e;
	return e;
}

enum partials_err
partials_put(struct partials *pt, const uint8_t pk[TOX_PK_LEN],
    const uint8_t file_id[PARTIALS_FILE_ID_LEN], uint64_t size,
    const char *path, size_t len)
{
	static struct pt_slot	add;	/* 4 KiB: not on keyd's stack */
	enum partials_err	e;
	long			victim;

	if (!partials_path_ok(path, len))
		return PARTIALS_ERR_INVALID;
	if (!pt->named)
		return PARTIALS_ERR_NOFILE;
	partials_fill(&add, pk, file_id, size, path, len);
	victim = partials_victim(pt, pk, file_id);
	/* The file first; memory follows only what the disk holds. */
	if ((e = write_change(pt, victim, &add)) == PARTIALS_OK) {
		if (victim >= 0)
			partials_remove_at(pt, (size_t)victim);
		pt->slots[pt->n++] = add;
	}
	sodium_memzero(&add, sizeof(add));
	return e;
}

enum partials_err
partials_del(struct partials *pt, const uint8_t pk[TOX_PK_LEN],
    const uint8_t file_id[PARTIALS_FILE_ID_LEN])
{
	enum partials_err	e;
	long			i;

	if (!pt->named)
		return PARTIALS_ERR_NOFILE;
	if ((i = partials_find(pt, pk, file_id)) < 0)
		return PARTIALS_OK;	/* nothing to forget, nothing written */
	if ((e = write_change(pt, i, NULL)) == PARTIALS_OK)
		partials_remove_at(pt, (size_t)i);
	return e;
}

enum partials_err
partials_rekey(struct partials *pt, const uint8_t key[PARTIALS_KEY_LEN])
{
	uint8_t			old[PARTIALS_KEY_LEN];
	enum partials_err	e = PARTIALS_OK;

	if (!pt->named)
		return PARTIALS_ERR_NOFILE;
	memcpy(old, pt->key, sizeof(old));
	memcpy(pt->key, key, PARTIALS_KEY_LEN);
	/* A bad file that waits is left for the next put, as always. */
	if (pt->damaged == PARTIALS_OK &&
	    (e = write_change(pt, -1, NULL)) != PARTIALS_OK)
		memcpy(pt->key, old, sizeof(old));
	sodium_memzero(old, sizeof(old));
	return e;
}

enum partials_err
partials_damaged(const struct partials *pt)
{
	return pt->damaged;
}

enum pstore_err
partials_store_error(const struct partials *pt)
{
	return pt->perr;
}
