/*
 * user-dirs.dirs (supervisor/user_dirs.c): any bytes either give no path
 * or an absolute one without NUL that fits; with a small output buffer
 * too.  The same input gives the same answer twice (no state).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "supervisor/user_dirs.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
one(const uint8_t *data, size_t len, size_t outsz)
{
	static char	out[USER_DIRS_PATH_MAX], again[USER_DIRS_PATH_MAX];
	int		rv;

	memset(out, 'X', sizeof(out));
	rv = user_dirs_download(data, len, "/home/u", out, outsz);
	if (rv != user_dirs_download(data, len, "/home/u", again, outsz))
		abort();
	if (rv == -1)
		return;
	if (rv != 0 || out[0] != '/' || strnlen(out, outsz) >= outsz ||
	    strcmp(out, again) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	one(data, len, USER_DIRS_PATH_MAX);
	one(data, len, 16);
	return 0;
}
