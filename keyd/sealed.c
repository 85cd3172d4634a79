/* The sealed tables' envelope: see sealed.h.  No I/O. */
#include <sodium.h>
#include <string.h>

#include "common/rd.h"
#include "keyd/sealed.h"

_Static_assert(SEALED_KEY_LEN == crypto_secretbox_KEYBYTES, "key");
_Static_assert(SEALED_NONCE_LEN == crypto_secretbox_NONCEBYTES, "nonce");
_Static_assert(SEALED_MAC_LEN == crypto_secretbox_MACBYTES, "mac");

void
sealed_key_derive(const struct sealed_kind *k, uint8_t out[SEALED_KEY_LEN],
    const uint8_t *ikm, size_t len)
{
	/* The context is the BLAKE2b key, so no ikm length is refused. */
	(void)crypto_generichash(out, SEALED_KEY_LEN, ikm, len,
	    (const uint8_t *)k->key_ctx, strlen(k->key_ctx));
}

/* Binds a file to its key without revealing it (SEALED_ERR_KEY). */
static void
key_check(const struct sealed_kind *k, const uint8_t key[SEALED_KEY_LEN],
    uint8_t out[SEALED_CHECK_LEN])
{
	(void)crypto_generichash(out, SEALED_CHECK_LEN,
	    (const uint8_t *)k->check_msg, strlen(k->check_msg), key,
	    SEALED_KEY_LEN);
}

size_t
sealed_seal(const struct sealed_kind *k, const uint8_t key[SEALED_KEY_LEN],
    const uint8_t *p, size_t plen, uint8_t *out, size_t cap)
{
	struct wr	 w;
	uint8_t		 check[SEALED_CHECK_LEN], *nonce, *mac, *box;

	wr_init(&w, out, cap);
	wr_bytes(&w, k->magic, SEALED_MAGIC_LEN);
	wr_u32(&w, k->version);
	key_check(k, key, check);
	wr_bytes(&w, check, sizeof(check));
	/* MAC || ciphertext, as crypto_secretbox_easy lays them out */
	if ((nonce = wr_reserve(&w, SEALED_NONCE_LEN)) == NULL ||
	    (mac = wr_reserve(&w, SEALED_MAC_LEN)) == NULL ||
	    (box = wr_reserve(&w, plen)) == NULL)
		return 0;
	randombytes_buf(nonce, SEALED_NONCE_LEN);
	/* libsodium moves p to box first if they overlap (in place) */
	if (crypto_secretbox_detached(box, mac, p, plen, nonce, key) != 0)
		return 0;
	return wr_len(&w);
}

enum sealed_err
sealed_open(const struct sealed_kind *k, const uint8_t key[SEALED_KEY_LEN],
    const uint8_t *data, size_t len, uint8_t *plain, size_t *plen)
{
	struct rd	 r;
	const uint8_t	*magic, *check, *nonce, *mac, *box;
	uint8_t		 want[SEALED_CHECK_LEN], n[SEALED_NONCE_LEN];
	uint8_t		 m[SEALED_MAC_LEN];
	uint32_t	 version;
	size_t		 blen;

	*plen = 0;
	if (len > k->file_max)
		return SEALED_ERR_TOOBIG;
	rd_init(&r, data, len);
	if ((magic = rd_take(&r, SEALED_MAGIC_LEN)) == NULL)
		return SEALED_ERR_TRUNCATED;
	if (memcmp(magic, k->magic, SEALED_MAGIC_LEN) != 0)
		return SEALED_ERR_MAGIC;
	if (rd_u32(&r, &version) == -1)
		return SEALED_ERR_TRUNCATED;
	if (version != k->version)
		return SEALED_ERR_VERSION;
	if ((check = rd_take(&r, SEALED_CHECK_LEN)) == NULL ||
	    (nonce = rd_take(&r, SEALED_NONCE_LEN)) == NULL ||
	    (mac = rd_take(&r, SEALED_MAC_LEN)) == NULL)
		return SEALED_ERR_TRUNCATED;
	key_check(k, key, want);
	if (sodium_memcmp(check, want, sizeof(want)) != 0)
		return SEALED_ERR_KEY;
	box = rd_rest(&r, &blen);
	/*
	 * blen <= file_max - SEALED_OVERHEAD, what plain holds.  Nonce and
	 * MAC are copied out first: plain may overlap data, and libsodium
	 * moves the box onto plain before it is done with the nonce.
	 */
	memcpy(n, nonce, sizeof(n));
	memcpy(m, mac, sizeof(m));
	if (crypto_secretbox_open_detached(plain, box, m, blen, n, key) != 0)
		return SEALED_ERR_AUTH;
	*plen = blen;
	return SEALED_OK;
}
