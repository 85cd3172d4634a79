/* The outbox's table and its sealed encoding: see outbox.h.  No I/O. */
#include <sodium.h>
#include <string.h>

#include "common/rd.h"
#include "keyd/outbox_priv.h"
#include "keyd/vault.h"

/* The envelope's constants for this table (keyd/sealed.h). */
static const struct sealed_kind	kind = {
	.magic = OUTBOX_MAGIC,
	.version = OUTBOX_VERSION,
	.key_ctx = "bulkhead outbox key v1",
	.check_msg = "bulkhead outbox key check",
	.file_max = OUTBOX_FILE_MAX,
};
_Static_assert(sizeof(OUTBOX_MAGIC) - 1 == SEALED_MAGIC_LEN, "magic");

static enum outbox_err
from_sealed(enum sealed_err e)
{
	static const enum outbox_err	map[] = {
		[SEALED_OK] = OUTBOX_OK,
		[SEALED_ERR_TOOBIG] = OUTBOX_ERR_TOOBIG,
		[SEALED_ERR_TRUNCATED] = OUTBOX_ERR_TRUNCATED,
		[SEALED_ERR_MAGIC] = OUTBOX_ERR_MAGIC,
		[SEALED_ERR_VERSION] = OUTBOX_ERR_VERSION,
		[SEALED_ERR_KEY] = OUTBOX_ERR_KEY,
		[SEALED_ERR_AUTH] = OUTBOX_ERR_AUTH,
	};

	return map[e];
}

void
outbox_key_derive(uint8_t out[OUTBOX_KEY_LEN], const uint8_t *ikm, size_t len)
{
	sealed_key_derive(&kind, out, ikm, len);
}

struct outbox *
outbox_new(const uint8_t key[OUTBOX_KEY_LEN])
{
	struct outbox	*ob;

	if ((ob = secbuf_alloc(sizeof(*ob))) == NULL)
		return NULL;
	if ((ob->plain = secbuf_alloc(OUTBOX_PLAIN_MAX)) == NULL ||
	    (ob->file = secbuf_alloc(OUTBOX_FILE_MAX)) == NULL) {
		secbuf_free(ob->plain);
		secbuf_free(ob);
		return NULL;
	}
	memcpy(ob->key, key, OUTBOX_KEY_LEN);
	ob->next_id = 1;
	ob->locked = OUTBOX_ERR_NOFILE;
	ob->store.dirfd = -1;
	return ob;
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	secbuf_free(ob->file);
	secbuf_free(ob->plain);
	secbuf_free(ob);		/* wipes key and texts */
}

void
outbox_clear(struct outbox *ob)
{
	sodium_memzero(ob->text, ob->text_used);
	sodium_memzero(ob->slots, ob->n * sizeof(ob->slots[0]));
	ob->n = 0;
	ob->text_used = 0;
	ob->next_id = 1;
}

uint64_t
outbox_append(struct outbox *ob, const uint8_t pk[TOX_PK_LEN],
    uint8_t action, const uint8_t *text, size_t len, uint64_t created)
{
	struct ob_slot	*s = &ob->slots[ob->n++];

	s->id = ob->next_id++;
	s->created = created;
	s->off = (uint32_t)ob->text_used;
	s->len = (uint16_t)len;
	s->action = action;
	memcpy(s->pk, pk, TOX_PK_LEN);
	memcpy(ob->text + ob->text_used, text, len);
	ob->text_used += len;
	return s->id;
}

void
outbox_remove_at(struct outbox *ob, size_t i)
{
	struct ob_slot	*s = &ob->slots[i];
	size_t		 end = (size_t)s->off + s->len, len = s->len, j;

	memmove(ob->text + s->off, ob->text + end, ob->text_used - end);
	ob->text_used -= len;
	sodium_memzero(ob->text + ob->text_used, len);
	for (j = i + 1; j < ob->n; j++)
		ob->slots[j].off -= (uint32_t)len;
	memmove(&ob->slots[i], &ob->slots[i + 1],
	    (ob->n - i - 1) * sizeof(ob->slots[0]));
	ob->n--;
	sodium_memzero(&ob->slots[ob->n], sizeof(ob->slots[0]));
}

size_t
outbox_count(const struct outbox *ob)
{
	return ob->n;
}

size_t
outbox_count_friend(const struct outbox *ob, const uint8_t pk[TOX_PK_LEN])
{
	size_t	i, c = 0;

	for (i = 0; i < ob->n; i++)
		if (memcmp(ob->slots[i].pk, pk, TOX_PK_LEN) == 0)
			c++;
	return c;
}

static void
view(const struct outbox *ob, size_t i, struct outbox_entry *e)
{
	const struct ob_slot	*s = &ob->slots[i];

	e->id = s->id;
	e->created = s->created;
	memcpy(e->pk, s->pk, TOX_PK_LEN);
	e->action = s->action;
	e->len = s->len;
	e->text = ob->text + s->off;
}

int
outbox_at(const struct outbox *ob, size_t i, struct outbox_entry *e)
{
	if (i >= ob->n)
		return -1;
	view(ob, i, e);
	return 0;
}

/* The slot holding id (they are sorted), or -1. */
static long
slot_of(const struct outbox *ob, uint64_t id)
{
	size_t	lo = 0, hi = ob->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ob->slots[mid].id == id)
			return (long)mid;
		if (ob->slots[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int
outbox_find(const struct outbox *ob, uint64_t id, struct outbox_entry *e)
{
	long	i;

	if ((i = slot_of(ob, id)) < 0)
		return -1;
	view(ob, (size_t)i, e);
	return 0;
}

uint64_t
outbox_next_id(const struct outbox *ob)
{
	return ob->next_id;
}

size_t
outbox_text_bytes(const struct outbox *ob)
{
	return ob->text_used;
}

enum outbox_err
outbox_del(struct outbox *ob, uint64_t id)
{
	long	i;

	if ((i = slot_of(ob, id)) < 0)
		return OUTBOX_ERR_NOTFOUND;
	outbox_remove_at(ob, (size_t)i);
	ob->dirty = 1;
	return OUTBOX_OK;
}

size_t
outbox_del_friend(struct outbox *ob, const uint8_t pk[TOX_PK_LEN])
{
	size_t	i = 0, c = 0;

	while (i < ob->n) {
		if (memcmp(ob->slots[i].pk, pk, TOX_PK_LEN) == 0) {
			outbox_remove_at(ob, i);
			c++;
		} else
			i++;
	}
	if (c > 0)
		ob->dirty = 1;
	return c;
}

int
outbox_dirty(const struct outbox *ob)
{
	return ob->dirty;
}

size_t
outbox_encode(const struct outbox *ob, uint8_t *out, size_t cap)
{
	const struct ob_slot	*s;
	struct wr		 w;
	size_t			 i;

	wr_init(&w, out, cap);
	wr_u64(&w, ob->next_id);
	wr_u32(&w, (uint32_t)ob->n);
	for (i = 0; i < ob->n; i++) {
		s = &ob->slots[i];
		wr_u64(&w, s->id);
		wr_bytes(&w, s->pk, TOX_PK_LEN);
		wr_u8(&w, s->action);
		wr_u64(&w, s->created);
		wr_u16(&w, s->len);
		wr_bytes(&w, ob->text + s->off, s->len);
	}
	return wr_ok(&w) ? wr_len(&w) : 0;
}

/* One entry into the table, or -1: every bound of outbox.h is checked. */
static int
decode_entry(struct outbox *ob, struct rd *r, uint64_t prev)
{
	uint8_t		 pk[TOX_PK_LEN], action;
	uint64_t	 id, created;
	uint16_t	 len;
	const uint8_t	*text;

	if (rd_u64(r, &id) == -1 || rd_bytes(r, pk, sizeof(pk)) == -1 ||
	    rd_u8(r, &action) == -1 || rd_u64(r, &created) == -1 ||
	    rd_u16(r, &len) == -1)
		return -1;
	if (id <= prev || action > OUTBOX_ACTION_MAX || len == 0 ||
	    len > OUTBOX_TEXT_MAX || len > OUTBOX_TEXT_TOTAL - ob->text_used ||
	    (text = rd_take(r, len)) == NULL)
		return -1;
	ob->next_id = id;
	(void)outbox_append(ob, pk, action, text, len, created);
	return 0;
}

enum outbox_err
outbox_decode(struct outbox *ob, const uint8_t *data, size_t len)
{
	struct rd	r;
	uint64_t	next, prev = 0;
	uint32_t	count, i;

	outbox_clear(ob);
	rd_init(&r, data, len);
	if (rd_u64(&r, &next) == -1 || rd_u32(&r, &count) == -1 ||
	    count > OUTBOX_MAX)
		goto bad;
	for (i = 0; i < count; i++) {
		if (decode_entry(ob, &r, prev) == -1)
			goto bad;
		prev = ob->slots[ob->n - 1].id;
	}
	/* Every id handed out lies below the next one. */
	if (!rd_done(&r) || next == 0 || next <= prev)
		goto bad;
	ob->next_id = next;
	return OUTBOX_OK;
bad:
	outbox_clear(ob);
	return OUTBOX_ERR_FORMAT;
}

size_t
outbox_seal(const uint8_t key[OUTBOX_KEY_LEN], const uint8_t *p, size_t plen,
    uint8_t *out, size_t cap)
{
	return sealed_seal(&kind, key, p, plen, out, cap);
}

enum outbox_err
outbox_pack(struct outbox *ob, uint8_t *out, size_t cap, size_t *len)
{
	size_t	plen;

	*len = 0;
	if ((plen = outbox_encode(ob, ob->plain, OUTBOX_PLAIN_MAX)) == 0)
		return OUTBOX_ERR_NOMEM;	/* cannot happen: bounded */
	*len = outbox_seal(ob->key, ob->plain, plen, out, cap);
	sodium_memzero(ob->plain, plen);
	return *len == 0 ? OUTBOX_ERR_NOMEM : OUTBOX_OK;
}

enum outbox_err
outbox_unpack(struct outbox *ob, const uint8_t *data, size_t len)
{
	enum sealed_err	se;
	enum outbox_err	e;
	size_t		plen;

	outbox_clear(ob);
	se = sealed_open(&kind, ob->key, data, len, ob->plain, &plen);
	if (se != SEALED_OK)
		return from_sealed(se);
	e = outbox_decode(ob, ob->plain, plen);
	sodium_memzero(ob->plain, plen);
	return e;
}

const char *
outbox_strerror(enum outbox_err e)
{
	switch (e) {
	case OUTBOX_OK:
		return "ok";
	case OUTBOX_ERR_INVALID:
		return "invalid message (empty, too long or bad kind)";
	case OUTBOX_ERR_FULL:
		return "outbox full";
	case OUTBOX_ERR_NOTFOUND:
		return "no such message in the outbox";
	case OUTBOX_ERR_LOCKED:
		return "the outbox file is unreadable and kept as it is";
	case OUTBOX_ERR_STORE:
		return "the outbox could not be written to disk";
	case OUTBOX_ERR_NOMEM:
		return "out of memory";
	case OUTBOX_ERR_NOFILE:
		return "the outbox has not been loaded";
	case OUTBOX_ERR_TRUNCATED:
		return "the outbox file is truncated";
	case OUTBOX_ERR_MAGIC:
		return "not an outbox file";
	case OUTBOX_ERR_VERSION:
		return "the outbox file is of an unknown version";
	case OUTBOX_ERR_KEY:
		return "the outbox file is sealed under another key";
	case OUTBOX_ERR_AUTH:
		return "the outbox file is damaged";
	case OUTBOX_ERR_FORMAT:
		return "the outbox file is invalid inside";
	case OUTBOX_ERR_TOOBIG:
		return "the outbox file is too large";
	case OUTBOX_ERR_READ:
		return "the outbox file could not be read";
	default:
		return "unknown outbox error";
	}
}
