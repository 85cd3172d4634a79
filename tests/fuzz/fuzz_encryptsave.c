/*
 * toxencryptsave: detection and decryption of any input never misbehave,
 * and any input encrypts and decrypts back to itself.  The KDF (16 MiB of
 * scrypt) runs once: a fixed key stands in for every passphrase, since
 * the passphrase never reaches the parsing code.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyd/encryptsave.h"
#include "keyd/savedata.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct encsave_key	*k;
	struct profile			*p;
	uint8_t				 salt[ENCSAVE_SALT_LEN];
	uint8_t				*out, *back;
	size_t				 olen, blen;

	if (k == NULL) {
		if (sodium_init() < 0)
			abort();
		memset(salt, 0x42, sizeof(salt));
		if ((k = encsave_key_derive((const uint8_t *)"fuzz", 4,
		    salt)) == NULL)
			abort();
	}
	(void)encsave_detect(data, len);
	(void)encsave_get_salt(data, len, salt);
	if ((out = malloc(len + ENCSAVE_OVERHEAD)) == NULL)
		abort();
	if (encsave_decrypt(k, data, len, out, len, &olen) == ENCSAVE_OK) {
		if (olen + ENCSAVE_OVERHEAD != len)
			abort();
		if (savedata_parse(out, olen, &p) == SD_OK)
			profile_free(p);
	}
	if (len > 0) {
		olen = encsave_encrypt(k, data, len, out, len + ENCSAVE_OVERHEAD);
		if (olen != len + ENCSAVE_OVERHEAD ||
		    encsave_detect(out, olen) != ENCSAVE_KIND_ENCRYPTED ||
		    (back = malloc(len)) == NULL)
			abort();
		if (encsave_decrypt(k, out, olen, back, len, &blen) !=
		    ENCSAVE_OK || blen != len || memcmp(back, data, len) != 0)
			abort();
		/* one flipped bit must be caught by the MAC */
		out[olen - 1] ^= 1;
		if (encsave_decrypt(k, out, olen, back, len, &blen) !=
		    ENCSAVE_ERR_AUTH)
			abort();
		free(back);
	}
	free(out);
	return 0;
}
