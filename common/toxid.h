/*
 * Tox IDs (addresses): real public key (32) || nospam (4) || checksum (2),
 * shown to users as 76 hex digits.  The checksum is the XOR of the first 36
 * bytes folded onto two bytes, so a mistyped digit is caught before a
 * friend request goes to a key nobody holds.
 */
#ifndef BULKHEAD_TOXID_H
#define BULKHEAD_TOXID_H

#include <stddef.h>
#include <stdint.h>

#define TOX_PK_LEN		32
#define TOX_SK_LEN		32
#define TOX_NOSPAM_LEN		4
#define TOX_CHECKSUM_LEN	2
#define TOX_ADDRESS_LEN		(TOX_PK_LEN + TOX_NOSPAM_LEN + TOX_CHECKSUM_LEN)
#define TOX_ADDRESS_HEX_LEN	(2 * TOX_ADDRESS_LEN)		/* 76 */
#define TOX_PK_HEX_LEN		(2 * TOX_PK_LEN)		/* 64 */

enum toxid_err {
	TOXID_OK = 0,
	TOXID_ERR_EMPTY,	/* nothing but whitespace */
	TOXID_ERR_LENGTH,	/* not 76 characters */
	TOXID_ERR_PUBKEY_ONLY,	/* 64 hex digits: a key without nospam */
	TOXID_ERR_NOT_HEX,	/* a character that is not a hex digit */
	TOXID_ERR_CHECKSUM,	/* well formed, but a digit is wrong */
};

/* Why a parse failed, precisely enough to tell the user what to fix. */
struct toxid_perr {
	enum toxid_err	code;
	size_t		len;	/* length after trimming */
	size_t		pos;	/* NOT_HEX: 0-based offset in the trimmed text */
	uint8_t		ch;	/* NOT_HEX: the offending byte */
};

/* Computes the 2-byte checksum of the first 36 bytes of an address. */
void	toxid_checksum(const uint8_t *id36, uint8_t out[TOX_CHECKSUM_LEN]);
/* Builds an address from a public key and nospam. */
void	toxid_make(uint8_t addr[TOX_ADDRESS_LEN], const uint8_t pk[TOX_PK_LEN],
	    const uint8_t nospam[TOX_NOSPAM_LEN]);
/* 1 if the checksum of a 38-byte address is right, else 0. */
int	toxid_check(const uint8_t addr[TOX_ADDRESS_LEN]);
/* Writes 76 upper-case hex digits and a NUL into out. */
void	toxid_format(const uint8_t addr[TOX_ADDRESS_LEN],
	    char out[TOX_ADDRESS_HEX_LEN + 1]);
/*
 * Parses a user-typed ID of slen bytes (no NUL needed): whitespace at both
 * ends is ignored, either case accepted.  Returns 0 and fills addr, or -1
 * and fills *e (if not NULL).
 */
int	toxid_parse(const char *s, size_t slen, uint8_t addr[TOX_ADDRESS_LEN],
	    struct toxid_perr *e);
/* A one-line English explanation of *e into buf (always NUL-terminated). */
void	toxid_strerror(const struct toxid_perr *e, char *buf, size_t bufsz);

#endif
