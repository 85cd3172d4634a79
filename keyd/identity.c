/* Identity operations over the profile store: see identity.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "ipc/msg_core.h"
#include "keyd/identity.h"
#include "keyd/savedata.h"

__attribute__((format(printf, 3, 4)))
static int
fail(struct id_err *e, uint16_t code, const char *fmt, ...)
{
	va_list	ap;

	e->code = code;
	va_start(ap, fmt);
	(void)vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	return -1;
}

static int
fail_store(struct id_err *e, enum pstore_err pe, const char *what)
{
	const char	*hint = "";

	if (pe == PSTORE_ERR_NOSPC || pe == PSTORE_ERR_ROFS ||
	    pe == PSTORE_ERR_PERM)
		hint = "; the previous profile is intact";
	return fail(e, IPC_ERR_IO, "%s: %s%s", what, pstore_strerror(pe), hint);
}

static int
fail_savedata(struct id_err *e, enum savedata_err se)
{
	return fail(e, se == SD_ERR_NOMEM ? IPC_ERR_INTERNAL : IPC_ERR_INVALID,
	    "%s", savedata_strerror(se));
}

/* Why an operation that needs the profile in memory cannot run. */
static int
locked(const struct identity *id, struct id_err *e)
{
	if (id->broken) {
		*e = id->why;
		return -1;
	}
	return fail(e, IPC_ERR_STATE, id->exists ? "profile is locked" :
	    "no profile: create or import one");
}

/*
 * Turns file bytes into a profile: plain, or decrypted with pass (then
 * *keyp gets the derived key).  Wipes nothing it did not allocate.
 */
static int
load_bytes(const uint8_t *buf, size_t len, const uint8_t *pass,
    size_t passlen, struct profile **out, struct encsave_key **keyp,
    struct id_err *e)
{
	uint8_t			*plain;
	size_t			 plen;
	enum encsave_err	 ee;
	enum savedata_err	 se;

	*out = NULL;
	if (keyp != NULL)
		*keyp = NULL;
	switch (encsave_detect(buf, len)) {
	case ENCSAVE_KIND_PLAIN:
		if ((se = savedata_parse(buf, len, out)) != SD_OK)
			return fail_savedata(e, se);
		return 0;
	case ENCSAVE_KIND_ENCRYPTED:
		if (pass == NULL)
			return fail(e, IPC_ERR_AUTH, "profile is encrypted: "
			    "a passphrase is needed");
		if ((plain = secbuf_alloc(len)) == NULL)
			return fail(e, IPC_ERR_INTERNAL, "out of memory");
		ee = encsave_decrypt_pass(pass, passlen, buf, len, plain, len,
		    &plen, keyp);
		if (ee != ENCSAVE_OK) {
			secbuf_free(plain);
			return fail(e, ee == ENCSAVE_ERR_AUTH ? IPC_ERR_AUTH :
			    ee == ENCSAVE_ERR_NOMEM ? IPC_ERR_INTERNAL :
			    IPC_ERR_INVALID, "%s", encsave_strerror(ee));
		}
		se = savedata_parse(plain, plen, out);
		secbuf_free(plain);
		if (se != SD_OK) {
			if (keyp != NULL) {
				encsave_key_free(*keyp);
				*keyp = NULL;
			}
			return fail_savedata(e, se);
		}
		return 0;
	default:
		return fail(e, IPC_ERR_INVALID, "not a Tox profile "
		    "(neither savedata nor toxEsave)");
	}
}

/*
 * The profile as it goes to disk or into an export: its savedata, sealed
 * with key unless key is NULL.  Returns a secbuf_alloc() buffer (ciphertext
 * is not secret, but one kind of buffer keeps one code path) and its
 * length in *len, or NULL with the reason in e.
 */
static uint8_t *
seal_profile(const struct profile *prof, const struct encsave_key *key,
    size_t *len, struct id_err *e)
{
	uint8_t	*plain, *enc;
	size_t	 plen, elen;

	plen = savedata_size(prof);
	if ((plain = secbuf_alloc(plen)) == NULL) {
		(void)fail(e, IPC_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	if (savedata_build(prof, plain, plen) != plen) {
		secbuf_free(plain);
		(void)fail(e, IPC_ERR_INTERNAL, "cannot serialize profile");
		return NULL;
	}
	if (key == NULL) {
		*len = plen;
		return plain;
	}
	if ((enc = secbuf_alloc(plen + ENCSAVE_OVERHEAD)) == NULL ||
	    (elen = encsave_encrypt(key, plain, plen, enc,
	    plen + ENCSAVE_OVERHEAD)) == 0) {
		secbuf_free(enc);
		secbuf_free(plain);
		(void)fail(e, IPC_ERR_INTERNAL, "cannot encrypt");
		return NULL;
	}
	secbuf_free(plain);
	*len = elen;
	return enc;
}

/* Serializes prof (encrypted with key unless NULL) and stores it. */
static int
store_profile(struct pstore *s, const struct profile *prof,
    const struct encsave_key *key, struct id_err *e)
{
	enum pstore_err	 pe;
	uint8_t		*buf;
	size_t		 len;

	if ((buf = seal_profile(prof, key, &len, e)) == NULL)
		return -1;
	pe = pstore_write(s, buf, len);
	secbuf_free(buf);
	if (pe != PSTORE_OK)
		return fail_store(e, pe, "profile not saved");
	return 0;
}

int
identity_open(struct identity *id, const char *path, struct id_err *e)
{
	uint8_t		*buf;
	size_t		 len;
	enum pstore_err	 pe;

	memset(id, 0, sizeof(*id));
	if (pstore_open(&id->store, path) == -1)
		return fail(e, IPC_ERR_IO, "profile directory of %s: %s", path,
		    strerror(errno));
	pe = pstore_read(&id->store, &buf, &len);
	if (pe == PSTORE_ERR_NOENT)
		return 0;
	id->exists = 1;
	if (pe != PSTORE_OK) {
		(void)fail_store(&id->why, pe, "cannot read profile");
		id->broken = 1;
		return 0;
	}
	switch (encsave_detect(buf, len)) {
	case ENCSAVE_KIND_ENCRYPTED:
		id->encrypted = 1;
		break;
	case ENCSAVE_KIND_PLAIN:
		if (load_bytes(buf, len, NULL, 0, &id->prof, NULL,
		    &id->why) == -1)
			id->broken = 1;
		break;
	default:
		(void)fail(&id->why, IPC_ERR_INVALID, "the profile file is "
		    "not a Tox profile");
		id->broken = 1;
		break;
	}
	secbuf_free(buf);
	return 0;
}

void
identity_close(struct identity *id)
{
	profile_free(id->prof);
	encsave_key_free(id->key);
	id->prof = NULL;
	id->key = NULL;
	pstore_close(&id->store);
}

int
identity_unlock(struct identity *id, const uint8_t *pass, size_t passlen,
    struct id_err *e)
{
	uint8_t		*buf;
	size_t		 len;
	enum pstore_err	 pe;
	int		 rv;

	if (id->prof != NULL)
		return fail(e, IPC_ERR_STATE, "profile is already unlocked");
	if (id->broken) {
		*e = id->why;
		return -1;
	}
	if (!id->exists)
		return fail(e, IPC_ERR_STATE, "no profile: create or import one");
	if ((pe = pstore_read(&id->store, &buf, &len)) != PSTORE_OK)
		return fail_store(e, pe, "cannot read profile");
	rv = load_bytes(buf, len, pass, passlen, &id->prof, &id->key, e);
	if (rv == 0)
		id->encrypted = id->key != NULL;
	secbuf_free(buf);
	return rv;
}

int
identity_create(struct identity *id, const uint8_t *pass, size_t passlen,
    int nopass, struct id_err *e)
{
	struct profile		*p;
	struct encsave_key	*k = NULL;

	if (id->exists || id->prof != NULL)
		return fail(e, IPC_ERR_STATE, "a profile exists already");
	if ((p = profile_generate()) == NULL)
		return fail(e, IPC_ERR_INTERNAL, "out of memory");
	if (!nopass && (k = encsave_key_derive(pass, passlen, NULL)) == NULL) {
		profile_free(p);
		return fail(e, IPC_ERR_INTERNAL, "out of memory");
	}
	if (store_profile(&id->store, p, k, e) == -1) {
		encsave_key_free(k);
		profile_free(p);
		return -1;
	}
	id->prof = p;
	id->key = k;
	id->exists = 1;
	id->encrypted = k != NULL;
	return 0;
}

int
identity_save(struct identity *id, struct id_err *e)
{
	if (id->prof == NULL)
		return locked(id, e);
	return store_profile(&id->store, id->prof, id->key, e);
}

int
identity_set_name(struct identity *id, const uint8_t *name, size_t len,
    struct id_err *e)
{
	uint8_t	old[PROFILE_NAME_MAX];
	size_t	oldlen;

	if (id->prof == NULL)
		return locked(id, e);
	if (len > PROFILE_NAME_MAX)
		return fail(e, IPC_ERR_INVALID, "name longer than %d bytes",
		    PROFILE_NAME_MAX);
	oldlen = id->prof->name_len;
	memcpy(old, id->prof->name, oldlen);
	memcpy(id->prof->name, name, len);
	id->prof->name_len = len;
	if (identity_save(id, e) == -1) {
		memcpy(id->prof->name, old, oldlen);
		id->prof->name_len = oldlen;
		return -1;
	}
	return 0;
}

int
identity_set_status_msg(struct identity *id, const uint8_t *msg, size_t len,
    struct id_err *e)
{
	uint8_t	old[PROFILE_STATUSMSG_MAX];
	size_t	oldlen;

	if (id->prof == NULL)
		return locked(id, e);
	if (len > PROFILE_STATUSMSG_MAX)
		return fail(e, IPC_ERR_INVALID, "status message longer than "
		    "%d bytes", PROFILE_STATUSMSG_MAX);
	oldlen = id->prof->status_msg_len;
	memcpy(old, id->prof->status_msg, oldlen);
	memcpy(id->prof->status_msg, msg, len);
	id->prof->status_msg_len = len;
	if (identity_save(id, e) == -1) {
		memcpy(id->prof->status_msg, old, oldlen);
		id->prof->status_msg_len = oldlen;
		return -1;
	}
	return 0;
}

int
identity_set_status(struct identity *id, uint8_t status, struct id_err *e)
{
	uint8_t	old;

	if (id->prof == NULL)
		return locked(id, e);
	if (status >= USERSTATUS_MAX)
		return fail(e, IPC_ERR_INVALID, "status must be 0, 1 or 2");
	old = id->prof->userstatus;
	id->prof->userstatus = status;
	if (identity_save(id, e) == -1) {
		id->prof->userstatus = old;
		return -1;
	}
	return 0;
}

int
identity_set_nospam(struct identity *id, const uint8_t *nospam,
    struct id_err *e)
{
	uint8_t	old[TOX_NOSPAM_LEN];

	if (id->prof == NULL)
		return locked(id, e);
	memcpy(old, id->prof->nospam, sizeof(old));
	if (nospam != NULL)
		memcpy(id->prof->nospam, nospam, sizeof(old));
	else
		randombytes_buf(id->prof->nospam, sizeof(old));
	if (identity_save(id, e) == -1) {
		memcpy(id->prof->nospam, old, sizeof(old));
		return -1;
	}
	return 0;
}

int
identity_get_id(const struct identity *id, uint8_t addr[TOX_ADDRESS_LEN],
    uint8_t pk[TOX_PK_LEN], struct id_err *e)
{
	if (id->prof == NULL)
		return locked(id, e);
	profile_address(id->prof, addr);
	memcpy(pk, id->prof->pk, TOX_PK_LEN);
	return 0;
}

int
identity_import(struct identity *id, int fd, const uint8_t *pass,
    size_t passlen, int nopass, int replace, struct id_err *e)
{
	struct profile		*p;
	struct encsave_key	*k = NULL, *nk = NULL;
	uint8_t			*buf;
	size_t			 len;
	enum pstore_err		 pe;
	int			 rv;

	if ((id->exists || id->prof != NULL) && !replace)
		return fail(e, IPC_ERR_STATE, "a profile exists already "
		    "(import with replace to overwrite it)");
	/* Replacing a locked profile would let anyone discard it unseen;
	 * a broken one the user may replace on purpose. */
	if (id->exists && id->prof == NULL && !id->broken)
		return fail(e, IPC_ERR_STATE, "unlock the current profile "
		    "before replacing it");
	if ((pe = pstore_read_fd(fd, &buf, &len)) != PSTORE_OK)
		return fail_store(e, pe, "cannot read the file to import");
	rv = load_bytes(buf, len, pass, passlen, &p, &k, e);
	secbuf_free(buf);
	if (rv == -1)
		return -1;
	if (nopass) {
		encsave_key_free(k);
		k = NULL;
	} else if (k == NULL) {
		/* A plain file: the passphrase given protects our copy. */
		if ((k = encsave_key_derive(pass, passlen, NULL)) == NULL) {
			profile_free(p);
			return fail(e, IPC_ERR_INTERNAL, "out of memory");
		}
	} else if ((nk = encsave_key_derive(pass, passlen, NULL)) != NULL) {
		/* Fresh salt for our copy: never reuse the file's. */
		encsave_key_free(k);
		k = nk;
	}
	if (store_profile(&id->store, p, k, e) == -1) {
		encsave_key_free(k);
		profile_free(p);
		return -1;
	}
	profile_free(id->prof);
	encsave_key_free(id->key);
	id->prof = p;
	id->key = k;
	id->exists = 1;
	id->broken = 0;
	id->encrypted = k != NULL;
	return 0;
}

int
identity_export(struct identity *id, int fd, int plain, struct id_err *e)
{
	enum pstore_err	 pe;
	uint8_t		*buf;
	size_t		 len;

	if (id->prof == NULL)
		return locked(id, e);
	if ((buf = seal_profile(id->prof, plain ? NULL : id->key, &len,
	    e)) == NULL)
		return -1;
	pe = pstore_write_fd(fd, buf, len);
	secbuf_free(buf);
	if (pe != PSTORE_OK)
		return fail_store(e, pe, "export failed");
	return 0;
}

int
identity_check_pass(const struct identity *id, const uint8_t *pass,
    size_t len, struct id_err *e)
{
	struct encsave_key	*check;
	int			 ok;

	if (id->prof == NULL)
		return locked(id, e);
	if (id->key == NULL) {
		if (len != 0)
			return fail(e, IPC_ERR_AUTH, "profile has no "
			    "passphrase: give an empty one");
		return 0;
	}
	/* Same passphrase and salt give the same key. */
	if ((check = encsave_key_derive(pass, len, id->key->salt)) == NULL)
		return fail(e, IPC_ERR_INTERNAL, "out of memory");
	ok = sodium_memcmp(check->key, id->key->key, sizeof(check->key)) == 0;
	encsave_key_free(check);
	return ok ? 0 : fail(e, IPC_ERR_AUTH, "wrong passphrase");
}

int
identity_passwd(struct identity *id, const uint8_t *old, size_t oldlen,
    const uint8_t *newp, size_t newlen, int nopass, struct id_err *e)
{
	struct encsave_key	*nk = NULL;

	if (identity_check_pass(id, old, oldlen, e) == -1)
		return -1;
	if (!nopass && (nk = encsave_key_derive(newp, newlen, NULL)) == NULL)
		return fail(e, IPC_ERR_INTERNAL, "out of memory");
	if (store_profile(&id->store, id->prof, nk, e) == -1) {
		encsave_key_free(nk);
		return -1;
	}
	encsave_key_free(id->key);
	id->key = nk;
	id->encrypted = nk != NULL;
	return 0;
}
