/*
 * The download directory of xdg-user-dirs: the XDG_DOWNLOAD_DIR line of a
 * user-dirs.dirs file ($XDG_CONFIG_HOME/user-dirs.dirs, or
 * ~/.config/user-dirs.dirs).  The file is shell-like; its writer puts one
 * assignment a line, the value quoted and either "$HOME/path" or
 * "/path":
 *
 *	# comment
 *	XDG_DOWNLOAD_DIR="$HOME/Downloads"
 *
 * A backslash in the quotes takes the next byte as it is.  Lines of any
 * other shape are ignored; of several XDG_DOWNLOAD_DIR lines the last
 * usable one counts (as a shell would).  The bytes are the user's, but
 * the file is parsed as carefully as any (struct rd).
 */
#ifndef BULKHEAD_SUP_USER_DIRS_H
#define BULKHEAD_SUP_USER_DIRS_H

#include <stddef.h>
#include <stdint.h>

/* The longest path taken from the file, with its NUL (PATH_MAX). */
#define USER_DIRS_PATH_MAX	4096

/*
 * The XDG_DOWNLOAD_DIR of the file's text (len bytes) into out (outsz
 * bytes, NUL-terminated), "$HOME" replaced by home (which must then be
 * absolute).  Returns 0, or -1 if no line gives an absolute path without
 * NUL that fits.
 */
int	user_dirs_download(const uint8_t *, size_t len, const char *home,
	    char *out, size_t outsz);

#endif
