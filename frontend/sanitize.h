/*
 * Neutralising text for the terminal.  Names, messages and file names come
 * from friends (or strangers): every control character and escape sequence
 * is replaced before it reaches the terminal (OpenSSH's utf8.c idea), and
 * so are the characters that make text look other than it is: bidi
 * overrides and isolates (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F,
 * U+061C) and zero-width ones (U+200B..U+200D, U+2060, U+FEFF).
 */
#ifndef BULKHEAD_FRONTEND_SANITIZE_H
#define BULKHEAD_FRONTEND_SANITIZE_H

#include <stddef.h>

/*
 * Copies src (len bytes) into dst (dstsz bytes, NUL-terminated): valid UTF-8
 * is kept except C0/C1 controls, DEL, bidi and zero-width characters,
 * which become '?', as do invalid bytes.  Truncates on a character
 * boundary.  Returns dst.
 */
char	*sanitize_text(const char *src, size_t len, char *dst, size_t dstsz);
/*
 * Text we send as our own (name, status message): NULL if it is valid
 * UTF-8 without any character sanitize_text would replace, else what is
 * wrong, as "a control character (U+001B) at byte 5" in why.
 */
const char *sanitize_check(const char *src, size_t len, char *why,
	    size_t whysz);

#endif
