/* Where friends' files go: see download_dir.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "supervisor/download_dir.h"
#include "supervisor/user_dirs.h"

/* out = dir "/" DOWNLOAD_SUBDIR; -1 if it does not fit. */
static int
below(char *out, size_t outsz, const char *dir)
{
	size_t	n = strlen(dir);
	int	len;

	while (n > 1 && dir[n - 1] == '/')	/* "/dl/" is "/dl" */
		n--;
	len = snprintf(out, outsz, "%.*s%s%s", (int)n, dir,
	    n == 1 ? "" : "/", DOWNLOAD_SUBDIR);
	return len < 0 || (size_t)len >= outsz ? -1 : 0;
}

/* The XDG_DOWNLOAD_DIR of a user-dirs.dirs, if there is a usable one. */
static int
from_user_dirs(char *out, size_t outsz, const char *config_home,
    const char *home)
{
	static uint8_t	buf[DOWNLOAD_USER_DIRS_MAX + 1];
	char		path[USER_DIRS_PATH_MAX];
	ssize_t		n;
	size_t		got = 0;
	int		fd, len;

	if (config_home != NULL && config_home[0] == '/')
		len = snprintf(path, sizeof(path), "%s/user-dirs.dirs",
		    config_home);
	else if (home != NULL && home[0] == '/')
		len = snprintf(path, sizeof(path), "%s/.config/user-dirs.dirs",
		    home);
	else
		return -1;
	if (len < 0 || (size_t)len >= sizeof(path))
		return -1;
	/* never block on a FIFO put there */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1)
		return -1;
	while (got < sizeof(buf) && (n = read(fd, buf + got,
	    sizeof(buf) - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (got > DOWNLOAD_USER_DIRS_MAX)
		return -1;
	return user_dirs_download(buf, got, home, out, outsz);
}

int
download_dir_default(char *out, size_t outsz, const char *xdg_download,
    const char *xdg_config_home, const char *home)
{
	char	dir[USER_DIRS_PATH_MAX];
	int	len;

	if (xdg_download != NULL && xdg_download[0] == '/')
		return below(out, outsz, xdg_download);
	if (from_user_dirs(dir, sizeof(dir), xdg_config_home, home) == 0)
		return below(out, outsz, dir);
	if (home == NULL || home[0] != '/')
		return -1;
	len = snprintf(out, outsz, "%s%sDownloads/%s", home,
	    home[strlen(home) - 1] == '/' ? "" : "/", DOWNLOAD_SUBDIR);
	return len < 0 || (size_t)len >= outsz ? -1 : 0;
}

int
download_dir_make(const char *path)
{
	char		 buf[USER_DIRS_PATH_MAX];
	struct stat	 st;
	size_t		 len = strlen(path), i;

	if (path[0] != '/' || len >= sizeof(buf)) {
		errno = path[0] != '/' ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	/* each prefix ending before a '/', then the whole */
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		if (buf[i - 1] == '/')
			continue;		/* "//" */
		buf[i] = '\0';
		if (mkdir(buf, 0700) == -1) {
			if (errno != EEXIST)
				return -1;
			if (stat(buf, &st) == -1)
				return -1;
			if (!S_ISDIR(st.st_mode)) {
				errno = ENOTDIR;
				return -1;
			}
		}
		buf[i] = path[i];
	}
	return 0;
}
