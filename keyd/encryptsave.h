/*
 * toxencryptsave, the passphrase encryption c-toxcore clients (qTox,
 * toxic) use for profiles, so that an encrypted profile moves between them
 * and bulkhead:
 *
 *	"toxEsave" (8) || salt (32) || nonce (24) || MAC (16) || ciphertext
 *
 * key = scrypt (crypto_pwhash_scryptsalsa208sha256, 2 x OPSLIMIT and
 * MEMLIMIT _INTERACTIVE) of SHA-256(passphrase) with the salt; the box is
 * crypto_secretbox_easy.  The MAC covers the whole ciphertext, so a file cut
 * short and a wrong passphrase look alike after the header: both are
 * ENCSAVE_ERR_AUTH.
 *
 * Deriving the key costs ~16 MiB and a noticeable fraction of a second, so
 * keyd derives it once at unlock and keeps it (not the passphrase) in
 * sodium_malloc memory for later saves, as c-toxcore's Tox_Pass_Key does.
 */
#ifndef BULKHEAD_ENCRYPTSAVE_H
#define BULKHEAD_ENCRYPTSAVE_H

#include <stddef.h>
#include <stdint.h>

#define ENCSAVE_MAGIC		"toxEsave"
#define ENCSAVE_MAGIC_LEN	8
#define ENCSAVE_SALT_LEN	32
#define ENCSAVE_NONCE_LEN	24
#define ENCSAVE_MAC_LEN		16
#define ENCSAVE_KEY_LEN		32
#define ENCSAVE_OVERHEAD	(ENCSAVE_MAGIC_LEN + ENCSAVE_SALT_LEN + \
	ENCSAVE_NONCE_LEN + ENCSAVE_MAC_LEN)		/* 80 */

enum encsave_kind {
	ENCSAVE_KIND_UNKNOWN = 0,	/* neither: not a profile */
	ENCSAVE_KIND_PLAIN,		/* savedata header */
	ENCSAVE_KIND_ENCRYPTED,		/* "toxEsave" */
};

enum encsave_err {
	ENCSAVE_OK = 0,
	ENCSAVE_ERR_NOT_ENCRYPTED,	/* no "toxEsave" magic */
	ENCSAVE_ERR_TRUNCATED,		/* not even a header and one byte */
	ENCSAVE_ERR_AUTH,		/* wrong passphrase, or damaged */
	ENCSAVE_ERR_NOMEM,		/* the KDF or a buffer failed */
	ENCSAVE_ERR_INVALID,		/* bad arguments (empty plaintext) */
};

/* A derived key and the salt it came from, in sodium_malloc memory. */
struct encsave_key {
	uint8_t	salt[ENCSAVE_SALT_LEN];
	uint8_t	key[ENCSAVE_KEY_LEN];
};

/* Which kind of file data[0..len) is. */
enum encsave_kind encsave_detect(const uint8_t *data, size_t len);
/*
 * Derives a key from a passphrase (any bytes, may be empty) and salt; a
 * NULL salt means a fresh random one.  The caller wipes the passphrase.
 * Returns NULL if memory is short.
 */
struct encsave_key *encsave_key_derive(const uint8_t *pass, size_t passlen,
	    const uint8_t *salt);
/* Wipes and frees; NULL is fine. */
void	encsave_key_free(struct encsave_key *);
/* Copies the salt of an encrypted file; -1 if it is not one (or short). */
int	encsave_get_salt(const uint8_t *data, size_t len,
	    uint8_t salt[ENCSAVE_SALT_LEN]);
/*
 * Encrypts len (>= 1) bytes into out (cap >= len + ENCSAVE_OVERHEAD) with
 * a fresh nonce.  Returns the length written, or 0.
 */
size_t	encsave_encrypt(const struct encsave_key *, const uint8_t *plain,
	    size_t len, uint8_t *out, size_t cap);
/*
 * Decrypts an encrypted file with a key derived from its salt into out
 * (cap >= len - ENCSAVE_OVERHEAD); *outlen gets the plaintext length.
 */
enum encsave_err encsave_decrypt(const struct encsave_key *,
	    const uint8_t *data, size_t len, uint8_t *out, size_t cap,
	    size_t *outlen);
/*
 * The same with a passphrase: derives the key from the file's salt.  If
 * keyp is not NULL and decryption succeeds, the key is handed over there
 * for later saves; otherwise it is wiped.
 */
enum encsave_err encsave_decrypt_pass(const uint8_t *pass, size_t passlen,
	    const uint8_t *data, size_t len, uint8_t *out, size_t cap,
	    size_t *outlen, struct encsave_key **keyp);
const char	*encsave_strerror(enum encsave_err);

#endif
