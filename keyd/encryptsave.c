/* toxencryptsave: see encryptsave.h. */
#include <sodium.h>
#include <string.h>

#include "common/rd.h"
#include "keyd/encryptsave.h"
#include "keyd/vault.h"

/* The first 8 bytes of plain savedata: u32 0 || u32 LE 0x15ED1B1F. */
static const uint8_t plain_magic[8] = { 0, 0, 0, 0, 0x1f, 0x1b, 0xed, 0x15 };

enum encsave_kind
encsave_detect(const uint8_t *data, size_t len)
{
	if (len >= ENCSAVE_MAGIC_LEN &&
	    memcmp(data, ENCSAVE_MAGIC, ENCSAVE_MAGIC_LEN) == 0)
		return ENCSAVE_KIND_ENCRYPTED;
	if (len >= sizeof(plain_magic) &&
	    memcmp(data, plain_magic, sizeof(plain_magic)) == 0)
		return ENCSAVE_KIND_PLAIN;
	return ENCSAVE_KIND_UNKNOWN;
}

struct encsave_key *
encsave_key_derive(const uint8_t *pass, size_t passlen, const uint8_t *salt)
{
	struct encsave_key	*k;
	uint8_t			*prehash;

	if ((k = secbuf_alloc(sizeof(*k))) == NULL)
		return NULL;
	if ((prehash = secbuf_alloc(crypto_hash_sha256_BYTES)) == NULL) {
		secbuf_free(k);
		return NULL;
	}
	if (salt != NULL)
		memcpy(k->salt, salt, sizeof(k->salt));
	else
		randombytes_buf(k->salt, sizeof(k->salt));
	/* c-toxcore hashes the passphrase first; so must we, to interoperate. */
	crypto_hash_sha256(prehash, pass, passlen);
	if (crypto_pwhash_scryptsalsa208sha256(k->key, sizeof(k->key),
	    (const char *)prehash, crypto_hash_sha256_BYTES, k->salt,
	    2ULL * crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE) != 0) {
		secbuf_free(prehash);
		secbuf_free(k);
		return NULL;
	}
	secbuf_free(prehash);
	return k;
}

void
encsave_key_free(struct encsave_key *k)
{
	if (k != NULL)
		secbuf_free(k);
}

int
encsave_get_salt(const uint8_t *data, size_t len, uint8_t salt[ENCSAVE_SALT_LEN])
{
	struct rd	 r;
	const uint8_t	*magic;

	rd_init(&r, data, len);
	magic = rd_take(&r, ENCSAVE_MAGIC_LEN);
	rd_bytes(&r, salt, ENCSAVE_SALT_LEN);
	if (!rd_ok(&r) || memcmp(magic, ENCSAVE_MAGIC, ENCSAVE_MAGIC_LEN) != 0)
		return -1;
	return 0;
}

size_t
encsave_encrypt(const struct encsave_key *k, const uint8_t *plain, size_t len,
    uint8_t *out, size_t cap)
{
	struct wr	 w;
	uint8_t		*nonce, *box;

	if (len == 0 || len > SIZE_MAX - ENCSAVE_OVERHEAD ||
	    cap < len + ENCSAVE_OVERHEAD)
		return 0;
	wr_init(&w, out, cap);
	wr_bytes(&w, ENCSAVE_MAGIC, ENCSAVE_MAGIC_LEN);
	wr_bytes(&w, k->salt, sizeof(k->salt));
	nonce = wr_reserve(&w, ENCSAVE_NONCE_LEN);
	box = wr_reserve(&w, ENCSAVE_MAC_LEN + len);
	if (!wr_ok(&w))
		return 0;
	randombytes_buf(nonce, ENCSAVE_NONCE_LEN);
	if (crypto_secretbox_easy(box, plain, len, nonce, k->key) != 0)
		return 0;
	return wr_len(&w);
}

enum encsave_err
encsave_decrypt(const struct encsave_key *k, const uint8_t *data, size_t len,
    uint8_t *out, size_t cap, size_t *outlen)
{
	struct rd	 r;
	const uint8_t	*magic, *nonce, *box;
	size_t		 boxlen;

	*outlen = 0;
	if (encsave_detect(data, len) != ENCSAVE_KIND_ENCRYPTED)
		return ENCSAVE_ERR_NOT_ENCRYPTED;
	rd_init(&r, data, len);
	magic = rd_take(&r, ENCSAVE_MAGIC_LEN);
	rd_skip(&r, ENCSAVE_SALT_LEN);
	nonce = rd_take(&r, ENCSAVE_NONCE_LEN);
	box = rd_rest(&r, &boxlen);
	(void)magic;
	/* c-toxcore never writes an empty plaintext: a box <= MAC is cut. */
	if (!rd_ok(&r) || boxlen <= ENCSAVE_MAC_LEN)
		return ENCSAVE_ERR_TRUNCATED;
	if (cap < boxlen - ENCSAVE_MAC_LEN)
		return ENCSAVE_ERR_INVALID;
	if (crypto_secretbox_open_easy(out, box, boxlen, nonce, k->key) != 0)
		return ENCSAVE_ERR_AUTH;
	*outlen = boxlen - ENCSAVE_MAC_LEN;
	return ENCSAVE_OK;
}

enum encsave_err
encsave_decrypt_pass(const uint8_t *pass, size_t passlen, const uint8_t *data,
    size_t len, uint8_t *out, size_t cap, size_t *outlen,
    struct encsave_key **keyp)
{
	struct encsave_key	*k;
	uint8_t			 salt[ENCSAVE_SALT_LEN];
	enum encsave_err	 e;

	*outlen = 0;
	if (keyp != NULL)
		*keyp = NULL;
	if (encsave_detect(data, len) != ENCSAVE_KIND_ENCRYPTED)
		return ENCSAVE_ERR_NOT_ENCRYPTED;
	/* Refuse a cut file before paying for the KDF. */
	if (len <= ENCSAVE_OVERHEAD || encsave_get_salt(data, len, salt) == -1)
		return ENCSAVE_ERR_TRUNCATED;
	if ((k = encsave_key_derive(pass, passlen, salt)) == NULL)
		return ENCSAVE_ERR_NOMEM;
	e = encsave_decrypt(k, data, len, out, cap, outlen);
	if (e == ENCSAVE_OK && keyp != NULL)
		*keyp = k;
	else
		encsave_key_free(k);
	return e;
}

const char *
encsave_strerror(enum encsave_err e)
{
	switch (e) {
	case ENCSAVE_OK:
		return "ok";
	case ENCSAVE_ERR_NOT_ENCRYPTED:
		return "not an encrypted profile";
	case ENCSAVE_ERR_TRUNCATED:
		return "encrypted profile is truncated";
	case ENCSAVE_ERR_AUTH:
		return "wrong passphrase (or the encrypted profile is damaged)";
	case ENCSAVE_ERR_NOMEM:
		return "out of memory deriving the key";
	case ENCSAVE_ERR_INVALID:
		return "invalid argument";
	default:
		return "unknown encryption error";
	}
}
