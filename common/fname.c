/* File names from friends, made safe: see fname.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/fname.h"
#include "common/textsafe.h"

/* The code point at p is one a file name may keep. */
static int
keepable(uint32_t cp)
{
	return cp != '/' && cp != '\\' && textsafe_hazard(cp) == NULL;
}

size_t
fname_sanitize(const char *src, size_t len, char out[FNAME_MAX + 1])
{
	const uint8_t	*p = (const uint8_t *)src;
	const char	*put;
	size_t		 i = 0, o = 0, n, step;
	uint32_t	 cp;

	while (i < len) {
		n = utf8_seq(p + i, len - i, &cp);
		if (n == 0) {			/* an invalid byte */
			put = "_", step = 1, n = 1;
		} else if (!keepable(cp)) {	/* the whole character */
			put = "_", step = n, n = 1;
		} else {
			put = src + i, step = n;
		}
		i += step;
		if (o == 0 && (*put == '.' || *put == ' '))
			continue;		/* nothing hidden, no "..": */
		if (o == 0 && *put == '-')
			put = "_";		/* no option either */
		if (o + n > FNAME_MAX)
			break;			/* at a character boundary */
		memcpy(out + o, put, n);
		o += n;
	}
	while (o > 0 && (out[o - 1] == '.' || out[o - 1] == ' '))
		o--;
	if (o == 0) {
		memcpy(out, FNAME_EMPTY, sizeof(FNAME_EMPTY));
		return sizeof(FNAME_EMPTY) - 1;
	}
	out[o] = '\0';
	return o;
}

int
fname_safe(const char *name, size_t len)
{
	const uint8_t	*p = (const uint8_t *)name;
	size_t		 i, n;
	uint32_t	 cp;

	if (len == 0 || len > FNAME_MAX || name[0] == '.' ||
	    name[0] == ' ' || name[0] == '-' || name[len - 1] == '.' ||
	    name[len - 1] == ' ')
		return 0;
	for (i = 0; i < len; i += n)
		if ((n = utf8_seq(p + i, len - i, &cp)) == 0 || !keepable(cp))
			return 0;
	return 1;
}

int
fname_create(int dirfd, const char *name, char used[FNAME_MAX + 1])
{
	const char	*dot;
	char		 suffix[16];
	size_t		 len = strlen(name), extlen = 0, stemlen, room, sl, sfx;
	unsigned	 k;
	int		 fd;

	if (!fname_safe(name, len)) {
		errno = EINVAL;
		return -1;
	}
	/* "a.tar.gz" -> "a.tar (1).gz"; a name starts with no dot */
	if ((dot = strrchr(name, '.')) != NULL &&
	    len - (size_t)(dot - name) <= FNAME_EXT_MAX)
		extlen = len - (size_t)(dot - name);
	stemlen = len - extlen;
	for (k = 0; k <= FNAME_UNIQUE_MAX; k++) {
		if (k == 0)
			memcpy(used, name, len + 1);
		else {
			sfx = (size_t)snprintf(suffix, sizeof(suffix), " (%u)",
			    k);
			room = FNAME_MAX - extlen - sfx;
			sl = stemlen < room ? stemlen : room;
			/* back to the start of a character */
			while (sl > 0 && ((uint8_t)name[sl] & 0xc0) == 0x80)
				sl--;
			memcpy(used, name, sl);
			memcpy(used + sl, suffix, sfx);
			memcpy(used + sl + sfx, name + stemlen, extlen);
			used[sl + sfx + extlen] = '\0';
		}
		fd = openat(dirfd, used, O_RDWR | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	used[0] = '\0';
	errno = EEXIST;
	return -1;
}
