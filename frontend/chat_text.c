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

const char *
chat_text_check(const char *src, size_t len, char *why, size_t whysz)
{
	const uint8_t	*p = (const uint8_t *)src;
	size_t		 i, n;
	uint32_t	 cp;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_seq(p + i, len - i, &cp)) == 0) {
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
