/*
 * File names from friends, made safe to create in the download directory.
 *
 * A friend names the file it sends; the name is hostile.  fname_sanitize()
 * makes a name that is one path component, visible as what it is and
 * harmless on a shell's command line:
 * - '/' and '\\' become '_' (no path separators, on any system);
 * - every character the terminal filter refuses (common/textsafe.h: C0
 *   and C1 controls, DEL, bidi overrides and isolates, zero-width
 *   characters) becomes '_', and so does every invalid UTF-8 byte; a
 *   NUL is a C0 control;
 * - leading dots and spaces are dropped (".bashrc" -> "bashrc", "../x"
 *   -> "_x"; no hidden files, never "." or ".."), and a leading '-'
 *   becomes '_' (a name is never taken for an option);
 * - trailing spaces and dots are dropped;
 * - at most FNAME_MAX bytes, cut at a character boundary;
 * - what is left empty becomes "file".
 * fname_create() then creates it in a directory without ever replacing
 * anything there: "name.ext", else "name (1).ext", "name (2).ext", ...
 */
#ifndef BULKHEAD_FNAME_H
#define BULKHEAD_FNAME_H

#include <stddef.h>

#define FNAME_MAX		255	/* bytes: Linux's NAME_MAX */
#define FNAME_EMPTY		"file"	/* for a name with nothing left */
#define FNAME_UNIQUE_MAX	999	/* "name (999).ext", then EEXIST */
#define FNAME_EXT_MAX		32	/* a longer ".suffix" is no extension */

/*
 * The safe name for src (len bytes, any bytes) in out, NUL-terminated;
 * returns its length (1..FNAME_MAX).  Pure.  A safe name comes back
 * unchanged.
 */
size_t	fname_sanitize(const char *src, size_t len, char out[FNAME_MAX + 1]);
/* 1 if name (len bytes) is a name fname_sanitize() could return, else 0. */
int	fname_safe(const char *name, size_t len);
/*
 * Creates a new file for name (NUL-terminated; it must be safe, else
 * EINVAL) in the directory dirfd, O_RDWR, mode 0600, with O_CREAT|O_EXCL|
 * O_NOFOLLOW: nothing that exists is opened or replaced, and a symlink
 * at the name is not followed.  Tries name, then "stem (k)ext" for k = 1
 * .. FNAME_UNIQUE_MAX, the stem cut (at a character boundary) so that
 * the whole fits FNAME_MAX.  Returns the descriptor (close-on-exec), the
 * name used in used; or -1 with errno (EEXIST when every name is taken).
 */
int	fname_create(int dirfd, const char *name, char used[FNAME_MAX + 1]);

#endif
