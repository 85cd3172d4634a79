/* Tox ID checksum, formatting and parsing of user input: see toxid.h. */
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/toxid.h"

void
toxid_checksum(const uint8_t *id36, uint8_t out[TOX_CHECKSUM_LEN])
{
	size_t	i;

	out[0] = out[1] = 0;
	for (i = 0; i < TOX_PK_LEN + TOX_NOSPAM_LEN; i++)
		out[i % 2] ^= id36[i];
}

void
toxid_make(uint8_t addr[TOX_ADDRESS_LEN], const uint8_t pk[TOX_PK_LEN],
    const uint8_t nospam[TOX_NOSPAM_LEN])
{
	memcpy(addr, pk, TOX_PK_LEN);
	memcpy(addr + TOX_PK_LEN, nospam, TOX_NOSPAM_LEN);
	toxid_checksum(addr, addr + TOX_PK_LEN + TOX_NOSPAM_LEN);
}

int
toxid_check(const uint8_t addr[TOX_ADDRESS_LEN])
{
	uint8_t	c[TOX_CHECKSUM_LEN];

	toxid_checksum(addr, c);
	return memcmp(c, addr + TOX_PK_LEN + TOX_NOSPAM_LEN, sizeof(c)) == 0;
}

void
toxid_format(const uint8_t addr[TOX_ADDRESS_LEN],
    char out[TOX_ADDRESS_HEX_LEN + 1])
{
	hex_encode(addr, TOX_ADDRESS_LEN, out);
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Offset of the first non-hex byte of s[0..n), or n if all are hex. */
static size_t
first_non_hex(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (hex_digit((unsigned char)s[i]) == -1)
			break;
	return i;
}

int
toxid_parse(const char *s, size_t slen, uint8_t addr[TOX_ADDRESS_LEN],
    struct toxid_perr *e)
{
	struct toxid_perr	 dummy;
	size_t			 pos;

	if (e == NULL)
		e = &dummy;
	memset(e, 0, sizeof(*e));
	while (slen > 0 && is_space((unsigned char)s[0])) {
		s++;
		slen--;
	}
	while (slen > 0 && is_space((unsigned char)s[slen - 1]))
		slen--;
	e->len = slen;
	if (slen == 0) {
		e->code = TOXID_ERR_EMPTY;
		return -1;
	}
	pos = first_non_hex(s, slen);
	if (slen != TOX_ADDRESS_HEX_LEN) {
		e->code = slen == TOX_PK_HEX_LEN && pos == slen ?
		    TOXID_ERR_PUBKEY_ONLY : TOXID_ERR_LENGTH;
		return -1;
	}
	if (pos != slen) {
		e->code = TOXID_ERR_NOT_HEX;
		e->pos = pos;
		e->ch = (uint8_t)s[pos];
		return -1;
	}
	if (hex_decode(s, slen, addr, TOX_ADDRESS_LEN) == -1) {
		e->code = TOXID_ERR_NOT_HEX;	/* unreachable: checked above */
		return -1;
	}
	if (!toxid_check(addr)) {
		memset(addr, 0, TOX_ADDRESS_LEN);
		e->code = TOXID_ERR_CHECKSUM;
		return -1;
	}
	return 0;
}

void
toxid_strerror(const struct toxid_perr *e, char *buf, size_t bufsz)
{
	char	what[16];

	if (bufsz == 0)
		return;
	switch (e->code) {
	case TOXID_OK:
		(void)snprintf(buf, bufsz, "valid Tox ID");
		break;
	case TOXID_ERR_EMPTY:
		(void)snprintf(buf, bufsz, "empty Tox ID");
		break;
	case TOXID_ERR_LENGTH:
		(void)snprintf(buf, bufsz, "a Tox ID has %d hex digits, "
		    "this has %zu characters", TOX_ADDRESS_HEX_LEN, e->len);
		break;
	case TOXID_ERR_PUBKEY_ONLY:
		(void)snprintf(buf, bufsz, "this looks like a public key "
		    "(64 hex digits): a Tox ID has %d, with the nospam and "
		    "checksum after the key; ask your friend for the whole ID",
		    TOX_ADDRESS_HEX_LEN);
		break;
	case TOXID_ERR_NOT_HEX:
		/* The byte came from the user or a paste: never echo it raw. */
		if (e->ch >= 0x21 && e->ch <= 0x7e)
			(void)snprintf(what, sizeof(what), "'%c'", e->ch);
		else
			(void)snprintf(what, sizeof(what), "byte 0x%02x", e->ch);
		(void)snprintf(buf, bufsz, "character %zu (%s) is not a hex "
		    "digit", e->pos + 1, what);
		break;
	case TOXID_ERR_CHECKSUM:
		(void)snprintf(buf, bufsz, "checksum mismatch: a digit of "
		    "this Tox ID is wrong");
		break;
	default:
		(void)snprintf(buf, bufsz, "invalid Tox ID");
		break;
	}
}
