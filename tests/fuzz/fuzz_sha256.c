/*
 * common/sha256.c against libsodium's SHA-256: whatever the bytes, and
 * however they are cut into updates (the first byte picks the piece
 * size), both sets of rounds give libsodium's digest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/sha256.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
ours(const uint8_t *p, size_t len, size_t piece, uint8_t out[SHA256_LEN])
{
	struct sha256	s;
	size_t		k;

	sha256_init(&s);
	while (len > 0) {
		k = piece > len ? len : piece;
		sha256_update(&s, p, k);
		p += k;
		len -= k;
	}
	sha256_final(&s, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	want[SHA256_LEN], got[SHA256_LEN];
	size_t	piece;
	int	portable;

	if (size < 1)
		return 0;
	piece = (size_t)data[0] + 1;
	data++;
	size--;
	crypto_hash_sha256(want, data, size);
	for (portable = 0; portable <= 1; portable++) {
		sha256_force_portable(portable);
		ours(data, size, piece, got);
		if (memcmp(got, want, sizeof(got)) != 0)
			abort();
	}
	return 0;
}
