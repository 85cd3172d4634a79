/* Terminal-safe text: see textsafe.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/textsafe.h"

size_t
utf8_seq(const uint8_t *p, size_t left, uint32_t *cp)
{
	size_t	n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, *cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, *cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, *cp = p[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return n;
}

const char *
textsafe_hazard(uint32_t cp)
{
	/* C0, DEL, and C1 (U+0080..U+009F: some terminals act on them) */
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return "a control character";
	/* text that displays in another order than it is stored */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c)
		return "a bidirectional control";
	/* invisible: two names that look the same but are not */
	if ((cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff)
		return "a zero-width character";
	return NULL;
}

size_t
textsafe(const char *src, size_t len, char *dst, size_t dstsz)
{
	const uint8_t	*p = (const uint8_t *)src;
	size_t		 i = 0, o = 0, n;
	uint32_t	 cp;

	if (dstsz == 0)
		return 0;
	while (i < len) {
		n = utf8_seq(p + i, len - i, &cp);
		if (n != 0 && textsafe_hazard(cp) != NULL) {
			if (o + 1 >= dstsz)
				break;
			dst[o++] = '?';		/* the whole character */
			i += n;
			continue;
		}
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

const char *
textsafe_check(const char *src, size_t len, char *why, size_t whysz)
{
	const uint8_t	*p = (const uint8_t *)src;
	const char	*what;
	size_t		 i, n;
	uint32_t	 cp;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_seq(p + i, len - i, &cp)) == 0) {
			snprintf(why, whysz, "invalid UTF-8 at byte %zu", i);
			return why;
		}
		if ((what = textsafe_hazard(cp)) != NULL) {
			snprintf(why, whysz, "%s (U+%04X) at byte %zu", what,
			    (unsigned)cp, i);
			return why;
		}
	}
	return NULL;
}
