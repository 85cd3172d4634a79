/* The history's table and its sealed encoding: see history.h.  No I/O. */
#include <sodium.h>
#include <string.h>

#include "common/rd.h"
#include "keyd/history_priv.h"
#include "keyd/vault.h"

static const char	derive_ctx[] = "bulkhead history key v1";
static const char	check_msg[] = "bulkhead history key check";

void
history_key_derive(uint8_t out[HISTORY_KEY_LEN], const uint8_t *ikm,
    size_t len)
{
	/* The context is the BLAKE2b key, as outbox_key_derive() does with
	 * its own: the two stores never share a key. */
	(void)crypto_generichash(out, HISTORY_KEY_LEN, ikm, len,
	    (const uint8_t *)derive_ctx, sizeof(derive_ctx) - 1);
}

static void
key_check(const uint8_t key[HISTORY_KEY_LEN],
    uint8_t out[HISTORY_CHECK_LEN])
{
	(void)crypto_generichash(out, HISTORY_CHECK_LEN,
	    (const uint8_t *)check_msg, sizeof(check_msg) - 1, key,
	    HISTORY_KEY_LEN);
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
history_seal(const uint8_t key[HISTORY_KEY_LEN], const uint8_t *p,
    size_t plen, uint8_t *out, size_t cap)
{
	struct wr	 w;
	uint8_t		 check[HISTORY_CHECK_LEN], *nonce, *mac, *box;

	wr_init(&w, out, cap);
	wr_bytes(&w, HISTORY_MAGIC, HISTORY_MAGIC_LEN);
	wr_u32(&w, HISTORY_VERSION);
	key_check(key, check);
	wr_bytes(&w, check, sizeof(check));
	if ((nonce = wr_reserve(&w, HISTORY_NONCE_LEN)) == NULL ||
	    (mac = wr_reserve(&w, HISTORY_MAC_LEN)) == NULL ||
	    (box = wr_reserve(&w, plen)) == NULL)
		return 0;
	memmove(box, p, plen);		/* nothing to move when in place */
	randombytes_buf(nonce, HISTORY_NONCE_LEN);
	if (crypto_secretbox_detached(box, mac, box, plen, nonce, key) != 0)
		return 0;
	return wr_len(&w);
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
	struct rd	 r;
	const uint8_t	*magic, *check, *nonce, *mac, *box;
	uint8_t		 want[HISTORY_CHECK_LEN], n[HISTORY_NONCE_LEN], *p;
	uint32_t	 version;
	size_t		 blen;
	enum history_err e;

	history_clear(h);
	if (len > HISTORY_FILE_MAX)
		return HISTORY_ERR_TOOBIG;
	rd_init(&r, data, len);
	if ((magic = rd_take(&r, HISTORY_MAGIC_LEN)) == NULL)
		return HISTORY_ERR_TRUNCATED;
	if (memcmp(magic, HISTORY_MAGIC, HISTORY_MAGIC_LEN) != 0)
		return HISTORY_ERR_MAGIC;
	if (rd_u32(&r, &version) == -1)
		return HISTORY_ERR_TRUNCATED;
	if (version != HISTORY_VERSION)
		return HISTORY_ERR_VERSION;
	if ((check = rd_take(&r, HISTORY_CHECK_LEN)) == NULL ||
	    (nonce = rd_take(&r, HISTORY_NONCE_LEN)) == NULL ||
	    (mac = rd_take(&r, HISTORY_MAC_LEN)) == NULL)
		return HISTORY_ERR_TRUNCATED;
	key_check(h->key, want);
	if (sodium_memcmp(check, want, sizeof(want)) != 0)
		return HISTORY_ERR_KEY;
	box = rd_rest(&r, &blen);
	/* Opened in the file buffer (data may be that buffer itself):
	 * blen <= HISTORY_PLAIN_MAX, checked above through len. */
	p = h->file + HISTORY_FILE_HDR + HISTORY_MAC_LEN;
	memcpy(n, nonce, sizeof(n));
	memcpy(want, mac, HISTORY_MAC_LEN);
	memmove(p, box, blen);
	if (crypto_secretbox_open_detached(p, p, want, blen, n,
	    h->key) != 0) {
		sodium_memzero(p, blen);
		return HISTORY_ERR_AUTH;
	}
	e = history_decode(h, p, blen);
	sodium_memzero(p, blen);
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
