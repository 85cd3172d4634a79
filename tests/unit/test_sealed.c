/*
 * keyd's sealed-file envelope (keyd/sealed.c): a sealed file is, byte
 * for byte, magic || version || key check || nonce || secretbox as
 * sealed.h says (built here from libsodium directly, not from the
 * module); it opens to its plaintext, in place too; every refusal comes
 * in its order (too big, truncated, magic, version, key, auth) for every
 * truncation, a flip of each byte and a file one byte over the limit;
 * nothing is written to the plaintext buffer unless the MAC holds; a
 * short buffer seals nothing; and keys differ by the kind's context.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "keyd/sealed.h"

#define PLAIN_LEN	100
#define FILE_MAX	(SEALED_OVERHEAD + 200)

static const struct sealed_kind	kind = {
	.magic = "BHtest01",
	.version = 7,
	.key_ctx = "bulkhead sealed test key",
	.check_msg = "bulkhead sealed test check",
	.file_max = FILE_MAX,
};
static uint8_t	key[SEALED_KEY_LEN], plain[PLAIN_LEN];

static int
setup(void **state)
{
	size_t	i;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	sealed_key_derive(&kind, key, (const uint8_t *)"ikm", 3);
	for (i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(i * 7 + 1);
	return 0;
}

static void
seal_layout_is_the_documented_one(void **state)
{
	uint8_t	out[FILE_MAX], want[FILE_MAX], check[SEALED_CHECK_LEN];
	size_t	n;

	(void)state;
	n = sealed_seal(&kind, key, plain, sizeof(plain), out, sizeof(out));
	assert_int_equal(n, SEALED_OVERHEAD + sizeof(plain));
	memcpy(want, "BHtest01", 8);
	want[8] = 0, want[9] = 0, want[10] = 0, want[11] = 7;
	assert_int_equal(crypto_generichash(check, sizeof(check),
	    (const uint8_t *)kind.check_msg, strlen(kind.check_msg), key,
	    sizeof(key)), 0);
	memcpy(want + 12, check, sizeof(check));
	memcpy(want + 28, out + 28, SEALED_NONCE_LEN);	/* random */
	assert_int_equal(crypto_secretbox_easy(want + SEALED_HDR, plain,
	    sizeof(plain), want + 28, key), 0);
	assert_memory_equal(out, want, n);
}

static void
seal_in_place_and_fresh_nonces(void **state)
{
	uint8_t	a[FILE_MAX], b[FILE_MAX], p[PLAIN_LEN];
	size_t	n, plen;

	(void)state;
	memcpy(b + SEALED_OVERHEAD, plain, sizeof(plain));
	n = sealed_seal(&kind, key, b + SEALED_OVERHEAD, sizeof(plain), b,
	    sizeof(b));
	assert_int_equal(n, SEALED_OVERHEAD + sizeof(plain));
	assert_int_equal(sealed_seal(&kind, key, plain, sizeof(plain), a,
	    sizeof(a)), n);
	assert_memory_equal(a, b, 28);
	assert_memory_not_equal(a + 28, b + 28, SEALED_NONCE_LEN);
	assert_int_equal(sealed_open(&kind, key, b, n, p, &plen), SEALED_OK);
	assert_int_equal(plen, sizeof(plain));
	assert_memory_equal(p, plain, plen);
}

static void
open_roundtrip_and_in_place(void **state)
{
	uint8_t	f[FILE_MAX], p[FILE_MAX];
	size_t	n, plen;

	(void)state;
	n = sealed_seal(&kind, key, plain, sizeof(plain), f, sizeof(f));
	assert_int_equal(sealed_open(&kind, key, f, n, p, &plen), SEALED_OK);
	assert_int_equal(plen, sizeof(plain));
	assert_memory_equal(p, plain, plen);
	/* in place, as the history opens its own buffer */
	assert_int_equal(sealed_open(&kind, key, f, n, f + SEALED_OVERHEAD,
	    &plen), SEALED_OK);
	assert_int_equal(plen, sizeof(plain));
	assert_memory_equal(f + SEALED_OVERHEAD, plain, plen);
	/* an empty plaintext is a file too */
	n = sealed_seal(&kind, key, plain, 0, f, sizeof(f));
	assert_int_equal(n, SEALED_OVERHEAD);
	assert_int_equal(sealed_open(&kind, key, f, n, p, &plen), SEALED_OK);
	assert_int_equal(plen, 0);
}

static void
open_refusals_in_order(void **state)
{
	uint8_t		f[FILE_MAX + 1], p[FILE_MAX], other[SEALED_KEY_LEN];
	size_t		n, i, plen;
	enum sealed_err	e;

	(void)state;
	n = sealed_seal(&kind, key, plain, sizeof(plain), f, sizeof(f));
	/* every truncation: what it lacks first */
	for (i = 0; i < n; i++) {
		plen = 99;
		e = sealed_open(&kind, key, f, i, p, &plen);
		assert_int_equal(e, i < SEALED_OVERHEAD ?
		    SEALED_ERR_TRUNCATED : SEALED_ERR_AUTH);
		assert_int_equal(plen, 0);
	}
	/* every byte flipped: the field it lies in */
	for (i = 0; i < n; i++) {
		f[i] ^= 0x20;
		memset(p, 0xee, sizeof(p));
		e = sealed_open(&kind, key, f, n, p, &plen);
		assert_int_equal(e, i < 8 ? SEALED_ERR_MAGIC :
		    i < 12 ? SEALED_ERR_VERSION : i < 28 ? SEALED_ERR_KEY :
		    SEALED_ERR_AUTH);
		/* nothing reaches the plaintext buffer */
		assert_int_equal(p[0], 0xee);
		assert_int_equal(p[sizeof(plain) - 1], 0xee);
		f[i] ^= 0x20;
	}
	/* the magic is checked before a short version */
	assert_int_equal(sealed_open(&kind, key, (const uint8_t *)"BHtestXX",
	    8, p, &plen), SEALED_ERR_MAGIC);
	assert_int_equal(sealed_open(&kind, key, f, 10, p, &plen),
	    SEALED_ERR_TRUNCATED);
	/* another key */
	memcpy(other, key, sizeof(other));
	other[31] ^= 1;
	assert_int_equal(sealed_open(&kind, other, f, n, p, &plen),
	    SEALED_ERR_KEY);
	/* the size alone, before any byte is read */
	memset(f, 0, sizeof(f));
	assert_int_equal(sealed_open(&kind, key, f, FILE_MAX + 1, p, &plen),
	    SEALED_ERR_TOOBIG);
	assert_int_equal(sealed_open(&kind, key, f, FILE_MAX, p, &plen),
	    SEALED_ERR_MAGIC);
}

static void
file_max_opens(void **state)
{
	uint8_t	f[FILE_MAX], p[FILE_MAX - SEALED_OVERHEAD], big[sizeof(p)];
	size_t	n, plen;

	(void)state;
	memset(big, 0x5a, sizeof(big));
	n = sealed_seal(&kind, key, big, sizeof(big), f, sizeof(f));
	assert_int_equal(n, FILE_MAX);
	assert_int_equal(sealed_open(&kind, key, f, n, p, &plen), SEALED_OK);
	assert_int_equal(plen, sizeof(p));
	assert_memory_equal(p, big, plen);
}

static void
seal_short_buffer(void **state)
{
	uint8_t	f[FILE_MAX];
	size_t	cap;

	(void)state;
	for (cap = 0; cap < SEALED_OVERHEAD + sizeof(plain); cap++)
		assert_int_equal(sealed_seal(&kind, key, plain, sizeof(plain),
		    f, cap), 0);
	assert_int_equal(sealed_seal(&kind, key, plain, sizeof(plain), f,
	    cap), cap);
}

static void
key_derive_by_context(void **state)
{
	struct sealed_kind	k2 = kind;
	uint8_t			a[SEALED_KEY_LEN], b[SEALED_KEY_LEN];
	uint8_t			want[SEALED_KEY_LEN];
	static const uint8_t	ikm[40] = { 1, 2, 3 };

	(void)state;
	sealed_key_derive(&kind, a, ikm, sizeof(ikm));
	/* BLAKE2b of the material keyed with the context string */
	assert_int_equal(crypto_generichash(want, sizeof(want), ikm,
	    sizeof(ikm), (const uint8_t *)kind.key_ctx,
	    strlen(kind.key_ctx)), 0);
	assert_memory_equal(a, want, sizeof(a));
	k2.key_ctx = "bulkhead sealed test key 2";
	sealed_key_derive(&k2, b, ikm, sizeof(ikm));
	assert_memory_not_equal(a, b, sizeof(a));
	/* any length of material, none refused */
	sealed_key_derive(&kind, b, ikm, 0);
	assert_memory_not_equal(a, b, sizeof(a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seal_layout_is_the_documented_one),
		cmocka_unit_test(seal_in_place_and_fresh_nonces),
		cmocka_unit_test(open_roundtrip_and_in_place),
		cmocka_unit_test(open_refusals_in_order),
		cmocka_unit_test(file_max_opens),
		cmocka_unit_test(seal_short_buffer),
		cmocka_unit_test(key_derive_by_context),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
