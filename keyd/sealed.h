/*
 * The envelope of keyd's sealed tables beside the profile (partials,
 * outbox, history, sends): each table encodes its own plaintext and
 * hands it here to be sealed as a whole file, and hands a file read from
 * disk here to be checked and opened before it parses a byte of it.
 *
 *	magic (8) || version u32 || key check (16) || nonce (24) ||
 *	crypto_secretbox(plaintext): MAC (16) || ciphertext
 *
 * Integers big-endian, the nonce fresh and random at each seal.  The key
 * check is a BLAKE2b of the table's check string keyed with the key: it
 * tells a file sealed under another key (SEALED_ERR_KEY) from a damaged
 * one (SEALED_ERR_AUTH) and says nothing about the key.  The key itself
 * comes from the profile's key material through sealed_key_derive(),
 * under the table's own context string, so no two tables share a key.
 *
 * A table describes itself in one struct sealed_kind (its magic, version,
 * context strings and the largest file it reads) and maps enum sealed_err
 * to its own errors, keeping its own messages.
 */
#ifndef BULKHEAD_KEYD_SEALED_H
#define BULKHEAD_KEYD_SEALED_H

#include <stddef.h>
#include <stdint.h>

#define SEALED_KEY_LEN		32	/* crypto_secretbox_KEYBYTES */
#define SEALED_MAGIC_LEN	8
#define SEALED_CHECK_LEN	16
#define SEALED_NONCE_LEN	24	/* crypto_secretbox_NONCEBYTES */
#define SEALED_MAC_LEN		16	/* crypto_secretbox_MACBYTES */
#define SEALED_HDR		(SEALED_MAGIC_LEN + 4 + SEALED_CHECK_LEN + \
	SEALED_NONCE_LEN)				/* 52 */
/* Where the plaintext starts in a file opened or sealed in place. */
#define SEALED_OVERHEAD		(SEALED_HDR + SEALED_MAC_LEN)	/* 68 */

struct sealed_kind {
	const char	*magic;		/* SEALED_MAGIC_LEN bytes */
	uint32_t	 version;
	const char	*key_ctx;	/* the BLAKE2b key of key_derive */
	const char	*check_msg;	/* what the key check hashes */
	size_t		 file_max;	/* a larger file is refused unread */
};

/* Why a file does not open, in the order they are checked. */
enum sealed_err {
	SEALED_OK = 0,
	SEALED_ERR_TOOBIG,	/* over the kind's file_max */
	SEALED_ERR_TRUNCATED,	/* shorter than a header and a MAC */
	SEALED_ERR_MAGIC,	/* not this table's file */
	SEALED_ERR_VERSION,	/* a version of it we do not know */
	SEALED_ERR_KEY,		/* sealed under another key */
	SEALED_ERR_AUTH,	/* the MAC fails: damaged */
};

/* The table's key from the profile's key material (any length). */
void		 sealed_key_derive(const struct sealed_kind *,
		    uint8_t out[SEALED_KEY_LEN], const uint8_t *ikm,
		    size_t len);
/*
 * Seals plen bytes of plaintext p as a whole file into out (cap bytes);
 * its length, or 0 if cap is short.  p lies outside out, or is
 * out + SEALED_OVERHEAD (sealed in place, as the history does).
 */
size_t		 sealed_seal(const struct sealed_kind *,
		    const uint8_t key[SEALED_KEY_LEN], const uint8_t *p,
		    size_t plen, uint8_t *out, size_t cap);
/*
 * Checks and opens a whole file (len bytes of data) into plain, the
 * plaintext's length in *plen (0 on an error).  plain holds
 * kind->file_max - SEALED_OVERHEAD bytes; it may be data +
 * SEALED_OVERHEAD (opened in place) or lie apart from data.  Nothing is
 * written to plain unless the MAC holds.
 */
enum sealed_err	 sealed_open(const struct sealed_kind *,
		    const uint8_t key[SEALED_KEY_LEN], const uint8_t *data,
		    size_t len, uint8_t *plain, size_t *plen);

#endif
