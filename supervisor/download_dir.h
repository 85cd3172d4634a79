/*
 * Where friends' files go.  Without --download-dir: "$XDG_DOWNLOAD_DIR/
 * bulkhead" when that variable is set and absolute; else the
 * XDG_DOWNLOAD_DIR of $XDG_CONFIG_HOME/user-dirs.dirs (or
 * ~/.config/user-dirs.dirs, user_dirs.h) with "/bulkhead"; else
 * "$HOME/Downloads/bulkhead".  The directory is made (mkdir -p, 0700 for
 * what is made) only when the first incoming file needs it, never at
 * start.
 */
#ifndef BULKHEAD_SUP_DOWNLOAD_DIR_H
#define BULKHEAD_SUP_DOWNLOAD_DIR_H

#include <stddef.h>

#define DOWNLOAD_SUBDIR		"bulkhead"
/* A user-dirs.dirs larger than this is not read (it is a few lines). */
#define DOWNLOAD_USER_DIRS_MAX	(64 * 1024)

/*
 * The default download directory into out (outsz bytes), from the
 * environment's values (NULL: unset; passed in so tests choose them):
 * XDG_DOWNLOAD_DIR, XDG_CONFIG_HOME and HOME.  Returns 0, or -1 if there
 * is none (no absolute HOME either) or it does not fit.
 */
int	download_dir_default(char *out, size_t outsz, const char *xdg_download,
	    const char *xdg_config_home, const char *home);
/*
 * Makes the absolute path a directory, as mkdir -p does; what it makes
 * has mode 0700 (what exists is left as it is).  Returns 0, or -1 with
 * errno (ENOTDIR if a component is not a directory).
 */
int	download_dir_make(const char *path);

#endif
