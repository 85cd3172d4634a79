/* The XDG_DOWNLOAD_DIR line of user-dirs.dirs: see user_dirs.h. */
#include <string.h>

#include "common/rd.h"
#include "supervisor/user_dirs.h"

#define KEY	"XDG_DOWNLOAD_DIR"

/* Reads c if it is the next byte; 1 if it was. */
static int
take(struct rd *r, uint8_t c)
{
	struct rd	save = *r;
	uint8_t		b;

	if (rd_u8(r, &b) == 0 && b == c)
		return 1;
	*r = save;
	return 0;
}

/* Reads s if the next bytes are s; 1 if they were. */
static int
take_str(struct rd *r, const char *s)
{
	struct rd	 save = *r;
	size_t		 n = strlen(s);
	const uint8_t	*p;

	if ((p = rd_take(r, n)) != NULL && memcmp(p, s, n) == 0)
		return 1;
	*r = save;
	return 0;
}

/* The next byte, left unread; -1 at the end. */
static int
peek(const struct rd *r)
{
	struct rd	copy = *r;
	uint8_t		b;

	return rd_u8(&copy, &b) == 0 ? b : -1;
}

static void
blanks(struct rd *r)
{
	while (take(r, ' ') || take(r, '\t'))
		;
}

/* Appends b to out (o bytes so far, outsz in all, one kept for NUL). */
static int
put(char *out, size_t outsz, size_t *o, uint8_t b)
{
	if (b == '\0' || *o + 1 >= outsz)
		return -1;
	out[(*o)++] = (char)b;
	return 0;
}

/* One line (no '\n'): 0 and the path in out if it is our assignment. */
static int
line(struct rd *l, const char *home, char *out, size_t outsz)
{
	size_t	o = 0;
	uint8_t	b;

	blanks(l);
	if (!take_str(l, KEY))
		return -1;
	blanks(l);
	if (!take(l, '='))
		return -1;
	blanks(l);
	if (!take(l, '"'))
		return -1;
	if (take_str(l, "$HOME")) {
		if (home == NULL || home[0] != '/')
			return -1;
		while (*home != '\0')
			if (put(out, outsz, &o, (uint8_t)*home++) == -1)
				return -1;
		/* "$HOME" alone, or "$HOME/...": not "$HOMEX" */
		if (peek(l) != '/' && peek(l) != '"')
			return -1;
	} else if (peek(l) != '/')
		return -1;
	for (;;) {
		if (rd_u8(l, &b) == -1)
			return -1;		/* no closing quote */
		if (b == '"')
			break;
		if (b == '\\' && rd_u8(l, &b) == -1)
			return -1;
		if (put(out, outsz, &o, b) == -1)
			return -1;
	}
	/* what follows the quotes (a comment, blanks) says nothing */
	out[o] = '\0';
	return 0;
}

int
user_dirs_download(const uint8_t *buf, size_t len, const char *home,
    char *out, size_t outsz)
{
	char		path[USER_DIRS_PATH_MAX];
	struct rd	r, l;
	long		nl;
	int		found = -1;

	rd_init(&r, buf, len);
	while (rd_left(&r) > 0) {
		nl = rd_find(&r, '\n');
		if (rd_sub(&r, nl == -1 ? rd_left(&r) : (size_t)nl, &l) == -1)
			return -1;
		if (nl != -1)
			(void)rd_skip(&r, 1);
		/* the last line that gives a path wins */
		if (line(&l, home, path, sizeof(path)) == 0 &&
		    strlen(path) < outsz) {
			memcpy(out, path, strlen(path) + 1);
			found = 0;
		}
	}
	return found;
}
