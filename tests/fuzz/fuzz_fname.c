/*
 * File names from friends (common/fname.c): whatever the bytes, the name
 * made of them passes a checker written here apart from the sanitizer
 * (RFC 3629 UTF-8, no control, separator, bidi or zero-width character,
 * nothing hidden, no option, no trailing dot or space, 1..255 bytes); it
 * is what fname_safe() accepts, sanitizing it again changes nothing, and
 * a name that was safe already comes back as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/fname.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The length of a well-formed UTF-8 sequence at p (RFC 3629, table 3-7
 * of Unicode), or 0. */
static size_t
wellformed(const uint8_t *p, size_t left)
{
	uint8_t	lo = 0x80, hi = 0xbf;
	size_t	n, i;

	if (p[0] <= 0x7f)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		if (p[0] == 0xed)
			hi = 0x9f;		/* no surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n > left || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Sequences a name may not hold, as bytes. */
static int
forbidden(const uint8_t *p, size_t n)
{
	if (n == 1)
		return p[0] < 0x20 || p[0] == 0x7f || p[0] == '/' ||
		    p[0] == '\\';
	if (n == 2)		/* C1; U+061C */
		return (p[0] == 0xc2 && p[1] <= 0x9f) ||
		    (p[0] == 0xd8 && p[1] == 0x9c);
	if (n != 3)
		return 0;
	if (p[0] == 0xe2 && p[1] == 0x80)	/* U+200B..F, U+202A..E */
		return (p[2] >= 0x8b && p[2] <= 0x8f) ||
		    (p[2] >= 0xaa && p[2] <= 0xae);
	if (p[0] == 0xe2 && p[1] == 0x81)	/* U+2060, U+2066..9 */
		return p[2] == 0xa0 || (p[2] >= 0xa6 && p[2] <= 0xa9);
	return p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf;	/* U+FEFF */
}

static void
check(const char *s, size_t len)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 i, n;

	if (len == 0 || len > FNAME_MAX || strlen(s) != len ||
	    s[0] == '.' || s[0] == ' ' || s[0] == '-' ||
	    s[len - 1] == '.' || s[len - 1] == ' ')
		abort();
	for (i = 0; i < len; i += n)
		if ((n = wellformed(p + i, len - i)) == 0 ||
		    forbidden(p + i, n))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	out[FNAME_MAX + 1], again[FNAME_MAX + 1];
	size_t	n, m;

	n = fname_sanitize((const char *)data, len, out);
	check(out, n);
	if (!fname_safe(out, n))
		abort();
	m = fname_sanitize(out, n, again);
	if (m != n || memcmp(out, again, n) != 0)
		abort();
	if (fname_safe((const char *)data, len) &&
	    (n != len || memcmp(out, data, len) != 0))
		abort();
	return 0;
}
