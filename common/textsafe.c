/* Terminal-safe text: see textsafe.h. */
#include <stdint.h>
#include <string.h>

#include "common/textsafe.h"

/* Length of the valid, printable UTF-8 sequence at p (1..4), or 0. */
static size_t
utf8_seq(const uint8_t *p, size_t left)
{
	uint32_t	cp;
	size_t		n, i;

	if (p[0] < 0x80)
		return p[0] < 0x20 || p[0] == 0x7f ? 0 : 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong, surrogates, beyond Unicode */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	/* C1 controls U+0080..U+009F: some terminals act on them */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	return n;
}

size_t
textsafe(const char *src, size_t len, char *dst, size_t dstsz)
{
	const uint8_t	*p = (const uint8_t *)src;
	size_t		 i = 0, o = 0, n;

	if (dstsz == 0)
		return 0;
	while (i < len) {
		n = utf8_seq(p + i, len - i);
		if (o + (n == 0 ? 1 : n) >= dstsz)
			break;
		if (n == 0) {
			dst[o++] = '?';
			i++;
		} else {
			memcpy(dst + o, p + i, n);
			o += n;
			i += n;
		}
	}
	dst[o] = '\0';
	return o;
}
