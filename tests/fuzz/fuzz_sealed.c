/*
 * keyd's sealed-file envelope: any bytes as a whole file never
 * misbehave, open apart and in place alike, and what opens is exactly
 * the file less its header and MAC, and seals back under the same
 * header.  The same bytes as a plaintext seal, open back to themselves,
 * and with any one byte flipped are refused by the field it lies in.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyd/sealed.h"

#define FILE_MAX	(SEALED_OVERHEAD + 65536)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct sealed_kind	kind = {
	.magic = "BHfuzzed",
	.version = 1,
	.key_ctx = "bulkhead sealed fuzz key",
	.check_msg = "bulkhead sealed fuzz check",
	.file_max = FILE_MAX,
};
static uint8_t	key[SEALED_KEY_LEN];
static uint8_t	*plain, *file, *copy;

/* What a flipped byte at i must be refused as. */
static enum sealed_err
flipped(size_t i)
{
	return i < 8 ? SEALED_ERR_MAGIC : i < 12 ? SEALED_ERR_VERSION :
	    i < 28 ? SEALED_ERR_KEY : SEALED_ERR_AUTH;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	enum sealed_err	e, e2;
	size_t		plen, plen2, flen, i;

	if (plain == NULL) {
		if (sodium_init() < 0)
			abort();
		sealed_key_derive(&kind, key, (const uint8_t *)"fuzz", 4);
		if ((plain = malloc(FILE_MAX)) == NULL ||
		    (file = malloc(FILE_MAX)) == NULL ||
		    (copy = malloc(FILE_MAX + 1)) == NULL)
			abort();
	}
	/* As a whole file (seeds hold files sealed under the fuzz key). */
	e = sealed_open(&kind, key, data, len, plain, &plen);
	if (e != SEALED_OK && plen != 0)
		abort();
	if (e == SEALED_OK) {
		if (plen != len - SEALED_OVERHEAD ||
		    (flen = sealed_seal(&kind, key, plain, plen, file,
		    FILE_MAX)) != len || memcmp(file, data, 28) != 0)
			abort();
	}
	if (len <= FILE_MAX + 1) {
		/* in place: the same verdict and the same plaintext */
		memcpy(copy, data, len);
		e2 = sealed_open(&kind, key, copy, len,
		    copy + SEALED_OVERHEAD, &plen2);
		if (e2 != e || plen2 != plen || (e == SEALED_OK &&
		    memcmp(copy + SEALED_OVERHEAD, plain, plen) != 0))
			abort();
	}
	/* As a plaintext. */
	if (len > FILE_MAX - SEALED_OVERHEAD)
		return 0;
	if ((flen = sealed_seal(&kind, key, data, len, file, FILE_MAX)) !=
	    len + SEALED_OVERHEAD ||
	    sealed_open(&kind, key, file, flen, plain, &plen) != SEALED_OK ||
	    plen != len || memcmp(plain, data, len) != 0)
		abort();
	i = len > 0 ? (data[0] | (size_t)data[len - 1] << 8) % flen : 0;
	file[i] ^= 1;
	if (sealed_open(&kind, key, file, flen, plain, &plen) != flipped(i))
		abort();
	return 0;
}
