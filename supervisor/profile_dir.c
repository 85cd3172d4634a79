/* The profile's directory: see profile_dir.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisor/profile_dir.h"

#define NODES_CACHE_NAME	"nodes.json"	/* keyd's, beside it */

/* One directory on the way: "" if fine, else why not. */
static int
check_one(const char *path, const struct stat *st, uid_t uid, int is_profile,
    char *why, size_t whysz)
{
	if (!S_ISDIR(st->st_mode)) {
		snprintf(why, whysz, "%s is not a directory", path);
		return -1;
	}
	if (is_profile) {
		if (st->st_uid != uid) {
			snprintf(why, whysz, "the profile directory %s is "
			    "owned by uid %u, not by you (uid %u)", path,
			    (unsigned)st->st_uid, (unsigned)uid);
			return -1;
		}
		if (st->st_mode & (S_IWGRP | S_IWOTH)) {
			snprintf(why, whysz, "the profile directory %s is "
			    "writable by %s (mode %04o): chmod go-w it, or "
			    "choose another --profile", path,
			    st->st_mode & S_IWOTH ? "everyone" : "its group",
			    (unsigned)(st->st_mode & 07777));
			return -1;
		}
		return 0;
	}
	if (st->st_uid != uid && st->st_uid != 0) {
		snprintf(why, whysz, "%s, above the profile, is owned by uid "
		    "%u, neither you nor root", path, (unsigned)st->st_uid);
		return -1;
	}
	/* root's shared sticky dirs (/tmp) let no one rename our entry */
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(st->st_uid == 0 && (st->st_mode & S_ISVTX))) {
		snprintf(why, whysz, "%s, above the profile, is writable by %s "
		    "(mode %04o): someone else could replace the profile "
		    "directory", path, st->st_mode & S_IWOTH ? "everyone" :
		    "its group", (unsigned)(st->st_mode & 07777));
		return -1;
	}
	return 0;
}

int
profile_dir_check(const char *dir, uid_t uid, const char *home, char *why,
    size_t whysz)
{
	char		 path[PATH_MAX], rhome[PATH_MAX], *slash;
	struct stat	 st;
	int		 first = 1;

	if (home != NULL && realpath(home, rhome) != NULL)
		home = rhome;
	else
		home = NULL;
	if (realpath(dir, path) == NULL) {
		snprintf(why, whysz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	/*
	 * keyd may create, change and remove regular files in the profile's
	 * directory and every directory below it (a Landlock rule covers a
	 * whole tree): that must not be the home directory, with its
	 * dotfiles, nor the root (audit L2).
	 */
	if (strcmp(path, "/") == 0 || (home != NULL && strcmp(path, home) ==
	    0)) {
		snprintf(why, whysz, "the profile needs a directory of its own, "
		    "not %s: keyd may change every file in the profile's "
		    "directory and below (for instance "
		    "~/.local/share/bulkhead/profile.tox)",
		    strcmp(path, "/") == 0 ? "/" : "your home directory");
		return -1;
	}
	for (;;) {
		if (stat(path, &st) == -1) {
			snprintf(why, whysz, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (check_one(path, &st, uid, first, why, whysz) == -1)
			return -1;
		first = 0;
		/* up to $HOME, included, or to / */
		if (strcmp(path, "/") == 0 ||
		    (home != NULL && strcmp(path, home) == 0))
			return 0;
		if ((slash = strrchr(path, '/')) == path)
			path[1] = '\0';
		else
			*slash = '\0';
	}
}

/* Makes dir and its missing parents (0700); notes the topmost made. */
static int
make_dirs(struct profile_dir *pd)
{
	char	path[OPT_MAX_PATH], *p;

	snprintf(path, sizeof(path), "%s", pd->dir);
	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char	c = *p;

			*p = '\0';
			if (mkdir(path, 0700) == 0) {
				if (pd->created[0] == '\0')
					snprintf(pd->created,
					    sizeof(pd->created), "%s", path);
			} else if (errno != EEXIST) {
				fprintf(stderr, "bulkhead: cannot create the "
				    "profile directory %s: %s\n", path,
				    strerror(errno));
				return -1;
			}
			*p = c;
		}
		if (*p == '\0')
			return 0;
	}
}

static int
take_lock(struct profile_dir *pd, const char *base)
{
	struct flock	fl;

	snprintf(pd->lock, sizeof(pd->lock), "%s/.%s.lock", pd->dir, base);
	if ((pd->lock_fd = open(pd->lock, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		fprintf(stderr, "bulkhead: %s: %s\n", pd->lock,
		    strerror(errno));
		return -1;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(pd->lock_fd, F_SETLK, &fl) == 0)
		return 0;
	if (errno != EAGAIN && errno != EACCES) {
		fprintf(stderr, "bulkhead: locking %s: %s\n", pd->lock,
		    strerror(errno));
		return -1;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(pd->lock_fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK &&
	    fl.l_pid > 0)
		fprintf(stderr, "bulkhead: the profile %s/%s is in use by "
		    "another bulkhead session (pid %d)\n", pd->dir, base,
		    (int)fl.l_pid);
	else
		fprintf(stderr, "bulkhead: the profile %s/%s is in use by "
		    "another bulkhead session\n", pd->dir, base);
	close(pd->lock_fd);
	pd->lock_fd = -1;
	return -1;
}

int
profile_dir_prepare(struct profile_dir *pd, const char *profile)
{
	const char	*slash, *base;
	struct stat	 st;
	char		 why[OPT_MAX_PATH + 200];

	memset(pd, 0, sizeof(*pd));
	pd->lock_fd = -1;
	if (stat(profile, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "bulkhead: --profile %s is a directory: give "
		    "the profile file, such as %s/profile.tox\n", profile,
		    profile);
		return 2;
	}
	if ((slash = strrchr(profile, '/')) == NULL) {
		snprintf(pd->dir, sizeof(pd->dir), ".");
		base = profile;
	} else {
		snprintf(pd->dir, sizeof(pd->dir), "%.*s",
		    (int)(slash - profile), profile);
		if (pd->dir[0] == '\0')
			snprintf(pd->dir, sizeof(pd->dir), "/");
		base = slash + 1;
	}
	if (base[0] == '\0') {
		fprintf(stderr, "bulkhead: --profile %s: no file name\n",
		    profile);
		return 2;
	}
	if (make_dirs(pd) == -1)
		return 1;
	if (profile_dir_check(pd->dir, geteuid(), getenv("HOME"), why,
	    sizeof(why)) == -1) {
		fprintf(stderr, "bulkhead: %s\n", why);
		profile_dir_finish(pd, profile);
		return 1;
	}
	if (take_lock(pd, base) == -1) {
		profile_dir_finish(pd, profile);
		return 1;
	}
	return 0;
}

void
profile_dir_finish(struct profile_dir *pd, const char *profile)
{
	char		 path[OPT_MAX_PATH + 32], *slash;
	struct stat	 st;

	if (pd->created[0] != '\0' && lstat(profile, &st) == -1 &&
	    errno == ENOENT) {
		/* made for a profile that was not created: take it back */
		if (pd->lock_fd != -1)
			(void)unlink(pd->lock);
		snprintf(path, sizeof(path), "%s/%s", pd->dir,
		    NODES_CACHE_NAME);
		(void)unlink(path);
		snprintf(path, sizeof(path), "%s", pd->dir);
		while (rmdir(path) == 0 && strcmp(path, pd->created) != 0 &&
		    (slash = strrchr(path, '/')) != NULL && slash != path)
			*slash = '\0';
	}
	if (pd->lock_fd != -1)
		close(pd->lock_fd);
	pd->lock_fd = -1;
}
