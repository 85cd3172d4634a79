/* Hex encoding for keys and IDs shown to the user. */
#ifndef BULKHEAD_HEX_H
#define BULKHEAD_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2*len upper-case hex digits and a NUL; out must hold 2*len+1. */
void	hex_encode(const uint8_t *, size_t len, char *out);
/*
 * Decodes exactly 2*outlen hex digits (either case) from a string of
 * length slen.  Returns 0, or -1 for a wrong length or a non-hex digit.
 */
int	hex_decode(const char *, size_t slen, uint8_t *out, size_t outlen);
int	hex_digit(int c);	/* 0..15, or -1 */

#endif
