/* The sends table and its sealed encoding: see sends.h.  No I/O. */
#include <sodium.h>
#include <string.h>

#include "common/rd.h"
#include "keyd/sends_priv.h"
#include "keyd/vault.h"

/* The envelope's constants for this table (keyd/sealed.h). */
static const struct sealed_kind	kind = {
	.magic = SENDS_MAGIC,
	.version = SENDS_VERSION,
	.key_ctx = "bulkhead sends key v1",
	.check_msg = "bulkhead sends key check",
	.file_max = SENDS_FILE_MAX,
};
_Static_assert(sizeof(SENDS_MAGIC) - 1 == SEALED_MAGIC_LEN, "magic");

static enum sends_err
from_sealed(enum sealed_err e)
{
	static const enum sends_err	map[] = {
		[SEALED_OK] = SENDS_OK,
		[SEALED_ERR_TOOBIG] = SENDS_ERR_TOOBIG,
		[SEALED_ERR_TRUNCATED] = SENDS_ERR_TRUNCATED,
		[SEALED_ERR_MAGIC] = SENDS_ERR_MAGIC,
		[SEALED_ERR_VERSION] = SENDS_ERR_VERSION,
		[SEALED_ERR_KEY] = SENDS_ERR_KEY,
		[SEALED_ERR_AUTH] = SENDS_ERR_AUTH,
	};

	return map[e];
}

void
sends_key_derive(uint8_t out[SENDS_KEY_LEN], const uint8_t *ikm, size_t len)
{
	sealed_key_derive(&kind, out, ikm, len);
}

struct sends *
sends_new(const uint8_t key[SENDS_KEY_LEN])
{
	struct sends	*sd;

	if ((sd = secbuf_alloc(sizeof(*sd))) == NULL)
		return NULL;
	if ((sd->plain = secbuf_alloc(SENDS_PLAIN_MAX)) == NULL ||
	    (sd->file = secbuf_alloc(SENDS_FILE_MAX)) == NULL) {
		secbuf_free(sd->plain);
		secbuf_free(sd);
		return NULL;
	}
	memcpy(sd->key, key, SENDS_KEY_LEN);
	sd->store.dirfd = -1;
	return sd;
}

void
sends_free(struct sends *sd)
{
	if (sd == NULL)
		return;
	secbuf_free(sd->file);
	secbuf_free(sd->plain);
	secbuf_free(sd);		/* wipes key and records */
}

void
sends_clear(struct sends *sd)
{
	sodium_memzero(sd->slots, sd->n * sizeof(sd->slots[0]));
	sd->n = 0;
}

static int
path_ok(const char *path, size_t len)
{
	return len >= 1 && len <= SENDS_PATH_MAX &&
	    memchr(path, '\0', len) == NULL;
}

long
sends_find_path(const struct sends *sd, const uint8_t pk[TOX_PK_LEN],
    const char *path, size_t len)
{
	size_t	i;

	for (i = 0; i < sd->n; i++)
		if (sd->slots[i].len == len &&
		    memcmp(sd->slots[i].pk, pk, TOX_PK_LEN) == 0 &&
		    memcmp(sd->slots[i].path, path, len) == 0)
			return (long)i;
	return -1;
}

long
sends_find_id(const struct sends *sd, const uint8_t pk[TOX_PK_LEN],
    const uint8_t id[SENDS_FILE_ID_LEN])
{
	size_t	i;

	for (i = 0; i < sd->n; i++)
		if (memcmp(sd->slots[i].pk, pk, TOX_PK_LEN) == 0 &&
		    memcmp(sd->slots[i].file_id, id, SENDS_FILE_ID_LEN) == 0)
			return (long)i;
	return -1;
}

enum sends_err
sends_check_put(const struct sends *sd, const uint8_t pk[TOX_PK_LEN],
    const uint8_t id[SENDS_FILE_ID_LEN], const char *path, size_t len,
    long *victim)
{
	long	own, other;

	*victim = -1;
	if (!path_ok(path, len))
		return SENDS_ERR_INVALID;
	own = sends_find_path(sd, pk, path, len);
	other = sends_find_id(sd, pk, id);
	/* one id names one file: another path's id is not taken over */
	if (other >= 0 && other != own)
		return SENDS_ERR_INVALID;
	*victim = own >= 0 ? own : sd->n >= SENDS_MAX ? 0 : -1;
	return SENDS_OK;
}

void
sends_remove_at(struct sends *sd, size_t i)
{
	memmove(&sd->slots[i], &sd->slots[i + 1],
	    (sd->n - i - 1) * sizeof(sd->slots[0]));
	sd->n--;
	sodium_memzero(&sd->slots[sd->n], sizeof(sd->slots[0]));
}

void
sends_fill(struct sd_slot *s, const uint8_t pk[TOX_PK_LEN],
    const uint8_t id[SENDS_FILE_ID_LEN], const struct sends_stamp *st,
    const char *path, size_t len)
{
	memcpy(s->pk, pk, TOX_PK_LEN);
	memcpy(s->file_id, id, SENDS_FILE_ID_LEN);
	s->stamp = *st;
	s->len = (uint16_t)len;
	memcpy(s->path, path, len);
	s->path[len] = '\0';
}

size_t
sends_count(const struct sends *sd)
{
	return sd->n;
}

static void
view(const struct sd_slot *s, struct sends_entry *e)
{
	memcpy(e->pk, s->pk, TOX_PK_LEN);
	memcpy(e->file_id, s->file_id, SENDS_FILE_ID_LEN);
	e->stamp = s->stamp;
	e->len = s->len;
	e->path = s->path;
}

int
sends_at(const struct sends *sd, size_t i, struct sends_entry *e)
{
	if (i >= sd->n)
		return -1;
	view(&sd->slots[i], e);
	return 0;
}

int
sends_get(const struct sends *sd, const uint8_t pk[TOX_PK_LEN],
    const char *path, size_t len, struct sends_entry *e)
{
	long	i;

	if ((i = sends_find_path(sd, pk, path, len)) < 0)
		return -1;
	view(&sd->slots[i], e);
	return 0;
}

int
sends_match(const struct sends *sd, const uint8_t pk[TOX_PK_LEN],
    const struct sends_stamp *st, const char *path, size_t len,
    uint8_t id[SENDS_FILE_ID_LEN])
{
	const struct sd_slot	*s;
	long			 i;

	if ((i = sends_find_path(sd, pk, path, len)) < 0)
		return 0;
	s = &sd->slots[i];
	/* another size, time or file under that name: another content */
	if (s->stamp.size != st->size || s->stamp.mtime != st->mtime ||
	    s->stamp.dev != st->dev || s->stamp.ino != st->ino)
		return 0;
	memcpy(id, s->file_id, SENDS_FILE_ID_LEN);
	return 1;
}

enum sends_err
sends_set(struct sends *sd, const uint8_t pk[TOX_PK_LEN],
    const uint8_t id[SENDS_FILE_ID_LEN], const struct sends_stamp *st,
    const char *path, size_t len)
{
	enum sends_err	e;
	long		victim;

	if ((e = sends_check_put(sd, pk, id, path, len, &victim)) != SENDS_OK)
		return e;
	if (victim >= 0)
		sends_remove_at(sd, (size_t)victim);
	sends_fill(&sd->slots[sd->n++], pk, id, st, path, len);
	return SENDS_OK;
}

enum sends_err
sends_unset(struct sends *sd, const uint8_t pk[TOX_PK_LEN],
    const uint8_t id[SENDS_FILE_ID_LEN])
{
	long	i;

	if ((i = sends_find_id(sd, pk, id)) < 0)
		return SENDS_ERR_NOTFOUND;
	sends_remove_at(sd, (size_t)i);
	return SENDS_OK;
}

static void
encode_slot(struct wr *w, const struct sd_slot *s)
{
	wr_bytes(w, s->pk, TOX_PK_LEN);
	wr_bytes(w, s->file_id, SENDS_FILE_ID_LEN);
	wr_u64(w, s->stamp.size);
	wr_u64(w, s->stamp.mtime);
	wr_u64(w, s->stamp.dev);
	wr_u64(w, s->stamp.ino);
	wr_u16(w, s->len);
	wr_bytes(w, s->path, s->len);
}

size_t
sends_encode_change(const struct sends *sd, long skip,
    const struct sd_slot *add, uint8_t *out, size_t cap)
{
	struct wr	w;
	size_t		i, n = sd->n;

	if (skip >= 0)
		n--;
	if (add != NULL)
		n++;
	if (n > SENDS_MAX)
		return 0;		/* a caller's bug: no victim chosen */
	wr_init(&w, out, cap);
	wr_u16(&w, (uint16_t)n);
	for (i = 0; i < sd->n; i++)
		if ((long)i != skip)
			encode_slot(&w, &sd->slots[i]);
	if (add != NULL)
		encode_slot(&w, add);
	return wr_ok(&w) ? wr_len(&w) : 0;
}

size_t
sends_encode(const struct sends *sd, uint8_t *out, size_t cap)
{
	return sends_encode_change(sd, -1, NULL, out, cap);
}

/* One record into the next slot, or -1: every bound is checked. */
static int
decode_entry(struct sends *sd, struct rd *r)
{
	struct sd_slot	*s = &sd->slots[sd->n];
	const uint8_t	*path;

	if (rd_bytes(r, s->pk, TOX_PK_LEN) == -1 ||
	    rd_bytes(r, s->file_id, SENDS_FILE_ID_LEN) == -1 ||
	    rd_u64(r, &s->stamp.size) == -1 ||
	    rd_u64(r, &s->stamp.mtime) == -1 ||
	    rd_u64(r, &s->stamp.dev) == -1 ||
	    rd_u64(r, &s->stamp.ino) == -1 || rd_u16(r, &s->len) == -1 ||
	    s->len == 0 || s->len > SENDS_PATH_MAX ||
	    (path = rd_take(r, s->len)) == NULL ||
	    !path_ok((const char *)path, s->len))
		return -1;
	memcpy(s->path, path, s->len);
	s->path[s->len] = '\0';
	/* one record per path and per id: a duplicate is not canonical */
	if (sends_find_path(sd, s->pk, s->path, s->len) >= 0 ||
	    sends_find_id(sd, s->pk, s->file_id) >= 0)
		return -1;
	sd->n++;
	return 0;
}

enum sends_err
sends_decode(struct sends *sd, const uint8_t *data, size_t len)
{
	struct rd	r;
	uint16_t	count, i;

	sends_clear(sd);
	rd_init(&r, data, len);
	if (rd_u16(&r, &count) == -1 || count > SENDS_MAX)
		goto bad;
	for (i = 0; i < count; i++)
		if (decode_entry(sd, &r) == -1)
			goto bad;
	if (!rd_done(&r))
		goto bad;
	return SENDS_OK;
bad:
	/* the slot being filled may hold part of a record: wipe it too */
	if (sd->n < SENDS_MAX)
		sodium_memzero(&sd->slots[sd->n], sizeof(sd->slots[0]));
	sends_clear(sd);
	return SENDS_ERR_FORMAT;
}

size_t
sends_seal(const uint8_t key[SENDS_KEY_LEN], const uint8_t *p, size_t plen,
    uint8_t *out, size_t cap)
{
	return sealed_seal(&kind, key, p, plen, out, cap);
}

enum sends_err
sends_pack(struct sends *sd, uint8_t *out, size_t cap, size_t *len)
{
	size_t	plen;

	*len = 0;
	if ((plen = sends_encode(sd, sd->plain, SENDS_PLAIN_MAX)) == 0)
		return SENDS_ERR_NOMEM;		/* cannot happen: bounded */
	*len = sends_seal(sd->key, sd->plain, plen, out, cap);
	sodium_memzero(sd->plain, plen);
	return *len == 0 ? SENDS_ERR_NOMEM : SENDS_OK;
}

enum sends_err
sends_unpack(struct sends *sd, const uint8_t *data, size_t len)
{
	enum sealed_err	se;
	enum sends_err	e;
	size_t		plen;

	sends_clear(sd);
	se = sealed_open(&kind, sd->key, data, len, sd->plain, &plen);
	if (se != SEALED_OK)
		return from_sealed(se);
	e = sends_decode(sd, sd->plain, plen);
	sodium_memzero(sd->plain, plen);
	return e;
}

const char *
sends_strerror(enum sends_err e)
{
	switch (e) {
	case SENDS_OK:
		return "ok";
	case SENDS_ERR_INVALID:
		return "invalid record (an empty or too long path, a NUL, or "
		    "an id in use)";
	case SENDS_ERR_NOTFOUND:
		return "no such file being sent";
	case SENDS_ERR_STORE:
		return "the sends file could not be written to disk";
	case SENDS_ERR_NOMEM:
		return "out of memory";
	case SENDS_ERR_NOFILE:
		return "no profile loaded";
	case SENDS_ERR_TRUNCATED:
		return "the sends file is truncated";
	case SENDS_ERR_MAGIC:
		return "not a sends file";
	case SENDS_ERR_VERSION:
		return "the sends file is of an unknown version";
	case SENDS_ERR_KEY:
		return "the sends file is sealed under another key";
	case SENDS_ERR_AUTH:
		return "the sends file is damaged";
	case SENDS_ERR_FORMAT:
		return "the sends file is invalid inside";
	case SENDS_ERR_TOOBIG:
		return "the sends file is too large";
	case SENDS_ERR_READ:
		return "the sends file could not be read";
	default:
		return "unknown sends error";
	}
}
