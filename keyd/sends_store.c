/* The sends file: load, durable put and delete, re-key.  See sends.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "keyd/sends_priv.h"
#include "keyd/vault.h"

/*
 * Seals plen bytes of plaintext in sd->plain and writes them over the
 * file; wipes the plaintext either way.  On success a bad file that
 * waited is gone.
 */
static enum sends_err
write_plain(struct sends *sd, size_t plen)
{
	enum pstore_err	pe;
	size_t		flen;

	flen = sends_seal(sd->key, sd->plain, plen, sd->file, SENDS_FILE_MAX);
	sodium_memzero(sd->plain, plen);
	if (flen == 0)
		return SENDS_ERR_NOMEM;		/* cannot happen: bounded */
	if ((pe = pstore_write(&sd->store, sd->file, flen)) != PSTORE_OK) {
		sd->perr = pe;
		return SENDS_ERR_STORE;
	}
	sd->damaged = SENDS_OK;
	return SENDS_OK;
}

/* The table after a change (skip out, add in), written. */
static enum sends_err
write_change(struct sends *sd, long skip, const struct sd_slot *add)
{
	size_t	plen;

	if ((plen = sends_encode_change(sd, skip, add, sd->plain,
	    SENDS_PLAIN_MAX)) == 0)
		return SENDS_ERR_NOMEM;		/* cannot happen: bounded */
	return write_plain(sd, plen);
}

enum sends_err
sends_load(struct sends *sd, const struct pstore *profile)
{
	char			 name[NAME_MAX + 1];
	uint8_t			*buf;
	size_t			 len;
	enum pstore_err		 pe;
	enum sends_err		 e;
	int			 n;

	sends_clear(sd);
	sd->named = 0;
	sd->damaged = SENDS_OK;
	n = snprintf(name, sizeof(name), "%s%s", profile->name, SENDS_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(name) ||
	    pstore_sibling(profile, name, &sd->store) == -1)
		return SENDS_ERR_INVALID;	/* no room for the suffix */
	sd->named = 1;
	pe = pstore_read(&sd->store, &buf, &len);
	if (pe == PSTORE_ERR_NOENT)
		return SENDS_OK;
	if (pe != PSTORE_OK) {
		sd->perr = pe;
		e = pe == PSTORE_ERR_TOOBIG ? SENDS_ERR_TOOBIG :
		    pe == PSTORE_ERR_NOMEM ? SENDS_ERR_NOMEM : SENDS_ERR_READ;
		sd->damaged = e;
		return e;
	}
	e = sends_unpack(sd, buf, len);
	secbuf_free(buf);
	sd->damaged = e;
	return e;
}

enum sends_err
sends_put(struct sends *sd, const uint8_t pk[TOX_PK_LEN],
    const uint8_t id[SENDS_FILE_ID_LEN], const struct sends_stamp *st,
    const char *path, size_t len)
{
	static struct sd_slot	add;	/* 4 KiB: not on keyd's stack */
	enum sends_err		e;
	long			victim;

	if ((e = sends_check_put(sd, pk, id, path, len, &victim)) !=
	    SENDS_OK)
		return e;
	if (!sd->named)
		return SENDS_ERR_NOFILE;
	sends_fill(&add, pk, id, st, path, len);
	/* The file first; memory follows only what the disk holds. */
	if ((e = write_change(sd, victim, &add)) == SENDS_OK) {
		if (victim >= 0)
			sends_remove_at(sd, (size_t)victim);
		sd->slots[sd->n++] = add;
	}
	sodium_memzero(&add, sizeof(add));
	return e;
}

enum sends_err
sends_del(struct sends *sd, const uint8_t pk[TOX_PK_LEN],
    const uint8_t id[SENDS_FILE_ID_LEN])
{
	enum sends_err	e;
	long		i;

	if (!sd->named)
		return SENDS_ERR_NOFILE;
	if ((i = sends_find_id(sd, pk, id)) < 0)
		return SENDS_OK;	/* nothing to forget, nothing written */
	if ((e = write_change(sd, i, NULL)) == SENDS_OK)
		sends_remove_at(sd, (size_t)i);
	return e;
}

enum sends_err
sends_rekey(struct sends *sd, const uint8_t key[SENDS_KEY_LEN])
{
	uint8_t		old[SENDS_KEY_LEN];
	enum sends_err	e = SENDS_OK;

	if (!sd->named)
		return SENDS_ERR_NOFILE;
	memcpy(old, sd->key, sizeof(old));
	memcpy(sd->key, key, SENDS_KEY_LEN);
	/* A bad file that waits is left for the next put, as always. */
	if (sd->damaged == SENDS_OK &&
	    (e = write_change(sd, -1, NULL)) != SENDS_OK)
		memcpy(sd->key, old, sizeof(old));
	sodium_memzero(old, sizeof(old));
	return e;
}

enum sends_err
sends_damaged(const struct sends *sd)
{
	return sd->damaged;
}

enum pstore_err
sends_store_error(const struct sends *sd)
{
	return sd->perr;
}
