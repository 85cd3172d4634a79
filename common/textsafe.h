/*
 * Terminal-safe text, shared by the frontend (friends' text) and the
 * supervisor's log relay (the roles' log lines): every control character
 * and escape sequence is replaced before it reaches a terminal (OpenSSH's
 * utf8.c idea).  Valid UTF-8 is kept, except C0 controls, DEL and the C1
 * controls U+0080..U+009F (some terminals act on them as on ESC [); every
 * other byte (invalid, overlong, surrogate, beyond U+10FFFF) becomes '?'.
 */
#ifndef BULKHEAD_TEXTSAFE_H
#define BULKHEAD_TEXTSAFE_H

#include <stddef.h>

/*
 * Copies src (len bytes) into dst (dstsz bytes, NUL-terminated), neutralised
 * as above; truncates on a character boundary.  Returns the length written
 * (without the NUL).
 */
size_t	textsafe(const char *src, size_t len, char *dst, size_t dstsz);

#endif
