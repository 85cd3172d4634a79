/* The supervisor's file service: see file_service.h. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fname.h"
#include "common/log.h"
#include "supervisor/download_dir.h"
#include "supervisor/file_service.h"

static const char	*download_dir = "";
static const char	*profile_path = "";

void
file_service_init(const char *dl, const char *profile)
{
	download_dir = dl != NULL ? dl : "";
	profile_path = profile != NULL ? profile : "";
}

/* The profile's directory into dir; -1 if none is known. */
static int
profile_dir(char *dir, size_t dirsz)
{
	const char	*slash;
	int		 n;

	if (profile_path[0] == '\0')
		return -1;
	if ((slash = strrchr(profile_path, '/')) == NULL)
		n = snprintf(dir, dirsz, ".");
	else if (slash == profile_path)
		n = snprintf(dir, dirsz, "/");
	else
		n = snprintf(dir, dirsz, "%.*s", (int)(slash - profile_path),
		    profile_path);
	return n < 0 || (size_t)n >= dirsz ? -1 : 0;
}

/*
 * 1 if st is the profile's directory (is_dir) or one of the files in it
 * (by device and inode, so another name or a hard link is no way round).
 */
static int
in_profile_dir(const struct stat *st, int is_dir)
{
	char		 dir[PATH_MAX];
	struct stat	 ds, es;
	struct dirent	*de;
	DIR		*d;
	int		 hit = 0;

	if (profile_dir(dir, sizeof(dir)) == -1 || stat(dir, &ds) == -1)
		return 0;
	if (is_dir)
		return ds.st_dev == st->st_dev && ds.st_ino == st->st_ino;
	if ((d = opendir(dir)) == NULL)
		return 0;
	while (!hit && (de = readdir(d)) != NULL)
		hit = fstatat(dirfd(d), de->d_name, &es,
		    AT_SYMLINK_NOFOLLOW) == 0 && es.st_dev == st->st_dev &&
		    es.st_ino == st->st_ino;
	closedir(d);
	return hit;
}

/* ans->path = s (the caller has checked that it fits). */
static void
set_path(struct ipc_file_opened *ans, const char *s)
{
	size_t	n = strlen(s);

	memcpy(ans->path, s, n + 1);
	ans->len = (uint16_t)n;
}

static int
open_read(const char *path, int *fdp, struct ipc_file_opened *ans)
{
	struct stat	st;
	int		fd, fl, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1)
		return errno;
	if (fstat(fd, &st) == -1)
		e = errno;
	else if (S_ISDIR(st.st_mode))
		e = EISDIR;
	else if (!S_ISREG(st.st_mode))
		e = EINVAL;		/* a FIFO, a device, a socket */
	else if (in_profile_dir(&st, 0))
		e = EACCES;
	else if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		e = errno;
	else
		e = 0;
	if (e != 0) {
		close(fd);
		return e;
	}
	ans->size = (uint64_t)st.st_size;
	/* what tells this file from a changed one when it is sent again */
	ans->mtime = (uint64_t)st.st_mtim.tv_sec * 1000000000u +
	    (uint64_t)st.st_mtim.tv_nsec;
	ans->dev = (uint64_t)st.st_dev;
	ans->ino = (uint64_t)st.st_ino;
	set_path(ans, path);
	*fdp = fd;
	log_debug("file service: %s opened to send", path);
	return 0;
}

/* dir "/" name into ans->path; -1 if it does not fit. */
static int
join(struct ipc_file_opened *ans, const char *dir, const char *name)
{
	int	n;

	n = snprintf(ans->path, sizeof(ans->path), "%s%s%s", dir,
	    strcmp(dir, "/") == 0 ? "" : "/", name);
	if (n < 0 || (size_t)n > IPC_FILE_PATH_MAX)
		return -1;
	ans->len = (uint16_t)n;
	return 0;
}

static int
open_save_as(const char *path, int *fdp, struct ipc_file_opened *ans)
{
	char		 dir[PATH_MAX], real[PATH_MAX];
	const char	*slash = strrchr(path, '/'), *base;
	struct stat	 ds;
	int		 dfd, fd, e;

	if (slash == NULL) {
		snprintf(dir, sizeof(dir), ".");
		base = path;
	} else {
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
		    (int)(slash - path), path);
		base = slash + 1;
	}
	if (base[0] == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0)
		return EISDIR;
	if (realpath(dir, real) == NULL)
		return errno;
	if (join(ans, real, base) == -1)
		return ENAMETOOLONG;
	if ((dfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno;
	fd = -1;
	if (fstat(dfd, &ds) == -1)
		e = errno;
	else if (in_profile_dir(&ds, 1))
		e = EACCES;
	else if ((fd = openat(dfd, base, O_RDWR | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600)) == -1)
		e = errno;
	else
		e = 0;
	close(dfd);
	if (e != 0)
		return e;
	ans->size = 0;
	*fdp = fd;
	log_debug("file service: %s created to save into", ans->path);
	return 0;
}

static int
open_incoming(const char *name, size_t len, int *fdp,
    struct ipc_file_opened *ans)
{
	static int	 warned;
	char		 safe[FNAME_MAX + 1], used[FNAME_MAX + 1];
	int		 dfd, fd, e;

	if (download_dir[0] == '\0') {
		if (!warned)
			log_warnx("a friend's file cannot be saved: there is "
			    "no download directory (give --download-dir)");
		warned = 1;
		return ENOENT;
	}
	/* the longest name must fit the answer: refuse before creating */
	if (strlen(download_dir) + 1 + FNAME_MAX > IPC_FILE_PATH_MAX)
		return ENAMETOOLONG;
	(void)fname_sanitize(name, len, safe);
	if (download_dir_make(download_dir) == -1) {
		e = errno;
		log_warn("download directory %s", download_dir);
		return e;
	}
	if ((dfd = open(download_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return errno;
	fd = fname_create(dfd, safe, used);
	e = errno;
	close(dfd);
	if (fd == -1)
		return e;
	(void)join(ans, download_dir, used);
	ans->size = 0;
	*fdp = fd;
	log_debug("file service: %s created for a friend's file", ans->path);
	return 0;
}

/*
 * A file made by open_incoming earlier, opened again to write on (a
 * transfer resumed): only a file directly in the download directory,
 * under a name we could have made, never through a link.
 */
static int
open_resume(const char *path, int *fdp, struct ipc_file_opened *ans)
{
	size_t		 dl = strlen(download_dir);
	const char	*base = path + dl + 1;
	struct stat	 st;
	int		 dfd, fd, fl, e;

	if (download_dir[0] == '\0' || strncmp(path, download_dir, dl) != 0 ||
	    path[dl] != '/' || strchr(base, '/') != NULL ||
	    !fname_safe(base, strlen(base)))
		return EACCES;
	if ((dfd = open(download_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return errno;
	fd = openat(dfd, base, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	e = errno;
	close(dfd);
	if (fd == -1)
		return e;
	if (fstat(fd, &st) == -1)
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = EINVAL;
	else if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		e = errno;
	else
		e = 0;
	if (e != 0) {
		close(fd);
		return e;
	}
	ans->size = (uint64_t)st.st_size;
	set_path(ans, path);
	*fdp = fd;
	log_debug("file service: %s opened to resume", path);
	return 0;
}

int
file_service_open(const struct ipc_file_open *req, int *fd,
    struct ipc_file_opened *ans)
{
	int	e;

	memset(ans, 0, sizeof(*ans));
	*fd = -1;
	if (req->len == 0 || req->len > IPC_FILE_PATH_MAX ||
	    memchr(req->path, '\0', req->len) != NULL)
		e = EINVAL;
	else if (req->mode == IPC_FILE_READ)
		e = open_read(req->path, fd, ans);
	else if (req->mode == IPC_FILE_INCOMING)
		e = open_incoming(req->path, req->len, fd, ans);
	else if (req->mode == IPC_FILE_SAVE_AS)
		e = open_save_as(req->path, fd, ans);
	else if (req->mode == IPC_FILE_RESUME)
		e = open_resume(req->path, fd, ans);
	else
		e = EINVAL;
	if (e <= 0 || e > IPC_FILE_ERRNO_MAX)
		e = e == 0 ? 0 : EIO;
	if (e != 0) {
		memset(ans, 0, sizeof(*ans));
		ans->err = e;
		*fd = -1;
		log_debug("file service: mode %u refused: %s",
		    (unsigned)req->mode, strerror(e));
	}
	return e;
}

int
file_service_on_open(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_file_open	req;
	static struct ipc_file_opened	ans;
	static uint8_t			buf[IPC_FILE_OPENED_MAX];
	struct wr			w;
	int				fd = -1;

	/* a malformed request is refused, not a reason to drop the
	 * frontend's channel (and with it the session) */
	if (ipc_unpack_file_open(r, &req) == -1) {
		memset(&ans, 0, sizeof(ans));
		ans.err = EINVAL;
		log_debug("file service: a malformed request refused");
	} else
		(void)file_service_open(&req, &fd, &ans);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_opened(&w, &ans);
	(void)chan_send(c, IPC_FILE_OPENED, m->hdr.id, w.p, w.len, fd);
	if (fd != -1)
		close(fd);
	return 0;
}
