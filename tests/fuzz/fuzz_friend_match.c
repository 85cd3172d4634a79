/*
 * The CLI's friend references: whatever friends are called and whatever
 * is typed, friend_match gives an index in range or a message with no
 * control byte (names and the word are neutralised), and an index it
 * gives is a friend whose name or key the word really fits.
 * Input: a count byte, then per friend a key byte (the key is that byte
 * repeated), a name length byte and the name; the rest is the word.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/hex.h"
#include "frontend/friend_match.h"

#define FRIENDS_MAX	8

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct friend_cand	 c[FRIENDS_MAX];
	uint8_t				 pk[TOX_PK_LEN];
	char				 why[512], hex[TOX_PK_HEX_LEN + 1];
	size_t				 n = 0, want, nl, i;
	uint16_t			 num;
	int				 k;

	if (len < 1)
		return 0;
	want = data[0] % (FRIENDS_MAX + 1);
	data++, len--;
	while (n < want && len >= 2) {
		memset(pk, data[0], sizeof(pk));
		nl = data[1] < len - 2 ? data[1] : len - 2;
		friend_cand_set(&c[n], (uint16_t)n, pk, data + 2, nl);
		n++;
		data += 2 + nl;
		len -= 2 + nl;
	}
	(void)friend_word((const char *)data, len, &num, pk);
	k = friend_match((const char *)data, len, c, n, why, sizeof(why));
	if (k == -1) {
		if (strnlen(why, sizeof(why)) == sizeof(why))
			abort();
		for (i = 0; why[i] != '\0'; i++)
			if ((unsigned char)why[i] < 0x20 || why[i] == 0x7f)
				abort();
		return 0;
	}
	if (k < 0 || (size_t)k >= n)
		abort();
	hex_encode(c[k].pk, TOX_PK_LEN, hex);
	if (!(strlen(c[k].name) == len &&
	    strncasecmp(c[k].name, (const char *)data, len) == 0) &&
	    !(len >= FRIEND_PREFIX_MIN && len <= TOX_PK_HEX_LEN &&
	    strncasecmp(hex, (const char *)data, len) == 0))
		abort();
	return 0;
}
