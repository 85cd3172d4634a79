/*
 * Terminal-safe text, shared by the frontend (friends' text) and the
 * supervisor's log relay (the roles' log lines): every control character
 * and escape sequence is replaced before it reaches a terminal (OpenSSH's
 * utf8.c idea), and so are the characters that make text look other than
 * it is.  Valid UTF-8 is kept, except C0 controls, DEL, the C1 controls
 * U+0080..U+009F (some terminals act on them as on ESC [), bidi overrides
 * and isolates (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C)
 * and zero-width characters (U+200B..U+200D, U+2060, U+FEFF): each such
 * character becomes one '?', and so does every invalid byte (overlong,
 * surrogate, beyond U+10FFFF, cut short).
 */
#ifndef BULKHEAD_TEXTSAFE_H
#define BULKHEAD_TEXTSAFE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the valid UTF-8 sequence at p (left >= 1 bytes) into *cp;
 * returns its length (1..4), or 0 if invalid (overlong, surrogate,
 * beyond Unicode, cut short).
 */
size_t	utf8_seq(const uint8_t *p, size_t left, uint32_t *cp);

/*
 * What code point cp would do on a terminal ("a control character", "a
 * bidirectional control", "a zero-width character"), or NULL if it is
 * harmless.  Also what file names from friends may not hold (fname.h).
 */
const char *textsafe_hazard(uint32_t cp);

/*
 * Copies src (len bytes) into dst (dstsz bytes, NUL-terminated), neutralised
 * as above; truncates on a character boundary.  Returns the length written
 * (without the NUL).
 */
size_t	textsafe(const char *src, size_t len, char *dst, size_t dstsz);
/*
 * Text we send as our own (name, status message): NULL if it is valid
 * UTF-8 without any character textsafe() would replace, else what is
 * wrong, as "a control character (U+001B) at byte 5", in why.
 */
const char *textsafe_check(const char *src, size_t len, char *why,
	    size_t whysz);

#endif
