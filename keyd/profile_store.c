/* Crash-safe profile file I/O: see profile_store.h. */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "keyd/profile_store.h"
#include "keyd/vault.h"

static enum pstore_err
map_errno(int e)
{
	switch (e) {
	case ENOENT:
		return PSTORE_ERR_NOENT;
	case EACCES:
	case EPERM:
		return PSTORE_ERR_PERM;
	case EROFS:
		return PSTORE_ERR_ROFS;
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return PSTORE_ERR_NOSPC;
	case ENOMEM:
		return PSTORE_ERR_NOMEM;
	default:
		return PSTORE_ERR_IO;
	}
}

int
pstore_open(struct pstore *s, const char *path)
{
	const char	*slash, *base;
	char		 dir[PATH_MAX];
	size_t		 dlen;
	int		 n;

	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
	slash = strrchr(path, '/');
	base = slash == NULL ? path : slash + 1;
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	if (slash == NULL)
		dlen = 0;
	else
		dlen = slash == path ? 1 : (size_t)(slash - path);
	if (dlen >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (dlen == 0)
		(void)strcpy(dir, ".");
	else {
		memcpy(dir, path, dlen);
		dir[dlen] = '\0';
	}
	n = snprintf(s->tmpname, sizeof(s->tmpname), ".%s.tmp", base);
	if (n < 0 || (size_t)n + PSTORE_TMP_RAND >= sizeof(s->tmpname)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)strcpy(s->name, base);		/* shorter than tmpname */
	if ((s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	return 0;
}

int
pstore_sibling(const struct pstore *s, const char *name, struct pstore *out)
{
	int	n;

	memset(out, 0, sizeof(*out));
	out->dirfd = s->dirfd;
	n = snprintf(out->tmpname, sizeof(out->tmpname), ".%s.tmp", name);
	if (n < 0 || (size_t)n + PSTORE_TMP_RAND >= sizeof(out->tmpname) ||
	    strchr(name, '/')) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)strcpy(out->name, name);
	return 0;
}

void
pstore_close(struct pstore *s)
{
	if (s->dirfd != -1)
		(void)close(s->dirfd);
	s->dirfd = -1;
}

/* Reads exactly len bytes unless EOF comes first; returns bytes read. */
static ssize_t
read_full(int fd, uint8_t *p, size_t len)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < len) {
		n = read(fd, p + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* A bigger secret buffer holding the first len bytes of old (freed). */
static uint8_t *
regrow(uint8_t *old, size_t len, size_t cap)
{
	uint8_t	*p;

	if ((p = secbuf_alloc(cap)) == NULL)
		return NULL;
	if (old != NULL) {
		memcpy(p, old, len);
		secbuf_free(old);
	}
	return p;
}

enum pstore_err
pstore_read_fd(int fd, uint8_t **bufp, size_t *lenp)
{
	struct stat	 st;
	uint8_t		*buf = NULL, *nb;
	size_t		 cap, len = 0;
	ssize_t		 n;
	enum pstore_err	 e;

	*bufp = NULL;
	*lenp = 0;
	if (fstat(fd, &st) == -1)
		return map_errno(errno);
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return PSTORE_ERR_IO;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > PSTORE_MAX_SIZE)
		return PSTORE_ERR_TOOBIG;
	/* The size is a hint (a pipe has none); one byte more shows EOF. */
	cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size : 65536;
	for (;;) {
		if ((nb = regrow(buf, len, cap + 1)) == NULL) {
			secbuf_free(buf);
			return PSTORE_ERR_NOMEM;
		}
		buf = nb;
		if ((n = read_full(fd, buf + len, cap + 1 - len)) == -1) {
			e = map_errno(errno);
			secbuf_free(buf);
			return e;
		}
		len += (size_t)n;
		if (len <= cap)
			break;
		if (cap >= PSTORE_MAX_SIZE) {
			secbuf_free(buf);
			return PSTORE_ERR_TOOBIG;
		}
		cap = cap > PSTORE_MAX_SIZE / 2 ? PSTORE_MAX_SIZE : cap * 2;
	}
	*bufp = buf;
	*lenp = len;
	return PSTORE_OK;
}

int
pstore_open_ro(struct pstore *s)
{
	int	fd;

	if ((fd = openat(s->dirfd, s->name, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		s->last_errno = errno;
	return fd;
}

enum pstore_err
pstore_read(struct pstore *s, uint8_t **bufp, size_t *lenp)
{
	enum pstore_err	e;
	int		fd;

	*bufp = NULL;
	*lenp = 0;
	fd = openat(s->dirfd, s->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		s->last_errno = errno;
		return map_errno(errno);
	}
	e = pstore_read_fd(fd, bufp, lenp);
	if (e != PSTORE_OK)
		s->last_errno = errno;
	(void)close(fd);
	return e;
}

static int
write_full(int fd, const uint8_t *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {		/* not expected from a file; be safe */
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * A new temporary file ".NAME.tmp.XXXXXXXXXXXX" (random, O_EXCL): in a
 * shared directory nobody can take its name in advance and so block
 * every save (audit F24).  Its name is left in s->tmpname.
 */
static int
open_tmp(struct pstore *s)
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 r[(PSTORE_TMP_RAND - 1) / 2];
	char			*p;
	size_t			 i, base;
	int			 fd, tries;

	if ((p = strstr(s->tmpname, ".tmp")) == NULL)
		return -1;
	base = (size_t)(p - s->tmpname) + 4;
	for (tries = 0; tries < 8; tries++) {
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -1;
		p = s->tmpname + base;
		*p++ = '.';
		for (i = 0; i < sizeof(r); i++) {
			*p++ = hex[r[i] >> 4];
			*p++ = hex[r[i] & 15];
		}
		*p = '\0';
		fd = openat(s->dirfd, s->tmpname, O_WRONLY | O_CREAT |
		    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	return -1;
}

enum pstore_err
pstore_write(struct pstore *s, const uint8_t *buf, size_t len)
{
	int	fd, saved;

	if ((fd = open_tmp(s)) == -1)
		goto fail_nofile;
	if (write_full(fd, buf, len) == -1 || fsync(fd) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		goto fail;
	}
	/* close() can report a delayed write error (NFS): it counts. */
	if (close(fd) == -1)
		goto fail;
	if (renameat(s->dirfd, s->tmpname, s->dirfd, s->name) == -1)
		goto fail;
	/* The rename is durable only once the directory is on disk. */
	if (fsync(s->dirfd) == -1) {
		s->last_errno = errno;
		return map_errno(errno);
	}
	return PSTORE_OK;
fail:
	saved = errno;
	(void)unlinkat(s->dirfd, s->tmpname, 0);
	errno = saved;
fail_nofile:
	s->last_errno = errno;
	return map_errno(errno);
}

enum pstore_err
pstore_write_fd(int fd, const uint8_t *buf, size_t len)
{
	if (write_full(fd, buf, len) == -1)
		return map_errno(errno);
	/* A pipe or terminal cannot be synced; a file must be. */
	if (fsync(fd) == -1 && errno != EINVAL && errno != EROFS)
		return map_errno(errno);
	return PSTORE_OK;
}

const char *
pstore_strerror(enum pstore_err e)
{
	switch (e) {
	case PSTORE_OK:
		return "ok";
	case PSTORE_ERR_NOENT:
		return "no profile file";
	case PSTORE_ERR_PERM:
		return "permission denied in the profile directory";
	case PSTORE_ERR_ROFS:
		return "the profile directory is read-only";
	case PSTORE_ERR_NOSPC:
		return "disk full (or file size limit)";
	case PSTORE_ERR_TOOBIG:
		return "file too large to be a profile";
	case PSTORE_ERR_NOMEM:
		return "out of memory";
	case PSTORE_ERR_IO:
	default:
		return "I/O error";
	}
}
