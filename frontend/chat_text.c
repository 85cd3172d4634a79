/* Message text: see chat_text.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/textsafe.h"
#include "frontend/chat_text.h"

size_t
chat_text_safe(const char *src, size_t len, char *dst, size_t dstsz)
{
	const char	*nl;
	size_t		 o = 0, line, cut;

	if (dstsz == 0)
		return 0;
	dst[0] = '\0';
	for (;;) {
		nl = memchr(src, '\n', len);
		line = nl != NULL ? (size_t)(nl - src) : len;
		cut = line;
		if (nl != NULL && cut > 0 && src[cut - 1] == '\r')
			cut--;
		o += textsafe(src, cut, dst + o, dstsz - o);
		if (nl == NULL || o + 1 >= dstsz)
			break;
		dst[o++] = '\n';
		dst[o] = '\0';
		src += line + 1;
		len -= line + 1;
	}
	return o;
}

/* Length of the UTF-8 sequence at p (its code point in *cp), 0 if it is
 * not one: overlong, surrogate, beyond U+10FFFF or cut short. */
static size_t
utf8_len(const uint8_t *p, size_t left, uint32_t *cp)
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
chat_text_check(const char *src, size_t len, char *why, size_t whysz)
{
	const uint8_t	*p = (const uint8_t *)src;
	size_t		 i, n;
	uint32_t	 cp;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_len(p + i, len - i, &cp)) == 0) {
			snprintf(why, whysz, "invalid UTF-8 at byte %zu", i);
			return why;
		}
		if (cp == '\n' || cp == '\t')
			continue;
		/* would reach the friend's terminal as a command */
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			snprintf(why, whysz, "a control character (U+%04X) "
			    "at byte %zu", (unsigned)cp, i);
			return why;
		}
	}
	return NULL;
}
