/*
 * The Messenger and friend_connection packets (chatd/msgr_wire.c), a
 * friend's data: the input as a packet is refused with *out zeroed, or
 * ignored as unknown, or taken and rebuilt to a prefix of the input (the
 * same bytes but for TYPING's non-zero byte and what follows a third
 * relay) that parses to the same.  Then the input as text (its first
 * byte picks max) is split: chunks of 1..max bytes that put together are
 * the input, each well-formed UTF-8 when the input is (checked here with
 * a decoder of our own, not the one msgr_split uses).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chatd/msgr_wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* 1 if t[0..len) is well-formed UTF-8 (RFC 3629). */
static int
utf8_ok(const uint8_t *t, size_t len)
{
	size_t		i = 0, n, k;
	uint32_t	cp;

	while (i < len) {
		if (t[i] < 0x80) {
			i++;
			continue;
		}
		if ((t[i] & 0xe0) == 0xc0) {
			n = 2;
			cp = t[i] & 0x1f;
		} else if ((t[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = t[i] & 0x0f;
		} else if ((t[i] & 0xf8) == 0xf0) {
			n = 4;
			cp = t[i] & 0x07;
		} else
			return 0;
		if (len - i < n)
			return 0;
		for (k = 1; k < n; k++) {
			if ((t[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (t[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n;
	}
	return 1;
}

static void
packet(const uint8_t *data, size_t len)
{
	static struct msgr_pkt	m, m2;
	static const struct msgr_pkt zero;
	static uint8_t		out[NC_DATA_MAX];
	int			k, w;

	k = msgr_parse(data, len, &m);
	if (k != m.kind)
		abort();
	if (k == MSGR_DROP) {
		struct msgr_pkt	z = zero;

		z.kind = MSGR_DROP;
		if (memcmp(&z, &m, sizeof(m)) != 0)
			abort();
		return;
	}
	if (len == 0 || len > NC_DATA_MAX || m.id != data[0] ||
	    m.nrelays > MSGR_RELAYS_MAX || m.len > MSGR_TEXT_MAX)
		abort();
	w = msgr_build(&m, out, sizeof(out));
	if (k == MSGR_UNKNOWN || (k == MSGR_SHARE_RELAYS && m.nrelays == 0)) {
		if (w != -1)
			abort();
		return;
	}
	if (w < 1 || (size_t)w > len || out[0] != data[0])
		abort();
	if (k == MSGR_TYPING) {
		if (w != 2 || out[1] != (data[1] != 0))
			abort();
	} else if (memcmp(out, data, (size_t)w) != 0)
		abort();
	if (msgr_parse(out, (size_t)w, &m2) != k ||
	    memcmp(&m, &m2, sizeof(m)) != 0)
		abort();
}

static void
split(const uint8_t *t, size_t len, size_t max)
{
	size_t	at = 0, c, eff;
	int	valid = utf8_ok(t, len);

	eff = max == 0 || max > MSGR_TEXT_MAX ? MSGR_TEXT_MAX : max;
	while (at < len) {
		c = msgr_split(t + at, len - at, max);
		if (c < 1 || c > eff || c > len - at)
			abort();
		/* a max below 4 may cut a character: documented */
		if (valid && eff >= 4 && !utf8_ok(t + at, c))
			abort();
		at += c;
	}
	if (at != len || msgr_split(t + at, 0, max) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	packet(data, len);
	if (len > 0)
		split(data + 1, len - 1, data[0] < 0x80 ? data[0] % 64 : 0);
	return 0;
}
