/* Terminal-safe text: see sanitize.h (the filter is common/textsafe.c). */
#include "common/textsafe.h"
#include "frontend/sanitize.h"

char *
sanitize_text(const char *src, size_t len, char *dst, size_t dstsz)
{
	(void)textsafe(src, len, dst, dstsz);
	return dst;
}

const char *
sanitize_check(const char *src, size_t len, char *why, size_t whysz)
{
	return textsafe_check(src, len, why, whysz);
}
