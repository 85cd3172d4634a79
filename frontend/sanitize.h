/*
 * Neutralising text for the terminal.  Names, messages and file names come
 * from friends (or strangers): every control character and escape sequence
 * is replaced before it reaches the terminal (OpenSSH's utf8.c idea).
 */
#ifndef BULKHEAD_FRONTEND_SANITIZE_H
#define BULKHEAD_FRONTEND_SANITIZE_H

#include <stddef.h>

/*
 * Copies src (len bytes) into dst (dstsz bytes, NUL-terminated): valid UTF-8
 * is kept except C0/C1 controls and DEL, which become '?', as do invalid
 * bytes.  Truncates on a character boundary.  Returns dst.
 */
char	*sanitize_text(const char *src, size_t len, char *dst, size_t dstsz);

#endif
