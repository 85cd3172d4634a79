/* Terminal-safe text: see sanitize.h. */
#include "common/textsafe.h"
#include "frontend/sanitize.h"

char *
sanitize_text(const char *src, size_t len, char *dst, size_t dstsz)
{
	(void)textsafe(src, len, dst, dstsz);
	return dst;
}
