/* Avatars beside the profile: see avatars.h. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "keyd/avatars.h"

static const uint8_t	png_sig[AVATARS_PNG_SIG_LEN] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};

/* One avatar and one byte more, to see that it is too large. */
static uint8_t		buf[AVATAR_MAX + 1];
static int		last_errno;

int
avatars_is_png(const uint8_t *p, size_t len)
{
	return len >= sizeof(png_sig) && memcmp(p, png_sig,
	    sizeof(png_sig)) == 0;
}

enum avatars_err
avatars_check(const uint8_t *p, size_t len)
{
	if (len == 0)
		return AVATARS_ERR_EMPTY;
	if (len > AVATAR_MAX)
		return AVATARS_ERR_TOOBIG;
	if (!avatars_is_png(p, len))
		return AVATARS_ERR_NOTPNG;
	return AVATARS_OK;
}

static int
name_fit(int n, size_t sz)
{
	return n > 0 && (size_t)n < sz ? 0 : -1;
}

int
avatars_self_name(const struct pstore *profile, char *out, size_t sz)
{
	return name_fit(snprintf(out, sz, "%s%s", profile->name,
	    AVATARS_SELF_SUFFIX), sz);
}

static void
hex(const uint8_t pk[TOX_PK_LEN], char out[2 * TOX_PK_LEN + 1])
{
	static const char	digits[] = "0123456789ABCDEF";
	size_t			i;

	for (i = 0; i < TOX_PK_LEN; i++) {
		out[2 * i] = digits[pk[i] >> 4];
		out[2 * i + 1] = digits[pk[i] & 15];
	}
	out[2 * TOX_PK_LEN] = '\0';
}

int
avatars_friend_name(const struct pstore *profile,
    const uint8_t pk[TOX_PK_LEN], char *out, size_t sz)
{
	char	h[2 * TOX_PK_LEN + 1];

	hex(pk, h);
	return name_fit(snprintf(out, sz, "%s.avatar.%s.png", profile->name,
	    h), sz);
}

static int
part_name(const struct pstore *profile, const uint8_t pk[TOX_PK_LEN],
    char *out, size_t sz)
{
	char	h[2 * TOX_PK_LEN + 1];

	hex(pk, h);
	return name_fit(snprintf(out, sz, ".%s.avatar.%s.part", profile->name,
	    h), sz);
}

/* Up to sizeof(buf) bytes of fd from where it stands; -1 on error. */
static ssize_t
slurp(int fd)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
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

/* The sibling named name of profile, for pstore_write. */
static enum avatars_err
sibling(const struct pstore *profile, const char *name, struct pstore *out)
{
	if (pstore_sibling(profile, name, out) == -1)
		return AVATARS_ERR_NAME;
	return AVATARS_OK;
}

static enum avatars_err
store(const struct pstore *profile, const char *name, size_t len)
{
	struct pstore	s;

	if (sibling(profile, name, &s) != AVATARS_OK)
		return AVATARS_ERR_NAME;
	if (pstore_write(&s, buf, len) != PSTORE_OK) {
		last_errno = s.last_errno;
		return AVATARS_ERR_STORE;
	}
	return AVATARS_OK;
}

static enum avatars_err
unlink_name(const struct pstore *profile, const char *name)
{
	if (unlinkat(profile->dirfd, name, 0) == -1 && errno != ENOENT) {
		last_errno = errno;
		return AVATARS_ERR_STORE;
	}
	return AVATARS_OK;
}

/* Reads the stored file name into buf and checks it: its length. */
static enum avatars_err
load(const struct pstore *profile, const char *name, size_t *len, int *keep)
{
	enum avatars_err	e;
	ssize_t			n;
	int			fd;

	if ((fd = openat(profile->dirfd, name, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? AVATARS_ERR_NONE : AVATARS_ERR_READ;
	n = slurp(fd);
	if (n == -1)
		e = AVATARS_ERR_READ;
	else
		e = avatars_check(buf, (size_t)n);
	if (e == AVATARS_OK && keep != NULL)
		*keep = fd;
	else
		(void)close(fd);
	*len = n > 0 ? (size_t)n : 0;
	return e;
}

enum avatars_err
avatars_self_set(const struct pstore *profile, int fd, uint64_t *size,
    uint8_t sha256[AVATAR_HASH_LEN])
{
	char			name[NAME_MAX + 1];
	enum avatars_err	e;
	ssize_t			n;

	if (avatars_self_name(profile, name, sizeof(name)) == -1)
		return AVATARS_ERR_NAME;
	if ((n = slurp(fd)) == -1)
		return AVATARS_ERR_READ;
	if ((e = avatars_check(buf, (size_t)n)) != AVATARS_OK ||
	    (e = store(profile, name, (size_t)n)) != AVATARS_OK)
		return e;
	*size = (uint64_t)n;
	crypto_hash_sha256(sha256, buf, (size_t)n);
	return AVATARS_OK;
}

enum avatars_err
avatars_self_del(const struct pstore *profile)
{
	char	name[NAME_MAX + 1];

	if (avatars_self_name(profile, name, sizeof(name)) == -1)
		return AVATARS_ERR_NAME;
	return unlink_name(profile, name);
}

enum avatars_err
avatars_self_get(const struct pstore *profile, uint64_t *size,
    uint8_t sha256[AVATAR_HASH_LEN], int *fd)
{
	char			name[NAME_MAX + 1];
	enum avatars_err	e;
	size_t			len;

	if (fd != NULL)
		*fd = -1;
	if (avatars_self_name(profile, name, sizeof(name)) == -1)
		return AVATARS_ERR_NAME;
	if ((e = load(profile, name, &len, fd)) != AVATARS_OK)
		return e;
	*size = len;
	crypto_hash_sha256(sha256, buf, len);
	return AVATARS_OK;
}

enum avatars_err
avatars_friend_get(const struct pstore *profile,
    const uint8_t pk[TOX_PK_LEN], uint8_t sha256[AVATAR_HASH_LEN])
{
	char			name[NAME_MAX + 1];
	enum avatars_err	e;
	size_t			len;

	if (avatars_friend_name(profile, pk, name, sizeof(name)) == -1)
		return AVATARS_ERR_NAME;
	if ((e = load(profile, name, &len, NULL)) != AVATARS_OK)
		return e;
	crypto_hash_sha256(sha256, buf, len);
	return AVATARS_OK;
}

enum avatars_err
avatars_friend_del(const struct pstore *profile,
    const uint8_t pk[TOX_PK_LEN])
{
	char	name[NAME_MAX + 1];

	if (avatars_friend_name(profile, pk, name, sizeof(name)) == -1)
		return AVATARS_ERR_NAME;
	return unlink_name(profile, name);
}

enum avatars_err
avatars_friend_forget(const struct pstore *profile,
    const uint8_t pk[TOX_PK_LEN])
{
	char			part[NAME_MAX + 1];
	enum avatars_err	e, ep;

	if (part_name(profile, pk, part, sizeof(part)) == -1)
		return AVATARS_ERR_NAME;
	/* both are tried: a part left behind is no reason to keep the other */
	e = avatars_friend_del(profile, pk);
	ep = unlink_name(profile, part);
	return e != AVATARS_OK ? e : ep;
}

enum avatars_err
avatars_friend_commit(const struct pstore *profile,
    const uint8_t pk[TOX_PK_LEN], const uint8_t *data, size_t len,
    uint64_t size, const uint8_t sha256[AVATAR_HASH_LEN])
{
	char			part[NAME_MAX + 1], name[NAME_MAX + 1];
	uint8_t			got[AVATAR_HASH_LEN];
	enum avatars_err	e;

	if (part_name(profile, pk, part, sizeof(part)) == -1 ||
	    avatars_friend_name(profile, pk, name, sizeof(name)) == -1)
		return AVATARS_ERR_NAME;
	(void)unlink_name(profile, part);
	if (len > AVATAR_MAX)
		return AVATARS_ERR_TOOBIG;
	memcpy(buf, data, len);
	if ((e = avatars_check(buf, len)) != AVATARS_OK)
		return e;
	crypto_hash_sha256(got, buf, len);
	if (len != size || sodium_memcmp(got, sha256, sizeof(got)) != 0)
		return AVATARS_ERR_HASH;
	return store(profile, name, len);
}

/* The key of 64 upper-case hex digits at h (as hex() writes): 0, -1. */
static int
unhex(const char *h, uint8_t pk[TOX_PK_LEN])
{
	static const char	digits[] = "0123456789ABCDEF";
	const char		*a, *b;
	size_t			 i;

	for (i = 0; i < TOX_PK_LEN; i++) {
		if (h[2 * i] == '\0' || h[2 * i + 1] == '\0' ||
		    (a = strchr(digits, h[2 * i])) == NULL ||
		    (b = strchr(digits, h[2 * i + 1])) == NULL)
			return -1;
		pk[i] = (uint8_t)((a - digits) << 4 | (b - digits));
	}
	return 0;
}

/*
 * The key a friend's avatar or part of profile is named after, as
 * avatars_friend_name and part_name write them exactly: 0, or -1 for
 * any other name.
 */
static int
key_of(const struct pstore *profile, const char *name,
    uint8_t pk[TOX_PK_LEN])
{
	static const char	mid[] = ".avatar.";
	size_t			nl = strlen(profile->name);
	size_t			hl = 2 * TOX_PK_LEN;
	const char		*end;

	if (name[0] == '.' && strncmp(name + 1, profile->name, nl) == 0) {
		name += 1 + nl;
		end = ".part";
	} else if (strncmp(name, profile->name, nl) == 0) {
		name += nl;
		end = ".png";
	} else
		return -1;
	if (strncmp(name, mid, sizeof(mid) - 1) != 0)
		return -1;
	name += sizeof(mid) - 1;
	if (strlen(name) != hl + strlen(end) || strcmp(name + hl, end) != 0)
		return -1;
	return unhex(name, pk);
}

int
avatars_scan(const struct pstore *profile, uint8_t (**keys)[TOX_PK_LEN],
    size_t *n)
{
	uint8_t		(*k)[TOX_PK_LEN] = NULL, (*more)[TOX_PK_LEN];
	uint8_t		 pk[TOX_PK_LEN];
	size_t		 cap = 0, i;
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 fd;

	*keys = NULL;
	*n = 0;
	/* a descriptor of its own: the listing moves its offset */
	if ((fd = openat(profile->dirfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (key_of(profile, de->d_name, pk) == -1)
			continue;
		/* only a regular file keyd could have written */
		if (fstatat(profile->dirfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_size > AVATAR_MAX)
			continue;
		for (i = 0; i < *n && memcmp(k[i], pk, TOX_PK_LEN) != 0; i++)
			;
		if (i < *n)
			continue;	/* its avatar and its part */
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((more = realloc(k, cap * sizeof(*k))) == NULL) {
				free(k);
				(void)closedir(d);
				*n = 0;
				return -1;
			}
			k = more;
		}
		memcpy(k[(*n)++], pk, TOX_PK_LEN);
	}
	(void)closedir(d);
	*keys = k;
	return 0;
}

int
avatars_errno(void)
{
	return last_errno;
}

const char *
avatars_strerror(enum avatars_err e)
{
	switch (e) {
	case AVATARS_OK:
		return "ok";
	case AVATARS_ERR_NONE:
		return "no avatar";
	case AVATARS_ERR_EMPTY:
		return "the file is empty";
	case AVATARS_ERR_TOOBIG:
		return "larger than 65536 bytes";
	case AVATARS_ERR_NOTPNG:
		return "not a PNG image";
	case AVATARS_ERR_HASH:
		return "not the SHA-256 or size the friend announced";
	case AVATARS_ERR_NAME:
		return "the profile's name is too long for the avatar's";
	case AVATARS_ERR_READ:
		return "cannot read the file";
	case AVATARS_ERR_STORE:
		return "cannot write beside the profile";
	}
	return "?";
}
