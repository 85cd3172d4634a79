/* The partials table and its sealed encoding: see partials.h.  No I/O. */
#include <sodium.h>
#include <string.h>

#include "common/rd.h"
#include "keyd/partials_priv.h"
#include "keyd/vault.h"

/* The envelope's constants for this table (keyd/sealed.h). */
static const struct sealed_kind	kind = {
	.magic = PARTIALS_MAGIC,
	.version = PARTIALS_VERSION,
	.key_ctx = "bulkhead partials key v1",
	.check_msg = "bulkhead partials key check",
	.file_max = PARTIALS_FILE_MAX,
};
_Static_assert(sizeof(PARTIALS_MAGIC) - 1 == SEALED_MAGIC_LEN, "magic");

static enum partials_err
from_sealed(enum sealed_err e)
{
	static const enum partials_err	map[] = {
		[SEALED_OK] = PARTIALS_OK,
		[SEALED_ERR_TOOBIG] = PARTIALS_ERR_TOOBIG,
		[SEALED_ERR_TRUNCATED] = PARTIALS_ERR_TRUNCATED,
		[SEALED_ERR_MAGIC] = PARTIALS_ERR_MAGIC,
		[SEALED_ERR_VERSION] = PARTIALS_ERR_VERSION,
		[SEALED_ERR_KEY] = PARTIALS_ERR_KEY,
		[SEALED_ERR_AUTH] = PARTIALS_ERR_AUTH,
	};

	return map[e];
}

void
partials_key_derive(uint8_t out[PARTIALS_KEY_LEN], const uint8_t *ikm,
    size_t len)
{
	sealed_key_derive(&kind, out, ikm, len);
}

struct partials *
partials_new(const uint8_t key[PARTIALS_KEY_LEN])
{
	struct partials	*pt;

	if ((pt = secbuf_alloc(sizeof(*pt))) == NULL)
		return NULL;
	if ((pt->plain = secbuf_alloc(PARTIALS_PLAIN_MAX)) == NULL ||
	    (pt->file = secbuf_alloc(PARTIALS_FILE_MAX)) == NULL) {
		secbuf_free(pt->plain);
		secbuf_free(pt);
		return NULL;
	}
	memcpy(pt->key, key, PARTIALS_KEY_LEN);
	pt->store.dirfd = -1;
	return pt;
}

void
partials_free(struct partials *pt)
{
	if (pt == NULL)
		return;
	secbuf_free(pt->file);
	secbuf_free(pt->plain);
	secbuf_free(pt);		/* wipes key and records */
}

void
partials_clear(struct partials *pt)
{
	sodium_memzero(pt->slots, pt->n * sizeof(pt->slots[0]));
	pt->n = 0;
}

long
partials_find(const struct partials *pt, const uint8_t pk[TOX_PK_LEN],
    const uint8_t file_id[PARTIALS_FILE_ID_LEN])
{
	size_t	i;

	for (i = 0; i < pt->n; i++)
		if (memcmp(pt->slots[i].pk, pk, TOX_PK_LEN) == 0 &&
		    memcmp(pt->slots[i].file_id, file_id,
		    PARTIALS_FILE_ID_LEN) == 0)
			return (long)i;
	return -1;
}

long
partials_victim(const struct partials *pt, const uint8_t pk[TOX_PK_LEN],
    const uint8_t file_id[PARTIALS_FILE_ID_LEN])
{
	long	i;

	if ((i = partials_find(pt, pk, file_id)) >= 0)
		return i;
	return pt->n >= PARTIALS_MAX ? 0 : -1;
}

void
partials_remove_at(struct partials *pt, size_t i)
{
	memmove(&pt->slots[i], &pt->slots[i + 1],
	    (pt->n - i - 1) * sizeof(pt->slots[0]));
	pt->n--;
	sodium_memzero(&pt->slots[pt->n], sizeof(pt->slots[0]));
}

int
partials_path_ok(const char *path, size_t len)
{
	return len >= 1 && len <= PARTIALS_PATH_MAX &&
	    memchr(path, '\0', len) == NULL;
}

void
partials_fill(struct pt_slot *s, const uint8_t pk[TOX_PK_LEN],
    const uint8_t file_id[PARTIALS_FILE_ID_LEN], uint64_t size,
    const char *path, size_t len)
{
	memcpy(s->pk, pk, TOX_PK_LEN);
	memcpy(s->file_id, file_id, PARTIALS_FILE_ID_LEN);
	s->size = size;
	s->len = (uint16_t)len;
	memcpy(s->path, path, len);
	s->path[len] = '\0';
}

size_t
partials_count(const struct partials *pt)
{
	return pt->n;
}

static void
view(const struct pt_slot *s, struct partials_entry *e)
{
	memcpy(e->pk, s->pk, TOX_PK_LEN);
	memcpy(e->file_id, s->file_id, PARTIALS_FILE_ID_LEN);
	e->size = s->size;
	e->len = s->len;
	e->path = s->path;
}

int
partials_at(const struct partials *pt, size_t i, struct partials_entry *e)
{
	if (i >= pt->n)
		return -1;
	view(&pt->slots[i], e);
	return 0;
}

int
partials_get(const struct partials *pt, const uint8_t pk[TOX_PK_LEN],
    const uint8_t file_id[PARTIALS_FILE_ID_LEN], struct partials_entry *e)
{
	long	i;

	if ((i = partials_find(pt, pk, file_id)) < 0)
		return -1;
	view(&pt->slots[i], e);
	return 0;
}

enum partials_err
partials_set(struct partials *pt, const uint8_t pk[TOX_PK_LEN],
    const uint8_t file_id[PARTIALS_FILE_ID_LEN], uint64_t size,
    const char *path, size_t len)
{
	long	i;

	if (!partials_path_ok(path, len))
		return PARTIALS_ERR_INVALID;
	if ((i = partials_victim(pt, pk, file_id)) >= 0)
		partials_remove_at(pt, (size_t)i);
	partials_fill(&pt->slots[pt->n++], pk, file_id, size, path, len);
	return PARTIALS_OK;
}

enum partials_err
partials_unset(struct partials *pt, const uint8_t pk[TOX_PK_LEN],
    const uint8_t file_id[PARTIALS_FILE_ID_LEN])
{
	long	i;

	if ((i = partials_find(pt, pk, file_id)) < 0)
		return PARTIALS_ERR_NOTFOUND;
	partials_remove_at(pt, (size_t)i);
	return PARTIALS_OK;
}

static void
encode_slot(struct wr *w, const struct pt_slot *s)
{
	wr_bytes(w, s->pk, TOX_PK_LEN);
	wr_bytes(w, s->file_id, PARTIALS_FILE_ID_LEN);
	wr_u64(w, s->size);
	wr_u16(w, s->len);
	wr_bytes(w, s->path, s->len);
}

size_t
partials_encode_change(const struct partials *pt, long skip,
    const struct pt_slot *add, uint8_t *out, size_t cap)
{
	struct wr	w;
	size_t		i, n = pt->n;

	if (skip >= 0)
		n--;
	if (add != NULL)
		n++;
	if (n > PARTIALS_MAX)
		return 0;		/* a caller's bug: no victim chosen */
	wr_init(&w, out, cap);
	wr_u16(&w, (uint16_t)n);
	for (i = 0; i < pt->n; i++)
		if ((long)i != skip)
			encode_slot(&w, &pt->slots[i]);
	if (add != NULL)
		encode_slot(&w, add);
	return wr_ok(&w) ? wr_len(&w) : 0;
}

size_t
partials_encode(const struct partials *pt, uint8_t *out, size_t cap)
{
	return partials_encode_change(pt, -1, NULL, out, cap);
}

/* One record into the next slot, or -1: every bound is checked. */
static int
decode_entry(struct partials *pt, struct rd *r)
{
	struct pt_slot	*s = &pt->slots[pt->n];
	const uint8_t	*path;

	if (rd_bytes(r, s->pk, TOX_PK_LEN) == -1 ||
	    rd_bytes(r, s->file_id, PARTIALS_FILE_ID_LEN) == -1 ||
	    rd_u64(r, &s->size) == -1 || rd_u16(r, &s->len) == -1 ||
	    s->len == 0 || s->len > PARTIALS_PATH_MAX ||
	    (path = rd_take(r, s->len)) == NULL ||
	    !partials_path_ok((const char *)path, s->len))
		return -1;
	memcpy(s->path, path, s->len);
	s->path[s->len] = '\0';
	/* one record per key: a duplicate is not canonical */
	if (partials_find(pt, s->pk, s->file_id) >= 0)
		return -1;
	pt->n++;
	return 0;
}

enum partials_err
partials_decode(struct partials *pt, const uint8_t *data, size_t len)
{
	struct rd	r;
	uint16_t	count, i;

	partials_clear(pt);
	rd_init(&r, data, len);
	if (rd_u16(&r, &count) == -1 || count > PARTIALS_MAX)
		goto bad;
	for (i = 0; i < count; i++)
		if (decode_entry(pt, &r) == -1)
			goto bad;
	if (!rd_done(&r))
		goto bad;
	return PARTIALS_OK;
bad:
	/* the slot being filled may hold part of a record: wipe it too */
	if (pt->n < PARTIALS_MAX)
		sodium_memzero(&pt->slots[pt->n], sizeof(pt->slots[0]));
	partials_clear(pt);
	return PARTIALS_ERR_FORMAT;
}

size_t
partials_seal(const uint8_t key[PARTIALS_KEY_LEN], const uint8_t *p,
    size_t plen, uint8_t *out, size_t cap)
{
	return sealed_seal(&kind, key, p, plen, out, cap);
}

enum partials_err
partials_pack(struct partials *pt, uint8_t *out, size_t cap, size_t *len)
{
	size_t	plen;

	*len = 0;
	if ((plen = partials_encode(pt, pt->plain, PARTIALS_PLAIN_MAX)) == 0)
		return PARTIALS_ERR_NOMEM;	/* cannot happen: bounded */
	*len = partials_seal(pt->key, pt->plain, plen, out, cap);
	sodium_memzero(pt->plain, plen);
	return *len == 0 ? PARTIALS_ERR_NOMEM : PARTIALS_OK;
}

enum partials_err
partials_unpack(struct partials *pt, const uint8_t *data, size_t len)
{
	enum sealed_err		se;
	enum partials_err	e;
	size_t			plen;

	partials_clear(pt);
	se = sealed_open(&kind, pt->key, data, len, pt->plain, &plen);
	if (se != SEALED_OK)
		return from_sealed(se);
	e = partials_decode(pt, pt->plain, plen);
	sodium_memzero(pt->plain, plen);
	return e;
}

const char *
partials_strerror(enum partials_err e)
{
	switch (e) {
	case PARTIALS_OK:
		return "ok";
	case PARTIALS_ERR_INVALID:
		return "invalid record (an empty or too long path, or a NUL)";
	case PARTIALS_ERR_NOTFOUND:
		return "no such partial file";
	case PARTIALS_ERR_STORE:
		return "the partials file could not be written to disk";
	case PARTIALS_ERR_NOMEM:
		return "out of memory";
	case PARTIALS_ERR_NOFILE:
		return "no profile loaded";
	case PARTIALS_ERR_TRUNCATED:
		return "the partials file is truncated";
	case PARTIALS_ERR_MAGIC:
		return "not a partials file";
	case PARTIALS_ERR_VERSION:
		return "the partials file is of an unknown version";
	case PARTIALS_ERR_KEY:
		return "the partials file is sealed under another key";
	case PARTIALS_ERR_AUTH:
		return "the partials file is damaged";
	case PARTIALS_ERR_FORMAT:
		return "the partials file is invalid inside";
	case PARTIALS_ERR_TOOBIG:
		return "the partials file is too large";
	case PARTIALS_ERR_READ:
		return "the partials file could not be read";
	default:
		return "unknown partials error";
	}
}
