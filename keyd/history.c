/* The history's table and its sealed encoding: see history.h.  No I/O. */
#include <sodium.h>
#include <string.h>

#include "common/rd.h"
#include "keyd/history_priv.h"
#include "keyd/vault.h"

/* The envelope's constants for this table (keyd/sealed.h). */
static const struct sealed_kind	kind = {
	.magic = HISTORY_MAGIC,
	.version = HISTORY_VERSION,
	.key_ctx = "bulkhead history key v1",
	.check_msg = "bulkhead history key check",
	.file_max = HISTORY_FILE_MAX,
};
_Static_assert(sizeof(HISTORY_MAGIC) - 1 == SEALED_MAGIC_LEN, "magic");

static enum history_err
from_sealed(enum sealed_err e)
{
	static const enum history_err	map[] = {
		[SEALED_OK] = HISTORY_OK,
		[SEALED_ERR_TOOBIG] = HISTORY_ERR_TOOBIG,
		[SEALED_ERR_TRUNCATED] = HISTORY_ERR_TRUNCATED,
		[SEALED_ERR_MAGIC] = HISTORY_ERR_MAGIC,
		[SEALED_ERR_VERSION] = HISTORY_ERR_VERSION,
		[SEALED_ERR_KEY] = HISTORY_ERR_KEY,
		[SEALED_ERR_AUTH] = HISTORY_ERR_AUTH,
	};

	return map[e];
}

void
history_key_derive(uint8_t out[HISTORY_KEY_LEN], const uint8_t *ikm,
    size_t len)
{
	sealed_key_derive(&kind, out, ikm, len);
}

struct history *
history_new(const uint8_t key[HISTORY_KEY_LEN])
{
	struct history	*h;

	if ((h = secbuf_alloc(sizeof(*h))) == NULL)
		return NULL;
	if ((h->file = secbuf_alloc(HISTORY_FILE_MAX)) == NULL) {
		secbuf_free(h);
		return NULL;
	}
	memcpy(h->key, key, HISTORY_KEY_LEN);
	h->next_seq = 1;
	h->locked = HISTORY_ERR_NOFILE;
	h->store.dirfd = -1;
	return h;
}

void
history_free(struct history *h)
{
	if (h == NULL)
		return;
	secbuf_free(h->file);
	secbuf_free(h);			/* wipes key and texts */
}

void
history_clear(struct history *h)
{
	sodium_memzero(h->text, sizeof(h->text));
	sodium_memzero(h->slots, sizeof(h->slots));
	h->head = 0;
	h->n = 0;
	h->text_used = 0;
}

size_t
history_count(const struct history *h)
{
	return h->n;
}

size_t
history_text_bytes(const struct history *h)
{
	return h->text_used;
}

/* Ring copies: len bytes at ring offset off, wrapping at the end. */
static void
ring_put(struct history *h, uint32_t off, const uint8_t *p, size_t len)
{
	size_t	first = HISTORY_TEXT_TOTAL - off;

	if (first > len)
		first = len;
	memcpy(h->text + off, p, first);
	memcpy(h->text, p + first, len - first);
}

static void
ring_get(const struct history *h, uint32_t off, uint8_t *p, size_t len)
{
	size_t	first = HISTORY_TEXT_TOTAL - off;

	if (first > len)
		first = len;
	memcpy(p, h->text + off, first);
	memcpy(p + first, h->text, len - first);
}

static void
ring_wipe(struct history *h, uint32_t off, size_t len)
{
	size_t	first = HISTORY_TEXT_TOTAL - off;

	if (first > len)
		first = len;
	sodium_memzero(h->text + off, first);
	sodium_memzero(h->text, len - first);
}

static void
drop_oldest(struct history *h)
{
	struct hi_slot	*s = &h->slots[h->head];

	ring_wipe(h, s->off, s->len);
	h->text_used -= s->len;
	sodium_memzero(s, sizeof(*s));
	h->head = (h->head + 1) % HISTORY_MAX;
	h->n--;
}

enum history_err
history_add(struct history *h, uint64_t time, const uint8_t pk[TOX_PK_LEN],
    uint8_t dir, uint8_t action, uint64_t message_id, const uint8_t *text,
    size_t len)
{
	struct hi_slot	*s;
	uint32_t	 off;

	if (dir > 1 || action > 1 || len == 0 || len > HISTORY_TEXT_MAX)
		return HISTORY_ERR_INVALID;
	while (h->n == HISTORY_MAX || len > HISTORY_TEXT_TOTAL - h->text_used)
		drop_oldest(h);
	off = h->n == 0 ? 0 : (uint32_t)((h->slots[h->head].off +
	    h->text_used) % HISTORY_TEXT_TOTAL);
	if (h->n == 0)
		h->text_used = 0;
	s = &h->slots[(h->head + h->n) % HISTORY_MAX];
	s->seq = h->next_seq++;
	s->time = time;
	s->message_id = message_id;
	s->off = off;
	s->len = (uint16_t)len;
	s->dir = dir;
	s->action = action;
	memcpy(s->pk, pk, TOX_PK_LEN);
	ring_put(h, off, text, len);
	h->text_used += len;
	h->n++;
	h->dirty = 1;
	return HISTORY_OK;
}

static const struct hi_slot *
slot(const struct history *h, size_t i)
{
	return &h->slots[(h->head + i) % HISTORY_MAX];
}

int
history_at(const struct history *h, size_t i, struct history_entry *e)
{
	const struct hi_slot	*s;

	if (i >= h->n)
		return -1;
	s = slot(h, i);
	e->seq = s->seq;
	e->time = s->time;
	e->message_id = s->message_id;
	memcpy(e->pk, s->pk, TOX_PK_LEN);
	e->dir = s->dir;
	e->action = s->action;
	e->len = s->len;
	ring_get(h, s->off, e->text, s->len);
	return 0;
}

size_t
history_select(const struct history *h, const uint8_t pk[TOX_PK_LEN],
    uint64_t before, size_t *idx, size_t max)
{
	const struct hi_slot	*s;
	size_t			 i, c = 0;

	for (i = h->n; i > 0 && c < max; i--) {
		s = slot(h, i - 1);
		if ((before == 0 || s->seq < before) &&
		    memcmp(s->pk, pk, TOX_PK_LEN) == 0)
			idx[c++] = i - 1;
	}
	return c;
}

size_t
history_encode(const struct history *h, uint8_t *out, size_t cap)
{
	const struct hi_slot	*s;
	struct wr		 w;
	uint8_t			*t;
	size_t			 i;

	wr_init(&w, out, cap);
	wr_u32(&w, (uint32_t)h->n);
	for (i = 0; i < h->n; i++) {
		s = slot(h, i);
		wr_u64(&w, s->time);
		wr_bytes(&w, s->pk, TOX_PK_LEN);
		wr_u8(&w, s->dir);
		wr_u8(&w, s->action);
		wr_u64(&w, s->message_id);
		wr_u16(&w, s->len);
		if ((t = wr_reserve(&w, s->len)) != NULL)
			ring_get(h, s->off, t, s->len);
	}
	return wr_ok(&w) ? wr_len(&w) : 0;
}

enum history_err
history_decode(struct history *h, const uint8_t *data, size_t len)
{
	struct rd	 r;
	uint8_t		 pk[TOX_PK_LEN], dir, action;
	uint64_t	 time, mid;
	uint32_t	 count, i;
	uint16_t	 tlen;
	const uint8_t	*text;

	history_clear(h);
	rd_init(&r, data, len);
	if (rd_u32(&r, &count) == -1 || count > HISTORY_MAX)
		goto bad;
	for (i = 0; i < count; i++) {
		if (rd_u64(&r, &time) == -1 ||
		    rd_bytes(&r, pk, sizeof(pk)) == -1 ||
		    rd_u8(&r, &dir) == -1 || rd_u8(&r, &action) == -1 ||
		    rd_u64(&r, &mid) == -1 || rd_u16(&r, &tlen) == -1)
			goto bad;
		/* Within the bounds, so history_add() drops nothing: what
		 * parses encodes back to the same bytes. */
		if (dir > 1 || action > 1 || tlen == 0 ||
		    tlen > HISTORY_TEXT_MAX ||
		    tlen > HISTORY_TEXT_TOTAL - h->text_used ||
		    (text = rd_take(&r, tlen)) == NULL)
			goto bad;
		(void)history_add(h, time, pk, dir, action, mid, text, tlen);
	}
	if (!rd_done(&r))
		goto bad;
	return HISTORY_OK;
bad:
	history_clear(h);
	return HISTORY_ERR_FORMAT;
}

size_t
history_seal(const uint8_t key[HISTORY_KEY_LEN], const uint8_t *p, size_t plen,
    uint8_t *out, size_t cap)
{
	return sealed_seal(&kind, key, p, plen, out, cap);
}

enum history_err
history_pack(struct history *h, size_t *len)
{
	uint8_t	*p = h->file + HISTORY_FILE_HDR + HISTORY_MAC_LEN;
	size_t	 plen;

	*len = 0;
	if ((plen = history_encode(h, p, HISTORY_PLAIN_MAX)) == 0)
		return HISTORY_ERR_NOMEM;	/* cannot happen: bounded */
	if ((*len = history_seal(h->key, p, plen, h->file,
	    HISTORY_FILE_MAX)) == 0) {
		sodium_memzero(p, plen);
		return HISTORY_ERR_NOMEM;
	}
	return HISTORY_OK;
}

const uint8_t *
history_file(const struct history *h)
{
	return h->file;
}

enum history_err
history_unpack(struct history *h, const uint8_t *data, size_t len)
{
	/* Opened in the file buffer (data may be that buffer itself). */
	uint8_t		*p = h->file + SEALED_OVERHEAD;
	enum sealed_err	 se;
	enum history_err e;
	size_t		 plen;

	history_clear(h);
	if ((se = sealed_open(&kind, h->key, data, len, p, &plen)) !=
	    SEALED_OK)
		return from_sealed(se);
	e = history_decode(h, p, plen);
	sodium_memzero(p, plen);
	h->dirty = 0;
	return e;
}

const char *
history_strerror(enum history_err e)
{
	switch (e) {
	case HISTORY_OK:
		return "ok";
	case HISTORY_ERR_INVALID:
		return "invalid entry (empty, too long or bad kind)";
	case HISTORY_ERR_LOCKED:
		return "the history file is unreadable and could not be set "
		    "aside";
	case HISTORY_ERR_STORE:
		return "the history could not be written to disk";
	case HISTORY_ERR_NOMEM:
		return "out of memory";
	case HISTORY_ERR_NOFILE:
		return "the history has not been loaded";
	case HISTORY_ERR_TRUNCATED:
		return "the history file is truncated";
	case HISTORY_ERR_MAGIC:
		return "not a history file";
	case HISTORY_ERR_VERSION:
		return "the history file is of an unknown version";
	case HISTORY_ERR_KEY:
		return "the history file is sealed under another key";
	case HISTORY_ERR_AUTH:
		return "the history file is damaged";
	case HISTORY_ERR_FORMAT:
		return "the history file is invalid inside";
	case HISTORY_ERR_TOOBIG:
		return "the history file is too large";
	case HISTORY_ERR_READ:
		return "the history file could not be read";
	default:
		return "unknown history error";
	}
}
