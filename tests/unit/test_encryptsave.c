/* toxencryptsave: round trip, detection, wrong passphrase, truncation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "keyd/encryptsave.h"

static const uint8_t	plain[] = "\0\0\0\0\x1f\x1b\xed\x15 a profile body";
#define PLAIN_LEN	(sizeof(plain) - 1)
#define PASS		"correct horse"

static void
encsave_round_trip(void **state)
{
	struct encsave_key	*k, *k2;
	uint8_t			 enc[PLAIN_LEN + ENCSAVE_OVERHEAD], dec[PLAIN_LEN];
	uint8_t			 salt[ENCSAVE_SALT_LEN];
	size_t			 n, outlen;

	assert_non_null(k = encsave_key_derive((const uint8_t *)PASS,
	    strlen(PASS), NULL));
	n = encsave_encrypt(k, plain, PLAIN_LEN, enc, sizeof(enc));
	assert_int_equal(n, PLAIN_LEN + ENCSAVE_OVERHEAD);
	assert_memory_equal(enc, "toxEsave", 8);
	assert_memory_equal(enc + 8, k->salt, 32);
	assert_int_equal(encsave_detect(enc, n), ENCSAVE_KIND_ENCRYPTED);
	assert_int_equal(encsave_get_salt(enc, n, salt), 0);
	assert_memory_equal(salt, k->salt, sizeof(salt));

	/* with the kept key, and again from the passphrase alone */
	assert_int_equal(encsave_decrypt(k, enc, n, dec, sizeof(dec), &outlen),
	    ENCSAVE_OK);
	assert_int_equal(outlen, PLAIN_LEN);
	assert_memory_equal(dec, plain, PLAIN_LEN);
	memset(dec, 0, sizeof(dec));
	assert_int_equal(encsave_decrypt_pass((const uint8_t *)PASS,
	    strlen(PASS), enc, n, dec, sizeof(dec), &outlen, &k2), ENCSAVE_OK);
	assert_memory_equal(dec, plain, PLAIN_LEN);
	/* the same passphrase and salt give the same key */
	assert_memory_equal(k2->key, k->key, sizeof(k->key));
	encsave_key_free(k);
	encsave_key_free(k2);
}

/* A known answer from toxencryptsave's KDF: libtoxcore and this code must
 * agree, checked in tests/interop as well; here it pins the parameters. */
static void
encsave_kdf_parameters(void **state)
{
	struct encsave_key	*k;
	uint8_t			 salt[32], pre[32], expect[32];

	memset(salt, 0x5a, sizeof(salt));
	assert_non_null(k = encsave_key_derive((const uint8_t *)"pw", 2, salt));
	crypto_hash_sha256(pre, (const uint8_t *)"pw", 2);
	assert_int_equal(crypto_pwhash_scryptsalsa208sha256_ll(pre, 32, salt,
	    32, 16384, 8, 2, expect, 32), 0);	/* N=2^14, r=8, p=2 */
	assert_memory_equal(k->key, expect, 32);
	encsave_key_free(k);
}

static void
encsave_wrong_passphrase(void **state)
{
	struct encsave_key	*k, *k2 = (void *)1;
	uint8_t			 enc[PLAIN_LEN + ENCSAVE_OVERHEAD], dec[PLAIN_LEN];
	size_t			 n, outlen;

	k = encsave_key_derive((const uint8_t *)PASS, strlen(PASS), NULL);
	n = encsave_encrypt(k, plain, PLAIN_LEN, enc, sizeof(enc));
	assert_int_equal(encsave_decrypt_pass((const uint8_t *)"wrong", 5,
	    enc, n, dec, sizeof(dec), &outlen, &k2), ENCSAVE_ERR_AUTH);
	assert_null(k2);
	assert_int_equal(outlen, 0);
	/* empty passphrase is a passphrase too (c-toxcore allows it) */
	assert_int_equal(encsave_decrypt_pass((const uint8_t *)"", 0,
	    enc, n, dec, sizeof(dec), &outlen, NULL), ENCSAVE_ERR_AUTH);
	encsave_key_free(k);
}

static void
encsave_truncation_and_damage(void **state)
{
	struct encsave_key	*k;
	uint8_t			 enc[PLAIN_LEN + ENCSAVE_OVERHEAD], dec[PLAIN_LEN];
	size_t			 n, cut, outlen;

	k = encsave_key_derive((const uint8_t *)PASS, strlen(PASS), NULL);
	n = encsave_encrypt(k, plain, PLAIN_LEN, enc, sizeof(enc));
	/* header and MAC but no byte of ciphertext: truncated, no KDF run */
	for (cut = 8; cut <= ENCSAVE_OVERHEAD; cut++)
		assert_int_equal(encsave_decrypt_pass((const uint8_t *)PASS,
		    strlen(PASS), enc, cut, dec, sizeof(dec), &outlen, NULL),
		    ENCSAVE_ERR_TRUNCATED);
	/* cut inside the ciphertext: the MAC fails */
	for (cut = ENCSAVE_OVERHEAD + 1; cut < n; cut++)
		assert_int_equal(encsave_decrypt(k, enc, cut, dec, sizeof(dec),
		    &outlen), ENCSAVE_ERR_AUTH);
	/* one flipped bit anywhere after the salt */
	for (cut = 40; cut < n; cut++) {
		enc[cut] ^= 0x10;
		assert_int_equal(encsave_decrypt(k, enc, n, dec, sizeof(dec),
		    &outlen), ENCSAVE_ERR_AUTH);
		enc[cut] ^= 0x10;
	}
	assert_int_equal(encsave_decrypt(k, enc, n, dec, sizeof(dec), &outlen),
	    ENCSAVE_OK);
	encsave_key_free(k);
}

static void
encsave_detects_kinds(void **state)
{
	uint8_t	dec[64];
	size_t	outlen;

	assert_int_equal(encsave_detect(plain, PLAIN_LEN), ENCSAVE_KIND_PLAIN);
	assert_int_equal(encsave_detect((const uint8_t *)"toxEsav", 7),
	    ENCSAVE_KIND_UNKNOWN);
	assert_int_equal(encsave_detect((const uint8_t *)"garbage!!", 9),
	    ENCSAVE_KIND_UNKNOWN);
	assert_int_equal(encsave_detect(plain, 7), ENCSAVE_KIND_UNKNOWN);
	assert_int_equal(encsave_detect(NULL, 0), ENCSAVE_KIND_UNKNOWN);
	assert_int_equal(encsave_decrypt_pass((const uint8_t *)"x", 1, plain,
	    PLAIN_LEN, dec, sizeof(dec), &outlen, NULL),
	    ENCSAVE_ERR_NOT_ENCRYPTED);
}

static void
encsave_refuses_empty_and_short_output(void **state)
{
	struct encsave_key	*k;
	uint8_t			 enc[PLAIN_LEN + ENCSAVE_OVERHEAD];

	k = encsave_key_derive((const uint8_t *)PASS, strlen(PASS), NULL);
	assert_int_equal(encsave_encrypt(k, plain, 0, enc, sizeof(enc)), 0);
	assert_int_equal(encsave_encrypt(k, plain, PLAIN_LEN, enc,
	    sizeof(enc) - 1), 0);
	encsave_key_free(k);
}

static int
init(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encsave_round_trip),
		cmocka_unit_test(encsave_kdf_parameters),
		cmocka_unit_test(encsave_wrong_passphrase),
		cmocka_unit_test(encsave_truncation_and_damage),
		cmocka_unit_test(encsave_detects_kinds),
		cmocka_unit_test(encsave_refuses_empty_and_short_output),
	};

	return cmocka_run_group_tests(tests, init, NULL);
}
